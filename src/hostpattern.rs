//! Host keys as ansible-core reads them: `host:port`, `[v6]:port`, ranges.
//!
//! This module reproduces, without a regex engine, what ansible-core 2.19.14
//! does with a host key of a YAML inventory:
//!
//! * [`parse_address`] mirrors `ansible.parsing.utils.addresses.parse_address`
//!   and its regexes (`bracketed_hostport`, `hostport`, `ipv4`, `ipv6`,
//!   `hostname`), written as small hand-made matchers that run in linear time.
//! * [`expand_hostpattern`] mirrors `_BaseInventoryPlugin._expand_hostpattern`
//!   (what the `yaml` inventory plugin calls for every key under `hosts:`).
//! * [`expand_hostname_range`] mirrors `expand_hostname_range` from
//!   `ansible.plugins.inventory`, including Python `int()` semantics.
//!
//! Python details that are reproduced on purpose:
//!
//! * `$` in a Python regex also matches just before a single trailing `"\n"`,
//!   so `"web1\n"` is a valid hostname (kept *with* the newline) and
//!   `"web1:22\n"` is `web1` on port 22.
//! * Both port patterns are tried in turn on the already-stripped address:
//!   `"[a:22]:33"` is host `a` on port **22**.
//! * `\w` (the `hostname` regex uses `re.UNICODE`) is exactly Python 3.11's
//!   `str.isalnum() or "_"`: it is taken from an embedded table generated from
//!   the Unicode 14.0 database of the reference interpreter rather than from
//!   `char::is_alphanumeric()`, which also accepts combining marks (for example
//!   Devanagari vowel signs) and letters added after Unicode 14.
//! * With `re.IGNORECASE`, the `[a-z]` of a hostname's letter range also
//!   matches `İ`, `ı`, `ſ` and the Kelvin sign `K`.
//! * `int()` accepts surrounding Unicode whitespace, a sign, single
//!   underscores between digits and any Unicode decimal digit (`"٣"` is 3),
//!   and refuses more than 4300 digits (`sys.get_int_max_str_digits()`).
//!
//! Everything here is panic-free for any input and uses checked or arbitrary
//! precision arithmetic, so huge numbers are handled like Python handles them.

use std::cmp::Ordering;
use std::fmt;

/// Python's default `sys.get_int_max_str_digits()`: `int()` refuses longer digit strings.
const PY_INT_MAX_STR_DIGITS: usize = 4300;

/// How many nested ranges ansible-inventory 2.19.14 (Python 3.11) can expand
/// for a host directly under a top-level group before Python raises
/// `RecursionError` (measured: 986 ranges work, 987 fail). The exact figure
/// depends on Python's stack depth at the call, so it is an approximation:
/// each level of `children:` nesting lowers it by about one.
pub const MAX_RANGE_DEPTH: usize = 986;

/// Python's `string.ascii_letters`.
const ASCII_LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Why [`parse_address`] refused an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// The (port-stripped) address is neither an IPv4 address, an IPv6
    /// address nor a hostname (Ansible: `Not a valid network hostname: ...`).
    NotValid(String),
    /// The host contains a range but ranges were not allowed.
    RangeNotAllowed,
    /// Ansible accepts the address, but its port does not fit in a `u64`
    /// (Python integers are unbounded). `port` holds the decimal digits
    /// without leading zeros.
    PortOutOfRange {
        /// The host part, as Ansible would return it.
        host: String,
        /// The port, in decimal.
        port: String,
    },
    /// The port has more than 4300 digits: Python's `int()` raises
    /// `ValueError`, so Ansible does not recognise the address.
    PortTooLong {
        /// Number of digits of the port.
        digits: usize,
    },
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressError::NotValid(address) => {
                write!(f, "Not a valid network hostname: {address}")
            }
            AddressError::RangeNotAllowed => {
                f.write_str("Detected range in host but was asked to ignore ranges")
            }
            AddressError::PortOutOfRange { host, port } => {
                write!(f, "port {port} of host {host} does not fit in 64 bits")
            }
            AddressError::PortTooLong { digits } => write_int_too_long(f, *digits),
        }
    }
}

impl std::error::Error for AddressError {}

/// Why a host pattern could not be expanded (each variant is one way
/// ansible-core fails), or why this crate refuses to expand it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeError {
    /// Splitting at the first `[`, the first `]` and every literal `|` did
    /// not give exactly three parts (Python's tuple unpacking `ValueError`).
    /// `parts` is the number of parts obtained.
    Unpack {
        /// Number of parts (Ansible needs exactly 3: head, range, tail).
        parts: usize,
    },
    /// The range is not `begin:end` or `begin:end:step`.
    BoundsCount,
    /// The range has an empty end value.
    MissingEnd,
    /// A zero-padded begin (`01`) and the end differ in length.
    UnequalWidth,
    /// A letter range goes backwards (`[c:a]`).
    BeginAfterEnd,
    /// Python's `int()` rejected a bound or step (`invalid literal for int()`).
    InvalidLiteral(String),
    /// A bound or step has more than 4300 digits (Python's `int()` limit).
    IntTooLong {
        /// Number of digits.
        digits: usize,
    },
    /// A numeric range with step 0 (`range() arg 3 must not be zero`).
    ZeroStep,
    /// More than [`MAX_RANGE_DEPTH`] nested ranges: Ansible dies with
    /// `RecursionError`.
    TooDeep {
        /// The nesting depth that was refused.
        depth: usize,
    },
    /// The pattern would expand to more names than the caller's limit.
    /// `count` is exact, saturated at `u128::MAX`.
    TooMany {
        /// How many names the pattern expands to.
        count: u128,
    },
    /// Ansible accepts the key but its port does not fit in a `u64`
    /// (digits without leading zeros).
    PortOutOfRange(String),
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RangeError::Unpack { parts } if *parts < 3 => {
                write!(f, "not enough values to unpack (expected 3, got {parts})")
            }
            RangeError::Unpack { .. } => f.write_str("too many values to unpack (expected 3)"),
            RangeError::BoundsCount => {
                f.write_str("host range must be begin:end or begin:end:step")
            }
            RangeError::MissingEnd => f.write_str("host range must specify end value"),
            RangeError::UnequalWidth => {
                f.write_str("host range must specify equal-length begin and end formats")
            }
            RangeError::BeginAfterEnd => f.write_str("host range must have begin <= end"),
            RangeError::InvalidLiteral(s) => {
                write!(f, "invalid literal for int() with base 10: '{s}'")
            }
            RangeError::IntTooLong { digits } => write_int_too_long(f, *digits),
            RangeError::ZeroStep => f.write_str("range() arg 3 must not be zero"),
            RangeError::TooDeep { depth } => write!(
                f,
                "maximum recursion depth exceeded: {depth} nested host ranges \
                 (ansible-core copes with about {MAX_RANGE_DEPTH})"
            ),
            RangeError::TooMany { count } => {
                write!(
                    f,
                    "expands to {count} host names, more than the configured limit"
                )
            }
            RangeError::PortOutOfRange(port) => write!(f, "port {port} does not fit in 64 bits"),
        }
    }
}

