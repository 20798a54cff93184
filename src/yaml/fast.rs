//! The fast path of [`super::parse`]: a line scanner for the block-mapping
//! YAML that inventories are made of (`key:` lines nested by indentation,
//! plain or simple quoted scalars, `{}`/`[]`, comments), about five times
//! faster than the general event parser.
//!
//! It builds exactly the tree the general path builds, spans included, or it
//! declines: anything outside the subset (sequences, flow collections with
//! content, anchors, tags, escapes, multi-line scalars, tabs, non-ASCII text,
//! document markers other than a leading `---`, odd indentation) returns
//! `None` and the caller parses the file with saphyr, which also reports
//! the errors. `tests` and the `yaml_fast_path` fuzz target compare the two
//! paths on every input the fast path accepts.

use super::yaml11::{self, Implicit};
use super::{Limits, Node, NodeKind, Style};
use crate::source::Span;

/// Characters that may not start a plain scalar here (YAML indicators).
fn indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

struct Frame {
    indent: usize,
    start: usize,
    entries: Vec<(Node, Node)>,
    /// A key whose value is on the following lines, and where its `:` is.
    pending: Option<(Node, usize)>,
}

fn scalar(value: &str, style: Style, start: usize, end: usize) -> Node {
    let implicit = if style == Style::Plain {
        yaml11::resolve_plain(value)
    } else {
        Implicit::Str
    };
    Node {
        kind: NodeKind::Scalar {
            value: value.into(),
            style,
            implicit,
        },
        span: Span::new(start, end),
        tag: None,
    }
}

/// A value written on the key's line: the node, or `None` to decline.
/// `base` is the byte offset of `line` in the text.
fn inline_value(line: &[u8], at: usize, base: usize, text: &str) -> Option<Node> {
    let c = line[at];
    match c {
        b'{' if line.get(at + 1).is_some_and(|&n| n != b'}') => flow_map(line, at, base, text),
        b'{' | b'[' => {
            let close = if c == b'{' { b'}' } else { b']' };
            // Only at the end of the line: saphyr's span of an empty flow
            // collection reaches into a trailing comment.
            if line.get(at + 1) != Some(&close) || line.len() != at + 2 {
                return None;
            }
            let kind = if c == b'{' {
                NodeKind::Map(Box::default())
            } else {
                NodeKind::Seq(Box::default())
            };
            Some(Node {
                kind,
                span: Span::new(base + at, base + at + 2),
                tag: None,
            })
        }
        b'"' | b'\'' => {
            let rel = line[at + 1..].iter().position(|&b| b == c)?;
            let close = at + 1 + rel;
            let content = &line[at + 1..close];
            if c == b'"' && content.contains(&b'\\') {
                return None;
            }
            // Only at the end of the line (`''` is an escaped quote, and
            // saphyr's span of a quoted scalar takes in trailing spaces).
            if line.len() != close + 1 {
                return None;
            }
            let style = if c == b'"' {
                Style::DoubleQuoted
            } else {
                Style::SingleQuoted
            };
            let value = &text[base + at + 1..base + close];
            Some(scalar(value, style, base + at, base + close + 1))
        }
        b'-' if line.get(at + 1).is_some_and(|&n| n != b' ') => plain(line, at, base, text),
        c if indicator(c) => None,
        _ => plain(line, at, base, text),
    }
}

