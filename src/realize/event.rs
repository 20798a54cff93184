//! The event a ref update makes: the `changes` JSON of the update, with an
//! id the receiver can deduplicate on, the ref and who pushed; and the
//! deliveries it makes for each target (the exact bodies to send).

use super::changes::{Changes, ViewChanges};
use super::config::Target;
use serde_json::{json, Map, Value};

/// The `changes` JSON (`version`, `from`, `to`, `environments`, and
/// `refused` when a view could not be loaded). `from` is `null` for a
/// ref that did not exist.
pub fn changes_json(changes: &Changes, from: Option<&str>, to: &str) -> Value {
    let views: Map<String, Value> = changes
        .views
        .iter()
        .map(|(name, v)| (name.clone(), view_json(v)))
        .collect();
    let mut out = json!({
        "version": 1,
        "from": from,
        "to": to,
        "environments": views,
    });
    if !changes.refused.is_empty() {
        out["refused"] = json!(changes.refused);
    }
    out
}

fn view_json(v: &ViewChanges) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Who pushed, as the git server tells its hooks (GitLab, Gitea, else the
/// account the hook runs as).
pub fn pusher() -> Option<String> {
    ["GL_USERNAME", "GITEA_PUSHER_NAME", "USER"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
}

/// A new event id: the time (ms) and a hash of the update and this
/// process, so ids sort by time and two pushes never share one.
pub fn new_id(refname: &str, from: Option<&str>, to: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seed = format!(
        "{refname} {} {to} {} {}",
        from.unwrap_or("-"),
        now.as_nanos(),
        std::process::id()
    );
    format!(
        "{}-{:016x}",
        now.as_millis(),
        crate::hash::fnv1a(seed.as_bytes())
    )
}

/// The event of one ref update.
pub fn event(id: &str, refname: &str, changes: Value) -> Value {
    let mut e = changes;
    e["id"] = json!(id);
    e["ref"] = json!(refname);
    e["pusher"] = json!(pusher());
    e
}

/// What one delivery sends: the body, and the words for the pusher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `launch` (AWX, added and changed hosts), `removed` (AWX, removed
    /// hosts) or `webhook`.
    pub kind: String,
    pub body: String,
}

/// The deliveries an event makes to `target`: an AWX template launch per
/// non-empty limit, one webhook post whenever any host changed.
pub fn deliveries(target: &Target, changes: &Changes, event: &Value) -> Vec<Delivery> {
    let launch = |hosts: Vec<&str>, kind: &str| Delivery {
        kind: kind.to_string(),
        body: json!({
            "limit": hosts.join(","),
            "extra_vars": {"git_inventory": event},
        })
        .to_string(),
    };
    match target {
        Target::Awx(a) => {
            let mut out = Vec::new();
            let realize = changes.to_realize();
            if !realize.is_empty() {
                out.push(launch(realize, "launch"));
            }
            let removed = changes.removed();
            if a.removed_job_template.is_some() && !removed.is_empty() {
                out.push(launch(removed, "removed"));
            }
            out
        }
        Target::Webhook(_) => {
            if changes.views.is_empty() && changes.refused.is_empty() {
                return Vec::new();
            }
            vec![Delivery {
                kind: "webhook".into(),
                body: event.to_string(),
            }]
        }
    }
}

/// `PROD: 2 added, 1 removed; QA: 1 changed`, or `no host changed`.
pub fn summary(changes: &Changes) -> String {
    let mut parts: Vec<String> = changes
        .views
        .iter()
        .map(|(name, v)| {
            let counts: Vec<String> = [
                (v.added.len(), "added"),
                (v.changed.len(), "changed"),
                (v.removed.len(), "removed"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, w)| format!("{n} {w}"))
            .collect();
            format!("{name}: {}", counts.join(", "))
        })
        .collect();
    parts.extend(
        changes
            .refused
            .keys()
            .map(|name| format!("{name}: not loadable")),
    );
    if parts.is_empty() {
        "no host changed".into()
    } else {
        parts.join("; ")
    }
}

/// `changes --format human`: per view a count line, then `+ host`,
/// `- host` and `~ host (what changed)` lines.
pub fn human(changes: &Changes) -> String {
    if changes.views.is_empty() {
        return "no host changed\n".into();
    }
    let mut out = String::new();
    for (name, v) in &changes.views {
        out.push_str(&format!(
            "{name}: {} added, {} removed, {} changed\n",
            v.added.len(),
            v.removed.len(),
            v.changed.len()
        ));
        for h in &v.added {
            out.push_str(&format!("  + {h}\n"));
        }
        for h in &v.removed {
            out.push_str(&format!("  - {h}\n"));
        }
        for c in &v.changed {
            let mut what = Vec::new();
            what.extend(c.groups_added.iter().map(|g| format!("+{g}")));
            what.extend(c.groups_removed.iter().map(|g| format!("-{g}")));
            if !c.vars_changed.is_empty() {
                what.push(format!("vars: {}", c.vars_changed.join(", ")));
            }
            out.push_str(&format!("  ~ {} ({})\n", c.host, what.join("; ")));
        }
    }
    out
}
