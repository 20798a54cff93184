//! The YAML 1.1 implicit typing of PyYAML's SafeLoader, which is what Ansible
//! applies to every plain (unquoted, untagged) scalar: `yes` is a boolean,
//! `0755` is 493, `12:30` is 750, `1_000` is 1000, `2024-01-01` is a date.
//! A YAML 1.2 parser would read all of these as strings.

/// What PyYAML's implicit resolver makes of a plain scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implicit {
    Null,
    Bool,
    Int,
    Float,
    Timestamp,
    /// `<<`
    Merge,
    /// `=`: PyYAML tags it `value` and SafeLoader cannot construct it.
    Value,
    Str,
}

fn all(s: &str, f: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(f)
}

fn strip_sign(s: &str) -> &str {
    s.strip_prefix(['-', '+']).unwrap_or(s)
}

/// `[0-9][0-9_]*` style runs: first byte from `first`, rest from `rest`.
fn run(s: &str, first: impl Fn(u8) -> bool, rest: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && first(b[0]) && b[1..].iter().all(|&c| rest(c))
}

fn digit(c: u8) -> bool {
    c.is_ascii_digit()
}
fn digit_(c: u8) -> bool {
    c.is_ascii_digit() || c == b'_'
}

/// `(?::[0-5]?[0-9])+` — one or more `:NN` groups, nothing else.
fn sexagesimal_tail(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    s.split(':').skip(1).all(|part| {
        let b = part.as_bytes();
        match b.len() {
            1 => digit(b[0]),
            2 => (b'0'..=b'5').contains(&b[0]) && digit(b[1]),
            _ => false,
        }
    }) && s.starts_with(':')
}

