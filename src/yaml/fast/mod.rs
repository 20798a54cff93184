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

/// Every byte printable ASCII or a newline. Checked a block at a time
/// without a branch per byte, which the compiler turns into SIMD (a byte
/// loop that stops at the first bad byte costs as much as the rest of the
/// parse).
fn printable_lines(bytes: &[u8]) -> bool {
    bytes.chunks(4096).all(|block| {
        !block.iter().fold(false, |bad, &b| {
            bad | ((b != b'\n') & (b.wrapping_sub(0x20) >= 0x5f))
        })
    })
}

/// Parse `text` when it is inside the subset; `None` means "use the
/// general parser".
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
mod tests;
