//! YAML reading: saphyr-parser events turned into a small spanned tree, plus the
//! YAML 1.1 (PyYAML) view of it that Ansible has ([`yaml11`], [`value`]).
//!
//! The tree keeps every key and value with its byte span so rules can point at
//! the offending node. Aliases are expanded by cloning the anchored node, with
//! a budget so that an alias bomb is refused instead of expanded.

mod fast;
mod libyaml;
mod reread;
mod tag;
pub mod value;
pub mod yaml11;

pub use tag::{Tag, TagId};

use crate::source::Span;
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// Scalar quoting style (Ansible only resolves plain scalars to non-strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A node's content. The tag is kept with it (an id: see [`tag`]), where
/// the variant's fields leave room, so that a node is 32 bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar {
        /// Inline up to 15 bytes (most keys and values of an inventory),
        /// on the heap beyond: no allocation for the common scalar.
        value: ecow::EcoString,
        style: Style,
        /// PyYAML's implicit type, resolved once at parse time (plain
        /// untagged scalars only; `Str` otherwise).
        implicit: yaml11::Implicit,
        tag: Option<TagId>,
    },
    /// Boxed slices, not vectors: no spare capacity, and a smaller node.
    Map {
        pairs: Box<[(Node, Node)]>,
        tag: Option<TagId>,
        /// Every key is a plain string, no two alike (no `<<` either):
        /// worked out once, when the mapping is made (see
        /// [`value::distinct_str_keys`]), for every reader that would
        /// otherwise look for repeated or merged keys.
        distinct: bool,
    },
    Seq {
        items: Box<[Node]>,
        tag: Option<TagId>,
    },
}

impl NodeKind {
    /// A mapping of `pairs`, its keys looked at once.
    pub fn map(pairs: Box<[(Node, Node)]>, tag: Option<TagId>) -> NodeKind {
        let distinct = value::distinct_str_keys(&pairs);
        NodeKind::Map {
            pairs,
            tag,
            distinct,
        }
    }
    pub fn seq(items: Box<[Node]>, tag: Option<TagId>) -> NodeKind {
        NodeKind::Seq { items, tag }
    }
}

/// One YAML node with its span (for collections: from the opening to the closing event).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

impl Node {
    /// A plain empty scalar (YAML null) at `span`.
    pub fn null_at(span: Span) -> Node {
        Node {
            kind: NodeKind::Scalar {
                value: ecow::EcoString::new(),
                style: Style::Plain,
                implicit: yaml11::Implicit::Null,
                tag: None,
            },
            span,
        }
    }
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map { pairs, .. } => Some(pairs),
            _ => None,
        }
    }
    /// The node's explicit tag, if it has one.
    pub fn tag(&self) -> Option<&'static Tag> {
        match &self.kind {
            NodeKind::Scalar { tag, .. }
            | NodeKind::Map { tag, .. }
            | NodeKind::Seq { tag, .. } => tag.map(TagId::get),
        }
    }
    pub fn as_scalar(&self) -> Option<(&str, Style)> {
        match &self.kind {
            NodeKind::Scalar { value, style, .. } => Some((value, *style)),
            _ => None,
        }
    }
    /// A short name of the node's kind for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map { .. } => "a mapping",
            NodeKind::Seq { .. } => "a list",
            NodeKind::Scalar { .. } => match value::resolve_scalar(self) {
                Ok(value::Scalar::Null) => "null",
                Ok(value::Scalar::Bool(_)) => "a boolean",
                Ok(value::Scalar::Int(_)) => "an integer",
                Ok(value::Scalar::Float(_)) => "a float",
                Ok(value::Scalar::Timestamp(_)) => "a date",
                _ => "a string",
            },
        }
    }
}

/// Why a file could not be read as YAML.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub span: Span,
    pub message: String,
}

/// Limits on what one document may cost to load.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most nodes that alias expansion may copy in one document.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 1_000_000,
        }
    }
}

/// Maps saphyr's character offsets in a piece of the text to byte offsets
/// in the whole text (the piece starts at `base`).
struct Offsets<'a> {
    ascii: bool,
    base: usize,
    table: Vec<u32>,
    _text: &'a str,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str, base: usize) -> Self {
        if text.is_ascii() {
            return Offsets {
                ascii: true,
                base,
                table: Vec::new(),
                _text: text,
            };
        }
        let mut table = Vec::with_capacity(text.len() + 1);
        for (b, _) in text.char_indices() {
            table.push(u32::try_from(b).unwrap_or(u32::MAX));
        }
        table.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        Offsets {
            ascii: false,
            base,
            table,
            _text: text,
        }
    }
    fn byte(&self, char_index: usize) -> usize {
        self.base
            + if self.ascii {
                char_index
            } else {
                self.table
                    .get(char_index)
                    .or(self.table.last())
                    .copied()
                    .unwrap_or(0) as usize
            }
    }
}

