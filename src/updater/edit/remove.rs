//! Taking a host out of groups' `hosts:`, or a group out of the file.

use super::layout::{apply, content_end, is_flow, line_end, line_start, parse};
use super::result::{EditError, Edited, R};
use crate::rules::walk::{key_str, walk, Item};
use crate::yaml::Node;

/// Remove every definition of `group` (its key and body lines), wherever it
/// is defined or listed as a child. Returns the new text, if anything changed.
pub fn remove_group(text: &str, group: &str) -> R<Edited> {
    let Some(doc) = parse(text)? else {
        return Ok(None);
    };
    let mut cuts: Vec<(usize, usize, String)> = Vec::new();
    let root_pairs = doc.as_map().unwrap_or(&[]);
    for (i, (k, v)) in root_pairs.iter().enumerate() {
        if key_str(k) == Some(group) {
            let _ = i;
            cuts.push((
                line_start(text, k.span.start as usize),
                line_end(text, content_end(v).max(k.span.end as usize)),
                String::new(),
            ));
        }
    }
    walk(&doc, &mut |item| {
        if let Item::Section {
            name: "children",
            map,
            ..
        } = item
        {
            let Some(pairs) = map.as_map() else { return };
            for (i, (k, v)) in pairs.iter().enumerate() {
                if key_str(k) == Some(group) {
                    if is_flow(text, map) {
                        cuts.push(flow_cut(map, pairs, i));
                    } else {
                        cuts.push((
                            line_start(text, k.span.start as usize),
                            line_end(text, content_end(v).max(k.span.end as usize)),
                            String::new(),
                        ));
                    }
                }
            }
        }
    });
    if cuts.is_empty() {
        return Ok(None);
    }
    // A definition nested in a removed one is dropped with it.
    cuts.sort_by_key(|c| (c.0, std::cmp::Reverse(c.1)));
    let mut kept: Vec<(usize, usize, String)> = Vec::new();
    for c in cuts {
        if kept.last().is_some_and(|k| c.0 >= k.0 && c.1 <= k.1) {
            continue;
        }
        kept.push(c);
    }
    Ok(Some(apply(text, kept)))
}

/// Remove `host` from the `hosts:` of the given groups (every group when
/// `groups` is `None`). Returns the new text and the groups it was removed from.
pub fn remove_host(text: &str, host: &str, groups: Option<&[String]>) -> R<(Edited, Vec<String>)> {
    let Some(doc) = parse(text)? else {
        return Ok((None, Vec::new()));
    };
    let mut cuts: Vec<(usize, usize, String)> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    let mut problem: Option<String> = None;
    walk(&doc, &mut |item| {
        if let Item::Section {
            name: "hosts",
            map,
            group,
        } = item
        {
            let gname = key_str(group).unwrap_or_default().to_string();
            if let Some(gs) = groups {
                if !gs.contains(&gname) {
                    return;
                }
            }
            let Some(pairs) = map.as_map() else { return };
            for (i, (k, v)) in pairs.iter().enumerate() {
                let Some(name) = key_str(k) else { continue };
                if name == host {
                    if is_flow(text, map) {
                        cuts.push(flow_cut(map, pairs, i));
                    } else {
                        let start = line_start(text, k.span.start as usize);
                        let end = line_end(text, content_end(v).max(k.span.end as usize));
                        cuts.push((start, end, String::new()));
                    }
                    if !removed.contains(&gname) {
                        removed.push(gname.clone());
                    }
                } else if name.contains('[') {
                    if let Ok((names, _)) = crate::hostpattern::expand_hostpattern(name, 1_000_000)
                    {
                        if names.iter().any(|n| n == host) && problem.is_none() {
                            problem = Some(format!(
                                "`{host}` is part of the range `{name}` in group `{gname}`: split the range by hand"
                            ));
                        }
                    }
                }
            }
        }
    });
    if let Some(p) = problem {
        return Err(EditError(p));
    }
    if cuts.is_empty() {
        return Ok((None, removed));
    }
    Ok((Some(apply(text, cuts)), removed))
}

/// The text range to drop for entry `i` of a flow mapping (with one comma).
fn flow_cut(map: &Node, pairs: &[(Node, Node)], i: usize) -> (usize, usize, String) {
    if pairs.len() == 1 {
        return (map.span.start as usize, map.span.end as usize, "{}".into());
    }
    let (k, v) = &pairs[i];
    let start = k.span.start as usize;
    let end = content_end(v).max(k.span.end as usize);
    if i + 1 < pairs.len() {
        // up to the next key
        (start, pairs[i + 1].0.span.start as usize, String::new())
    } else {
        // from the end of the previous entry (drops the comma before)
        let prev_end = content_end(&pairs[i - 1].1).max(pairs[i - 1].0.span.end as usize);
        (prev_end, end, String::new())
    }
}
