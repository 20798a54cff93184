use super::big::Big;
use super::range::zfill;
use super::*;

#[test]
fn plain_hostnames_are_what_the_full_parser_accepts() {
    let alphabet = ['a', 'Z', '1', '_', '-', '.'];
    let mut shown = 0;
    for len in 1..=7u32 {
        for mut n in 0..(alphabet.len() as u64).pow(len) {
            let mut s = String::new();
            for _ in 0..len {
                s.push(alphabet[(n % alphabet.len() as u64) as usize]);
                n /= alphabet.len() as u64;
            }
            let reference = !s.is_empty()
                && s.split('.').all(|label| {
                    let b = label.as_bytes();
                    match (b.first(), b.last()) {
                        (Some(&f), Some(&l)) => {
                            f != b'-'
                                && l != b'-'
                                && l != b'_'
                                && b.iter()
                                    .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                        }
                        _ => false,
                    }
                });
            assert_eq!(plain_hostname(&s), reference, "{s:?}");
            if plain_hostname(&s) {
                shown += 1;
                assert!(
                    matches!(parse_address(&s, true), Ok((ref h, None)) if *h == s),
                    "{s:?} passes the quick check but the parser says otherwise"
                );
            }
        }
    }
    assert!(shown > 10_000);
}
use std::time::{Duration, Instant};

const LIMIT: usize = 1000;

fn exp(pattern: &str) -> Result<(Vec<String>, Option<u64>), RangeError> {
    expand_hostpattern(pattern, LIMIT)
}