enum Frame {
    Map {
        start: usize,
        anchor: usize,
        tag: Option<TagId>,
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
    },
    Seq {
        start: usize,
        anchor: usize,
        tag: Option<TagId>,
        items: Vec<Node>,
    },
}

/// Nodes in a subtree (what copying it costs).
pub fn node_size(n: &Node) -> usize {
    match &n.kind {
        NodeKind::Scalar { .. } => 1,
        NodeKind::Seq { items, .. } => 1 + items.iter().map(node_size).sum::<usize>(),
        NodeKind::Map { pairs: entries, .. } => {
            1 + entries
                .iter()
                .map(|(k, v)| node_size(k) + node_size(v))
                .sum::<usize>()
        }
    }
}

/// The tag of the event at `at`, kept in the process's table (see [`tag`]).
fn convert_tag(
    tag: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>,
    at: usize,
) -> Result<Option<TagId>, YamlError> {
    let Some(t) = tag else { return Ok(None) };
    let full = if t.handle == "!" {
        format!("!{}", t.suffix)
    } else {
        format!("{}{}", t.handle, t.suffix)
    };
    TagId::of(&full).map(Some).map_err(|e| YamlError {
        span: Span::new(at, at),
        message: e.to_string(),
    })
}

/// Parse a YAML stream that must hold at most one document, as PyYAML's
/// `get_single_data` does. `Ok(None)` is an empty stream.
pub fn parse(text: &str, limits: Limits) -> Result<Option<Node>, YamlError> {
    libyaml::check_printable(text)?;
    libyaml::check_directives(text)?;
    if let Some(root) = fast::parse(text, limits) {
        return Ok(Some(root));
    }
    let root = parse_general(text, limits)?;
    if let Some(root) = &root {
        libyaml::check_tabs(text, root)?;
        libyaml::check_anchors(text, root)?;
    }
    Ok(root)
}

/// The fast path alone: `None` when it declines (for the differential fuzz
/// target; use [`parse`]).
#[doc(hidden)]
pub fn parse_fast_only(text: &str, limits: Limits) -> Option<Node> {
    fast::parse(text, limits)
}

/// What saphyr says where libyaml (Ansible's reader) reads blanks it does
/// not: a tab after a mapping's `:`, a tab before a quoted scalar's or a
/// flow collection's continuation line, and such a line less indented than
/// the block.
const TAB_AFTER_COLON: &str = "':' must be followed by a valid YAML whitespace";
const TAB_IN_QUOTED_INDENT: &str = "tab cannot be used as indentation";
const QUOTED_UNDER_INDENTED: &str = "invalid indentation in quoted scalar";
const UNDER_INDENTED: &str = "invalid indentation";
const TAB_IN_BLOCK_INDENT: &str = "tabs disallowed within this context (block indentation)";

/// Texts read again with blanks read as libyaml reads them, at most (each
/// is one more parse).
const MAX_REREADS: usize = 64;

/// [`parse`] without the fast path: saphyr's events for any YAML. Where
/// saphyr refuses blanks PyYAML takes (see [`reread`]), the text is read
/// again with those blanks as PyYAML reads them, every span mapped back
/// onto `text`.
pub fn parse_general(text: &str, limits: Limits) -> Result<Option<Node>, YamlError> {
    let mut fixes = reread::Fixes::default();
    if text.get(3..).is_some_and(|rest| rest.contains('\u{feff}')) {
        fixes.line_boms(text);
    }
    let first = match parse_saphyr(text, limits, &fixes) {
        Err(e) => e,
        ok => return ok,
    };
    let mut e = first.clone();
    for _ in 0..MAX_REREADS {
        let at = e.span.start as usize;
        let learnt = match e.message.as_str() {
            TAB_AFTER_COLON => fixes.tabs_after_colon(text, at),
            TAB_IN_QUOTED_INDENT => fixes.tabs_leading(text, at),
            QUOTED_UNDER_INDENTED => fixes.quoted_continuations(text, at),
            UNDER_INDENTED | TAB_IN_BLOCK_INDENT => fixes.flow_continuation(text, at),
            _ => false,
        };
        if !learnt {
            break;
        }
        match parse_saphyr(text, limits, &fixes) {
            Err(next) => e = next,
            ok => return ok,
        }
    }
    Err(first)
}

fn parse_saphyr(
    text: &str,
    limits: Limits,
    fixes: &reread::Fixes,
) -> Result<Option<Node>, YamlError> {
    if fixes.is_empty() {
        return parse_events(text, 0..text.len(), limits, false, None);
    }
    let read = fixes.reread(text);
    parse_events(text, 0..text.len(), limits, false, Some(&read))
}

