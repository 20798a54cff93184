use super::{Context, FileRole, RuleInfo};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{SourceFile, Span};
use crate::yaml::value::{entries, key_string, to_json};
use crate::yaml::{Node, NodeKind};
use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value};
use std::sync::{Arc, OnceLock};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::Schema,
    default: Severity::Error,
    summary: "shape violates `schemas/*.json`: hosts as a list, unknown keys, scalar host vars, non-mapping groups",
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
        NodeKind::Map(_) => Value::Object(Map::new()),
        NodeKind::Seq(_) => Value::Array(Vec::new()),
        NodeKind::Scalar { .. } => to_json(node).unwrap_or(Value::Null),
    }
}

fn mapping(node: &Node, mut f: impl FnMut(String, &Node) -> Value) -> Value {
    let mut m = Map::new();
    if let Ok(es) = entries(node) {
        for e in es {
            if let Ok(k) = key_string(e.key) {
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
        NodeKind::Map(_) => mapping(doc, |_, g| group(g, 0)),
        _ => shallow(doc),
    }
}

fn group(node: &Node, depth: usize) -> Value {
    if !matches!(node.kind, NodeKind::Map(_)) || depth > 64 {
        return shallow(node);
    }
    mapping(node, |k, v| match (k.as_str(), &v.kind) {
        ("hosts", NodeKind::Map(_)) => mapping(v, |_, h| shallow(h)),
        ("children", NodeKind::Map(_)) => mapping(v, |_, c| group(c, depth + 1)),
        _ => shallow(v),
    })
}

/// The key and value nodes a JSON pointer names.
fn locate<'a>(doc: &'a Node, ptr: &str) -> Option<(&'a Node, &'a Node)> {
    let mut cur = doc;
    let mut found = None;
    for t in tokens(ptr) {
        let es = entries(cur).ok()?;
        let e = es
            .into_iter()
            .find(|e| key_string(e.key).ok().as_deref() == Some(t.as_str()))?;
        found = Some((e.key, e.value));
        cur = e.value;
    }
    found
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn tokens(ptr: &str) -> Vec<String> {
    ptr.split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn describe(ptr: &str) -> String {
    let t = tokens(ptr);
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

fn check_file(file: &Arc<SourceFile>, doc: &Node, xenv: bool, out: &mut Vec<Diagnostic>) {
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
                let got = kind_of(err.instance());
                let t = tokens(&ptr);
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

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for f in cx.files.iter().filter(|f| f.role != FileRole::Vars) {
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

    #[test]
    fn passes_a_well_formed_inventory() {
        let src = "all:\n  vars: {a: 1}\n  children:\n    web:\n      hosts:\n        h1:\n        h2: {x: [1, 2]}\n      vars:\n";
        assert!(check_env(src, Code::Schema).is_empty());
    }
}
