//! `parse_address` and the regexes it uses (`bracketed_hostport`,
//! `hostport`, `ipv4`, `ipv6`, `hostname`) as hand-made linear matchers.

use super::error::AddressError;
use super::limits::PY_INT_MAX_STR_DIGITS;
use super::unicode::is_word_char;

/// A port as Python's `int()` produced it.
enum Port {
    Small(u64),
    /// Does not fit in a `u64`: decimal digits without leading zeros.
    Big(String),
}

/// Result of `parse_address`: host part (ranges still unexpanded) and optional port.
///
/// Mirrors `ansible.parsing.utils.addresses.parse_address(address, allow_ranges)`:
/// a `[host]:port` or `host:port` suffix is split off (both patterns are
/// tried, the second on the result of the first), then what is left must be
/// an IPv4 address, an IPv6 address or a hostname, any of which may contain
/// `[x:y(:z)]` ranges. Ranges are refused with
/// [`AddressError::RangeNotAllowed`] unless `allow_ranges` is true.
///
/// A port that Ansible accepts but that does not fit in a `u64` is reported
/// as [`AddressError::PortOutOfRange`] (which carries host and port).
pub fn parse_address(
    address: &str,
    allow_ranges: bool,
) -> Result<(String, Option<u64>), AddressError> {
    let mut host = address;
    let mut port = None;
    if let Some((h, digits)) = match_bracketed_hostport(host) {
        port = Some(convert_port(digits)?);
        host = h;
    }
    if let Some((h, digits)) = match_hostport(host) {
        port = Some(convert_port(digits)?);
        host = h;
    }

    let t = before_final_newline(host);
    if !(is_ipv4(t) || is_ipv6(t) || is_hostname(t)) {
        return Err(AddressError::NotValid(host.to_string()));
    }
    if !allow_ranges && host.contains('[') {
        return Err(AddressError::RangeNotAllowed);
    }
    match port {
        None => Ok((host.to_string(), None)),
        Some(Port::Small(p)) => Ok((host.to_string(), Some(p))),
        Some(Port::Big(p)) => Err(AddressError::PortOutOfRange {
            host: host.to_string(),
            port: p,
        }),
    }
}

/// True when `parse_address(s, true)` succeeds, i.e. Ansible recognises the
/// key as a host(+port) pattern.
///
/// Keys that are not recognised (such as `"web 02"`) are still used by
/// Ansible, verbatim, as a single host name (ranges in them are even expanded).
/// A port too large for a `u64` still counts as recognised, because Ansible
/// accepts it.
pub fn is_recognised_host(s: &str) -> bool {
    plain_hostname(s)
        || matches!(
            parse_address(s, true),
            Ok(_) | Err(AddressError::PortOutOfRange { .. })
        )
}

/// The everyday shape, `label(.label)*` with ASCII letters, digits, `_` and
/// `-`, no label starting with `-` or ending with `-`/`_`: Ansible's
/// hostname pattern takes all of these, so no need to run the full parser.
pub fn plain_hostname(s: &str) -> bool {
    // Labels between dots: none empty, none starting with `-` or ending
    // with `-` or `_`, all of letters, digits, `_` and `-`. One pass over
    // the bytes, each judged by a table (no branch per character class).
    const LABEL: u8 = 1; // may be inside a label
    const EDGE: u8 = 2; // may end a label (and start one, but for `-`)
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            t[c] = if b.is_ascii_alphanumeric() {
                LABEL | EDGE
            } else if b == b'_' || b == b'-' {
                LABEL
            } else {
                0
            };
            c += 1;
        }
        t
    };
    let b = s.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' {
            if i == start || b[start] == b'-' || CLASS[b[i - 1] as usize] & EDGE == 0 {
                return false;
            }
            start = i + 1;
        } else if CLASS[c as usize] & LABEL == 0 {
            return false;
        }
    }
    match b.last() {
        None => false,
        Some(&last) => start < b.len() && b[start] != b'-' && CLASS[last as usize] & EDGE != 0,
    }
}

/// Python's `int()` of an ASCII digit string (the port of the two port regexes).
fn convert_port(digits: &str) -> Result<Port, AddressError> {
    if digits.len() > PY_INT_MAX_STR_DIGITS {
        return Err(AddressError::PortTooLong {
            digits: digits.len(),
        });
    }
    match digits.parse::<u64>() {
        Ok(p) => Ok(Port::Small(p)),
        Err(_) => {
            let trimmed = digits.trim_start_matches('0');
            Ok(Port::Big(if trimmed.is_empty() {
                "0".to_string()
            } else {
                trimmed.to_string()
            }))
        }
    }
}

