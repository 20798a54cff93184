use super::*;

#[test]
fn printable_lines_checks_every_byte() {
    for b in 0u8..=255 {
        for at in [0usize, 5, 4095, 4096, 9000] {
            let mut t = vec![b'a'; 9001];
            t[at] = b;
            let ok = b == b'\n' || (0x20..0x7f).contains(&b);
            assert_eq!(printable_lines(&t), ok, "byte {b:#x} at {at}");
        }
    }
    assert!(printable_lines(b""));
}

/// The fast path either declines or builds what the general path builds.
fn same(text: &str) -> bool {
    match parse(text, Limits::default()) {
        None => false,
        Some(fast) => {
            let general = super::super::parse_general(text, Limits::default());
            assert_eq!(Ok(Some(fast)), general, "{text:?}");
            true
        }
    }
}

#[test]
fn inventory_shapes_take_the_fast_path() {
    for t in [
        "---\n# c\nall:\n  children:\n    g1:\n      hosts:\n        h1:\n          a: 1   # x\n          b: \"q\"\n          c: 's'\n        h2: {}\n        h3:\n        h4:   \n    g2:\n\n  vars:\n    x: []\n",
        "a:\n  b:\n    c: 1\n  # comment\n\n# c2\n  d: 2\n# end\n\n",
        "a:\n  b: x y  \n  e: -1\n  f: a#b\n  g: rng[01:20]-x:y",
        "# only\n---\na: 1\n",
        "a:\n",
        "  a: 1\n  b:\n",
        "a: ''\nb: \"\"\nc: yes\nd: 0755\ne: 2024-01-01\n~: x\n",
        "h:\n  web01: {ansible_host: 10.0.0.1, port: 22}\n  web02: { a: -1 }   # c\n  w3: {a: 1,b: yes}\n",
    ] {
        assert!(same(t), "declined {t:?}");
    }
}

/// Values the line scanner does not read itself, parsed alone by saphyr
/// and spliced in: the file still takes the fast path.
#[test]
fn other_values_are_read_in_pieces() {
    for t in [
        "a:\n- b\n",
        "a: !!str 1\n",
        "a: |\n  text\n",
        "a: [1]\n",
        "a: b\n  c\n",
        "a: 'it''s'\n",
        "a: \"e\\n\"\n",
        "é: 1\n",
        "h:\n  ansible_host: \"10.0.0.1\"\n  dns: [10.0.0.2, 10.0.0.3]\n  gpus:\n    - \"A100\"\n    - \"H100\"\n  mounts:\n  - path: /data\n    size: 1\n  motd: \"a\\tb \\u00e9\"\n  # équipe réseau\n  pw: !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n    6231\n  cert: |\n    -----BEGIN-----\n    MIIB\n\n  next: 1\n",
        "a:\n  b: [1,\n    2]\n  c: 'x\n    y'\nd: >\n  folded\n  text\n",
        "a:\n  - 1\n  # c\n  - 2\n# c\nb: 2\n",
        "a: 1\n  # deeper comment\nb: 2\n",
    ] {
        assert!(same(t), "declined {t:?}");
    }
}

#[test]
fn everything_else_is_declined() {
    for t in [
        "",
        "# only a comment\n",
        "---\n",
        "a: 1\n...\n",
        "a: 1\n---\nb: 2\n",
        "- a\n",
        "a: &x 1\nb: *x\n",
        "\"a\": 1\n",
        "a:\tb\n",
        "a: b\r\n",
        "a: b: c\n",
        "a:\n  b: 1\n c: 2\n",
        "a: 1\n  b: 2\n",
        "? a\n: b\n",
        "%YAML 1.1\n---\na: 1\n",
        // pieces that only the whole file can read
        "a: &x\n  b: 1\n",
        "a: *x\n",
        "a: - b\n",
        "a: {b: 1}: c\n",
        "a: |2\n   x\n",
        "a: |\n# c\n  x\n",
        "a: |\n\nb: 1\n",
        "a: x\n- b\n",
        "a:\n  x\n- b\n",
        "a: b\u{2028}c\n",
        "a: \u{feff}b\n",
        "a: b\u{85}\n",
    ] {
        assert!(!same(t), "accepted {t:?}");
    }
}

#[test]
fn shipped_and_shared_inventories_agree_with_the_general_path() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fast = 0;
    for dir in [root.join("examples"), root.join("../shared/corpus")] {
        for e in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            let is_yaml = e
                .path()
                .extension()
                .is_some_and(|x| x == "yml" || x == "yaml");
            if is_yaml && e.file_type().is_file() {
                if let Ok(text) = std::fs::read_to_string(e.path()) {
                    fast += usize::from(same(&text));
                }
            }
        }
    }
    assert!(fast > 10, "only {fast} files took the fast path");
}

#[test]
fn deep_nesting_is_left_to_the_general_path() {
    let mut t = String::new();
    for i in 0..300 {
        t.push_str(&" ".repeat(i));
        t.push_str("k:\n");
    }
    assert!(parse(&t, Limits::default()).is_none());
}

