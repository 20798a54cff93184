//! Where libyaml (the reader under Ansible's loader) and saphyr part ways,
//! checked around saphyr's reading: the characters its reader refuses,
//! directives, an entry with no key,
//! tabs where libyaml takes only spaces, anchor names and anchors defined
//! twice. Each is held to `ansible-inventory` by a parity fixture.

use super::{Node, NodeKind, Style, YamlError};
use crate::source::Span;

/// The directives before the document, as libyaml (Ansible's reader)
/// judges them: `%YAML 1.1` or `1.2` and `%TAG`; another YAML version is
/// "incompatible", another directive name unknown.
pub(super) fn check_directives(text: &str) -> Result<(), YamlError> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_end();
        if t.is_empty() || t.starts_with('#') {
            at += line.len();
            continue;
        }
        let Some(d) = t.strip_prefix('%') else {
            return Ok(());
        };
        let mut words = d.split_whitespace();
        let bad = match (words.next(), words.next()) {
            (Some("YAML"), Some("1.1" | "1.2")) | (Some("TAG"), _) => None,
            (Some("YAML"), _) => Some("found incompatible YAML document"),
            _ => Some("while scanning a directive found unknown directive name"),
        };
        if let Some(message) = bad {
            return Err(YamlError {
                span: Span::new(at, at + t.len()),
                message: message.into(),
            });
        }
        at += line.len();
    }
    Ok(())
}

/// The characters libyaml's reader refuses anywhere in a stream ("control
/// characters are not allowed"): C0 controls other than tab, line feed and
/// carriage return, DEL, the C1 controls other than NEL (U+0080 to U+009F),
/// U+FFFE and U+FFFF. Eight bytes at a time, each byte classed exactly (no
/// carry between lanes): a word with no byte below 0x20 but tab, LF and CR,
/// no DEL and no lead byte of those sequences (0xC2, 0xEF) is clean, so the
/// line feeds of an ordinary text never send a word to the byte-wise look.
pub(super) fn check_printable(text: &str) -> Result<(), YamlError> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each lane that is zero.
    let zero = |v: u64| !(((v & LOW7).wrapping_add(LOW7)) | v) & HIGH;
    let eq = |x: u64, c: u8| zero(x ^ (ONES * u64::from(c)));
    let suspect = |x: u64| {
        // below 0x20: high bit clear and no carry out of adding 0x60 to the low seven bits
        let below_space = !(((x & LOW7).wrapping_add(ONES * 0x60)) | x) & HIGH;
        let allowed = eq(x, b'\t') | eq(x, b'\n') | eq(x, b'\r');
        (below_space & !allowed) | eq(x, 0x7f) | eq(x, 0xc2) | eq(x, 0xef)
    };
    let word = |w: &[u8]| {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        u64::from_le_bytes(word)
    };
    // Four words a step, one branch for the four (the compiler keeps
    // them in vector registers).
    let b = text.as_bytes();
    let mut at = 0;
    for block in b.chunks_exact(32) {
        let any = block
            .chunks_exact(8)
            .fold(0, |acc, w| acc | suspect(word(w)));
        if any != 0 {
            for i in at..at + 32 {
                refuse_at(text, i)?;
            }
        }
        at += 32;
    }
    (at..b.len()).try_for_each(|i| refuse_at(text, i))
}

/// An error when the character starting at byte `i` is one libyaml refuses.
fn refuse_at(text: &str, i: usize) -> Result<(), YamlError> {
    let b = text.as_bytes();
    let bad = match b[i] {
        0x09 | 0x0a | 0x0d => None,
        c @ (0x00..=0x1f | 0x7f) => Some((u32::from(c), 1)),
        0xc2 => match b.get(i + 1) {
            Some(&c @ 0x80..=0x9f) if c != 0x85 => Some((u32::from(c), 2)),
            _ => None,
        },
        0xef if b.get(i + 1) == Some(&0xbf) => match b.get(i + 2) {
            Some(0xbe) => Some((0xfffe, 3)),
            Some(0xbf) => Some((0xffff, 3)),
            _ => None,
        },
        _ => None,
    };
    match bad {
        None => Ok(()),
        Some((code, len)) => Err(YamlError {
            span: Span::new(i, i + len),
            message: format!(
                "unacceptable character #x{code:04x}: control characters are not allowed"
            ),
        }),
    }
}