/// What a Python pattern ending in `$` has to match entirely: `$` also
/// matches just before one trailing newline. (None of the patterns can match
/// a newline as their last character, so matching `s` itself never succeeds
/// when this strips one.)
fn before_final_newline(s: &str) -> &str {
    s.strip_suffix('\n').unwrap_or(s)
}

fn all_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `^\[(.+)\]:([0-9]+)$` -> (inside of the brackets, port digits).
///
/// `.+` is greedy and `.` excludes `\n`; the only possible split is the last
/// `]:`, because the port must run to the end.
fn match_bracketed_hostport(s: &str) -> Option<(&str, &str)> {
    let t = before_final_newline(s);
    let rest = t.strip_prefix('[')?;
    let pos = rest.rfind("]:")?;
    let host = rest.get(..pos)?;
    let digits = rest.get(pos + 2..)?;
    if host.is_empty() || host.contains('\n') || !all_ascii_digits(digits) {
        return None;
    }
    Some((host, digits))
}

/// `^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$` -> (host, port digits).
///
/// The host is a run of characters other than `:[]` and of complete
/// `[...]` groups; it necessarily stops at the first `:` outside brackets.
fn match_hostport(s: &str) -> Option<(&str, &str)> {
    let t = before_final_newline(s);
    let bytes = t.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'[' => {
                let close = t.get(i + 1..)?.find(']')?;
                i += close + 2;
            }
            b']' => return None,
            b':' => {
                let digits = t.get(i + 1..)?;
                return if all_ascii_digits(digits) {
                    Some((t.get(..i)?, digits))
                } else {
                    None
                };
            }
            _ => i += 1,
        }
    }
    None
}

/// The `ipv4` regex: four dot-separated components, each `0`..`255` in at
/// most three digits (leading zeros allowed) or a numeric range.
fn is_ipv4(t: &str) -> bool {
    let mut parts = 0;
    for part in t.split('.') {
        parts += 1;
        if parts > 4 || !is_ipv4_component(part) {
            return false;
        }
    }
    parts == 4
}

/// `[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|numeric_range`.
fn is_ipv4_component(part: &str) -> bool {
    if let Some(inner) = bracket_inner(part) {
        return is_range_inner(inner, all_ascii_digits);
    }
    all_ascii_digits(part)
        && (part.len() <= 2 || (part.len() == 3 && part.as_bytes() <= &b"255"[..]))
}

/// `s` is exactly `[` + inner + `]` with no `]` inside: the inner part.
fn bracket_inner(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    if inner.contains(']') {
        None
    } else {
        Some(inner)
    }
}

/// `begin:end` or `begin:end:step` where begin and end satisfy `bound` and the
/// optional step is `[0-9]+` (the inside of the regexes' range sub-patterns).
fn is_range_inner(inner: &str, bound: impl Fn(&str) -> bool) -> bool {
    let mut fields = inner.splitn(4, ':');
    let (Some(beg), Some(end)) = (fields.next(), fields.next()) else {
        return false;
    };
    let step_ok = match (fields.next(), fields.next()) {
        (None, _) => true,
        (Some(step), None) => all_ascii_digits(step),
        (Some(_), Some(_)) => false,
    };
    step_ok && bound(beg) && bound(end)
}

/// One IPv6 token: a component (`[0-9a-f]{1,4}` or a hexadecimal range), `:` or `.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V6 {
    /// A component; `zero` when it is exactly `0`, `ffff` when it is `ffff`
    /// in any case (the two literals the regex uses).
    Comp {
        zero: bool,
        ffff: bool,
    },
    Colon,
    Dot,
}

/// Longest token sequence any `ipv6` alternative can match (`(0:){6}` plus
/// four dotted components).
const V6_MAX_TOKENS: usize = 19;