/// A one-line flow mapping of simple plain words, `{k: v, k2: v2}` (the
/// usual `host: {ansible_host: 10.0.0.1}`): anything else declines. Its
/// span, as saphyr gives it, runs to the end of the line, taking in
/// trailing spaces and a comment.
fn flow_map(line: &[u8], at: usize, base: usize, text: &str) -> Option<Node> {
    fn spaces(line: &[u8], i: &mut usize) {
        while line.get(*i) == Some(&b' ') {
            *i += 1;
        }
    }
    // A conservative plain scalar: no indicators, quotes, spaces or `:`.
    fn word(line: &[u8], i: &mut usize) -> Option<(usize, usize)> {
        let inner = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/');
        let start = *i;
        let first = *line.get(start)?;
        if !(inner(first) && (first != b'-' || line.get(start + 1).is_some_and(|&n| inner(n)))) {
            return None;
        }
        while line.get(*i).is_some_and(|&b| inner(b)) {
            *i += 1;
        }
        Some((start, *i))
    }
    let word_node = |(s, e): (usize, usize)| {
        scalar(&text[base + s..base + e], Style::Plain, base + s, base + e)
    };
    let mut pairs = Vec::new();
    let mut i = at + 1;
    spaces(line, &mut i);
    loop {
        let k = word(line, &mut i)?;
        if line.get(i) != Some(&b':') || line.get(i + 1) != Some(&b' ') {
            return None;
        }
        i += 1;
        spaces(line, &mut i);
        let v = word(line, &mut i)?;
        spaces(line, &mut i);
        pairs.push((word_node(k), word_node(v)));
        match line.get(i) {
            Some(b',') => {
                i += 1;
                spaces(line, &mut i);
                // saphyr ends the span of `{a: 1,}` at its `}`: declined.
                if line.get(i) == Some(&b'}') {
                    return None;
                }
            }
            Some(b'}') => {
                i += 1;
                break;
            }
            _ => return None,
        }
    }
    let mut j = i;
    spaces(line, &mut j);
    if j < line.len() && !(line[j] == b'#' && j > i) {
        return None;
    }
    Some(Node {
        kind: NodeKind::Map(pairs.into_boxed_slice()),
        span: Span::new(base + at, base + line.len()),
        tag: None,
    })
}

/// A plain scalar from `at` to the end of the line or a comment.
fn plain(line: &[u8], at: usize, base: usize, text: &str) -> Option<Node> {
    let mut end = line.len();
    let mut i = at;
    while i < line.len() {
        match line[i] {
            b'#' if line[i - 1] == b' ' => {
                end = i;
                break;
            }
            b':' if i + 1 == line.len() || line[i + 1] == b' ' => return None,
            _ => {}
        }
        i += 1;
    }
    while end > at && line[end - 1] == b' ' {
        end -= 1;
    }
    if end == at {
        return None;
    }
    Some(scalar(
        &text[base + at..base + end],
        Style::Plain,
        base + at,
        base + end,
    ))
}

/// Close the top frame into a mapping node ending at `end` and hand it to
/// the frame below (or return it when it was the root).
///
/// The frame's growable vector goes back to `pool` for the next mapping;
/// the node gets an exact-size copy (growth by doubling would leave up to
/// half of every mapping's memory unused, most of a tree's size).
fn close(
    stack: &mut Vec<Frame>,
    pool: &mut Vec<Vec<(Node, Node)>>,
    end: usize,
) -> Option<Option<Node>> {
    let f = stack.pop()?;
    let mut entries = f.entries;
    if let Some((k, colon)) = f.pending {
        entries.push((k, Node::null_at(Span::new(colon, colon))));
    }
    let exact: Box<[(Node, Node)]> = entries.drain(..).collect();
    pool.push(entries);
    let node = Node {
        kind: NodeKind::Map(exact),
        span: Span::new(f.start, end.max(f.start)),
        tag: None,
    };
    match stack.last_mut() {
        Some(parent) => {
            let (k, _) = parent.pending.take()?;
            parent.entries.push((k, node));
            Some(None)
        }
        None => Some(Some(node)),
    }
}

/// Parse `text` when it is inside the subset; `None` means "use the
/// general parser".
/// Every byte printable ASCII or a newline. Checked a block at a time
/// without a branch per byte, which the compiler turns into SIMD (a byte
/// loop that stops at the first bad byte was half of this parser's time).
fn printable_lines(bytes: &[u8]) -> bool {
    bytes.chunks(4096).all(|block| {
        !block.iter().fold(false, |bad, &b| {
            bad | ((b != b'\n') & (b.wrapping_sub(0x20) >= 0x5f))
        })
    })
}