fn is_bool(s: &str) -> bool {
    matches!(
        s,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn is_int(s: &str) -> bool {
    let u = strip_sign(s);
    if let Some(rest) = u.strip_prefix("0b") {
        return !rest.is_empty() && all(rest, |c| c == b'0' || c == b'1' || c == b'_');
    }
    if let Some(rest) = u.strip_prefix("0x") {
        return !rest.is_empty() && all(rest, |c| c.is_ascii_hexdigit() || c == b'_');
    }
    if let Some(rest) = u.strip_prefix('0') {
        // `0` alone, or `0[0-7_]+`
        return rest.is_empty() || all(rest, |c| (b'0'..=b'7').contains(&c) || c == b'_');
    }
    // [1-9][0-9_]* optionally followed by sexagesimal groups
    match u.find(':') {
        None => run(u, |c| (b'1'..=b'9').contains(&c), digit_),
        Some(i) => {
            run(&u[..i], |c| (b'1'..=b'9').contains(&c), digit_) && sexagesimal_tail(&u[i..])
        }
    }
}

/// `(?:[eE][-+][0-9]+)?` at the end of `s`; returns the part before it.
fn strip_exponent(s: &str) -> Option<&str> {
    match s.find(['e', 'E']) {
        None => Some(s),
        Some(i) => {
            let exp = &s[i + 1..];
            let digits = exp.strip_prefix(['-', '+'])?;
            if !digits.is_empty() && all(digits, digit) {
                Some(&s[..i])
            } else {
                None
            }
        }
    }
}

fn is_float(s: &str) -> bool {
    // \.(?:nan|NaN|NAN)
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let u = strip_sign(s);
    if matches!(u, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    if let Some(colon) = u.find(':') {
        let (head, tail) = u.split_at(colon);
        let Some(dot) = tail.rfind('.') else {
            return false;
        };
        return run(head, digit, digit_)
            && sexagesimal_tail(&tail[..dot])
            && all(&tail[dot + 1..], digit_);
    }
    // \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?   (no sign allowed before the dot form)
    if let Some(rest) = s.strip_prefix('.') {
        return match strip_exponent(rest) {
            Some(m) => run(m, digit, digit_),
            None => false,
        };
    }
    // [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    let Some(mant) = strip_exponent(u) else {
        return false;
    };
    match mant.find('.') {
        Some(dot) => run(&mant[..dot], digit, digit_) && all(&mant[dot + 1..], digit_),
        None => false,
    }
}

fn is_timestamp(s: &str) -> bool {
    parse_timestamp(s).is_some()
}

/// Parsed timestamp parts: (date "YYYY-MM-DD", optional time text).
fn parse_timestamp(s: &str) -> Option<(String, Option<String>)> {
    let b = s.as_bytes();
    // ymd strict form: [0-9]{4}-[0-9]{2}-[0-9]{2}
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let ok = b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if ok {
            return Some((s.to_string(), None));
        }
    }
    // [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?
    let mut i = 0;
    let take_digits = |i: &mut usize, min: usize, max: usize| -> Option<()> {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - st < max {
            *i += 1;
        }
        if *i - st >= min {
            Some(())
        } else {
            None
        }
    };
    let expect = |i: &mut usize, c: u8| -> Option<()> {
        if b.get(*i) == Some(&c) {
            *i += 1;
            Some(())
        } else {
            None
        }
    };
    take_digits(&mut i, 4, 4)?;
    expect(&mut i, b'-')?;
    take_digits(&mut i, 1, 2)?;
    expect(&mut i, b'-')?;
    take_digits(&mut i, 1, 2)?;
    let date_end = i;
    match b.get(i) {
        Some(b'T') | Some(b't') => i += 1,
        Some(b' ') | Some(b'\t') => {
            while matches!(b.get(i), Some(b' ') | Some(b'\t')) {
                i += 1;
            }
        }
        _ => return None,
    }
    let time_start = i;
    take_digits(&mut i, 1, 2)?;
    expect(&mut i, b':')?;
    take_digits(&mut i, 2, 2)?;
    expect(&mut i, b':')?;
    take_digits(&mut i, 2, 2)?;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    let mut j = i;
    while matches!(b.get(j), Some(b' ') | Some(b'\t')) {
        j += 1;
    }
    match b.get(j) {
        None => {
            if j != i {
                return None;
            }
        }
        Some(b'Z') => {
            j += 1;
            if j != b.len() {
                return None;
            }
        }
        Some(b'-') | Some(b'+') => {
            j += 1;
            take_digits(&mut j, 1, 2)?;
            if b.get(j) == Some(&b':') {
                j += 1;
                take_digits(&mut j, 2, 2)?;
            }
            if j != b.len() {
                return None;
            }
        }
        _ => return None,
    }
    Some((s[..date_end].to_string(), Some(s[time_start..].to_string())))
}

/// The implicit type PyYAML gives a plain scalar.
pub fn resolve_plain(s: &str) -> Implicit {
    // PyYAML indexes its implicit resolvers by first character: a scalar
    // starting with any other character is a string without trying them.
    // Each resolver is tried only for its own first characters, so a
    // scalar starting with a letter costs one or two string compares.
    let Some(&first) = s.as_bytes().first() else {
        return Implicit::Null;
    };
    match first {
        b'y' | b'Y' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => {
            if is_bool(s) {
                Implicit::Bool
            } else {
                Implicit::Str
            }
        }
        b'n' | b'N' => {
            if is_null(s) {
                Implicit::Null
            } else if is_bool(s) {
                Implicit::Bool
            } else {
                Implicit::Str
            }
        }
        b'~' if s.len() == 1 => Implicit::Null,
        b'<' if s == "<<" => Implicit::Merge,
        b'=' if s.len() == 1 => Implicit::Value,
        b'-' | b'+' | b'.' | b'0'..=b'9' => {
            // An address or version with two dots and no `:` is no number
            // and no timestamp (the common `ansible_host` value).
            let b = s.as_bytes();
            let dots = b.iter().filter(|&&c| c == b'.').count();
            if dots >= 2 && !b.contains(&b':') {
                Implicit::Str
            } else {
                resolve_by_patterns(s)
            }
        }
        _ => Implicit::Str,
    }
}

/// Every implicit resolver tried in PyYAML's order, whatever the first character.
fn resolve_by_patterns(s: &str) -> Implicit {
    if is_null(s) {
        Implicit::Null
    } else if is_bool(s) {
        Implicit::Bool
    } else if is_int(s) {
        Implicit::Int
    } else if is_float(s) {
        Implicit::Float
    } else if s == "<<" {
        Implicit::Merge
    } else if s == "=" {
        Implicit::Value
    } else if is_timestamp(s) {
        Implicit::Timestamp
    } else {
        Implicit::Str
    }
}

/// PyYAML's `construct_yaml_bool`.
pub fn construct_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" => Some(true),
        "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// PyYAML's `construct_yaml_int` (None when out of i128 range or malformed).
pub fn construct_int(s: &str) -> Option<i128> {
    let v: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, v) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, &v[..]),
    };
    let n: i128 = if v == "0" {
        0
    } else if let Some(r) = v.strip_prefix("0b") {
        i128::from_str_radix(r, 2).ok()?
    } else if let Some(r) = v.strip_prefix("0x") {
        i128::from_str_radix(r, 16).ok()?
    } else if v.starts_with('0') {
        i128::from_str_radix(v, 8).ok()?
    } else if v.contains(':') {
        let mut acc: i128 = 0;
        for part in v.split(':') {
            acc = acc
                .checked_mul(60)?
                .checked_add(part.parse::<i128>().ok()?)?;
        }
        acc
    } else {
        v.parse::<i128>().ok()?
    };
    Some(if neg { -n } else { n })
}