/// Random line-based documents from nasty pieces: wherever the fast path
/// accepts, the general path must agree exactly.
#[test]
fn random_documents_agree_with_the_general_path() {
    let indents = [0usize, 0, 2, 2, 4, 4, 6, 1, 3, 8];
    let keys = [
        "a",
        "b c",
        "k#x",
        "k #x",
        "rng[1:3]",
        "x:y",
        "-a",
        "yes",
        "~",
        "'q'",
        "\"d\"",
        "0755",
        "k ",
        "<<",
        "a{b}",
        "a,b",
        "a]",
        "h-1.example.int",
        "null",
        "",
        "? k",
    ];
    let seps = [": ", ":", ":  ", " : ", ":   # c", ":x "];
    let values = [
        "",
        "1",
        "x y",
        "'s'",
        "\"d\"",
        "{}",
        "[]",
        "{ }",
        "{a: 1}",
        "{a: 1, b: x}",
        "{ a: 1 , b: -x }",
        "{a: 1,}",
        "{a: 1}  # c",
        "{a: 1}#c",
        "{a:1}",
        "{a: b: c}",
        "{a: [1]}",
        "{a: 'q'}",
        "{a: 1, a: 2}",
        "{a}",
        "{a: }",
        "{a: 1} x",
        "{a: x y}",
        "{a: 1",
        "{a: 1}}",
        "{- : 1}",
        "{yes: ~, null: .inf}",
        "- x",
        "# c",
        "a #c",
        "a: b",
        "b:",
        "'it''s'",
        "\"e\\n\"",
        "&a x",
        "*a",
        "!!str x",
        "|",
        ">-",
        "-1",
        "- ",
        "2024-01-01",
        "null",
        "x  ",
        "{}  # c",
        "[] x",
        "'a' b",
        "\"\"",
        "''",
        "a:b",
        "-",
        "?x",
        ":x",
        "%x",
        "@x",
        "a  #",
        "0x1F",
        "1_000",
        "12:30",
        ".inf",
        "=",
        "on",
        "!vault |",
        "|+",
        "|2",
        ">1-",
        "|-",
        "\"é\\u00e9 \\\" q\"",
        "\"multi",
        "'multi",
        "[a,",
        "{a: 1,",
        "[a, [b, c]]",
        "{a: {b: 1}}",
        "[a, b]  # c",
        "!!int 3",
        "!custom x",
        "&anchor",
        "ü",
        "x # ü",
        "\"a\" x",
        "[a]: b",
        "{a: 1}: b",
        "[a, b]",
        "[10.0.0.1, x-y]  # c",
        "[a,b]",
        "[ a ]",
        "[a, b,]",
        "[a: b]",
        "[a, 'b']",
    ];
    let extras = [
        "",
        "# c",
        "  # c",
        "---",
        "...",
        "- item",
        "   ",
        "x",
        "--- a",
        "  - item",
        "    - a: 1",
        "      b: 2",
        "  - - x",
        "-",
        "  -",
        "    text",
        "  more text",
        "\"multi",
        "  line\"",
        "  'it''s",
        "  done'",
        "  [a,",
        "   b]",
        "  {a: 1,",
        "   b: 2}",
        "  # ü",
        "  é: 1",
        "    $ANSIBLE_VAULT;1.1;AES256",
        "      deeper",
        "\t- x",
        "  - \"e\\t\"",
        "  - &a x",
        "  - *a",
        "  ? k",
        "  : v",
        "  - a: 1",
        "    b: x",
        "    c:",
        "- k: \"q\"",
        "  k: [a, b]",
        "  - {a: 1}",
        "  - [a, b]",
    ];
    let mut seed: u64 = std::env::var("FAST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut accepted = 0;
    for _ in 0..std::env::var("FAST_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000usize)
    {
        let mut doc = String::new();
        for _ in 0..1 + next(10) {
            if next(6) == 0 {
                doc.push_str(extras[next(extras.len())]);
            } else {
                doc.push_str(&" ".repeat(indents[next(indents.len())]));
                doc.push_str(keys[next(keys.len())]);
                doc.push_str(seps[next(seps.len())]);
                doc.push_str(values[next(values.len())]);
            }
            if next(20) != 0 {
                doc.push('\n');
            }
        }
        if same(&doc) {
            accepted += 1;
        }
    }
    assert!(
        accepted > 5_000,
        "only {accepted} documents took the fast path"
    );
}
/// `scripts/gen-inventory --shape realistic` writes the YAML real
/// inventories carry: every file of it agrees with the general path, and
/// every `hosts.yml` takes the fast path.
#[test]
fn realistic_generated_inventories_agree_with_the_general_path() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("gi-fast-realistic-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = std::process::Command::new("python3")
        .arg(root.join("scripts/gen-inventory"))
        .args(["600", out.to_str().unwrap(), "--shape", "realistic"])
        .status()
        .expect("python3 runs scripts/gen-inventory");
    assert!(status.success());
    let mut hosts_files = 0;
    for e in walkdir::WalkDir::new(&out).into_iter().flatten() {
        if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "yml") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let fast = same(&text);
            if e.file_name() == "hosts.yml" {
                assert!(fast, "{} declined", e.path().display());
                hosts_files += 1;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(hosts_files, 3);
}