/// Splits `t` into IPv6 tokens, or `None` when some part of it cannot be part
/// of any alternative of the `ipv6` regex.
fn v6_tokens(t: &str) -> Option<Vec<V6>> {
    let bytes = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if out.len() >= V6_MAX_TOKENS {
            return None;
        }
        match b {
            b':' => {
                out.push(V6::Colon);
                i += 1;
            }
            b'.' => {
                out.push(V6::Dot);
                i += 1;
            }
            b'[' => {
                let rest = t.get(i + 1..)?;
                let close = rest.find(']')?;
                let inner = rest.get(..close)?;
                let hex = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_hexdigit());
                if !is_range_inner(inner, hex) {
                    return None;
                }
                out.push(V6::Comp {
                    zero: false,
                    ffff: false,
                });
                i += close + 2;
            }
            _ if b.is_ascii_hexdigit() => {
                let start = i;
                while bytes.get(i).is_some_and(|c| c.is_ascii_hexdigit()) {
                    i += 1;
                }
                let run = t.get(start..i)?;
                if run.len() > 4 {
                    return None;
                }
                out.push(V6::Comp {
                    zero: run == "0",
                    ffff: run.eq_ignore_ascii_case("ffff"),
                });
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The `ipv6` regex.
fn is_ipv6(t: &str) -> bool {
    match v6_tokens(t) {
        Some(tokens) => v6_plain(&tokens) || v6_embedded_ipv4(&tokens),
        None => false,
    }
}

/// `C(:C)*` (or nothing): the number of components.
fn v6_comp_list(tokens: &[V6]) -> Option<usize> {
    if tokens.len().is_multiple_of(2) {
        return if tokens.is_empty() { Some(0) } else { None };
    }
    for (k, tok) in tokens.iter().enumerate() {
        let ok = if k % 2 == 0 {
            matches!(tok, V6::Comp { .. })
        } else {
            *tok == V6::Colon
        };
        if !ok {
            return None;
        }
    }
    Some(tokens.len() / 2 + 1)
}

/// Alternatives without an embedded IPv4 part. Together they accept eight
/// components, or `A::B` where A and B are colon-separated component lists
/// with at most six components each and at most seven in all.
fn v6_plain(tokens: &[V6]) -> bool {
    let double = tokens
        .windows(2)
        .position(|w| w.first() == Some(&V6::Colon) && w.get(1) == Some(&V6::Colon));
    match double {
        None => v6_comp_list(tokens) == Some(8),
        Some(p) => {
            let left = tokens.get(..p).and_then(v6_comp_list);
            let right = tokens.get(p + 2..).and_then(v6_comp_list);
            match (left, right) {
                (Some(a), Some(b)) => a <= 6 && b <= 6 && a + b <= 7,
                _ => false,
            }
        }
    }
}

/// Alternatives ending in four dot-separated components (which, as in the
/// Ansible regex, are IPv6 components, i.e. hexadecimal):
/// `(0:){6}`, `::`, `::ffff:` or `(0:){5}ffff:`, then `C.C.C.C`.
fn v6_embedded_ipv4(tokens: &[V6]) -> bool {
    let Some(split) = tokens.len().checked_sub(7) else {
        return false;
    };
    let (prefix, tail) = tokens.split_at(split);
    let tail_ok = tail.iter().enumerate().all(|(k, tok)| {
        if k % 2 == 0 {
            matches!(tok, V6::Comp { .. })
        } else {
            *tok == V6::Dot
        }
    });
    if !tail_ok {
        return false;
    }
    let zero_colons = |s: &[V6]| {
        s.len().is_multiple_of(2)
            && s.chunks(2)
                .all(|c| matches!(c, [V6::Comp { zero: true, .. }, V6::Colon]))
    };
    let ffff_colon = |s: &[V6]| matches!(s, [V6::Comp { ffff: true, .. }, V6::Colon]);
    match prefix.len() {
        2 => prefix == [V6::Colon, V6::Colon],
        4 => {
            prefix.get(..2) == Some(&[V6::Colon, V6::Colon][..])
                && prefix.get(2..).is_some_and(ffff_colon)
        }
        12 => {
            zero_colons(prefix)
                || (prefix.get(..10).is_some_and(zero_colons)
                    && prefix.get(10..).is_some_and(ffff_colon))
        }
        _ => false,
    }
}

/// The `hostname` regex: one or more dot-separated labels.
fn is_hostname(t: &str) -> bool {
    t.split('.').all(is_label)
}

/// A label: `(?:\w|range)(?:[\w_-]|range)*(?<![_-])` with the
/// `alphanumeric_range` sub-pattern.
fn is_label(label: &str) -> bool {
    let mut rest = label;
    let mut first = true;
    let mut last = None;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            let Some(close) = rest.find(']') else {
                return false;
            };
            let inner = rest.get(1..close).unwrap_or("");
            if !is_alphanumeric_range_inner(inner) {
                return false;
            }
            rest = rest.get(close + 1..).unwrap_or("");
            last = Some(']');
        } else if is_word_char(c) || (c == '-' && !first) {
            rest = rest.get(c.len_utf8()..).unwrap_or("");
            last = Some(c);
        } else {
            return false;
        }
        first = false;
    }
    matches!(last, Some(c) if c != '_' && c != '-')
}

/// `[a-z]:[a-z]` or `[0-9]+:[0-9]+`, then an optional `:[0-9]+`.
fn is_alphanumeric_range_inner(inner: &str) -> bool {
    is_range_inner(inner, all_ascii_digits)
        || is_range_inner(inner, |s| {
            let mut chars = s.chars();
            matches!((chars.next(), chars.next()), (Some(c), None) if is_az_ignorecase(c))
        })
}

/// Python's `[a-z]` under `re.IGNORECASE`: the ASCII letters plus four
/// characters whose case folding reaches them.
fn is_az_ignorecase(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{130}' | '\u{131}' | '\u{17F}' | '\u{212A}')
}