impl std::error::Error for RangeError {}

fn write_int_too_long(f: &mut fmt::Formatter<'_>, digits: usize) -> fmt::Result {
    write!(
        f,
        "Exceeds the limit ({PY_INT_MAX_STR_DIGITS} digits) for integer string conversion: \
         value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
    )
}

// ---------------------------------------------------------------------------
// parse_address
// ---------------------------------------------------------------------------

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
    // with `-` or `_`, all of letters, digits, `_` and `-`. One pass.
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    let mut start = 0;
    for i in 0..=b.len() {
        match b.get(i) {
            None | Some(b'.') => {
                if i == start || b[start] == b'-' || matches!(b[i - 1], b'-' | b'_') {
                    return false;
                }
                start = i + 1;
            }
            Some(&c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {}
            Some(_) => return false,
        }
    }
    true
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

/// Python 3.11's `\w` for `str` patterns: `c.isalnum() or c == "_"`.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        in_ranges(WORD_RANGES, u32::from(c))
    }
}

/// Whether `cp` is in a sorted list of disjoint inclusive `[lo, hi]` pairs,
/// stored flat.
fn in_ranges(table: &[u32], cp: u32) -> bool {
    let (mut lo, mut hi) = (0, table.len() / 2);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (Some(&a), Some(&b)) = (table.get(2 * mid), table.get(2 * mid + 1)) else {
            return false;
        };
        if cp < a {
            hi = mid;
        } else if cp > b {
            lo = mid + 1;
        } else {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------
// Range expansion
// ---------------------------------------------------------------------------

/// What Ansible's yaml plugin does with a host key: (hostnames, port).
///
/// Mirrors `_expand_hostpattern`: if [`parse_address`] (with ranges allowed)
/// accepts the key, its host part and port are used; otherwise the whole key
/// is the pattern and there is no port. A pattern containing `[` is then
/// expanded with [`expand_hostname_range`] (even when it was not
/// recognised); any other pattern is the single host name (`limit` does not
/// apply to it).
///
/// `limit` caps how many names a range pattern may expand to: above it the
/// result is [`RangeError::TooMany`], computed arithmetically before anything
/// is expanded (so `host[0:99999999]` is refused instantly). Expansion errors
/// take precedence over `TooMany`, as Ansible would fail on them. A port that
/// Ansible accepts but that does not fit in a `u64` gives
/// [`RangeError::PortOutOfRange`] (after the names were checked).
pub fn expand_hostpattern(
    pattern: &str,
    limit: usize,
) -> Result<(Vec<String>, Option<u64>), RangeError> {
    if plain_hostname(pattern) {
        return Ok((vec![pattern.to_string()], None));
    }
    let (host, port, big_port) = match parse_address(pattern, true) {
        Ok((host, port)) => (host, port, None),
        Err(AddressError::PortOutOfRange { host, port }) => (host, None, Some(port)),
        Err(_) => (pattern.to_string(), None, None),
    };
    let names = if host.contains('[') {
        expand_hostname_range(&host, limit)?
    } else {
        vec![host]
    };
    match big_port {
        Some(p) => Err(RangeError::PortOutOfRange(p)),
        None => Ok((names, port)),
    }
}

/// Mirrors Ansible's `expand_hostname_range(line)`, limited to `limit` names.
///
/// The line is split at its first `[` and its first `]` (and at every literal
/// `|`, since Ansible turns the brackets into `|` and splits on `|`) into
/// head, range and tail, which must be exactly three parts. The range is
/// `begin:end` or `begin:end:step`:
///
/// * an empty begin means `0`; an empty end is an error;
/// * a begin starting with `0` and longer than one character zero-pads the
///   numbers to its length, and then the end must have the same length;
/// * if begin and end are both *substrings* of
///   `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ`, it is a letter
///   range over the positions where they occur (so `[ab:c]` is `a`, `b`,
///   `c` and `[x:B]` is `x`, `y`, `z`, `A`, `B`); a negative step gives no
///   letters;
/// * otherwise begin, end and step are read with Python's `int()` and the
///   numbers are `range(begin, end + 1, step)`: `[3:1]` gives nothing,
///   `[5:1:-2]` gives 5 and 3.
///
/// Each produced name that still contains `[` is expanded again. An empty
/// line gives no names; a line without any range is an error, as in Ansible
/// (callers normally only pass lines containing `[`).
pub fn expand_hostname_range(line: &str, limit: usize) -> Result<Vec<String>, RangeError> {
    if line.is_empty() {
        return Ok(Vec::new());
    }
    // Every name is head_1 fill_1 head_2 fill_2 ... head_n fill_n tail_n.
    // Because a head never contains `[`, `]` or `|` and a fill is made of
    // letters, digits and `-`, the ranges found by Ansible's recursion on
    // each produced name lie in the previous tail and are the same for every
    // name: the levels can be parsed once, in order.
    let mut specs: Vec<RangeSpec> = Vec::new();
    let mut heads: Vec<&str> = Vec::new();
    let mut rest = line;
    let mut total: u128 = 1;
    // `|` left in `rest` (a tail never gets new ones).
    let mut pipes = line.bytes().filter(|&b| b == b'|').count();
    loop {
        if specs.len() >= MAX_RANGE_DEPTH {
            return Err(RangeError::TooDeep {
                depth: specs.len() + 1,
            });
        }
        let (head, nrange, tail, used) = split_range(rest, pipes)?;
        pipes -= used;
        let spec = parse_bounds(nrange)?;
        let count = spec.count();
        if count == 0 {
            // Ansible loops over nothing: no names, and the later ranges are
            // never looked at.
            return Ok(Vec::new());
        }
        total = total.saturating_mul(count);
        heads.push(head);
        specs.push(spec);
        rest = tail;
        if !rest.contains('[') {
            break;
        }
    }
    if total > limit as u128 {
        return Err(RangeError::TooMany { count: total });
    }
    let levels: Vec<(&str, Vec<String>)> = heads
        .iter()
        .zip(&specs)
        .map(|(head, spec)| (*head, spec.fills()))
        .collect();

    let capacity = usize::try_from(total).unwrap_or(usize::MAX).min(1 << 16);
    let mut names = Vec::with_capacity(capacity);
    let mut index = vec![0usize; levels.len()];
    loop {
        let mut name = String::new();
        for ((head, fills), &i) in levels.iter().zip(&index) {
            name.push_str(head);
            name.push_str(fills.get(i).map(String::as_str).unwrap_or(""));
        }
        name.push_str(rest);
        names.push(name);
        // Odometer: the first range varies slowest, as in Ansible's recursion.
        let mut k = levels.len();
        loop {
            let Some(prev) = k.checked_sub(1) else {
                return Ok(names);
            };
            k = prev;
            let (Some(i), Some((_, fills))) = (index.get_mut(k), levels.get(k)) else {
                return Ok(names);
            };
            *i += 1;
            if *i < fills.len() {
                break;
            }
            *i = 0;
        }
    }
}

/// `line.replace('[', '|', 1).replace(']', '|', 1).split('|')` unpacked into
/// (head, nrange, tail), given the number of `|` in `line`; also returns how
/// many of those `|` were used as cut points.
///
/// Scans only up to the cut points (plus, when there is no `]`, to the end),
/// so that repeated calls on successive tails stay linear overall.
fn split_range(line: &str, pipes: usize) -> Result<(&str, &str, &str, usize), RangeError> {
    let open = line.find('[');
    let close = line.find(']');
    let parts = 1 + usize::from(open.is_some()) + usize::from(close.is_some()) + pipes;
    if parts != 3 {
        return Err(RangeError::Unpack { parts });
    }
    // Exactly two cut points: `[`, `]` and at most two `|`.
    let mut cuts: Vec<usize> = open.into_iter().chain(close).collect();
    cuts.extend(line.match_indices('|').map(|(i, _)| i).take(pipes));
    cuts.sort_unstable();
    let (Some(&a), Some(&b)) = (cuts.first(), cuts.get(1)) else {
        return Err(RangeError::Unpack { parts });
    };
    match (line.get(..a), line.get(a + 1..b), line.get(b + 1..)) {
        (Some(head), Some(nrange), Some(tail)) => Ok((head, nrange, tail, pipes)),
        _ => Err(RangeError::Unpack { parts }),
    }
}

/// One parsed `[begin:end(:step)]`.
enum RangeSpec {
    /// `string.ascii_letters[start:stop:step]` (`step` >= 1, clamped).
    Letters {
        start: usize,
        step: usize,
        count: u128,
    },
    /// `range(beg, end + 1, step)` with optional zero-padding width.
    Numbers {
        beg: Big,
        step: Big,
        count: u128,
        pad: Option<usize>,
    },
}

impl RangeSpec {
    fn count(&self) -> u128 {
        match self {
            RangeSpec::Letters { count, .. } | RangeSpec::Numbers { count, .. } => *count,
        }
    }

    /// The strings this range puts in place of `[...]` (count is small here).
    fn fills(&self) -> Vec<String> {
        match self {
            RangeSpec::Letters { start, step, count } => {
                let letters = ASCII_LETTERS.as_bytes();
                (0..*count)
                    .map_while(|k| {
                        let k = usize::try_from(k).ok()?;
                        let pos = start.checked_add(k.checked_mul(*step)?)?;
                        letters.get(pos).map(|&c| char::from(c).to_string())
                    })
                    .collect()
            }
            RangeSpec::Numbers {
                beg,
                step,
                count,
                pad,
            } => {
                let mut out = Vec::new();
                let mut x = beg.clone();
                let mut left = *count;
                while left > 0 {
                    out.push(zfill(x.to_string(), *pad));
                    x = x.add(step);
                    left -= 1;
                }
                out
            }
        }
    }
}

/// Python's `str(x).zfill(width)` (zeros go after a sign).
fn zfill(s: String, width: Option<usize>) -> String {
    let Some(width) = width else {
        return s;
    };
    let len = s.chars().count();
    if len >= width {
        return s;
    }
    let zeros = "0".repeat(width - len);
    match s.strip_prefix('-') {
        Some(digits) => format!("-{zeros}{digits}"),
        None => format!("{zeros}{s}"),
    }
}

/// The body of Ansible's `expand_hostname_range` between the unpacking and
/// the loop, in Ansible's order of checks.
fn parse_bounds(nrange: &str) -> Result<RangeSpec, RangeError> {
    let mut fields = nrange.splitn(4, ':');
    let (Some(beg), Some(end)) = (fields.next(), fields.next()) else {
        return Err(RangeError::BoundsCount);
    };
    let step = fields.next();
    if fields.next().is_some() {
        return Err(RangeError::BoundsCount);
    }
    let beg = if beg.is_empty() { "0" } else { beg };
    if end.is_empty() {
        return Err(RangeError::MissingEnd);
    }
    let beg_len = beg.chars().count();
    let pad = if beg.starts_with('0') && beg_len > 1 {
        if beg_len != end.chars().count() {
            return Err(RangeError::UnequalWidth);
        }
        Some(beg_len)
    } else {
        None
    };

    if let Some(i_beg) = ASCII_LETTERS.find(beg) {
        if let Some(i_end) = ASCII_LETTERS.find(end) {
            if i_beg > i_end {
                return Err(RangeError::BeginAfterEnd);
            }
            let step = match step {
                None => Ok(Big::from_u128(1)),
                Some(s) => py_int(s),
            };
            if let Ok(step) = step {
                if !step.is_zero() {
                    let span = i_end + 1 - i_beg;
                    let (step, count) = if step.neg {
                        (1, 0)
                    } else {
                        // Any step beyond the 52 letters picks just the first.
                        let step = step.to_u128().map_or(64, |s| s.min(64)) as usize;
                        (step, span.div_ceil(step) as u128)
                    };
                    return Ok(RangeSpec::Letters {
                        start: i_beg,
                        step,
                        count,
                    });
                }
            }
        }
        // Ansible's `except ValueError` then evaluates `int(beg)` on letters.
        return Err(RangeError::InvalidLiteral(beg.to_string()));
    }

    let b = py_int(beg)?;
    let e = py_int(end)?;
    let step = match step {
        None => Big::from_u128(1),
        Some(s) => py_int(s)?,
    };
    if step.is_zero() {
        return Err(RangeError::ZeroStep);
    }
    let stop = e.add(&Big::from_u128(1));
    let count = range_len(&b, &stop, &step);
    Ok(RangeSpec::Numbers {
        beg: b,
        step,
        count,
        pad,
    })
}

/// `len(range(beg, stop, step))` for a non-zero step, saturated at `u128::MAX`.
fn range_len(beg: &Big, stop: &Big, step: &Big) -> u128 {
    let (diff, magnitude) = if step.neg {
        if beg <= stop {
            return 0;
        }
        (beg.sub(stop), step.negated())
    } else {
        if beg >= stop {
            return 0;
        }
        (stop.sub(beg), step.clone())
    };
    ceil_div_saturating(&diff, &magnitude)
}

/// `ceil(n / d)` for positive `n` and `d`, saturated at `u128::MAX`.
fn ceil_div_saturating(n: &Big, d: &Big) -> u128 {
    if let (Some(a), Some(b)) = (n.to_u128(), d.to_u128()) {
        if b == 0 {
            return u128::MAX;
        }
        return a / b + u128::from(a % b != 0);
    }
    // Smallest q with q * d >= n, by bisection over u128.
    let reaches = |q: u128| Big::from_u128(q).mul(d) >= *n;
    if !reaches(u128::MAX) {
        return u128::MAX;
    }
    let (mut lo, mut hi) = (1u128, u128::MAX);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if reaches(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Python's `int(s)` for a `str`: surrounding whitespace, an optional sign,
/// Unicode decimal digits with single underscores between them, and at most
/// 4300 digits.
fn py_int(s: &str) -> Result<Big, RangeError> {
    let invalid = || RangeError::InvalidLiteral(s.to_string());
    let body = s.trim_matches(is_py_int_space);
    let (neg, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body.strip_prefix('+').unwrap_or(body)),
    };
    let mut digits = Vec::with_capacity(body.len());
    let mut after_digit = false;
    for c in body.chars() {
        if c == '_' {
            if !after_digit {
                return Err(invalid());
            }
            after_digit = false;
        } else if let Some(d) = decimal_value(c) {
            digits.push(d);
            after_digit = true;
        } else {
            return Err(invalid());
        }
    }
    if !after_digit {
        return Err(invalid());
    }
    if digits.len() > PY_INT_MAX_STR_DIGITS {
        return Err(RangeError::IntTooLong {
            digits: digits.len(),
        });
    }
    Ok(Big::from_decimal(neg, &digits))
}

/// The whitespace `int()` strips (Python's `Py_UNICODE_ISSPACE` minus the
/// separators U+001C..U+001F, which `int()` refuses).
fn is_py_int_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// The value of a Unicode decimal digit (general category Nd, Unicode 14).
fn decimal_value(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    let cp = u32::from(c);
    let below = DIGIT_ZEROS.partition_point(|&z| z <= cp);
    let zero = *DIGIT_ZEROS.get(below.checked_sub(1)?)?;
    let value = cp - zero;
    if value < 10 {
        u8::try_from(value).ok()
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// A small signed big integer (Python ints are unbounded)
// ---------------------------------------------------------------------------

/// Base of the limbs.
const LIMB: u32 = 1_000_000_000;

/// Sign and magnitude, little-endian base 10^9 limbs without high zero limbs;
/// zero has no limbs and is never negative.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big {
    neg: bool,
    mag: Vec<u32>,
}

impl Big {
    fn normalized(neg: bool, mut mag: Vec<u32>) -> Big {
        while mag.last() == Some(&0) {
            mag.pop();
        }
        Big {
            neg: neg && !mag.is_empty(),
            mag,
        }
    }

    fn from_u128(mut v: u128) -> Big {
        let mut mag = Vec::new();
        while v > 0 {
            mag.push((v % u128::from(LIMB)) as u32);
            v /= u128::from(LIMB);
        }
        Big { neg: false, mag }
    }

    /// From decimal digit values (0..=9), most significant first.
    fn from_decimal(neg: bool, digits: &[u8]) -> Big {
        let mut mag = Vec::with_capacity(digits.len() / 9 + 1);
        for chunk in digits.rchunks(9) {
            mag.push(
                chunk
                    .iter()
                    .fold(0u32, |acc, &d| acc * 10 + u32::from(d % 10)),
            );
        }
        Big::normalized(neg, mag)
    }

    fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }

    fn negated(&self) -> Big {
        Big::normalized(!self.neg, self.mag.clone())
    }

    fn to_u128(&self) -> Option<u128> {
        if self.neg {
            return None;
        }
        self.mag.iter().rev().try_fold(0u128, |acc, &limb| {
            acc.checked_mul(u128::from(LIMB))?
                .checked_add(u128::from(limb))
        })
    }

    fn add(&self, other: &Big) -> Big {
        if self.neg == other.neg {
            return Big::normalized(self.neg, add_mag(&self.mag, &other.mag));
        }
        match cmp_mag(&self.mag, &other.mag) {
            Ordering::Less => Big::normalized(other.neg, sub_mag(&other.mag, &self.mag)),
            _ => Big::normalized(self.neg, sub_mag(&self.mag, &other.mag)),
        }
    }

    fn sub(&self, other: &Big) -> Big {
        self.add(&other.negated())
    }

    fn mul(&self, other: &Big) -> Big {
        let mut out = vec![0u64; self.mag.len() + other.mag.len()];
        for (i, &a) in self.mag.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.mag.iter().enumerate() {
                if let Some(slot) = out.get_mut(i + j) {
                    let cur = *slot + u64::from(a) * u64::from(b) + carry;
                    *slot = cur % u64::from(LIMB);
                    carry = cur / u64::from(LIMB);
                }
            }
            let mut k = i + other.mag.len();
            while carry > 0 {
                let Some(slot) = out.get_mut(k) else { break };
                let cur = *slot + carry;
                *slot = cur % u64::from(LIMB);
                carry = cur / u64::from(LIMB);
                k += 1;
            }
        }
        let mag = out.into_iter().map(|l| l as u32).collect();
        Big::normalized(self.neg != other.neg, mag)
    }
}

fn cmp_mag(a: &[u32], b: &[u32]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

fn add_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0u32;
    for i in 0..a.len().max(b.len()) {
        let sum = a.get(i).copied().unwrap_or(0) + b.get(i).copied().unwrap_or(0) + carry;
        out.push(sum % LIMB);
        carry = sum / LIMB;
    }
    if carry > 0 {
        out.push(carry);
    }
    out
}

/// `a - b` for `a >= b` in magnitude.
fn sub_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0u32;
    for (i, &x) in a.iter().enumerate() {
        let y = b.get(i).copied().unwrap_or(0) + borrow;
        if x >= y {
            out.push(x - y);
            borrow = 0;
        } else {
            out.push(x + LIMB - y);
            borrow = 1;
        }
    }
    out
}

impl Ord for Big {
    fn cmp(&self, other: &Big) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => cmp_mag(&self.mag, &other.mag),
            (true, true) => cmp_mag(&other.mag, &self.mag),
        }
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, other: &Big) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Big {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut limbs = self.mag.iter().rev();
        let Some(top) = limbs.next() else {
            return f.write_str("0");
        };
        if self.neg {
            f.write_str("-")?;
        }
        write!(f, "{top}")?;
        for limb in limbs {
            write!(f, "{limb:09}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Unicode tables, generated from the reference interpreter (Python 3.11.7,
// Unicode 14.0.0) by:
//   P = [o for o in range(0x80, 0x110000) if chr(o).isalnum()]  -> ranges
//   [o for o in range(0x80, 0x110000) if unicodedata.decimal(chr(o), -1) == 0]
// ---------------------------------------------------------------------------

/// Non-ASCII characters matched by Python's `\w`, as inclusive `lo, hi` pairs.
const WORD_RANGES: &[u32] = &[
    0xAA, 0xAA, 0xB2, 0xB3, 0xB5, 0xB5, 0xB9, 0xBA, 0xBC, 0xBE, 0xC0, 0xD6, 0xD8, 0xF6, 0xF8,
    0x2C1, 0x2C6, 0x2D1, 0x2E0, 0x2E4, 0x2EC, 0x2EC, 0x2EE, 0x2EE, 0x370, 0x374, 0x376, 0x377,
    0x37A, 0x37D, 0x37F, 0x37F, 0x386, 0x386, 0x388, 0x38A, 0x38C, 0x38C, 0x38E, 0x3A1, 0x3A3,
    0x3F5, 0x3F7, 0x481, 0x48A, 0x52F, 0x531, 0x556, 0x559, 0x559, 0x560, 0x588, 0x5D0, 0x5EA,
    0x5EF, 0x5F2, 0x620, 0x64A, 0x660, 0x669, 0x66E, 0x66F, 0x671, 0x6D3, 0x6D5, 0x6D5, 0x6E5,
    0x6E6, 0x6EE, 0x6FC, 0x6FF, 0x6FF, 0x710, 0x710, 0x712, 0x72F, 0x74D, 0x7A5, 0x7B1, 0x7B1,
    0x7C0, 0x7EA, 0x7F4, 0x7F5, 0x7FA, 0x7FA, 0x800, 0x815, 0x81A, 0x81A, 0x824, 0x824, 0x828,
    0x828, 0x840, 0x858, 0x860, 0x86A, 0x870, 0x887, 0x889, 0x88E, 0x8A0, 0x8C9, 0x904, 0x939,
    0x93D, 0x93D, 0x950, 0x950, 0x958, 0x961, 0x966, 0x96F, 0x971, 0x980, 0x985, 0x98C, 0x98F,
    0x990, 0x993, 0x9A8, 0x9AA, 0x9B0, 0x9B2, 0x9B2, 0x9B6, 0x9B9, 0x9BD, 0x9BD, 0x9CE, 0x9CE,
    0x9DC, 0x9DD, 0x9DF, 0x9E1, 0x9E6, 0x9F1, 0x9F4, 0x9F9, 0x9FC, 0x9FC, 0xA05, 0xA0A, 0xA0F,
    0xA10, 0xA13, 0xA28, 0xA2A, 0xA30, 0xA32, 0xA33, 0xA35, 0xA36, 0xA38, 0xA39, 0xA59, 0xA5C,
    0xA5E, 0xA5E, 0xA66, 0xA6F, 0xA72, 0xA74, 0xA85, 0xA8D, 0xA8F, 0xA91, 0xA93, 0xAA8, 0xAAA,
    0xAB0, 0xAB2, 0xAB3, 0xAB5, 0xAB9, 0xABD, 0xABD, 0xAD0, 0xAD0, 0xAE0, 0xAE1, 0xAE6, 0xAEF,
    0xAF9, 0xAF9, 0xB05, 0xB0C, 0xB0F, 0xB10, 0xB13, 0xB28, 0xB2A, 0xB30, 0xB32, 0xB33, 0xB35,
    0xB39, 0xB3D, 0xB3D, 0xB5C, 0xB5D, 0xB5F, 0xB61, 0xB66, 0xB6F, 0xB71, 0xB77, 0xB83, 0xB83,
    0xB85, 0xB8A, 0xB8E, 0xB90, 0xB92, 0xB95, 0xB99, 0xB9A, 0xB9C, 0xB9C, 0xB9E, 0xB9F, 0xBA3,
    0xBA4, 0xBA8, 0xBAA, 0xBAE, 0xBB9, 0xBD0, 0xBD0, 0xBE6, 0xBF2, 0xC05, 0xC0C, 0xC0E, 0xC10,
    0xC12, 0xC28, 0xC2A, 0xC39, 0xC3D, 0xC3D, 0xC58, 0xC5A, 0xC5D, 0xC5D, 0xC60, 0xC61, 0xC66,
    0xC6F, 0xC78, 0xC7E, 0xC80, 0xC80, 0xC85, 0xC8C, 0xC8E, 0xC90, 0xC92, 0xCA8, 0xCAA, 0xCB3,
    0xCB5, 0xCB9, 0xCBD, 0xCBD, 0xCDD, 0xCDE, 0xCE0, 0xCE1, 0xCE6, 0xCEF, 0xCF1, 0xCF2, 0xD04,
    0xD0C, 0xD0E, 0xD10, 0xD12, 0xD3A, 0xD3D, 0xD3D, 0xD4E, 0xD4E, 0xD54, 0xD56, 0xD58, 0xD61,
    0xD66, 0xD78, 0xD7A, 0xD7F, 0xD85, 0xD96, 0xD9A, 0xDB1, 0xDB3, 0xDBB, 0xDBD, 0xDBD, 0xDC0,
    0xDC6, 0xDE6, 0xDEF, 0xE01, 0xE30, 0xE32, 0xE33, 0xE40, 0xE46, 0xE50, 0xE59, 0xE81, 0xE82,
    0xE84, 0xE84, 0xE86, 0xE8A, 0xE8C, 0xEA3, 0xEA5, 0xEA5, 0xEA7, 0xEB0, 0xEB2, 0xEB3, 0xEBD,
    0xEBD, 0xEC0, 0xEC4, 0xEC6, 0xEC6, 0xED0, 0xED9, 0xEDC, 0xEDF, 0xF00, 0xF00, 0xF20, 0xF33,
    0xF40, 0xF47, 0xF49, 0xF6C, 0xF88, 0xF8C, 0x1000, 0x102A, 0x103F, 0x1049, 0x1050, 0x1055,
    0x105A, 0x105D, 0x1061, 0x1061, 0x1065, 0x1066, 0x106E, 0x1070, 0x1075, 0x1081, 0x108E, 0x108E,
    0x1090, 0x1099, 0x10A0, 0x10C5, 0x10C7, 0x10C7, 0x10CD, 0x10CD, 0x10D0, 0x10FA, 0x10FC, 0x1248,
    0x124A, 0x124D, 0x1250, 0x1256, 0x1258, 0x1258, 0x125A, 0x125D, 0x1260, 0x1288, 0x128A, 0x128D,
    0x1290, 0x12B0, 0x12B2, 0x12B5, 0x12B8, 0x12BE, 0x12C0, 0x12C0, 0x12C2, 0x12C5, 0x12C8, 0x12D6,
    0x12D8, 0x1310, 0x1312, 0x1315, 0x1318, 0x135A, 0x1369, 0x137C, 0x1380, 0x138F, 0x13A0, 0x13F5,
    0x13F8, 0x13FD, 0x1401, 0x166C, 0x166F, 0x167F, 0x1681, 0x169A, 0x16A0, 0x16EA, 0x16EE, 0x16F8,
    0x1700, 0x1711, 0x171F, 0x1731, 0x1740, 0x1751, 0x1760, 0x176C, 0x176E, 0x1770, 0x1780, 0x17B3,
    0x17D7, 0x17D7, 0x17DC, 0x17DC, 0x17E0, 0x17E9, 0x17F0, 0x17F9, 0x1810, 0x1819, 0x1820, 0x1878,
    0x1880, 0x1884, 0x1887, 0x18A8, 0x18AA, 0x18AA, 0x18B0, 0x18F5, 0x1900, 0x191E, 0x1946, 0x196D,
    0x1970, 0x1974, 0x1980, 0x19AB, 0x19B0, 0x19C9, 0x19D0, 0x19DA, 0x1A00, 0x1A16, 0x1A20, 0x1A54,
    0x1A80, 0x1A89, 0x1A90, 0x1A99, 0x1AA7, 0x1AA7, 0x1B05, 0x1B33, 0x1B45, 0x1B4C, 0x1B50, 0x1B59,
    0x1B83, 0x1BA0, 0x1BAE, 0x1BE5, 0x1C00, 0x1C23, 0x1C40, 0x1C49, 0x1C4D, 0x1C7D, 0x1C80, 0x1C88,
    0x1C90, 0x1CBA, 0x1CBD, 0x1CBF, 0x1CE9, 0x1CEC, 0x1CEE, 0x1CF3, 0x1CF5, 0x1CF6, 0x1CFA, 0x1CFA,
    0x1D00, 0x1DBF, 0x1E00, 0x1F15, 0x1F18, 0x1F1D, 0x1F20, 0x1F45, 0x1F48, 0x1F4D, 0x1F50, 0x1F57,
    0x1F59, 0x1F59, 0x1F5B, 0x1F5B, 0x1F5D, 0x1F5D, 0x1F5F, 0x1F7D, 0x1F80, 0x1FB4, 0x1FB6, 0x1FBC,
    0x1FBE, 0x1FBE, 0x1FC2, 0x1FC4, 0x1FC6, 0x1FCC, 0x1FD0, 0x1FD3, 0x1FD6, 0x1FDB, 0x1FE0, 0x1FEC,
    0x1FF2, 0x1FF4, 0x1FF6, 0x1FFC, 0x2070, 0x2071, 0x2074, 0x2079, 0x207F, 0x2089, 0x2090, 0x209C,
    0x2102, 0x2102, 0x2107, 0x2107, 0x210A, 0x2113, 0x2115, 0x2115, 0x2119, 0x211D, 0x2124, 0x2124,
    0x2126, 0x2126, 0x2128, 0x2128, 0x212A, 0x212D, 0x212F, 0x2139, 0x213C, 0x213F, 0x2145, 0x2149,
    0x214E, 0x214E, 0x2150, 0x2189, 0x2460, 0x249B, 0x24EA, 0x24FF, 0x2776, 0x2793, 0x2C00, 0x2CE4,
    0x2CEB, 0x2CEE, 0x2CF2, 0x2CF3, 0x2CFD, 0x2CFD, 0x2D00, 0x2D25, 0x2D27, 0x2D27, 0x2D2D, 0x2D2D,
    0x2D30, 0x2D67, 0x2D6F, 0x2D6F, 0x2D80, 0x2D96, 0x2DA0, 0x2DA6, 0x2DA8, 0x2DAE, 0x2DB0, 0x2DB6,
    0x2DB8, 0x2DBE, 0x2DC0, 0x2DC6, 0x2DC8, 0x2DCE, 0x2DD0, 0x2DD6, 0x2DD8, 0x2DDE, 0x2E2F, 0x2E2F,
    0x3005, 0x3007, 0x3021, 0x3029, 0x3031, 0x3035, 0x3038, 0x303C, 0x3041, 0x3096, 0x309D, 0x309F,
    0x30A1, 0x30FA, 0x30FC, 0x30FF, 0x3105, 0x312F, 0x3131, 0x318E, 0x3192, 0x3195, 0x31A0, 0x31BF,
    0x31F0, 0x31FF, 0x3220, 0x3229, 0x3248, 0x324F, 0x3251, 0x325F, 0x3280, 0x3289, 0x32B1, 0x32BF,
    0x3400, 0x4DBF, 0x4E00, 0xA48C, 0xA4D0, 0xA4FD, 0xA500, 0xA60C, 0xA610, 0xA62B, 0xA640, 0xA66E,
    0xA67F, 0xA69D, 0xA6A0, 0xA6EF, 0xA717, 0xA71F, 0xA722, 0xA788, 0xA78B, 0xA7CA, 0xA7D0, 0xA7D1,
    0xA7D3, 0xA7D3, 0xA7D5, 0xA7D9, 0xA7F2, 0xA801, 0xA803, 0xA805, 0xA807, 0xA80A, 0xA80C, 0xA822,
    0xA830, 0xA835, 0xA840, 0xA873, 0xA882, 0xA8B3, 0xA8D0, 0xA8D9, 0xA8F2, 0xA8F7, 0xA8FB, 0xA8FB,
    0xA8FD, 0xA8FE, 0xA900, 0xA925, 0xA930, 0xA946, 0xA960, 0xA97C, 0xA984, 0xA9B2, 0xA9CF, 0xA9D9,
    0xA9E0, 0xA9E4, 0xA9E6, 0xA9FE, 0xAA00, 0xAA28, 0xAA40, 0xAA42, 0xAA44, 0xAA4B, 0xAA50, 0xAA59,
    0xAA60, 0xAA76, 0xAA7A, 0xAA7A, 0xAA7E, 0xAAAF, 0xAAB1, 0xAAB1, 0xAAB5, 0xAAB6, 0xAAB9, 0xAABD,
    0xAAC0, 0xAAC0, 0xAAC2, 0xAAC2, 0xAADB, 0xAADD, 0xAAE0, 0xAAEA, 0xAAF2, 0xAAF4, 0xAB01, 0xAB06,
    0xAB09, 0xAB0E, 0xAB11, 0xAB16, 0xAB20, 0xAB26, 0xAB28, 0xAB2E, 0xAB30, 0xAB5A, 0xAB5C, 0xAB69,
    0xAB70, 0xABE2, 0xABF0, 0xABF9, 0xAC00, 0xD7A3, 0xD7B0, 0xD7C6, 0xD7CB, 0xD7FB, 0xF900, 0xFA6D,
    0xFA70, 0xFAD9, 0xFB00, 0xFB06, 0xFB13, 0xFB17, 0xFB1D, 0xFB1D, 0xFB1F, 0xFB28, 0xFB2A, 0xFB36,
    0xFB38, 0xFB3C, 0xFB3E, 0xFB3E, 0xFB40, 0xFB41, 0xFB43, 0xFB44, 0xFB46, 0xFBB1, 0xFBD3, 0xFD3D,
    0xFD50, 0xFD8F, 0xFD92, 0xFDC7, 0xFDF0, 0xFDFB, 0xFE70, 0xFE74, 0xFE76, 0xFEFC, 0xFF10, 0xFF19,
    0xFF21, 0xFF3A, 0xFF41, 0xFF5A, 0xFF66, 0xFFBE, 0xFFC2, 0xFFC7, 0xFFCA, 0xFFCF, 0xFFD2, 0xFFD7,
    0xFFDA, 0xFFDC, 0x10000, 0x1000B, 0x1000D, 0x10026, 0x10028, 0x1003A, 0x1003C, 0x1003D,
    0x1003F, 0x1004D, 0x10050, 0x1005D, 0x10080, 0x100FA, 0x10107, 0x10133, 0x10140, 0x10178,
    0x1018A, 0x1018B, 0x10280, 0x1029C, 0x102A0, 0x102D0, 0x102E1, 0x102FB, 0x10300, 0x10323,
    0x1032D, 0x1034A, 0x10350, 0x10375, 0x10380, 0x1039D, 0x103A0, 0x103C3, 0x103C8, 0x103CF,
    0x103D1, 0x103D5, 0x10400, 0x1049D, 0x104A0, 0x104A9, 0x104B0, 0x104D3, 0x104D8, 0x104FB,
    0x10500, 0x10527, 0x10530, 0x10563, 0x10570, 0x1057A, 0x1057C, 0x1058A, 0x1058C, 0x10592,
    0x10594, 0x10595, 0x10597, 0x105A1, 0x105A3, 0x105B1, 0x105B3, 0x105B9, 0x105BB, 0x105BC,
    0x10600, 0x10736, 0x10740, 0x10755, 0x10760, 0x10767, 0x10780, 0x10785, 0x10787, 0x107B0,
    0x107B2, 0x107BA, 0x10800, 0x10805, 0x10808, 0x10808, 0x1080A, 0x10835, 0x10837, 0x10838,
    0x1083C, 0x1083C, 0x1083F, 0x10855, 0x10858, 0x10876, 0x10879, 0x1089E, 0x108A7, 0x108AF,
    0x108E0, 0x108F2, 0x108F4, 0x108F5, 0x108FB, 0x1091B, 0x10920, 0x10939, 0x10980, 0x109B7,
    0x109BC, 0x109CF, 0x109D2, 0x10A00, 0x10A10, 0x10A13, 0x10A15, 0x10A17, 0x10A19, 0x10A35,
    0x10A40, 0x10A48, 0x10A60, 0x10A7E, 0x10A80, 0x10A9F, 0x10AC0, 0x10AC7, 0x10AC9, 0x10AE4,
    0x10AEB, 0x10AEF, 0x10B00, 0x10B35, 0x10B40, 0x10B55, 0x10B58, 0x10B72, 0x10B78, 0x10B91,
    0x10BA9, 0x10BAF, 0x10C00, 0x10C48, 0x10C80, 0x10CB2, 0x10CC0, 0x10CF2, 0x10CFA, 0x10D23,
    0x10D30, 0x10D39, 0x10E60, 0x10E7E, 0x10E80, 0x10EA9, 0x10EB0, 0x10EB1, 0x10F00, 0x10F27,
    0x10F30, 0x10F45, 0x10F51, 0x10F54, 0x10F70, 0x10F81, 0x10FB0, 0x10FCB, 0x10FE0, 0x10FF6,
    0x11003, 0x11037, 0x11052, 0x1106F, 0x11071, 0x11072, 0x11075, 0x11075, 0x11083, 0x110AF,
    0x110D0, 0x110E8, 0x110F0, 0x110F9, 0x11103, 0x11126, 0x11136, 0x1113F, 0x11144, 0x11144,
    0x11147, 0x11147, 0x11150, 0x11172, 0x11176, 0x11176, 0x11183, 0x111B2, 0x111C1, 0x111C4,
    0x111D0, 0x111DA, 0x111DC, 0x111DC, 0x111E1, 0x111F4, 0x11200, 0x11211, 0x11213, 0x1122B,
    0x11280, 0x11286, 0x11288, 0x11288, 0x1128A, 0x1128D, 0x1128F, 0x1129D, 0x1129F, 0x112A8,
    0x112B0, 0x112DE, 0x112F0, 0x112F9, 0x11305, 0x1130C, 0x1130F, 0x11310, 0x11313, 0x11328,
    0x1132A, 0x11330, 0x11332, 0x11333, 0x11335, 0x11339, 0x1133D, 0x1133D, 0x11350, 0x11350,
    0x1135D, 0x11361, 0x11400, 0x11434, 0x11447, 0x1144A, 0x11450, 0x11459, 0x1145F, 0x11461,
    0x11480, 0x114AF, 0x114C4, 0x114C5, 0x114C7, 0x114C7, 0x114D0, 0x114D9, 0x11580, 0x115AE,
    0x115D8, 0x115DB, 0x11600, 0x1162F, 0x11644, 0x11644, 0x11650, 0x11659, 0x11680, 0x116AA,
    0x116B8, 0x116B8, 0x116C0, 0x116C9, 0x11700, 0x1171A, 0x11730, 0x1173B, 0x11740, 0x11746,
    0x11800, 0x1182B, 0x118A0, 0x118F2, 0x118FF, 0x11906, 0x11909, 0x11909, 0x1190C, 0x11913,
    0x11915, 0x11916, 0x11918, 0x1192F, 0x1193F, 0x1193F, 0x11941, 0x11941, 0x11950, 0x11959,
    0x119A0, 0x119A7, 0x119AA, 0x119D0, 0x119E1, 0x119E1, 0x119E3, 0x119E3, 0x11A00, 0x11A00,
    0x11A0B, 0x11A32, 0x11A3A, 0x11A3A, 0x11A50, 0x11A50, 0x11A5C, 0x11A89, 0x11A9D, 0x11A9D,
    0x11AB0, 0x11AF8, 0x11C00, 0x11C08, 0x11C0A, 0x11C2E, 0x11C40, 0x11C40, 0x11C50, 0x11C6C,
    0x11C72, 0x11C8F, 0x11D00, 0x11D06, 0x11D08, 0x11D09, 0x11D0B, 0x11D30, 0x11D46, 0x11D46,
    0x11D50, 0x11D59, 0x11D60, 0x11D65, 0x11D67, 0x11D68, 0x11D6A, 0x11D89, 0x11D98, 0x11D98,
    0x11DA0, 0x11DA9, 0x11EE0, 0x11EF2, 0x11FB0, 0x11FB0, 0x11FC0, 0x11FD4, 0x12000, 0x12399,
    0x12400, 0x1246E, 0x12480, 0x12543, 0x12F90, 0x12FF0, 0x13000, 0x1342E, 0x14400, 0x14646,
    0x16800, 0x16A38, 0x16A40, 0x16A5E, 0x16A60, 0x16A69, 0x16A70, 0x16ABE, 0x16AC0, 0x16AC9,
    0x16AD0, 0x16AED, 0x16B00, 0x16B2F, 0x16B40, 0x16B43, 0x16B50, 0x16B59, 0x16B5B, 0x16B61,
    0x16B63, 0x16B77, 0x16B7D, 0x16B8F, 0x16E40, 0x16E96, 0x16F00, 0x16F4A, 0x16F50, 0x16F50,
    0x16F93, 0x16F9F, 0x16FE0, 0x16FE1, 0x16FE3, 0x16FE3, 0x17000, 0x187F7, 0x18800, 0x18CD5,
    0x18D00, 0x18D08, 0x1AFF0, 0x1AFF3, 0x1AFF5, 0x1AFFB, 0x1AFFD, 0x1AFFE, 0x1B000, 0x1B122,
    0x1B150, 0x1B152, 0x1B164, 0x1B167, 0x1B170, 0x1B2FB, 0x1BC00, 0x1BC6A, 0x1BC70, 0x1BC7C,
    0x1BC80, 0x1BC88, 0x1BC90, 0x1BC99, 0x1D2E0, 0x1D2F3, 0x1D360, 0x1D378, 0x1D400, 0x1D454,
    0x1D456, 0x1D49C, 0x1D49E, 0x1D49F, 0x1D4A2, 0x1D4A2, 0x1D4A5, 0x1D4A6, 0x1D4A9, 0x1D4AC,
    0x1D4AE, 0x1D4B9, 0x1D4BB, 0x1D4BB, 0x1D4BD, 0x1D4C3, 0x1D4C5, 0x1D505, 0x1D507, 0x1D50A,
    0x1D50D, 0x1D514, 0x1D516, 0x1D51C, 0x1D51E, 0x1D539, 0x1D53B, 0x1D53E, 0x1D540, 0x1D544,
    0x1D546, 0x1D546, 0x1D54A, 0x1D550, 0x1D552, 0x1D6A5, 0x1D6A8, 0x1D6C0, 0x1D6C2, 0x1D6DA,
    0x1D6DC, 0x1D6FA, 0x1D6FC, 0x1D714, 0x1D716, 0x1D734, 0x1D736, 0x1D74E, 0x1D750, 0x1D76E,
    0x1D770, 0x1D788, 0x1D78A, 0x1D7A8, 0x1D7AA, 0x1D7C2, 0x1D7C4, 0x1D7CB, 0x1D7CE, 0x1D7FF,
    0x1DF00, 0x1DF1E, 0x1E100, 0x1E12C, 0x1E137, 0x1E13D, 0x1E140, 0x1E149, 0x1E14E, 0x1E14E,
    0x1E290, 0x1E2AD, 0x1E2C0, 0x1E2EB, 0x1E2F0, 0x1E2F9, 0x1E7E0, 0x1E7E6, 0x1E7E8, 0x1E7EB,
    0x1E7ED, 0x1E7EE, 0x1E7F0, 0x1E7FE, 0x1E800, 0x1E8C4, 0x1E8C7, 0x1E8CF, 0x1E900, 0x1E943,
    0x1E94B, 0x1E94B, 0x1E950, 0x1E959, 0x1EC71, 0x1ECAB, 0x1ECAD, 0x1ECAF, 0x1ECB1, 0x1ECB4,
    0x1ED01, 0x1ED2D, 0x1ED2F, 0x1ED3D, 0x1EE00, 0x1EE03, 0x1EE05, 0x1EE1F, 0x1EE21, 0x1EE22,
    0x1EE24, 0x1EE24, 0x1EE27, 0x1EE27, 0x1EE29, 0x1EE32, 0x1EE34, 0x1EE37, 0x1EE39, 0x1EE39,
    0x1EE3B, 0x1EE3B, 0x1EE42, 0x1EE42, 0x1EE47, 0x1EE47, 0x1EE49, 0x1EE49, 0x1EE4B, 0x1EE4B,
    0x1EE4D, 0x1EE4F, 0x1EE51, 0x1EE52, 0x1EE54, 0x1EE54, 0x1EE57, 0x1EE57, 0x1EE59, 0x1EE59,
    0x1EE5B, 0x1EE5B, 0x1EE5D, 0x1EE5D, 0x1EE5F, 0x1EE5F, 0x1EE61, 0x1EE62, 0x1EE64, 0x1EE64,
    0x1EE67, 0x1EE6A, 0x1EE6C, 0x1EE72, 0x1EE74, 0x1EE77, 0x1EE79, 0x1EE7C, 0x1EE7E, 0x1EE7E,
    0x1EE80, 0x1EE89, 0x1EE8B, 0x1EE9B, 0x1EEA1, 0x1EEA3, 0x1EEA5, 0x1EEA9, 0x1EEAB, 0x1EEBB,
    0x1F100, 0x1F10C, 0x1FBF0, 0x1FBF9, 0x20000, 0x2A6DF, 0x2A700, 0x2B738, 0x2B740, 0x2B81D,
    0x2B820, 0x2CEA1, 0x2CEB0, 0x2EBE0, 0x2F800, 0x2FA1D, 0x30000, 0x3134A,
];

/// First code point (digit zero) of every non-ASCII run of ten Unicode decimal digits.
const DIGIT_ZEROS: &[u32] = &[
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

#[cfg(test)]
mod tests {
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
                                    && b.iter().all(|&c| {
                                        c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
                                    })
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
}
