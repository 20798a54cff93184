//! Python's `str()` and `repr()` of values, and `json.dumps(sort_keys=True,
//! indent=4, ensure_ascii=False)` (only control characters escaped).

use crate::inventory::vars::VarValue;
use crate::yaml::value::{python_float_repr, special_json, special_repr};
use serde_json::Value;

/// Python's `str()` of a value (repr inside containers).
pub fn python_str(v: &Value) -> String {
    match v {
        Value::String(s) => special_repr(s).unwrap_or(s).to_string(),
        other => python_repr(other),
    }
}

/// Python's `str()` of a variable's value: a mapping's entries in the
/// order Ansible's dict keeps them (the file's), strings inside as `repr()`.
/// A vault value's `str()` is its plaintext: `Err` with its ciphertext.
pub fn python_str_var(v: &VarValue) -> Result<String, &str> {
    Ok(match v {
        VarValue::Vault(c) => return Err(c),
        VarValue::Str(s) | VarValue::Unsafe(s) => s.to_string(),
        VarValue::Time(t) => super::pydatetime::str_of(t),
        v @ (VarValue::Null | VarValue::Bool(_) | VarValue::Num(_) | VarValue::Special(_)) => {
            python_str(&v.to_json())
        }
        other => {
            let mut out = String::new();
            repr_var(other, &mut out);
            out
        }
    })
}

fn repr_var(v: &VarValue, out: &mut String) {
    match v {
        VarValue::Str(s) | VarValue::Unsafe(s) => repr_str(s, out),
        VarValue::Time(t) => out.push_str(&super::pydatetime::repr_of(t)),
        VarValue::Vault(c) => {
            out.push_str("EncryptedString(ciphertext=");
            repr_str(c, out);
            out.push(')');
        }
        v @ (VarValue::Null | VarValue::Bool(_) | VarValue::Num(_) | VarValue::Special(_)) => {
            out.push_str(&python_repr(&v.to_json()))
        }
        VarValue::Set(items) if items.is_empty() => out.push_str("set()"),
        VarValue::Set(items) => repr_items(items, ('{', '}'), out),
        VarValue::List(items) => repr_items(items, ('[', ']'), out),
        VarValue::Map(entries) => {
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                repr_str(k, out);
                out.push_str(": ");
                repr_var(item, out);
            }
            out.push('}');
        }
    }
}

/// The items of a list or set between their brackets, `repr()` each.
fn repr_items(items: &[VarValue], (open, close): (char, char), out: &mut String) {
    out.push(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        repr_var(item, out);
    }
    out.push(close);
}

/// Python's `repr()` of a string: in single quotes unless it holds a `'`
/// and no `"`; the backslash, that quote, `\t`, `\n`, `\r` and characters
/// Python does not print (controls, separators other than the space,
/// format characters, private use) escaped as `\xNN`, `\uNNNN` or
/// `\UNNNNNNNN`.
fn repr_str(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !printable(c) => {
                let n = c as u32;
                out.push_str(&if n < 0x100 {
                    format!("\\x{n:02x}")
                } else if n < 0x10000 {
                    format!("\\u{n:04x}")
                } else {
                    format!("\\U{n:08x}")
                });
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Python's `str.isprintable()` for one character, for the characters an
/// inventory may hold: not a control (Cc), format (Cf), separator other
/// than the space (Zs, Zl, Zp), surrogate or private-use character.
fn printable(c: char) -> bool {
    let n = c as u32;
    if n < 0x7f {
        return n >= 0x20;
    }
    !matches!(n,
        0x7f..=0xa0 | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x1680 | 0x180e
        | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064 | 0x2066..=0x206f
        | 0x3000 | 0xe000..=0xf8ff | 0xfeff | 0xfff9..=0xfffb | 0xfffe | 0xffff
        | 0x110bd | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
        | 0xf0000..=0x10ffff)
}

fn python_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => python_float_repr(f),
            _ => n.to_string(),
        },
        Value::String(s) if special_repr(s).is_some() => python_str(v),
        Value::String(s) => {
            let mut out = String::with_capacity(s.len() + 2);
            repr_str(s, &mut out);
            out
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(python_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    python_repr(&Value::String(k.clone())),
                    python_repr(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `json.dumps(value, sort_keys=True, indent=4)` as Python writes it.
pub fn python_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, 0, &mut out);
    out
}

pub(super) fn write_str(s: &str, out: &mut String) {
    out.push('"');
    // The text between escapes is copied in runs (most strings are one run).
    let b = s.as_bytes();
    let mut from = 0;
    loop {
        let at = next_escape(b, from);
        // `at` is an ASCII byte or the end: a character boundary.
        out.push_str(&s[from..at]);
        let Some(&c) = b.get(at) else { break };
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            // ensure_ascii=False: only control characters are escaped;
            // DEL and non-ASCII text go out as UTF-8.
            c => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(c >> 4)]));
                out.push(char::from(HEX[usize::from(c & 15)]));
            }
        }
        from = at + 1;
    }
    out.push('"');
}