/// A key saphyr reads as empty where libyaml (Ansible's reader) finds
/// none: a `:` that starts an entry (`: x`), with no `?` before it.
pub(super) fn is_missing_key(text: &str, key: &Node) -> bool {
    let NodeKind::Scalar { value, style, .. } = &key.kind else {
        return false;
    };
    if !value.is_empty() || *style != Style::Plain || key.tag().is_some() {
        return false;
    }
    let b = text.as_bytes();
    let at = key.span.start as usize;
    if b.get(at) != Some(&b':') {
        return false;
    }
    // What comes before the `:`, blanks and line breaks aside: an explicit
    // key's `?` makes the empty key real.
    let before = b[..at]
        .iter()
        .rev()
        .find(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'));
    before != Some(&b'?')
}

/// The byte ranges that are a scalar's own text (and, with `flow`, a flow
/// collection's): what looks like a tab, an anchor or an indicator there
/// is content. Sorted and merged, so a position is looked up by binary
/// search.
struct Covered(Vec<(usize, usize)>);

impl Covered {
    fn of(root: &Node, b: &[u8], flow: bool) -> Covered {
        fn walk(n: &Node, b: &[u8], flow: bool, out: &mut Vec<(usize, usize)>) {
            let span = (n.span.start as usize, n.span.end as usize);
            match &n.kind {
                NodeKind::Scalar { .. } => out.push(span),
                NodeKind::Map { pairs: m, .. } => {
                    if flow && b.get(span.0) == Some(&b'{') {
                        out.push(span);
                    }
                    for (k, v) in m.iter() {
                        walk(k, b, flow, out);
                        walk(v, b, flow, out);
                    }
                }
                NodeKind::Seq { items, .. } => {
                    if flow && b.get(span.0) == Some(&b'[') {
                        out.push(span);
                    }
                    items.iter().for_each(|i| walk(i, b, flow, out));
                }
            }
        }
        let mut spans = Vec::new();
        walk(root, b, flow, &mut spans);
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (s, e) in spans {
            match merged.last_mut() {
                Some(last) if s < last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Covered(merged)
    }
    /// `p` is inside a range (at its first byte too, unless `after_start`).
    fn contains(&self, p: usize, after_start: bool) -> bool {
        let i = self.0.partition_point(|&(s, _)| s <= p);
        i > 0 && {
            let (s, e) = self.0[i - 1];
            p < e && (!after_start || s < p)
        }
    }
}

/// Anchors as PyYAML and libyaml (Ansible's readers) take them, which
/// saphyr is laxer about: a name of letters, digits, `-` and `_` only, and
/// no name defined twice in a document.
pub(super) fn check_anchors(text: &str, root: &Node) -> Result<(), YamlError> {
    let b = text.as_bytes();
    if memchr::memchr(b'&', b).is_none() {
        return Ok(());
    }
    // Scalars only: a collection's span takes in its own anchor.
    let scalars = Covered::of(root, b, false);
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut in_comment = false;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\n' => in_comment = false,
            b'#' if (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n'))
                && !scalars.contains(i, false) =>
            {
                in_comment = true;
            }
            b'&' if !in_comment
                && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'[' | b'{' | b','))
                // (an anchored scalar's span starts at its `&`)
                && !scalars.contains(i, true) =>
            {
                let end = b[i + 1..]
                    .iter()
                    .position(|&x| {
                        matches!(
                            x,
                            b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}'
                        )
                    })
                    .map_or(b.len(), |k| i + 1 + k);
                let name = &text[i + 1..end];
                let err = |message: &str| YamlError {
                    span: Span::new(i, end),
                    message: message.into(),
                };
                if name.is_empty()
                    || !name
                        .bytes()
                        .all(|x| x.is_ascii_alphanumeric() || x == b'-' || x == b'_')
                {
                    return Err(err("while scanning an anchor did not find expected alphabetic or numeric character"));
                }
                if !seen.insert(name) {
                    return Err(err("found duplicate anchor (an anchor name defined twice)"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Tabs where libyaml (Ansible's reader) takes only spaces, which saphyr
/// lets by: at the start of a line (a tab-only line, a tab before a
/// comment or before a key), and after a block entry's `-` or an explicit
/// key's `?`. Inside a scalar or a flow collection a tab is text or
/// separation, so those spans are left alone.
pub(super) fn check_tabs(text: &str, root: &Node) -> Result<(), YamlError> {
    let b = text.as_bytes();
    if memchr::memchr(b'\t', b).is_none() {
        return Ok(());
    }
    block_scalar_tabs(text, root)?;
    let safe = Covered::of(root, b, true);
    let inside = |p: usize| safe.contains(p, false);
    let mut line = 0;
    while line < b.len() {
        let end = memchr::memchr(b'\n', &b[line..]).map_or(b.len(), |i| line + i);
        let mut i = line;
        loop {
            while i < end && b[i] == b' ' {
                i += 1;
            }
            if i >= end || inside(i) {
                break;
            }
            match b[i] {
                b'\t' => {
                    return Err(YamlError {
                        span: Span::new(i, i),
                        message: "found character '\\t' that cannot start any token (a tab where YAML takes only spaces)".into(),
                    })
                }
                // A block entry, an explicit key, and the value of one:
                // libyaml takes no tab after them (a simple key's `:` is
                // not at a token's start, so never here).
                b'-' | b'?' | b':' if i + 1 >= end || matches!(b[i + 1], b' ' | b'\t') => {
                    i += 1
                }
                _ => break,
            }
        }
        line = end + 1;
    }
    Ok(())
}

/// A tab in a block scalar's indentation: before the first line with
/// content (which sets the indentation) or before that many spaces, libyaml
/// finds "a tab character where an indentation space is expected". A block
/// scalar with an explicit indentation indicator is left to saphyr.
fn block_scalar_tabs(text: &str, root: &Node) -> Result<(), YamlError> {
    fn walk(n: &Node, b: &[u8]) -> Result<(), YamlError> {
        match &n.kind {
            NodeKind::Scalar {
                style: Style::Literal | Style::Folded,
                ..
            } => check_block(b, n.span.start as usize, n.span.end as usize),
            NodeKind::Scalar { .. } => Ok(()),
            NodeKind::Map { pairs: m, .. } => m.iter().try_for_each(|(k, v)| {
                walk(k, b)?;
                walk(v, b)
            }),
            NodeKind::Seq { items, .. } => items.iter().try_for_each(|i| walk(i, b)),
        }
    }
    fn check_block(b: &[u8], start: usize, end: usize) -> Result<(), YamlError> {
        let end = end.min(b.len());
        if start >= end {
            return Ok(());
        }
        // The scalar's span starts at its first content: back over the
        // blank lines before it to the header (`|`, `>`, with any indicator).
        let line_start = |at: usize| super::reread::line_start(b, at);
        let mut from = line_start(start);
        while from > 0 {
            let prev = line_start(from - 1);
            if !b[prev..from - 1]
                .iter()
                .all(|c| matches!(c, b' ' | b'\t' | b'\r'))
            {
                if b[prev..from - 1].iter().any(u8::is_ascii_digit) {
                    return Ok(());
                }
                break;
            }
            from = prev;
        }
        let mut indent = None;
        let mut line = from;
        while line < end {
            let spaces = b[line..].iter().take_while(|&&c| c == b' ').count();
            let at = line + spaces;
            if b.get(at) == Some(&b'\t') && indent.is_none_or(|n| spaces < n) {
                return Err(YamlError {
                    span: Span::new(at, at),
                    message: "while scanning a block scalar: found a tab character where an indentation space is expected".into(),
                });
            }
            if indent.is_none() && !matches!(b.get(at), None | Some(b'\n' | b'\r')) {
                indent = Some(spaces);
            }
            line = memchr::memchr(b'\n', &b[line..]).map_or(b.len(), |i| line + i + 1);
        }
        Ok(())
    }
    let b = text.as_bytes();
    walk(root, b)
}

#[cfg(test)]
mod printable_tests {
    #[test]
    fn refuses_what_libyaml_refuses_wherever_it_is() {
        for (ch, code) in [
            ("\u{1b}", "001b"),
            ("\u{0}", "0000"),
            ("\u{7f}", "007f"),
            ("\u{80}", "0080"),
            ("\u{9f}", "009f"),
            ("\u{fffe}", "fffe"),
            ("\u{ffff}", "ffff"),
        ] {
            for pad in 0..17 {
                let text = format!("a: {}{ch}x\n", "é".repeat(pad));
                let e = super::check_printable(&text).unwrap_err();
                assert!(
                    e.message.contains(&format!("#x{code}")),
                    "{ch:?}: {}",
                    e.message
                );
                assert_eq!(&text[e.span.start as usize..e.span.end as usize], ch);
            }
        }
        // Every character near the classes, in every lane of a word and
        // beside every other lane value that could carry into it.
        let refused = |c: u32| {
            (c < 0x20 && ![0x09, 0x0a, 0x0d].contains(&c))
                || c == 0x7f
                || ((0x80..=0x9f).contains(&c) && c != 0x85)
                || c == 0xfffe
                || c == 0xffff
        };
        let near = (0..0x200).chain([0x2028, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x10ffff]);
        for c in near.filter_map(char::from_u32) {
            for pad in 0..9 {
                for next in ["\n", "\u{1}", "\t", "x"] {
                    let text = format!("{}{c}{next}bbbbbbbb", "a".repeat(pad));
                    let want = refused(u32::from(c)) || next == "\u{1}";
                    assert_eq!(
                        super::check_printable(&text).is_err(),
                        want,
                        "{c:?} then {next:?} after {pad}"
                    );
                }
            }
        }
        for ok in [
            "a:\tb\r\n",
            "\u{85}\u{a0}\u{feff}\u{fffd}\u{2028}é日本\u{10ffff}",
            "plain ascii text, long enough to fill words\n",
        ] {
            assert!(super::check_printable(ok).is_ok(), "{ok:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse, Limits};

    fn p(s: &str) -> Result<Option<Node>, YamlError> {
        parse(s, Limits::default())
    }

    #[test]
    fn tabs_and_anchors_as_libyaml_takes_them() {
        // refused: a tab-only line, a tab before a comment, a tab after `-`
        for t in ["a: 1\n\t\n", "a:\n\t# c\n  b: 1\n", "a:\n-\tx\n"] {
            assert!(p(t).is_err(), "{t:?}");
        }
        // separation after a value or a key's `:`, text inside scalars
        for t in ["a: 1\t# c\n", "a:\tb\n", "a: |\n  x\ty\n", "a: [1,\t2]\n"] {
            assert!(p(t).is_ok(), "{t:?}");
        }
        // refused: an anchor name with a dot, an anchor defined twice
        for t in [
            "a: &x.y 1\n",
            "a: &x 1\nb: &x 2\n",
            "a: &x\n  k: 1\nb: &x [2]\n",
        ] {
            assert!(p(t).is_err(), "{t:?}");
        }
        // an `&` that is text, in a comment or inside a scalar, is none
        for t in [
            "a: &x-1 {k: 1}\nb: *x-1\n",
            "a: \"&x\"\nb: &x 1\n",
            "a: b&c  # &d &d\nd: |\n  &e &e\n",
            "a: [&q 1, *q]\n",
        ] {
            assert!(p(t).is_ok(), "{t:?}");
        }
    }

    #[test]
    fn covered_ranges_merge_and_answer_by_search() {
        let n = p("a: [1, 2]\nb: 'x'\n").unwrap().unwrap();
        let c = Covered::of(&n, b"a: [1, 2]\nb: 'x'\n", true);
        assert!(c.contains(3, false) && c.contains(8, false) && !c.contains(9, false));
        assert!(c.contains(13, false) && !c.contains(13, true) && c.contains(14, true));
    }
}