/// PyYAML's `construct_yaml_float`.
pub fn construct_float(s: &str) -> Option<f64> {
    let v: String = s
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_lowercase();
    let (neg, v) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, &v[..]),
    };
    let x = if v == ".inf" {
        f64::INFINITY
    } else if v == ".nan" {
        f64::NAN
    } else if v.contains(':') {
        let mut acc = 0.0f64;
        for part in v.split(':') {
            acc = acc * 60.0 + part.parse::<f64>().ok()?;
        }
        acc
    } else {
        v.parse::<f64>().ok()?
    };
    Some(if neg { -x } else { x })
}

/// ISO text of a YAML 1.1 timestamp as PyYAML constructs it and Python's
/// `isoformat()` prints it: a date (`2024-01-01`), or a datetime with its
/// fraction as six digits when not zero (`2001-12-14T21:59:43.100000`) and
/// its offset as `+HH:MM` (`Z` is `+00:00`). `None` where Python refuses the
/// values (February 30th, hour 24, an offset of a day or more).
pub fn construct_timestamp(s: &str) -> Option<String> {
    let (date, time) = parse_timestamp(s)?;
    let mut parts = date.split('-');
    let y: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || y == 0 {
        return None;
    }
    let date = format!("{y:04}-{m:02}-{d:02}");
    match time {
        None => Some(date),
        Some(t) => Some(format!("{date}T{}", construct_time(&t)?)),
    }
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `H:MM:SS[.fraction][ ]*[Z|±H[:MM]]` (already matched by
/// [`parse_timestamp`]) as `HH:MM:SS[.ffffff][±HH:MM]`.
fn construct_time(t: &str) -> Option<String> {
    let (clock, zone) = match t.find([' ', '\t', 'Z', '+', '-']) {
        Some(i) => (&t[..i], t[i..].trim_start_matches([' ', '\t'])),
        None => (t, ""),
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) => (hms, f),
        None => (clock, ""),
    };
    let mut hms = hms.split(':').map(|p| p.parse::<u32>().ok());
    let (h, mi, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut out = format!("{h:02}:{mi:02}:{sec:02}");
    // Python keeps six digits: cut or padded with zeros.
    let micro: String = fraction
        .chars()
        .chain(std::iter::repeat('0'))
        .take(6)
        .collect();
    if micro != "000000" {
        out.push('.');
        out.push_str(&micro);
    }
    match zone.as_bytes().first() {
        None => {}
        Some(b'Z') => out.push_str("+00:00"),
        Some(&sign) => {
            let (zh, zm) = match zone[1..].split_once(':') {
                Some((zh, zm)) => (zh.parse::<u32>().ok()?, zm.parse::<u32>().ok()?),
                None => (zone[1..].parse::<u32>().ok()?, 0),
            };
            let minutes = zh * 60 + zm;
            if minutes >= 24 * 60 {
                return None;
            }
            let sign = if sign == b'-' && minutes > 0 {
                '-'
            } else {
                '+'
            };
            out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::Implicit::*;
    use super::*;

    #[test]
    fn first_character_dispatch_loses_nothing() {
        // Scalars the dispatch answers `Str` for without trying the
        // resolvers: the resolvers must agree on every one of them.
        let chars = [
            "a", "Y", "n", "0", "1", ".", "-", "+", ":", "_", "e", "E", "x", "~", "<", "=", " ",
            "T", "Z", "é", "/", "9", "o", "N", "f", "I", "i", "..", "1.2.3", "0:1.",
        ];
        let mut n = 0;
        for a in chars {
            for b in chars {
                for c in chars {
                    for d in ["", "0", "e5", ":30", "-01-01", "inf", "NaN", "es", "ull"] {
                        let s = format!("{a}{b}{c}{d}");
                        for s in [s.clone(), format!("{a}{d}"), format!("{a}{b}{d}")] {
                            let first = s.as_bytes()[0];
                            if !b"yYnNtTfFoO~-+0123456789.<=".contains(&first) {
                                assert_eq!(resolve_by_patterns(&s), Str, "{s:?}");
                                n += 1;
                            }
                            assert_eq!(resolve_plain(&s), resolve_by_patterns(&s), "{s:?}");
                        }
                    }
                }
            }
        }
        assert!(n > 10_000);
    }

    #[test]
    fn pyyaml_implicit_types() {
        for (s, want) in [
            ("yes", Bool),
            ("On", Bool),
            ("oN", Str),
            ("y", Str),
            ("~", Null),
            ("", Null),
            ("null", Null),
            ("0755", Int),
            ("0o755", Str),
            ("0x1F", Int),
            ("0b101", Int),
            ("1_000", Int),
            ("12:30", Int),
            ("1:2:3", Int),
            ("12:60", Str),
            ("08", Str),
            ("-0", Int),
            ("1.5", Float),
            ("1e5", Str),
            ("1.0e+5", Float),
            ("1.0e5", Str),
            (".5", Float),
            ("-.5", Str),
            ("-.inf", Float),
            (".NaN", Float),
            ("1:30.5", Float),
            ("1.", Float),
            ("2024-01-01", Timestamp),
            ("2024-1-1 10:00:00", Timestamp),
            ("2024-1-1", Str),
            ("2001-12-14t21:59:43.10-05:00", Timestamp),
            ("<<", Merge),
            ("=", Value),
            ("web01", Str),
            ("2001:db8::1", Str),
            ("10.0.0.1", Str),
        ] {
            assert_eq!(resolve_plain(s), want, "{s:?}");
        }
    }

    #[test]
    fn constructors() {
        assert_eq!(construct_int("0755"), Some(493));
        assert_eq!(construct_int("12:30"), Some(750));
        assert_eq!(construct_int("1_000"), Some(1000));
        assert_eq!(construct_int("-0x10"), Some(-16));
        assert_eq!(construct_int("0b11"), Some(3));
        assert_eq!(construct_float("1:30.5"), Some(90.5));
        assert_eq!(construct_float("1_0.5"), Some(10.5));
        assert_eq!(construct_bool("YES"), Some(true));
        assert_eq!(
            construct_timestamp("2024-01-01").as_deref(),
            Some("2024-01-01")
        );
    }

    #[test]
    fn timestamps_as_python_prints_them() {
        // What ansible-core 2.19's `--list` prints for each.
        for (s, want) in [
            (
                "2001-12-14t21:59:43.10-05:00",
                "2001-12-14T21:59:43.100000-05:00",
            ),
            ("2001-12-14 21:59:43.10", "2001-12-14T21:59:43.100000"),
            ("2001-12-15T02:59:43.1Z", "2001-12-15T02:59:43.100000+00:00"),
            (
                "2001-12-14 21:59:43.1234567 +5",
                "2001-12-14T21:59:43.123456+05:00",
            ),
            ("2002-1-2 3:04:05", "2002-01-02T03:04:05"),
            ("2001-12-14 21:59:43 +05:30", "2001-12-14T21:59:43+05:30"),
            ("2001-12-14 21:59:43.000", "2001-12-14T21:59:43"),
            ("2001-12-14 23:00:00 +23:59", "2001-12-14T23:00:00+23:59"),
            ("2001-12-14 23:00:00 -0:60", "2001-12-14T23:00:00-01:00"),
            ("2001-12-14 23:00:00 -0", "2001-12-14T23:00:00+00:00"),
            ("2000-02-29", "2000-02-29"),
        ] {
            assert_eq!(construct_timestamp(s).as_deref(), Some(want), "{s}");
        }
        // Python refuses these: day out of range for the month, hour 25,
        // minute or second 60, an offset of a day.
        for s in [
            "2001-02-29",
            "1900-02-29",
            "2001-04-31",
            "2001-12-14 25:00:00",
            "2001-12-14 23:60:00",
            "2001-12-14 23:59:60",
            "2001-12-14 23:00:00 +24",
            "0000-01-01",
        ] {
            assert_eq!(construct_timestamp(s), None, "{s}");
        }
    }
}
