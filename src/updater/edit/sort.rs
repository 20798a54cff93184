//! Sorting the mappings INV040 (sort-order) checks: the top-level groups
//! and every `children:` and `hosts:` block mapping. An entry moves as a
//! whole: its key line, its body, and the comment and blank lines just
//! above it; nothing else in the file changes.

use super::layout::{apply, content_end, is_flow, line_end, line_start, parse};
use super::result::{Edited, R};
use crate::rules::walk::{walk, Item};
use crate::yaml::value::{is_merge_key, key_string};
use crate::yaml::Node;

/// An entry's chunk moved: (old start, old end, new start).
type Move = (usize, usize, usize);

/// Where a byte offset is after the moves.
fn relocate(pos: usize, moves: &[Move]) -> usize {
    match moves.iter().find(|(s, e, _)| (*s..*e).contains(&pos)) {
        Some((s, _, to)) => to + (pos - s),
        None => pos,
    }
}

/// A mapping to sort: its byte range, each entry's (name, start, end) and
/// where its keys start.
struct Block {
    start: usize,
    end: usize,
    entries: Vec<(ecow::EcoString, usize, usize)>,
    keys: Vec<u32>,
}

impl Block {
    fn contains(&self, other: &Block) -> bool {
        self.start <= other.start
            && other.end <= self.end
            && (self.start, self.end) != (other.start, other.end)
    }
    /// The sorted text, and how far each entry's chunk moved:
    /// (old start, old end, new start).
    fn sorted_text(&self, text: &str) -> (String, Vec<Move>) {
        let mut entries: Vec<&(ecow::EcoString, usize, usize)> = self.entries.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut at = self.start;
        let mut moves = Vec::with_capacity(entries.len());
        let mut out = String::with_capacity(self.end - self.start);
        for (_, s, e) in entries {
            out.push_str(&text[*s..*e]);
            moves.push((*s, *e, at));
            at += e - s;
        }
        (out, moves)
    }
}

/// The entries of a block mapping as movable chunks, or `None` when the
/// mapping is sorted or cannot be sorted by moving lines (flow style, a
/// merge key, a key that is not a string, two entries on one line).
fn block(text: &str, map: &Node) -> Option<Block> {
    let pairs = map.as_map()?;
    if pairs.len() < 2 || is_flow(text, map) || pairs.iter().any(|(k, _)| is_merge_key(k)) {
        return None;
    }
    let mut entries = Vec::with_capacity(pairs.len());
    let keys = pairs.iter().map(|(k, _)| k.span.start).collect();
    let mut start = line_start(text, pairs[0].0.span.start as usize);
    for (k, v) in pairs {
        let name = key_string(k).ok()?;
        let key_line = line_start(text, k.span.start as usize);
        // Only comment and blank lines between the previous entry and this key.
        let between = text.get(start..key_line)?;
        if between
            .lines()
            .any(|l| !(l.trim().is_empty() || l.trim_start().starts_with('#')))
        {
            return None;
        }
        let end = line_end(text, content_end(v).max(k.span.end as usize));
        if end <= start || key_line < start {
            return None;
        }
        entries.push((name, start, end));
        start = end;
    }
    if entries.windows(2).all(|w| w[0].0 <= w[1].0) {
        return None;
    }
    Some(Block {
        start: entries.first()?.1,
        end: entries.last()?.2,
        entries,
        keys,
    })
}

fn unsorted_blocks(text: &str, doc: &Node) -> Vec<Block> {
    let mut found: Vec<Block> = block(text, doc).into_iter().collect();
    walk(doc, &mut |item| {
        if let Item::Section { name, map, .. } = item {
            if name != "vars" {
                found.extend(block(text, map));
            }
        }
    });
    found
}