/// The one node written in `text[range]`, parsed alone with spans in the
/// whole text: the fast path's way to hand saphyr only the value it cannot
/// read. `None` (the whole file then goes to the general parser, which
/// says what is wrong, if anything) for anchors and aliases (an alias may
/// name an anchor outside the piece, and an anchor may be defined twice in
/// the file), and for a piece holding no node or more than one.
pub(crate) fn parse_fragment(
    text: &str,
    range: std::ops::Range<usize>,
    limits: Limits,
) -> Option<Node> {
    parse_events(text, range, limits, true, None).ok().flatten()
}

/// saphyr's events for `text[range]` turned into a tree (spans in `text`).
/// `fragment`: anchors and aliases are an error. `read`: what saphyr reads
/// instead of the whole text, with the way back to its characters.
fn parse_events(
    text: &str,
    range: std::ops::Range<usize>,
    limits: Limits,
    fragment: bool,
    read: Option<&reread::Reread>,
) -> Result<Option<Node>, YamlError> {
    let piece = text.get(range.clone()).unwrap_or_default();
    let offsets = Offsets::new(piece, range.start);
    let byte =
        |char_index: usize| offsets.byte(read.map_or(char_index, |r| r.original_char(char_index)));
    let mut parser = Parser::new_from_str(read.map_or(piece, |r| r.text.as_str()));
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut alias_budget = limits.max_alias_nodes;
    let mut docs: Vec<Option<Node>> = Vec::new();
    let mut in_doc = false;
    let mut current: Option<Node> = None;

    let err_at = |pos: usize, message: String| YamlError {
        span: Span::new(pos, pos),
        message,
    };

    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ev) => ev,
            Err(e) => {
                let pos = byte(e.marker().index());
                return Err(err_at(pos, e.info().to_string()));
            }
        };
        let start = byte(span.start.index());
        let end = byte(span.end.index());
        let finished: Option<(Node, usize)> = match event {
            Event::Alias(_)
            | Event::Scalar(_, _, 1.., _)
            | Event::SequenceStart(1.., _)
            | Event::MappingStart(1.., _)
                if fragment =>
            {
                return Err(err_at(start, "anchors are read with the whole file".into()));
            }
            Event::StreamStart | Event::Nothing => None,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                if docs.len() == 1 && !in_doc {
                    return Err(err_at(
                        start,
                        "expected a single document in the stream, but found another document"
                            .into(),
                    ));
                }
                in_doc = true;
                current = None;
                None
            }
            Event::DocumentEnd => {
                in_doc = false;
                docs.push(current.take());
                None
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => {
                    let size = node_size(n);
                    if size > alias_budget {
                        return Err(err_at(
                            start,
                            format!(
                                "alias expansion exceeds the limit of {} nodes (alias bomb?)",
                                limits.max_alias_nodes
                            ),
                        ));
                    }
                    alias_budget -= size;
                    let mut n = n.clone();
                    n.span = Span::new(start, end);
                    Some((n, 0))
                }
                None => return Err(err_at(start, "found undefined alias".into())),
            },
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let tag = convert_tag(tag, start)?;
                // A block scalar whose last line is the file's last, with no
                // line break after it, keeps no final line break (PyYAML).
                let mut value = value;
                let last_line = &text[text.rfind('\n').map_or(0, |i| i + 1)..];
                if matches!(style, Style::Literal | Style::Folded)
                    && !last_line.trim().is_empty()
                    && text.get(end..).is_some_and(|rest| rest.trim().is_empty())
                    && value.ends_with('\n')
                {
                    value.to_mut().pop();
                }
                let implicit = if style == Style::Plain && tag.is_none() {
                    yaml11::resolve_plain(&value)
                } else {
                    yaml11::Implicit::Str
                };
                Some((
                    Node {
                        kind: NodeKind::Scalar {
                            value: ecow::EcoString::from(value.as_ref()),
                            style,
                            implicit,
                            tag,
                        },
                        span: Span::new(start, end),
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, tag) => {
                if stack.len() >= limits.max_depth {
                    return Err(err_at(
                        start,
                        format!("nesting deeper than {} levels", limits.max_depth),
                    ));
                }
                stack.push(Frame::Seq {
                    start,
                    anchor,
                    tag: convert_tag(tag, start)?,
                    items: Vec::new(),
                });
                None
            }
            Event::MappingStart(anchor, tag) => {
                if stack.len() >= limits.max_depth {
                    return Err(err_at(
                        start,
                        format!("nesting deeper than {} levels", limits.max_depth),
                    ));
                }
                stack.push(Frame::Map {
                    start,
                    anchor,
                    tag: convert_tag(tag, start)?,
                    entries: Vec::new(),
                    pending_key: None,
                });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq {
                    start: s,
                    anchor,
                    tag,
                    items,
                }) => Some((
                    Node {
                        kind: NodeKind::seq(items.into_boxed_slice(), tag),
                        span: Span::new(s, end.max(s)),
                    },
                    anchor,
                )),
                _ => return Err(err_at(start, "unbalanced sequence end".into())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    start: s,
                    anchor,
                    tag,
                    entries,
                    ..
                }) => Some((
                    Node {
                        kind: NodeKind::map(entries.into_boxed_slice(), tag),
                        span: Span::new(s, end.max(s)),
                    },
                    anchor,
                )),
                _ => return Err(err_at(start, "unbalanced mapping end".into())),
            },
        };
        if let Some((node, anchor)) = finished {
            if anchor != 0 {
                // The anchor table holds a copy: it counts against the same
                // budget, or anchors of anchors of aliases multiply memory.
                let size = node_size(&node);
                if size > alias_budget {
                    return Err(err_at(
                        node.span.start as usize,
                        format!(
                            "anchors and aliases copy more than the limit of {} nodes (alias bomb?)",
                            limits.max_alias_nodes
                        ),
                    ));
                }
                alias_budget -= size;
                anchors.insert(anchor, node.clone());
            }
            match stack.last_mut() {
                Some(Frame::Seq { items, .. }) => items.push(node),
                Some(Frame::Map {
                    entries,
                    pending_key,
                    ..
                }) => match pending_key.take() {
                    Some(k) => entries.push((k, node)),
                    None => {
                        if libyaml::is_missing_key(text, &node) {
                            return Err(err_at(
                                node.span.start as usize,
                                "while parsing a mapping did not find expected key (a `:` with no key before it)"
                                    .into(),
                            ));
                        }
                        *pending_key = Some(node)
                    }
                },
                None => current = Some(node),
            }
        }
    }
    if in_doc {
        docs.push(current.take());
    }
    match docs.len() {
        0 => Ok(None),
        1 => Ok(docs.pop().flatten()),
        _ => Err(err_at(
            0,
            "expected a single document in the stream, but found another document".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Option<Node>, YamlError> {
        parse(s, Limits::default())
    }

    #[test]
    fn nodes_stay_small() {
        // Every key and value of a 100k-host inventory is a Node: their
        // size is most of the tree's memory.
        assert!(
            std::mem::size_of::<Node>() <= 32,
            "{}",
            std::mem::size_of::<Node>()
        );
    }

    #[test]
    fn spans_are_bytes() {
        let n = p("é: x\nb: y\n").unwrap().unwrap();
        let m = n.as_map().unwrap();
        assert_eq!(m[1].0.span.start, 6);
        assert_eq!(m[1].0.as_scalar().unwrap().0, "b");
    }

    #[test]
    fn empty_and_multi_doc() {
        assert_eq!(p("").unwrap(), None);
        assert_eq!(p("# only a comment\n").unwrap(), None);
        let n = p("---\n").unwrap().unwrap();
        assert_eq!(n.kind_name(), "null");
        assert!(p("a: 1\n---\nb: 2\n").is_err());
    }

    #[test]
    fn syntax_error_has_location() {
        let e = p("a:\n  b: 'unclosed\n").unwrap_err();
        assert!(e.span.start > 0, "{e:?}");
        assert!(p("a:\n\tb: 1\n").is_err());
    }

    #[test]
    fn a_bom_at_a_line_start_is_skipped_as_libyaml_does() {
        // it counts one column: `all` at 1, `hosts` at 2 nested under it
        let n = p("---\n\u{feff}all:\n  hosts: {}\n").unwrap().unwrap();
        let (k, v) = &n.as_map().unwrap()[0];
        assert_eq!(k.as_scalar().unwrap().0, "all");
        assert_eq!(k.span.start, 7);
        assert!(v.as_map().is_some());
    }

    #[test]
    fn nested_anchors_are_bounded_too() {
        // each level anchors a list of aliases to the previous level
        let mut doc = String::from("a0: &a0 [x, x, x, x]\n");
        for i in 1..40 {
            doc.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1));
        }
        let e = parse(&doc, Limits::default()).unwrap_err();
        assert!(e.message.contains("limit"), "{e:?}");
    }

    #[test]
    fn aliases_expand_and_are_bounded() {
        let n = p("a: &x {k: v}\nb: *x\n").unwrap().unwrap();
        assert_eq!(n.as_map().unwrap()[1].1.as_map().unwrap().len(), 1);
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9u8 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            bomb.push_str(&format!(
                "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let e = p(&bomb).unwrap_err();
        assert!(e.message.contains("alias"), "{e:?}");
    }
}
