//! One request applied to the inventory file's text (the edits of
//! [`super::edit`]), and the commit messages that say what it did.

use super::edit::{self, EditError};
use super::request::{Request, State};
use crate::git::redact;
use crate::vfs::{self, Vfs};
use serde_json::Value;

/// What one application of the change produced.
#[derive(Debug)]
pub struct Applied {
    pub before: String,
    pub after: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub groups_added: Vec<String>,
    pub groups_removed: Vec<String>,
    pub remove_files: Vec<String>,
    /// Other files written whole: (path, text) (vars files).
    pub writes: Vec<(String, String)>,
    /// Symbolic links made: (path, target).
    pub links: Vec<(String, String)>,
    /// What the caller should know (a check that could not be made).
    pub warnings: Vec<String>,
}

impl Applied {
    /// Whether any file changes.
    pub fn changed(&self) -> bool {
        self.before != self.after
            || !self.remove_files.is_empty()
            || !self.writes.is_empty()
            || !self.links.is_empty()
    }
}

/// The `host_vars/` files of `host` beside `file` that exist in `vfs`:
/// only names directly in that folder (a host name that would climb out
/// of it, or reach into a sub-folder, names none).
fn host_vars_files(vfs: &dyn Vfs, file: &str, host: &str) -> Vec<String> {
    let dir = match file.rfind('/') {
        Some(i) => &file[..i],
        None => "",
    };
    let base = if dir.is_empty() {
        "host_vars".to_string()
    } else {
        format!("{dir}/host_vars")
    };
    if host.is_empty() || host.contains(['/', '\\']) || host.contains("..") || host == "." {
        return Vec::new();
    }
    ["", ".yml", ".yaml", ".json"]
        .iter()
        .map(|ext| format!("{base}/{host}{ext}"))
        .filter(|p| vfs::normalize(p).as_deref() == Some(p.as_str()))
        .filter(|p| vfs::kind(vfs, p) != vfs::Raw::Missing)
        .collect()
}

/// Apply the request's change to the text of `file` in `vfs` (the file the
/// request's `file` stands for: itself, or where it links to; see
/// [`super::scope`]). Its `host_vars/` are beside the request's `file`.
pub fn apply(r: &Request, vfs: &dyn Vfs, file: &str) -> Result<Applied, EditError> {
    if let Some(c) = &r.collection {
        return super::collection::apply(c, r.state, vfs, file);
    }
    let before = match vfs::read(vfs, file) {
        Ok(b) => String::from_utf8(b).map_err(|_| EditError(format!("{file} is not UTF-8")))?,
        Err(_) if r.state != State::Absent => String::new(),
        Err(e) => return Err(EditError(format!("{file}: {e}"))),
    };
    let mut text = before.clone();
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut remove_files = Vec::new();
    let mut groups_added = Vec::new();
    let mut groups_removed = Vec::new();
    for g in &r.groups {
        let before_g = text.clone();
        if r.state == State::Absent {
            if let Some(t) = edit::remove_group(&text, &g.name)? {
                text = t;
            }
        } else {
            let parents: Vec<&str> = if g.parents.is_empty() {
                vec!["all"]
            } else {
                g.parents.iter().map(String::as_str).collect()
            };
            for p in parents {
                if let Some(t) = edit::ensure_entry(&text, p, &g.name, edit::Entry::Child)? {
                    text = t;
                }
            }
            for c in &g.children {
                if let Some(t) = edit::ensure_entry(&text, &g.name, c, edit::Entry::Child)? {
                    text = t;
                }
            }
            for (k, v) in &g.vars {
                if let Some(t) = edit::ensure_entry(&text, &g.name, k, edit::Entry::Var(v))? {
                    text = t;
                }
            }
        }
        if text != before_g {
            if r.state == State::Absent {
                groups_removed.push(g.name.clone());
            } else {
                groups_added.push(g.name.clone());
            }
        }
    }
    for h in &r.hosts {
        match r.state {
            State::Absent => {
                let groups = (!h.groups.is_empty()).then_some(h.groups.as_slice());
                let (out, _) = edit::remove_host(&text, &h.name, groups)?;
                if let Some(t) = out {
                    text = t;
                    removed.push(h.name.clone());
                }
                if groups.is_none() {
                    let files = host_vars_files(vfs, &r.file, &h.name);
                    if !files.is_empty() && !removed.contains(&h.name) {
                        removed.push(h.name.clone());
                    }
                    remove_files.extend(files);
                }
            }
            State::Merge | State::Overwrite => {
                if r.state == State::Overwrite {
                    let others: Vec<String> = {
                        let (_, from) = edit::remove_host(&text, &h.name, None)?;
                        from.into_iter().filter(|g| !h.groups.contains(g)).collect()
                    };
                    if !others.is_empty() {
                        if let (Some(t), _) = edit::remove_host(&text, &h.name, Some(&others))? {
                            text = t;
                        }
                    }
                }
                let mut changed_here = false;
                for (i, g) in h.groups.iter().enumerate() {
                    let vars: &[(String, Value)] = if i == 0 { &h.vars } else { &[] };
                    if let Some(t) = edit::add_host(&text, g, &h.name, vars)? {
                        text = t;
                        changed_here = true;
                    }
                }
                if changed_here {
                    added.push(h.name.clone());
                }
            }
        }
    }
    Ok(Applied {
        before,
        after: text,
        added,
        removed,
        groups_added,
        groups_removed,
        remove_files,
        writes: Vec::new(),
        links: Vec::new(),
        warnings: Vec::new(),
    })
}

