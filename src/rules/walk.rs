//! Walks an inventory file's YAML the way Ansible reads it (top-level keys are
//! groups; a group has `hosts`, `children`, `vars`), visiting every key as
//! written, duplicates included, so rules can point at each occurrence.

use crate::yaml::value::{is_merge_key, resolve_scalar, Scalar};
use crate::yaml::{Node, NodeKind};

/// One key of an inventory file, in its role.
#[derive(Clone, Copy)]
pub enum Item<'a> {
    /// A group key (top level or under `children`) and its body.
    Group {
        key: &'a Node,
        body: &'a Node,
        parent: Option<&'a Node>,
    },
    /// A host key under a group's `hosts` (or the string value of `hosts:`).
    Host {
        key: &'a Node,
        value: Option<&'a Node>,
        group: &'a Node,
    },
    /// A variable name: in a group's `vars` or a host's mapping.
    Var { key: &'a Node, value: &'a Node },
    /// A `hosts`/`children`/`vars` mapping of a group (for ordering rules).
    Section {
        name: &'static str,
        map: &'a Node,
        group: &'a Node,
    },
}

/// The key as a plain string, when it is one to Ansible.
pub fn key_str(node: &Node) -> Option<&str> {
    match resolve_scalar(node) {
        Ok(Scalar::Str(s)) => Some(s),
        _ => None,
    }
}

fn pairs(node: &Node) -> impl Iterator<Item = (&Node, &Node)> {
    node.as_map()
        .unwrap_or(&[])
        .iter()
        .filter(|(k, _)| !is_merge_key(k))
        .map(|(k, v)| (k, v))
}

/// Visit every group, host and var key of an inventory document.
pub fn walk<'a>(doc: &'a Node, f: &mut dyn FnMut(Item<'a>)) {
    if !matches!(doc.kind, NodeKind::Map { .. }) {
        return;
    }
    for (k, v) in pairs(doc) {
        group(k, v, None, f, 0);
    }
}

fn group<'a>(
    key: &'a Node,
    body: &'a Node,
    parent: Option<&'a Node>,
    f: &mut dyn FnMut(Item<'a>),
    depth: usize,
) {
    f(Item::Group { key, body, parent });
    if depth > 200 {
        return;
    }
    for (sk, sv) in pairs(body) {
        match key_str(sk) {
            Some("hosts") => match &sv.kind {
                NodeKind::Map { .. } => {
                    f(Item::Section {
                        name: "hosts",
                        map: sv,
                        group: key,
                    });
                    for (hk, hv) in pairs(sv) {
                        f(Item::Host {
                            key: hk,
                            value: Some(hv),
                            group: key,
                        });
                        if matches!(hv.kind, NodeKind::Map { .. }) {
                            for (vk, vv) in pairs(hv) {
                                f(Item::Var { key: vk, value: vv });
                            }
                        }
                    }
                }
                NodeKind::Scalar { .. } if key_str(sv).is_some_and(|s| !s.is_empty()) => {
                    f(Item::Host {
                        key: sv,
                        value: None,
                        group: key,
                    })
                }
                _ => {}
            },
            Some("children") => {
                if matches!(sv.kind, NodeKind::Map { .. }) {
                    f(Item::Section {
                        name: "children",
                        map: sv,
                        group: key,
                    });
                    for (ck, cv) in pairs(sv) {
                        group(ck, cv, Some(key), f, depth + 1);
                    }
                }
            }
            Some("vars") => {
                if matches!(sv.kind, NodeKind::Map { .. }) {
                    f(Item::Section {
                        name: "vars",
                        map: sv,
                        group: key,
                    });
                    for (vk, vv) in pairs(sv) {
                        f(Item::Var { key: vk, value: vv });
                    }
                }
            }
            _ => {}
        }
    }
}