/// The index of the first byte at or after `from` that JSON escapes (a
/// control character below 0x20, `"` or `\\`), or the length: the rest
/// goes into the JSON as it is (`json.dumps(ensure_ascii=False)`, as
/// `ansible-inventory` writes). Eight bytes at a time.
fn next_escape(b: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    // A byte below 0x20 borrows into its high bit (high bytes excluded by
    // `!x`); a quote or a backslash is a zero byte after the XOR. A borrow
    // can flag a byte above a flagged one, never the lowest: the lowest
    // flag is always a byte to escape.
    let flagged = |x: u64| {
        (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | zero_byte(x ^ (ONES * u64::from(b'"')))
            | zero_byte(x ^ (ONES * u64::from(b'\\')))
    };
    let rest = b.get(from..).unwrap_or_default();
    let mut words = rest.chunks_exact(8);
    let mut at = from;
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let f = flagged(u64::from_le_bytes(a));
        if f != 0 {
            return at + (f.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&c| c < 0x20 || c == b'"' || c == b'\\')
        .map_or(b.len(), |i| at + i)
}

/// `n` spaces of Python's indentation, without allocating.
pub(super) fn pad(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

fn write_json(v: &Value, level: usize, out: &mut String) {
    use std::fmt::Write;
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => write!(out, "{i}"),
                (_, Some(u), _) => write!(out, "{u}"),
                (_, _, Some(f)) => {
                    out.push_str(&python_float_repr(f));
                    Ok(())
                }
                _ => write!(out, "{n}"),
            };
        }
        Value::String(s) => match special_json(s) {
            Some(number) => out.push_str(number),
            None => write_str(s, out),
        },
        Value::Array(a) => write_items(a, level, out),
        Value::Object(m) => {
            let mut entries: Vec<(&str, &Value)> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            write_entries(entries.into_iter(), level, out);
        }
    }
}

/// What can be written as Python's JSON: a JSON value, or a variable's.
pub(super) trait PyJson {
    fn write(&self, level: usize, out: &mut String);
}

impl PyJson for Value {
    fn write(&self, level: usize, out: &mut String) {
        write_json(self, level, out)
    }
}

impl PyJson for VarValue {
    fn write(&self, level: usize, out: &mut String) {
        match self {
            VarValue::Str(s) | VarValue::Time(s) => write_str(s, out),
            VarValue::Unsafe(s) => write_wrapped("__ansible_unsafe", s, level, out),
            VarValue::Vault(s) => write_wrapped("__ansible_vault", s, level, out),
            VarValue::Null => out.push_str("null"),
            VarValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            v @ (VarValue::Num(_) | VarValue::Special(_)) => write_json(&v.to_json(), level, out),
            VarValue::List(items) | VarValue::Set(items) => write_items(items, level, out),
            VarValue::Map(entries) => {
                let mut sorted: Vec<(&str, &VarValue)> =
                    entries.iter().map(|(k, v)| (k.as_str(), v)).collect();
                sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
                write_entries(sorted.into_iter(), level, out);
            }
        }
    }
}