/// What the change did, in a few words.
fn summary(r: &Request, a: &Applied) -> String {
    let names = |v: &[String]| {
        if v.len() <= 3 {
            v.join(", ")
        } else {
            format!("{} hosts", v.len())
        }
    };
    let groups: Vec<String> = {
        let mut g: Vec<String> = r.hosts.iter().flat_map(|h| h.groups.clone()).collect();
        g.dedup();
        g
    };
    let mut parts = Vec::new();
    if !a.added.is_empty() {
        parts.push(format!("add {} to {}", names(&a.added), groups.join(", ")));
    }
    if !a.removed.is_empty() {
        let from = if groups.is_empty() {
            "all groups".to_string()
        } else {
            groups.join(", ")
        };
        parts.push(format!("remove {} from {from}", names(&a.removed)));
    }
    if !a.groups_added.is_empty() {
        parts.push(format!("update group {}", names(&a.groups_added)));
    }
    if !a.groups_removed.is_empty() {
        parts.push(format!("remove group {}", names(&a.groups_removed)));
    }
    parts.join("; ")
}

/// A request's message prefix; one given with its separator
/// (`TEST-1001 - `) gets no second one.
fn prefix(r: &Request) -> Option<&str> {
    r.message_prefix
        .as_deref()
        .map(|p| p.trim_end().trim_end_matches('-').trim_end())
        .filter(|p| !p.is_empty())
}

/// The commit message of one request's change (credentials redacted from
/// all of it, the prefix included).
pub fn commit_message(r: &Request, a: &Applied) -> String {
    let body = r.message_body.clone().unwrap_or_else(|| summary(r, a));
    redact(&match prefix(r) {
        Some(p) => format!("{p} - git-inventory: {body}"),
        None => format!("git-inventory: {body}"),
    })
}

/// The message of one commit carrying several jobs' changes: their ticket
/// prefixes (each once) and a count, then each job's own message
/// (credentials redacted from all of it).
pub fn batch_message(reqs: &[&Request], messages: &[(usize, String)]) -> String {
    let mut prefixes: Vec<&str> = Vec::new();
    for (k, _) in messages {
        if let Some(p) = prefix(reqs[*k]) {
            if !prefixes.contains(&p) {
                prefixes.push(p);
            }
        }
    }
    let mut m = String::new();
    if !prefixes.is_empty() {
        m.push_str(&prefixes.join(", "));
        m.push_str(" - ");
    }
    m.push_str(&format!(
        "git-inventory: {} changes from concurrent jobs\n",
        messages.len()
    ));
    for (_, own) in messages {
        m.push('\n');
        m.push_str(own);
    }
    redact(&m)
}
