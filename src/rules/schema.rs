//! INV003 schema: shape violates `schemas/*.json`: hosts as a list, unknown keys, scalar host vars, non-mapping groups

use super::{Context, FileCheck, FileRole, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use crate::yaml::value::{entries, key_string, resolve_scalar, to_json, Scalar};
use crate::yaml::{Node, NodeKind};
use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value};
use std::sync::{Arc, OnceLock};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::Schema,
    doc: "## What it does
Checks every inventory file against the JSON Schema shipped in `schemas/`
(`hosts.schema.json` for environment and shared-host files,
`xenv_groups.schema.json` for the group hierarchy): top-level keys are groups,
a group is a mapping or empty with only `hosts`, `children` and `vars`, host
variables are a mapping, and `xenv_groups.yml` holds no hosts. Also reports
what makes Ansible refuse a file outright: an empty file, a list at the top,
a `plugin:` key.

## Why is this bad?
Ansible refuses some of these shapes (`hosts` as a list, scalar host vars) and
silently drops others with a warning nobody reads: `host:` instead of `hosts:`
loses every host under it; a group written as a list is skipped.

## Example
```yaml
web:
  host:
    web01:
db:
  hosts:
    - db01
```

## Use instead
```yaml
web:
  hosts:
    web01:
db:
  hosts:
    db01:
```",
    check,
    file: Some(check_one),
    item: None,
};

fn compile(text: &str) -> Option<jsonschema::Validator> {
    let schema: Value = serde_json::from_str(text).ok()?;
    jsonschema::validator_for(&schema).ok()
}

fn hosts_schema() -> Option<&'static jsonschema::Validator> {
    static V: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| compile(include_str!("../../schemas/hosts.schema.json")))
        .as_ref()
}

fn xenv_schema() -> Option<&'static jsonschema::Validator> {
    static V: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| compile(include_str!("../../schemas/xenv_groups.schema.json")))
        .as_ref()
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A value's shape only: mappings become `{}`, lists `[]` (the schema checks
/// the type of host vars and `vars`, never their contents).
fn shallow(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Map { .. } => Value::Object(Map::new()),
        NodeKind::Seq { .. } => Value::Array(Vec::new()),
        NodeKind::Scalar { .. } => to_json(node).unwrap_or(Value::Null),
    }
}

fn mapping(node: &Node, mut f: impl FnMut(String, &Node) -> Value) -> Value {
    let mut m = Map::new();
    if let Ok(es) = entries(node) {
        for e in es {
            if let Ok(k) = key_string(e.key).map(String::from) {
                let v = f(k.clone(), e.value);
                m.insert(k, v);
            }
        }
    }
    Value::Object(m)
}

/// The JSON instance of an inventory's structure: groups, their sections,
/// host keys and the shape of each value. Spans are looked up only for the
/// (rare) errors, by following the pointer back through the YAML.
fn instance(doc: &Node) -> Value {
    match &doc.kind {
        NodeKind::Map { .. } => mapping(doc, |_, g| group(g, 0)),
        _ => shallow(doc),
    }
}

fn group(node: &Node, depth: usize) -> Value {
    if !matches!(node.kind, NodeKind::Map { .. }) || depth > 64 {
        return shallow(node);
    }
    mapping(node, |k, v| match (k.as_str(), &v.kind) {
        ("hosts", NodeKind::Map { .. }) => mapping(v, |_, h| shallow(h)),
        ("children", NodeKind::Map { .. }) => mapping(v, |_, c| group(c, depth + 1)),
        _ => shallow(v),
    })
}

/// The key and value nodes a JSON pointer names.
fn locate<'a>(doc: &'a Node, ptr: &str) -> Option<(&'a Node, &'a Node)> {
    let mut cur = doc;
    let mut found = None;
    for t in crate::yaml::value::pointer_tokens(ptr) {
        let es = entries(cur).ok()?;
        let e = es
            .into_iter()
            .find(|e| key_string(e.key).ok().as_deref() == Some(t.as_str()))?;
        found = Some((e.key, e.value));
        cur = e.value;
    }
    found
}

fn describe(ptr: &str) -> String {
    let t = crate::yaml::value::pointer_tokens(ptr);
    match t.len() {
        0 => "the file".into(),
        1 => format!("group `{}`", t[0]),
        _ => {
            let last = &t[t.len() - 1];
            let parent = &t[t.len() - 2];
            match parent.as_str() {
                "hosts" => format!("host `{last}`'s vars"),
                "children" => format!("group `{last}`"),
                _ => format!("`{last}` of `{parent}`"),
            }
        }
    }
}

/// A mapping, or a scalar the instance shows as JSON null.
fn object_or_null(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Map { .. } => true,
        NodeKind::Scalar { .. } => matches!(to_json(node), Ok(Value::Null)),
        NodeKind::Seq { .. } => false,
    }
}