/// A string as the one-entry object Ansible writes for it.
fn write_wrapped(key: &str, s: &str, level: usize, out: &mut String) {
    out.push_str("{\n");
    pad(out, level + 4);
    write_str(key, out);
    out.push_str(": ");
    write_str(s, out);
    out.push('\n');
    pad(out, level);
    out.push('}');
}

/// A list, one item a line.
fn write_items<V: PyJson>(items: &[V], level: usize, out: &mut String) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push_str("[\n");
    for (i, item) in items.iter().enumerate() {
        pad(out, level + 4);
        item.write(level + 4, out);
        if i + 1 < items.len() {
            out.push(',');
        }
        out.push('\n');
    }
    pad(out, level);
    out.push(']');
}

/// An object from entries already sorted by key.
pub(super) fn write_entries<'a, V: PyJson + 'a>(
    entries: impl ExactSizeIterator<Item = (&'a str, &'a V)>,
    level: usize,
    out: &mut String,
) {
    let n = entries.len();
    if n == 0 {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    for (i, (k, v)) in entries.enumerate() {
        pad(out, level + 4);
        write_str(k, out);
        out.push_str(": ");
        v.write(level + 4, out);
        if i + 1 < n {
            out.push(',');
        }
        out.push('\n');
    }
    pad(out, level);
    out.push('}');
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_as_python_repr_writes_them() {
        for (s, want) in [
            ("it's", "\"it's\""),
            ("say \"hi\"", "'say \"hi\"'"),
            ("both ' and \"", "'both \\' and \"'"),
            ("back\\slash", "'back\\\\slash'"),
            ("tab\there", "'tab\\there'"),
            ("x\ny\r", "'x\\ny\\r'"),
            ("é ü 日本", "'é ü 日本'"),
            (
                "\u{1b}[0m\u{7f}\u{a0}\u{2028}\u{feff}",
                "'\\x1b[0m\\x7f\\xa0\\u2028\\ufeff'",
            ),
        ] {
            let mut out = String::new();
            super::repr_str(s, &mut out);
            assert_eq!(out, want, "{s:?}");
        }
    }

    #[test]
    fn the_first_byte_to_escape_is_found_whatever_follows_it() {
        for b in 0u8..=255 {
            for next in [0u8, 0x1f, b'"', b'\\', b'a', 0xff] {
                for at in [0, 3, 7, 8, 12, 15, 17] {
                    let mut s = vec![b'a'; 19];
                    s[at] = b;
                    s[at + 1] = next;
                    let escaped = |c: u8| c < 0x20 || c == b'"' || c == b'\\';
                    let want = if escaped(b) {
                        at
                    } else if escaped(next) {
                        at + 1
                    } else {
                        s.len()
                    };
                    for from in [0, at.min(5), at] {
                        assert_eq!(
                            super::next_escape(&s, from),
                            want,
                            "{b:#x} {next:#x} at {at}"
                        );
                    }
                }
            }
        }
        assert_eq!(super::next_escape(b"", 0), 0);
        assert_eq!(super::next_escape(b"ab", 2), 2);
    }

    #[test]
    fn strings_as_json_escape_only_what_python_does() {
        for (s, want) in [
            ("plain", "\"plain\""),
            ("a \"q\" b\\c", "\"a \\\"q\\\" b\\\\c\""),
            ("l1\nl2\r\t\u{8}\u{c}", "\"l1\\nl2\\r\\t\\b\\f\""),
            (
                "\u{1}\u{1b}x\u{7f}é\u{2028}",
                "\"\\u0001\\u001bx\u{7f}é\u{2028}\"",
            ),
            ("", "\"\""),
        ] {
            let mut out = String::new();
            super::write_str(s, &mut out);
            assert_eq!(out, want, "{s:?}");
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, s);
        }
    }
}
