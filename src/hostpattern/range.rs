//! Host patterns and their `[begin:end(:step)]` ranges, expanded as
//! `_expand_hostpattern` and `expand_hostname_range` do.

use super::address::{parse_address, plain_hostname};
use super::big::Big;
use super::error::{AddressError, RangeError};
use super::limits::MAX_RANGE_DEPTH;
use super::pyint::py_int;

/// Python's `string.ascii_letters`.
const ASCII_LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

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
        // Ansible sets `ansible_port` only for a port that is true: `:0` none.
        None => Ok((names, port.filter(|&p| p != 0))),
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
pub(super) fn zfill(s: String, width: Option<usize>) -> String {
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