/// The key as a plain string (a key of another type makes the quick check
/// give up and leave the file to the schema).
fn str_key(node: &Node) -> Option<&str> {
    match resolve_scalar(node) {
        Ok(Scalar::Str(s)) => Some(s),
        _ => None,
    }
}

fn quick_group(node: &Node, xenv: bool, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    if !matches!(node.kind, NodeKind::Map { .. }) {
        return object_or_null(node);
    }
    let Ok(es) = entries(node) else { return false };
    es.iter().all(|e| match str_key(e.key) {
        Some("hosts") if !xenv => {
            object_or_null(e.value)
                && match &e.value.kind {
                    NodeKind::Map { .. } => entries(e.value).is_ok_and(|hs| {
                        hs.iter()
                            .all(|h| str_key(h.key).is_some() && object_or_null(h.value))
                    }),
                    _ => true,
                }
        }
        Some("children") => {
            object_or_null(e.value)
                && match &e.value.kind {
                    NodeKind::Map { .. } => entries(e.value).is_ok_and(|cs| {
                        cs.iter().all(|c| {
                            str_key(c.key).is_some() && quick_group(c.value, xenv, depth + 1)
                        })
                    }),
                    _ => true,
                }
        }
        Some("vars") => object_or_null(e.value),
        _ => false,
    })
}

/// Whether the document certainly satisfies the schema, found without
/// building its JSON instance (most files, at a fraction of the cost). Any
/// doubt answers `false` and the schema decides; the tests check that a
/// `true` is never a file the schema rejects.
fn quick_valid(doc: &Node, xenv: bool) -> bool {
    if !matches!(doc.kind, NodeKind::Map { .. }) {
        return false;
    }
    let Ok(top) = entries(doc) else { return false };
    !top.is_empty()
        && top.iter().all(|e| match str_key(e.key) {
            Some("plugin") => false,
            Some(_) => quick_group(e.value, xenv, 0),
            None => false,
        })
}

fn check_file(file: &Arc<SourceFile>, doc: &Node, xenv: bool, out: &mut Vec<Diagnostic>) {
    if quick_valid(doc, xenv) {
        return;
    }
    let Some(validator) = (if xenv { xenv_schema() } else { hosts_schema() }) else {
        return;
    };
    let inst = instance(doc);
    for err in validator.iter_errors(&inst) {
        let ptr = err.instance_path().as_str().to_string();
        let (key_span, value_span) = locate(doc, &ptr)
            .map(|(k, v)| (k.span, v.span))
            .unwrap_or((doc.span, doc.span));
        let (span, message, label) = match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let mut d = Vec::new();
                for u in unexpected {
                    let p = format!("{ptr}/{}", escape(u));
                    let at = locate(doc, &p).map(|(k, _)| k.span).unwrap_or(value_span);
                    let hint = match u.as_str() {
                        "host" => " (did you mean `hosts`?)",
                        "child" | "childs" | "groups" => " (did you mean `children`?)",
                        "var" => " (did you mean `vars`?)",
                        "hosts" if xenv => " (hosts belong in inventory/<ENV>/hosts.yml, not in the group hierarchy)",
                        _ => "",
                    };
                    let allowed = if xenv { "`children` and `vars`" } else { "`hosts`, `children` and `vars`" };
                    d.push((
                        at,
                        format!("unknown key `{u}` in {}: a group has only {allowed}{hint}; Ansible ignores it and everything under it", describe(&ptr)),
                    ));
                }
                for (at, m) in d {
                    out.push(Diagnostic::new(Code::Schema, file, at, m).with_label("unknown key"));
                }
                continue;
            }
            ValidationErrorKind::Type { .. } => {
                let got = crate::yaml::value::json_kind(err.instance());
                let t = crate::yaml::value::pointer_tokens(&ptr);
                let what = match t.last().map(String::as_str) {
                    Some(s @ ("hosts" | "children" | "vars")) if t.len() >= 2 => {
                        format!("`{s}` of group `{}` must be a mapping (or empty), not {got}", t[t.len() - 2])
                    }
                    _ if ptr.is_empty() => format!("an inventory must be a mapping of groups, not {got}"),
                    _ => format!("{} must be a mapping (or empty), not {got}", describe(&ptr)),
                };
                (value_span, what, format!("{got} here"))
            }
            ValidationErrorKind::MinProperties { .. } => (
                Span::default(),
                "empty inventory: Ansible refuses a file with no groups (\"Parsed empty YAML file\")".to_string(),
                "empty".to_string(),
            ),
            ValidationErrorKind::MaxProperties { .. } => (
                key_span,
                "a non-empty `plugin` key makes Ansible read this file as a plugin configuration, not an inventory".to_string(),
                "plugin".to_string(),
            ),
            _ => (value_span, format!("{}: {}", describe(&ptr), err), "here".to_string()),
        };
        out.push(Diagnostic::new(Code::Schema, file, span, message).with_label(label));
    }
}