pub fn parse(text: &str, limits: Limits) -> Option<Node> {
    let bytes = text.as_bytes();
    // Printable ASCII and newlines only: no tabs, CRs, BOMs or Unicode
    // line breaks to get wrong.
    if !printable_lines(bytes) {
        return None;
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut pool: Vec<Vec<(Node, Node)>> = Vec::new();
    let mut root: Option<Node> = None;
    let mut seen_content = false;
    // Indentation a following line must not exceed (a value was inline).
    let mut inline_at: Option<usize> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let nl = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let line = &bytes[pos..nl];
        let base = pos;
        pos = nl + 1;
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        if indent == line.len() {
            continue; // blank
        }
        let first = line[indent];
        if first == b'#' {
            if inline_at.is_some_and(|i| indent > i) {
                return None;
            }
            continue;
        }
        if indent == 0 && (line.starts_with(b"---") || line.starts_with(b"...")) {
            if line == b"---" && !seen_content {
                seen_content = true;
                continue;
            }
            return None;
        }
        seen_content = true;
        if root.is_some() || indicator(first) {
            return None;
        }
        // The key: up to the first `:` followed by a space or the line end.
        let mut colon = None;
        let mut i = indent;
        while i < line.len() {
            match line[i] {
                b':' if i + 1 == line.len() || line[i + 1] == b' ' => {
                    colon = Some(i);
                    break;
                }
                b'#' if line[i - 1] == b' ' => return None,
                _ => {}
            }
            i += 1;
        }
        let colon = colon?;
        let mut key_end = colon;
        while key_end > indent && line[key_end - 1] == b' ' {
            key_end -= 1;
        }
        if key_end - indent > 512 {
            return None;
        }
        let key_start = base + indent;
        let key = scalar(
            &text[key_start..base + key_end],
            Style::Plain,
            key_start,
            base + key_end,
        );
        // Where this key goes: a new mapping under a pending key, or the
        // mapping at this indentation once deeper ones are closed.
        if let Some(prev) = inline_at {
            if indent > prev {
                return None;
            }
        }
        let opens = match stack.last() {
            Some(top) => top.pending.is_some() && indent > top.indent,
            None => true,
        };
        if opens {
            if stack.len() >= limits.max_depth {
                return None;
            }
            stack.push(Frame {
                indent,
                start: key_start,
                entries: pool.pop().unwrap_or_default(),
                pending: None,
            });
        } else {
            while stack.last().is_some_and(|f| f.indent > indent) {
                if let Some(done) = close(&mut stack, &mut pool, key_start)? {
                    root = Some(done);
                }
            }
            let top = stack.last_mut()?;
            if top.indent != indent {
                return None;
            }
            if let Some((k, c)) = top.pending.take() {
                top.entries.push((k, Node::null_at(Span::new(c, c))));
            }
        }
        let top = stack.last_mut()?;
        let mut v = colon + 1;
        while v < line.len() && line[v] == b' ' {
            v += 1;
        }
        if v == line.len() || (line[v] == b'#' && v > colon + 1) {
            top.pending = Some((key, base + colon));
            inline_at = None;
        } else {
            let value = inline_value(line, v, base, text)?;
            top.entries.push((key, value));
            inline_at = Some(indent);
        }
    }
    while !stack.is_empty() {
        if let Some(done) = close(&mut stack, &mut pool, bytes.len())? {
            root = Some(done);
        }
    }
    root
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn everything_else_is_declined() {
        for t in [
            "",
            "# only a comment\n",
            "---\n",
            "a: 1\n...\n",
            "a: 1\n---\nb: 2\n",
            "- a\n",
            "a:\n- b\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: [1]\n",
            "a: b\n  c\n",
            "a: 'it''s'\n",
            "a: \"e\\n\"\n",
            "\"a\": 1\n",
            "a:\tb\n",
            "a: b\r\n",
            "é: 1\n",
            "a: b: c\n",
            "a:\n  b: 1\n c: 2\n",
            "a: 1\n  b: 2\n",
            "? a\n: b\n",
            "%YAML 1.1\n---\na: 1\n",
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
        ];
        let extras = [
            "", "# c", "  # c", "---", "...", "- item", "   ", "x", "--- a",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut accepted = 0;
        for _ in 0..200_000 {
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
}