/// Sort the mappings INV040 checks, innermost first: every one, or with
/// `only`, those with a key starting at one of these byte offsets (the
/// keys INV040 reported, followed as entries move). A mapping whose sorted form would not parse (an
/// alias moved above its anchor) is left as it is. Returns the new text, if
/// anything moved.
pub fn sort_keys(text: &str, only: Option<&[u32]>) -> R<Edited> {
    // Every chunk ends in a line break, the last one too.
    let newline = !text.is_empty() && !text.ends_with('\n');
    let mut cur = if newline {
        format!("{text}\n")
    } else {
        text.to_string()
    };
    let mut refused: Vec<(usize, usize)> = Vec::new();
    let mut only: Option<Vec<usize>> = only.map(|at| at.iter().map(|&k| k as usize).collect());
    // Each round sorts at least one mapping or refuses one: bounded by the
    // number of mappings (nesting moves a refused one at most once per level).
    for _ in 0..10_000 {
        let Some(doc) = parse(&cur)? else { break };
        let blocks: Vec<Block> = unsorted_blocks(&cur, &doc)
            .into_iter()
            .filter(|b| !refused.contains(&(b.start, b.end)))
            .filter(|b| {
                only.as_ref()
                    .is_none_or(|at| b.keys.iter().any(|k| at.contains(&(*k as usize))))
            })
            .collect();
        let innermost: Vec<&Block> = blocks
            .iter()
            .filter(|b| !blocks.iter().any(|o| b.contains(o)))
            .collect();
        if innermost.is_empty() {
            break;
        }
        let (together, moves) = splice(&cur, &innermost);
        if parse(&together).is_ok() {
            cur = together;
            follow(&moves, &mut only, &mut refused);
            continue;
        }
        // One at a time, to find the ones that cannot move.
        let mut one_moved = None;
        for b in &innermost {
            let (one, moves) = splice(&cur, &[b]);
            if parse(&one).is_ok() {
                one_moved = Some((one, moves));
                break;
            }
            refused.push((b.start, b.end));
        }
        if let Some((one, moves)) = one_moved {
            cur = one;
            follow(&moves, &mut only, &mut refused);
        }
    }
    if newline {
        cur.pop();
    }
    Ok((cur != text).then_some(cur))
}

/// Carry the reported keys and the refused mappings along with the moves.
fn follow(moves: &[Move], only: &mut Option<Vec<usize>>, refused: &mut [(usize, usize)]) {
    if let Some(at) = only.as_mut() {
        at.iter_mut().for_each(|p| *p = relocate(*p, moves));
    }
    for r in refused.iter_mut() {
        let to = relocate(r.0, moves);
        *r = (to, to + (r.1 - r.0));
    }
}

/// The text with the blocks sorted (they are disjoint: each keeps its
/// range), and every chunk's move.
fn splice(text: &str, blocks: &[&Block]) -> (String, Vec<Move>) {
    let mut moves = Vec::new();
    let mut reps: Vec<(usize, usize, String)> = Vec::with_capacity(blocks.len());
    for b in blocks {
        let (t, m) = b.sorted_text(text);
        reps.push((b.start, b.end, t));
        moves.extend(m);
    }
    (apply(text, reps), moves)
}

#[cfg(test)]
mod tests {
    use super::sort_keys;

    #[test]
    fn moves_entries_with_their_comments() {
        let src = "# top\nb:\n  hosts:\n    z:\n    # the y host\n    y:\n      v: 1\na:\n  children:\n    b:\n";
        let out = sort_keys(src, None).unwrap().unwrap();
        assert_eq!(
            out,
            "# top\na:\n  children:\n    b:\nb:\n  hosts:\n    # the y host\n    y:\n      v: 1\n    z:\n"
        );
    }

    #[test]
    fn leaves_vars_flow_and_sorted_maps_alone() {
        assert_eq!(
            sort_keys("a:\n  vars:\n    z: 1\n    y: 2\n", None).unwrap(),
            None
        );
        assert_eq!(sort_keys("a:\n  hosts: {z: , y: }\n", None).unwrap(), None);
        assert_eq!(
            sort_keys("a:\n  hosts:\n    y:\n    z:\n", None).unwrap(),
            None
        );
    }

    #[test]
    fn only_the_reported_mappings() {
        let src = "b:\n  hosts:\n    z:\n    y:\na:\n";
        let top = src.rfind("a:").unwrap() as u32;
        assert_eq!(
            sort_keys(src, Some(&[top])).unwrap().unwrap(),
            "a:\nb:\n  hosts:\n    z:\n    y:\n"
        );
    }

    #[test]
    fn keeps_a_missing_final_newline() {
        assert_eq!(
            sort_keys("b: {}\na: {}", None).unwrap().unwrap(),
            "a: {}\nb: {}"
        );
    }

    #[test]
    fn an_alias_never_moves_above_its_anchor() {
        let src = "b:\n  vars: &v {x: 1}\na:\n  vars: *v\n";
        assert_eq!(sort_keys(src, None).unwrap(), None);
    }
}