fn check_one(fc: &FileCheck<'_>, out: &mut Vec<Diagnostic>) {
    let f = fc.file;
    if f.role != FileRole::Vars {
        let xenv = f.role == FileRole::XenvGroups;
        match &f.parsed.doc {
            Ok(Some(doc)) => check_file(&f.parsed.file, doc, xenv, out),
            Ok(None) => out.push(
                Diagnostic::new(
                    Code::Schema,
                    &f.parsed.file,
                    Span::default(),
                    "empty inventory file: Ansible refuses it (\"Parsed empty YAML file\")",
                )
                .with_label("empty"),
            ),
            Err(_) => {}
        }
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for l in &cx.links {
        if let crate::vfs::ResolveError::NotAFile { .. } = l.error {
            let file = SourceFile::new(l.path.clone(), String::new());
            out.push(
                Diagnostic::new(Code::Schema, &file, Span::default(), l.error.to_string())
                    .with_label("a directory"),
            );
        }
    }
    super::fatal_diagnostics(cx, Code::Schema, out);
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;
    use crate::rules::testing::{check_env, lines};

    #[test]
    fn flags_shapes_ansible_drops_or_refuses() {
        let src = "web:\n  host:\n    h1:\n  hosts:\n    h2: primary\ndb:\n  hosts:\n    - db01\napp: [a]\n";
        assert_eq!(
            check_env(src, Code::Schema),
            vec![
                "inventory/DEV/hosts.yml:2",
                "inventory/DEV/hosts.yml:5",
                "inventory/DEV/hosts.yml:8",
                "inventory/DEV/hosts.yml:9"
            ]
        );
        assert_eq!(check_env("", Code::Schema).len(), 1);
        assert_eq!(check_env("plugin: constructed\n", Code::Schema).len(), 1);
    }

    #[test]
    fn xenv_groups_hold_no_hosts() {
        let files = [
            (
                "inventory/xenv_groups.yml",
                "all:\n  children:\n    web:\n      hosts:\n        h:\n",
            ),
            ("inventory/DEV/hosts.yml", "web:\n  hosts:\n    h:\n"),
        ];
        assert_eq!(
            lines(&files, "", Code::Schema),
            vec!["inventory/xenv_groups.yml:4"]
        );
    }

    /// The quick check never passes a file the schema rejects.
    #[test]
    fn quick_check_agrees_with_the_schema() {
        use super::{hosts_schema, instance, quick_valid, xenv_schema};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut docs: Vec<String> = [
            "a:\n",
            "a: 1\n",
            "a: {hosts: {h: 1}}\n",
            "a: {hosts: [h]}\n",
            "a: {hosts: {h: [1]}}\n",
            "a: {children: {b: {hosts: {h: }}}}\n",
            "a: {children: {b: {host: {h: }}}}\n",
            "a: {vars: [1]}\n",
            "a: {vars: ~}\n",
            "plugin: x\n",
            "plugin: {}\na:\n",
            "1: {}\n",
            "a: {hosts: {1: }}\n",
            "a: {hosts: {h: !!str }}\n",
            "a: {hosts: {h: ''}}\n",
            "a: &x {hosts: {h: }}\nb: *x\n",
            "a: {<<: {hosts: {h: }}, vars: {}}\n",
            "a: {<<: {host: {h: }}}\n",
            "a: {hosts: {h: }, hosts: 1}\n",
            "a: {hosts: 1, hosts: {h: }}\n",
            "a: {children: {b: 1}}\n",
            "a: {children: [b]}\n",
            "a: {children: }\n",
            "a: {hosts: null}\n",
            "a: {hosts: {h: null, i: ~, j: {}}}\n",
            "[a]\n",
            "a: {hosts: {h: {}}, children: {x: {hosts: {y: }}}}\n",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for dir in [root.join("examples"), root.join("../shared/corpus")] {
            for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
                if e.path().extension().is_some_and(|x| x == "yml") {
                    if let Ok(t) = std::fs::read_to_string(e.path()) {
                        docs.push(t);
                    }
                }
            }
        }
        let mut quick = 0;
        for text in &docs {
            let Ok(Some(doc)) = crate::yaml::parse(text, Default::default()) else {
                continue;
            };
            for xenv in [false, true] {
                let v = if xenv { xenv_schema() } else { hosts_schema() }.unwrap();
                if quick_valid(&doc, xenv) {
                    quick += 1;
                    assert!(v.is_valid(&instance(&doc)), "xenv={xenv} {text:?}");
                }
            }
        }
        assert!(quick > 20, "{quick}");
    }

    #[test]
    fn passes_a_well_formed_inventory() {
        let src = "all:\n  vars: {a: 1}\n  children:\n    web:\n      hosts:\n        h1:\n        h2: {x: [1, 2]}\n      vars:\n";
        assert!(check_env(src, Code::Schema).is_empty());
    }
}
