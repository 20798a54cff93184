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
            tag: None,
        },
        span: Span::new(start, end),
    }
}

/// A value written on the key's line: the node, or `None` to decline.
/// `base` is the byte offset of `line` in the text.
fn inline_value(line: &[u8], at: usize, base: usize, text: &str) -> Option<Node> {
    let c = line[at];
    match c {
        b'{' if line.get(at + 1).is_some_and(|&n| n != b'}') => flow(line, at, base, text),
        b'[' if line.get(at + 1).is_some_and(|&n| n != b']') => flow(line, at, base, text),
        b'{' | b'[' => {
            let close = if c == b'{' { b'}' } else { b']' };
            // Only at the end of the line: saphyr's span of an empty flow
            // collection reaches into a trailing comment.
            if line.get(at + 1) != Some(&close) || line.len() != at + 2 {
                return None;
            }
            let kind = if c == b'{' {
                NodeKind::map(Box::default(), None)
            } else {
                NodeKind::seq(Box::default(), None)
            };
            Some(Node {
                kind,
                span: Span::new(base + at, base + at + 2),
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

/// A one-line flow mapping or sequence of simple plain words, `{k: v, k2:
/// v2}` (the usual `host: {ansible_host: 10.0.0.1}`) or `[a, b]` (`dns:
/// [10.0.0.2, 10.0.0.3]`): anything else declines. Its span, as saphyr
/// gives it, runs to the end of the line, taking in trailing spaces and a
/// comment.
fn flow(line: &[u8], at: usize, base: usize, text: &str) -> Option<Node> {
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
    let is_map = line[at] == b'{';
    let close = if is_map { b'}' } else { b']' };
    let mut pairs = Vec::new();
    let mut items = Vec::new();
    let mut i = at + 1;
    i = skip_spaces(line, i);
    loop {
        let k = word(line, &mut i)?;
        if is_map {
            if line.get(i) != Some(&b':') || line.get(i + 1) != Some(&b' ') {
                return None;
            }
            i += 1;
            i = skip_spaces(line, i);
            let v = word(line, &mut i)?;
            pairs.push((word_node(k), word_node(v)));
        } else {
            items.push(word_node(k));
        }
        i = skip_spaces(line, i);
        match line.get(i) {
            Some(b',') => {
                i += 1;
                i = skip_spaces(line, i);
                // saphyr ends the span of `{a: 1,}` at its `}`: declined.
                if line.get(i) == Some(&close) {
                    return None;
                }
            }
            Some(&c) if c == close => {
                i += 1;
                break;
            }
            _ => return None,
        }
    }
    let j = skip_spaces(line, i);
    if j < line.len() && !(line[j] == b'#' && j > i) {
        return None;
    }
    let kind = if is_map {
        NodeKind::map(pairs.into_boxed_slice(), None)
    } else {
        NodeKind::seq(items.into_boxed_slice(), None)
    };
    Some(Node {
        kind,
        span: Span::new(base + at, base + line.len()),
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
        kind: NodeKind::map(exact, None),
        span: Span::new(f.start, end.max(f.start)),
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

/// Printable text and newlines: ASCII as [`printable_lines`] takes it,
/// and any other character but the ones YAML readers treat apart (C1
/// controls and NEL, the BOM, U+2028/U+2029 line breaks, U+FFFE/U+FFFF).
/// Non-ASCII text is only ever inside scalars and comments here, where it
/// is just characters. Blocks of printable ASCII are skipped as in
/// [`printable_lines`]; only a block with other bytes is looked at byte
/// by byte.
fn printable_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    for (n, block) in bytes.chunks(4096).enumerate() {
        if printable_lines(block) {
            continue;
        }
        let from = n * 4096;
        for i in from..from + block.len() {
            let b = bytes[i];
            let next = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
            let bad = match b {
                b'\n' | 0x20..=0x7e => false,
                0x00..=0x7f => true,
                0xc2 => (0x80..=0x9f).contains(&next(1)),
                0xe2 => next(1) == 0x80 && matches!(next(2), 0xa8 | 0xa9),
                0xef => {
                    (next(1) == 0xbb && next(2) == 0xbf)
                        || (next(1) == 0xbf && matches!(next(2), 0xbe | 0xbf))
                }
                _ => false,
            };
            if bad {
                return false;
            }
        }
    }
    true
}

/// The line starting at `pos`: (its end, its indentation).
fn line_at(bytes: &[u8], pos: usize) -> (usize, usize) {
    let nl = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
    let indent = bytes[pos..nl].iter().take_while(|&&b| b == b' ').count();
    (nl, indent)
}

/// Where the spaces from `i` on end.
#[inline]
fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// The plain key of a `key:` line from `at` to its `:` at `colon`,
/// spaces before the `:` left out (`line` starts at `base` in `text`).
#[inline]
fn key_node(line: &[u8], at: usize, colon: usize, base: usize, text: &str) -> Node {
    let mut end = colon;
    while end > at && line[end - 1] == b' ' {
        end -= 1;
    }
    scalar(
        &text[base + at..base + end],
        Style::Plain,
        base + at,
        base + end,
    )
}

/// A `key: value` on one line, the key at `at`: both nodes, or `None`.
fn inline_pair(line: &[u8], at: usize, base: usize, text: &str) -> Option<(Node, Node)> {
    if indicator(line[at]) {
        return None;
    }
    let colon = key_colon(line, at)?;
    let key = key_node(line, at, colon, base, text);
    let v = skip_spaces(line, colon + 1);
    if v == line.len() || line[v] == b'#' {
        return None;
    }
    Some((key, inline_value(line, v, base, text)?))
}

/// A block sequence of one-line scalars or of mappings of one-line
/// `key: value` pairs, the value of the key whose `:` is at `colon`
/// (nothing after it but a comment), at `indent`:
///
/// ```yaml
/// gpu_models:
///   - "NVIDIA A100"
///   - H100
/// mounts:         # or at the key's own indentation
/// - path: /data
///   size_gb: 500
/// ```
///
/// Read by the line scanner: the node and where the scan goes on, or
/// `None` for anything else (the caller hands it to [`region`]).
fn block_seq(text: &str, colon: usize, indent: usize) -> Option<(Node, usize)> {
    let bytes = text.as_bytes();
    let (key_line_end, _) = line_at(bytes, colon);
    let mut pos = (key_line_end + 1).min(bytes.len());
    let mut items = Vec::new();
    // The item being read when it is a mapping: its indentation, start
    // and pairs. It ends where the next token starts.
    type ItemMap = Option<(usize, usize, Vec<(Node, Node)>)>;
    let mut open: ItemMap = None;
    let close = |open: &mut ItemMap, items: &mut Vec<Node>, end: usize| {
        if let Some((_, start, pairs)) = open.take() {
            items.push(Node {
                kind: NodeKind::map(pairs.into_boxed_slice(), None),
                span: Span::new(start, end),
            });
        }
    };
    let mut dash_at: Option<usize> = None;
    let mut start = 0;
    let (end, resume) = loop {
        if pos >= bytes.len() {
            break (bytes.len(), bytes.len());
        }
        let (nl, ind) = line_at(bytes, pos);
        let line = &bytes[pos..nl];
        let base = pos;
        if ind == line.len() {
            pos = nl + 1;
            continue;
        }
        let d = dash_at.unwrap_or(ind);
        if line[ind] == b'#' {
            if ind > d {
                return None;
            }
            pos = nl + 1;
            continue;
        }
        let dash = line[ind] == b'-' && line.get(ind + 1) == Some(&b' ');
        if dash && ind == d && ind >= indent {
            close(&mut open, &mut items, base + ind);
            let v = skip_spaces(line, ind + 2);
            if v == line.len() || line[v] == b'#' {
                return None;
            }
            if let Some(pair) = inline_pair(line, v, base, text) {
                open = Some((v, base + v, vec![pair]));
            } else {
                items.push(inline_value(line, v, base, text)?);
            }
            if dash_at.is_none() {
                // A sequence at the key's own indentation starts, as saphyr
                // has it, after its first `-` and the spaces after it.
                start = if ind == indent { base + v } else { base + ind };
                dash_at = Some(ind);
            }
            pos = nl + 1;
            continue;
        }
        if let Some((at, _, pairs)) = open.as_mut() {
            if ind == *at {
                pairs.push(inline_pair(line, ind, base, text)?);
                pos = nl + 1;
                continue;
            }
        }
        if dash_at.is_none() || ind > indent || (ind == indent && dash) {
            return None;
        }
        break (base + ind, base);
    };
    close(&mut open, &mut items, end);
    let node = Node {
        kind: NodeKind::seq(items.into_boxed_slice(), None),
        span: Span::new(start, end),
    };
    Some((node, resume))
}

/// A key's value the line scanner does not read (a sequence, an escaped or
/// multi-line scalar, a tag, a block scalar, a flow collection with
/// content): from after its `:` to the first token that is not part of it,
/// parsed alone by saphyr and spliced into the tree, spans included.
///
/// The value goes on while lines are blank, comments, more indented than
/// the key (`indent`), or, when nothing follows the `:` on its line, `-`
/// items at the key's own indentation. Returns the node and where the
/// scan goes on (the start of the first line after the value), or `None`
/// to hand the whole file to the general parser.
fn region(
    text: &str,
    colon: usize,
    indent: usize,
    limits: Limits,
    depth: usize,
) -> Option<(Node, usize)> {
    let bytes = text.as_bytes();
    let (key_line_end, _) = line_at(bytes, colon);
    let inline = &bytes[colon + 1..key_line_end];
    let first = inline.iter().position(|&b| b != b' ');
    let has_inline = first.is_some_and(|i| inline[i] != b'#');
    let mut pos = (key_line_end + 1).min(bytes.len());
    let mut compact = None;
    let mut first_dash = 0;
    // The first of the comment lines at or left of the key's indentation
    // since the value's last line: they may follow the value, never be
    // inside it (alone in the piece, a block scalar would take them as
    // content, and a quoted scalar could go on left of where it may).
    let mut low_comment: Option<usize> = None;
    let (end, resume) = loop {
        if pos >= bytes.len() {
            break (bytes.len(), bytes.len());
        }
        let (nl, ind) = line_at(bytes, pos);
        let line = &bytes[pos..nl];
        let content = ind < line.len() && line[ind] != b'#';
        let dash = ind == indent
            && line.get(ind) == Some(&b'-')
            && line.get(ind + 1).is_none_or(|&b| b == b' ');
        // `-` items at the key's indentation are its value only when they
        // are the value's first line (a sequence there, not a scalar
        // going on to the left of where it may).
        let compact_item = dash && !has_inline && compact.is_none_or(|c| c);
        if content && ind <= indent && !compact_item {
            if dash && compact.is_none() {
                return None;
            }
            break (pos + ind, pos);
        }
        if content {
            if low_comment.is_some() {
                return None;
            }
            if compact.is_none() {
                compact = Some(dash);
                if dash {
                    first_dash = pos + ind;
                }
            }
        } else if ind < line.len() && ind <= indent && low_comment.is_none() {
            low_comment = Some(pos);
        }
        pos = nl + 1;
    };
    // The piece ends where the lines after the value start; what is still
    // open there ends, in the whole file, at the next token (`end`).
    let piece_end = low_comment.unwrap_or(resume);
    let piece = &text[colon + 1..piece_end];
    // An explicit indentation indicator (`|2`, `>-1`) counts from the
    // parent's indentation, which the piece alone does not have.
    let p = piece.as_bytes();
    let at = |i: usize| p.get(i).copied().unwrap_or(0);
    let indicator = (0..p.len()).any(|i| {
        matches!(p[i], b'|' | b'>')
            && (at(i + 1).is_ascii_digit()
                || (matches!(at(i + 1), b'+' | b'-') && at(i + 2).is_ascii_digit()))
    });
    if indicator {
        return None;
    }
    let mut node = super::parse_fragment(
        text,
        colon + 1..piece_end,
        Limits {
            max_depth: limits.max_depth.saturating_sub(depth + 1),
            ..limits
        },
    )?;
    let scalar_to = piece_end + line_at(bytes, piece_end.min(bytes.len())).1;
    extend_ends(&mut node, piece_end, scalar_to.min(bytes.len()), end);
    if compact == Some(true) {
        // A sequence at the key's own indentation starts, in the whole
        // file, after its first `-` and the spaces after it.
        if !matches!(node.kind, NodeKind::Seq { .. }) {
            return None;
        }
        let after = skip_spaces(bytes, first_dash + 1);
        if bytes.get(after) == Some(&b'#') {
            return None;
        }
        node.span.start = u32::try_from(after).ok()?;
    }
    if !spliceable(&node) {
        return None;
    }
    // A block collection cannot start on the key's line (`k: - a`,
    // `k: a: b`), which the piece alone would allow.
    // A flow collection is fine: it opens with its bracket, and a flow
    // mapping's first key comes after it (a block mapping's first key is
    // where the mapping starts, `{a: 1}: x` included).
    let start = node.span.start as usize;
    let flow = matches!(bytes.get(start), Some(b'{' | b'['))
        && match &node.kind {
            NodeKind::Map { pairs: m, .. } => {
                m.first().is_none_or(|(k, _)| k.span.start as usize > start)
            }
            _ => true,
        };
    if matches!(node.kind, NodeKind::Map { .. } | NodeKind::Seq { .. })
        && start < key_line_end
        && !flow
    {
        return None;
    }
    Some((node, resume))
}

/// Nodes of a piece that end where it ends, `at`, end elsewhere in the
/// whole file: collections (closed by the piece's end) at the next token,
/// `to`; block scalars (running to it) where the scanner stops reading
/// them, the first non-blank character of the next line, `scalar_to`;
/// an implied empty value, at the next token.
fn extend_ends(node: &mut Node, at: usize, scalar_to: usize, to: usize) {
    let ends_here = node.span.end as usize == at;
    let to = match &mut node.kind {
        NodeKind::Map { pairs: m, .. } => {
            for (k, v) in m.iter_mut() {
                extend_ends(k, at, scalar_to, to);
                extend_ends(v, at, scalar_to, to);
            }
            to
        }
        NodeKind::Seq { items, .. } => {
            items
                .iter_mut()
                .for_each(|n| extend_ends(n, at, scalar_to, to));
            to
        }
        // an empty scalar there (an implied null) is at the next token
        NodeKind::Scalar { .. } if node.span.start == node.span.end => to,
        NodeKind::Scalar { .. } => scalar_to,
    };
    if ends_here {
        let to = u32::try_from(to).unwrap_or(u32::MAX);
        if node.span.start == node.span.end {
            node.span.start = to; // an empty node there
        }
        node.span.end = to;
    }
}

/// False for what a piece parsed alone spans differently than the whole
/// file would: a block scalar without a content line (saphyr starts the
/// whole file's at the next token).
fn spliceable(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar { value, style, .. } => {
            !(value.bytes().all(|b| b == b'\n') && matches!(style, Style::Literal | Style::Folded))
        }
        NodeKind::Map { pairs: m, .. } => m.iter().all(|(k, v)| spliceable(k) && spliceable(v)),
        NodeKind::Seq { items, .. } => items.iter().all(spliceable),
    }
}

/// Parse `text` when it is inside the subset; `None` means "use the
/// general parser".
pub fn parse(text: &str, limits: Limits) -> Option<Node> {
    let bytes = text.as_bytes();
    // No tabs, CRs, BOMs or Unicode line breaks to get wrong.
    if !printable_text(text) {
        return None;
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut pool: Vec<Vec<(Node, Node)>> = Vec::new();
    let mut root: Option<Node> = None;
    let mut seen_content = false;
    // The last key whose value was on its own line, while a following line
    // could still continue that value: (its indentation, its `:`).
    let mut inline_at: Option<(usize, usize)> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let (nl, indent) = line_at(bytes, pos);
        let line = &bytes[pos..nl];
        let base = pos;
        pos = nl + 1;
        if indent == line.len() {
            continue; // blank
        }
        // A more indented line after a value read on its key's line
        // continues that value (a multi-line scalar, a comment inside
        // it): the value is read again with what follows.
        if let Some((at, colon)) = inline_at {
            if indent > at {
                let top = stack.last_mut()?;
                let (key, _) = top.entries.pop()?;
                let (value, resume) = region(text, colon, at, limits, stack.len())?;
                stack.last_mut()?.entries.push((key, value));
                inline_at = None;
                pos = resume;
                continue;
            }
        }
        let first = line[indent];
        if first == b'#' {
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
        if root.is_some() {
            return None;
        }
        // A value of a pending key that is not a mapping of simple keys
        // (a sequence, a scalar on its own line, a quoted key): read by
        // saphyr.
        let key_line = if indicator(first) {
            None
        } else {
            key_colon(line, indent)
        };
        let Some(colon) = key_line else {
            let top = stack.last_mut()?;
            let (key, colon) = top.pending.take()?;
            let dash = first == b'-' && line.get(indent + 1).is_none_or(|&b| b == b' ');
            if !(indent > top.indent || (indent == top.indent && dash)) {
                return None;
            }
            let at = top.indent;
            let (value, resume) = match block_seq(text, colon, at) {
                Some(read) => read,
                None => region(text, colon, at, limits, stack.len())?,
            };
            stack.last_mut()?.entries.push((key, value));
            inline_at = None;
            pos = resume;
            continue;
        };
        let key_start = base + indent;
        let key = key_node(line, indent, colon, base, text);
        // Where this key goes: a new mapping under a pending key, or the
        // mapping at this indentation once deeper ones are closed.
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
        let depth = stack.len();
        let top = stack.last_mut()?;
        let v = skip_spaces(line, colon + 1);
        if v == line.len() || (line[v] == b'#' && v > colon + 1) {
            top.pending = Some((key, base + colon));
            inline_at = None;
        } else if let Some(value) = inline_value(line, v, base, text) {
            top.entries.push((key, value));
            inline_at = Some((indent, base + colon));
        } else {
            let (value, resume) = region(text, base + colon, indent, limits, depth)?;
            stack.last_mut()?.entries.push((key, value));
            inline_at = None;
            pos = resume;
        }
    }
    while !stack.is_empty() {
        if let Some(done) = close(&mut stack, &mut pool, bytes.len())? {
            root = Some(done);
        }
    }
    root
}

/// Where the `:` of a simple `key:` line is: the first `:` followed by a
/// space or the line end, with no comment before it and a key of at most
/// 512 bytes.
fn key_colon(line: &[u8], indent: usize) -> Option<usize> {
    let mut i = indent;
    while i < line.len() {
        match line[i] {
            b':' if i + 1 == line.len() || line[i + 1] == b' ' => {
                return (i - indent <= 512).then_some(i);
            }
            b'#' if line[i - 1] == b' ' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests;