fn names(pattern: &str) -> Vec<String> {
    match exp(pattern) {
        Ok((names, _)) => names,
        Err(e) => panic!("{pattern:?} failed: {e}"),
    }
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn ansible_docs_examples() {
    // docs.ansible.com "How to build your inventory".
    let www = names("www[01:50].example.com");
    assert_eq!(www.len(), 50);
    assert_eq!(www.first().map(String::as_str), Some("www01.example.com"));
    assert_eq!(www.last().map(String::as_str), Some("www50.example.com"));
    let stepped = names("www[01:50:2].example.com");
    assert_eq!(stepped.len(), 25);
    assert_eq!(
        stepped.get(1).map(String::as_str),
        Some("www03.example.com")
    );
    assert_eq!(
        names("db-[a:f].example.com"),
        v(&[
            "db-a.example.com",
            "db-b.example.com",
            "db-c.example.com",
            "db-d.example.com",
            "db-e.example.com",
            "db-f.example.com"
        ])
    );
    assert_eq!(
        exp("badwolf.example.com:5309"),
        Ok((v(&["badwolf.example.com"]), Some(5309)))
    );
    // parse_address's docstring example `foo[0:5]-bar[x-z]`: `x-z` is no range.
    assert!(!is_recognised_host("foo[0:5]-bar[x-z]"));
    assert_eq!(exp("foo[0:5]-bar[x-z]"), Err(RangeError::BoundsCount));
    assert_eq!(names("foo[1:3]"), v(&["foo1", "foo2", "foo3"]));
}

#[test]
fn brief_examples() {
    assert_eq!(
        names("www[01:03].example.com"),
        v(&[
            "www01.example.com",
            "www02.example.com",
            "www03.example.com"
        ])
    );
    assert_eq!(
        names("db-[a:c].example.com"),
        v(&["db-a.example.com", "db-b.example.com", "db-c.example.com"])
    );
    assert_eq!(names("node[1:10:4]"), v(&["node1", "node5", "node9"]));
    assert_eq!(
        names("rack[a:b]-[1:2]"),
        v(&["racka-1", "racka-2", "rackb-1", "rackb-2"])
    );
    // Empty begin means 0; the key is not recognised but still expanded.
    assert!(!is_recognised_host("x[:2]"));
    assert_eq!(names("x[:2]"), v(&["x0", "x1", "x2"]));
    assert_eq!(exp("host1:2222"), Ok((v(&["host1"]), Some(2222))));
    assert_eq!(
        parse_address("[2001:db8::1]:2200", false),
        Ok(("2001:db8::1".to_string(), Some(2200)))
    );
    assert_eq!(exp("2001:db8::2"), Ok((v(&["2001:db8::2"]), None)));
    assert_eq!(
        names("10.0.0.[1:3]"),
        v(&["10.0.0.1", "10.0.0.2", "10.0.0.3"])
    );
    assert_eq!(
        parse_address("10.0.0.[1:3]", false),
        Err(AddressError::RangeNotAllowed)
    );
    for verbatim in ["10.0.0.10 10.0.0.20", "web 02"] {
        assert!(!is_recognised_host(verbatim));
        assert_eq!(
            parse_address(verbatim, true),
            Err(AddressError::NotValid(verbatim.to_string()))
        );
        assert_eq!(exp(verbatim), Ok((v(&[verbatim]), None)));
    }
    assert_eq!(exp("[01:3]"), Err(RangeError::UnequalWidth));
    assert_eq!(exp("h[1:]"), Err(RangeError::MissingEnd));
    assert_eq!(exp("h[1:2:0]"), Err(RangeError::ZeroStep));
    // A backwards numeric range silently gives no host at all.
    assert_eq!(exp("h[3:1]"), Ok((Vec::new(), None)));
    assert_eq!(names("h[x:B]"), v(&["hx", "hy", "hz", "hA", "hB"]));
    // "ab" is found at index 0 of ascii_letters.
    assert!(!is_recognised_host("h[ab:c]"));
    assert_eq!(names("h[ab:c]"), v(&["ha", "hb", "hc"]));
    assert_eq!(exp("a|b[1:2]"), Err(RangeError::Unpack { parts: 4 }));
    assert_eq!(exp("h[1:2"), Err(RangeError::Unpack { parts: 2 }));
    assert_eq!(exp("host_"), Ok((v(&["host_"]), None)));
    assert!(!is_recognised_host("host_"));
    assert!(!is_recognised_host("-host"));
    assert!(is_recognised_host("_host"));
    assert_eq!(exp("1234"), Ok((v(&["1234"]), None)));
    assert!(is_recognised_host("1234"));
}

#[test]
fn too_many_is_refused_without_expanding() {
    let start = Instant::now();
    assert_eq!(
        exp("h[0:99999999]"),
        Err(RangeError::TooMany { count: 100_000_000 })
    );
    assert_eq!(
        exp("h[1:100][1:100]"),
        Err(RangeError::TooMany { count: 10_000 })
    );
    let huge = format!("h[0:{}]", "9".repeat(4000));
    assert_eq!(exp(&huge), Err(RangeError::TooMany { count: u128::MAX }));
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(
        expand_hostpattern("h[1:1000]", 1000).map(|r| r.0.len()),
        Ok(1000)
    );
    assert_eq!(
        expand_hostpattern("h[1:1001]", 1000),
        Err(RangeError::TooMany { count: 1001 })
    );
    // An error in a later range wins (Ansible fails on it).
    assert_eq!(exp("h[0:99999999][x]"), Err(RangeError::BoundsCount));
    // An empty later range makes everything empty, errors after it unseen.
    assert_eq!(exp("h[0:99999999][3:1][x]"), Ok((Vec::new(), None)));
}

#[test]
fn unicode_hostnames() {
    assert!(is_recognised_host("bücher.example"));
    assert!(is_recognised_host("中文.例子"));
    assert!(is_recognised_host("сервер-[1:2].пример"));
    assert_eq!(
        names("сервер-[1:2].пример"),
        v(&["сервер-1.пример", "сервер-2.пример"])
    );
    // Python's \w rejects combining marks such as Devanagari vowel signs.
    assert!(is_recognised_host("क"));
    assert!(!is_recognised_host("हिंदी"));
    assert_eq!(exp("हिंदी:22"), Ok((v(&["हिंदी:22"]), None)));
    // Under re.IGNORECASE `[a-z]` matches the dotless i, the long s, ...
    assert!(is_recognised_host("h[ſ:z]"));
    assert_eq!(exp("h[ſ:z]"), Err(RangeError::InvalidLiteral("ſ".into())));
    // int() reads any decimal digit and strips Unicode whitespace.
    assert_eq!(names("h[١:٣]"), v(&["h1", "h2", "h3"]));
    assert_eq!(names("h[\u{3000}1 :３]"), v(&["h1", "h2", "h3"]));
    assert_eq!(
        exp("h[\u{1c}1:2]"),
        Err(RangeError::InvalidLiteral("\u{1c}1".into()))
    );
}

#[test]
fn python_quirks() {
    // Both port patterns apply, one after the other.
    assert_eq!(parse_address("[a:22]:33", true), Ok(("a".into(), Some(22))));
    // `$` matches before a final newline, which stays in the host.
    assert_eq!(parse_address("web1\n", false), Ok(("web1\n".into(), None)));
    assert_eq!(
        parse_address("web1:22\n", false),
        Ok(("web1".into(), Some(22)))
    );
    assert!(!is_recognised_host("web1\n\n"));
    // Without `]`, a literal `|` closes the range.
    assert_eq!(names("a[1:2|b"), v(&["a1b", "a2b"]));
    assert_eq!(exp("a]b[1:2"), Err(RangeError::BoundsCount));
    // int() niceties and Python's range() with end + 1.
    assert_eq!(names("h[ 1 : 1_0 :3]"), v(&["h1", "h4", "h7", "h10"]));
    assert_eq!(names("h[5:1:-2]"), v(&["h5", "h3"]));
    assert_eq!(names("h[3:1:-1]"), v(&["h3"]));
    assert_eq!(names("h[-2:0]"), v(&["h-2", "h-1", "h0"]));
    assert_eq!(names("h[00:-3:-1]"), v(&["h00", "h-1"]));
    assert_eq!(exp("h[a:c:-1]"), Ok((Vec::new(), None)));
    assert_eq!(exp("h[c:a]"), Err(RangeError::BeginAfterEnd));
    assert_eq!(exp("h[a:1]"), Err(RangeError::InvalidLiteral("a".into())));
    assert_eq!(exp("h[1:2:3:4]"), Err(RangeError::BoundsCount));
    assert_eq!(exp("h[1:1_]"), Err(RangeError::InvalidLiteral("1_".into())));
    // Big numbers work as in Python.
    let big = "9".repeat(45);
    assert_eq!(names(&format!("h[{big}:{big}]")), v(&[&format!("h{big}")]));
    assert_eq!(exp(&format!("h[1:2:{big}]")), Ok((v(&["h1"]), None)));
    assert_eq!(
        exp(&format!("h[{}:1]", "1".repeat(4301))),
        Err(RangeError::IntTooLong { digits: 4301 })
    );
    // Ports.
    assert_eq!(
        parse_address("h:18446744073709551616", true),
        Err(AddressError::PortOutOfRange {
            host: "h".into(),
            port: "18446744073709551616".into()
        })
    );
    assert!(is_recognised_host("h:18446744073709551616"));
    assert_eq!(
        exp("h[1:2]:0018446744073709551616"),
        Err(RangeError::PortOutOfRange("18446744073709551616".into()))
    );
    let long_port = format!("[::1]:{}", "1".repeat(4301));
    assert!(!is_recognised_host(&long_port));
    // Taken verbatim, hence read as the range "::1" (with empty end).
    assert_eq!(exp(&long_port), Err(RangeError::MissingEnd));
    assert_eq!(exp("h:007"), Ok((v(&["h"]), Some(7))));
    // Nested ranges beyond Python's recursion limit.
    let deep = format!("h{}", "[1:1]".repeat(MAX_RANGE_DEPTH));
    assert_eq!(
        names(&deep),
        vec![format!("h{}", "1".repeat(MAX_RANGE_DEPTH))]
    );
    let deeper = format!("h{}", "[1:1]".repeat(MAX_RANGE_DEPTH + 1));
    assert_eq!(
        exp(&deeper),
        Err(RangeError::TooDeep {
            depth: MAX_RANGE_DEPTH + 1
        })
    );
}

#[test]
fn ip_addresses() {
    for ok in [
        "::",
        "::1",
        "1::",
        "1:2:3:4:5:6:7:8",
        "1::3:4:5:6:7:8",
        "1:2:3:4:5:6::8",
        "FE80::1",
        "fe80::[1:9]",
        "::ffff:192.0.2.3",
        "::192.0.2.3",
        "0:0:0:0:0:0:10.1.2.3",
        "0:0:0:0:0:FFFF:10.1.2.3",
        "::ffff:abcd.ef.1.2",
        "255.255.255.255",
        "099.0.0.[1:254]",
    ] {
        assert!(is_recognised_host(ok), "{ok:?}");
    }
    // Ansible's regex misses two valid IPv6 forms (seven groups and `::`).
    for bad in [
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        ":::",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::",
        "::ffff:1.2.3",
        "[::1]",
    ] {
        assert!(!is_recognised_host(bad), "{bad:?}");
    }
    // Not an IPv4 address, but a valid hostname.
    assert!(is_recognised_host("256.1.1.1"));
    // A bracketed address without port is no address: Ansible then tries
    // to expand it as a range, and fails.
    assert_eq!(exp("[::1]"), Err(RangeError::MissingEnd));
    // Hexadecimal ranges are recognised in IPv6, but expanded like Ansible.
    assert!(is_recognised_host("fe80::[1a:2b]"));
    assert_eq!(
        exp("fe80::[1a:2b]"),
        Err(RangeError::InvalidLiteral("1a".into()))
    );
}

/// Cases taken from the differential run against ansible-core.
#[test]
fn differential_samples() {
    // A hexadecimal IPv6 range, expanded as a letter range f..F.
    let v6 = names("::477:39A2:[f:F]:e449");
    assert_eq!(v6.len(), 27);
    assert_eq!(v6.get(1).map(String::as_str), Some("::477:39A2:g:e449"));
    // Not recognised (a label cannot start with '.'), so the port stays in.
    assert_eq!(
        exp(".182.[05:11].250:22").map(|(n, p)| (n.len(), n.into_iter().next(), p)),
        Ok((7, Some(".182.05.250:22".to_string()), None))
    );
    // Brackets inside the bracketed host part.
    assert_eq!(
        exp("[[7:9]29xa.b2cba]:65536"),
        Ok((
            v(&["729xa.b2cba", "829xa.b2cba", "929xa.b2cba"]),
            Some(65536)
        ))
    );
}

#[test]
fn pathological_inputs_are_fast_and_panic_free() {
    let start = Instant::now();
    let inputs = [
        "[".repeat(100_000),
        "]".repeat(100_000),
        "[:".repeat(50_000),
        ":".repeat(100_000),
        "a.".repeat(50_000),
        "a-".repeat(50_000),
        "[a:b]".repeat(20_000),
        "[1:1]".repeat(20_000),
        "[1:2]".repeat(20_000),
        format!("[{}]:{}", "a".repeat(100_000), "9".repeat(100_000)),
        format!("h[{}:{}]", "1_".repeat(50_000), "٣".repeat(50_000)),
        format!(
            "h[-{}:{}:-{}]",
            "9".repeat(4300),
            "9".repeat(4300),
            "1".repeat(4300)
        ),
        "1:".repeat(50_000),
        "|".repeat(100_000),
        "\n".repeat(10),
        "ſ[".repeat(1000),
    ];
    for input in &inputs {
        let _ = expand_hostpattern(input, LIMIT);
        let _ = expand_hostname_range(input, LIMIT);
        let _ = parse_address(input, false);
        let _ = is_recognised_host(input);
    }
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn big_integers() {
    let a = Big::from_decimal(false, &[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b = Big::from_u128(1);
    assert_eq!(a.sub(&b).to_string(), "9999999999");
    assert_eq!(b.sub(&a).to_string(), "-9999999999");
    assert_eq!(a.sub(&a).to_string(), "0");
    assert_eq!(a.mul(&a).to_string(), "100000000000000000000");
    assert_eq!(Big::from_u128(u128::MAX).to_u128(), Some(u128::MAX));
    assert_eq!(zfill("-1".into(), Some(3)), "-01");
    assert_eq!(zfill("5".into(), Some(3)), "005");
}

#[test]
fn error_messages() {
    assert_eq!(
        AddressError::NotValid("web 02".into()).to_string(),
        "Not a valid network hostname: web 02"
    );
    assert_eq!(
        RangeError::Unpack { parts: 2 }.to_string(),
        "not enough values to unpack (expected 3, got 2)"
    );
    assert_eq!(
        RangeError::MissingEnd.to_string(),
        "host range must specify end value"
    );
}
