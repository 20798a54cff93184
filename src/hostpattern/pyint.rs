//! Python's `int()` of a `str`.

use super::big::Big;
use super::error::RangeError;
use super::limits::PY_INT_MAX_STR_DIGITS;
use super::unicode::decimal_value;

/// Python's `int(s)` for a `str`: surrounding whitespace, an optional sign,
/// Unicode decimal digits with single underscores between them, and at most
/// 4300 digits.
pub(super) fn py_int(s: &str) -> Result<Big, RangeError> {
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
