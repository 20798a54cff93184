//! Replays ansible-core's `yaml` inventory plugin over a spanned YAML tree.

use super::{Fatal, HostDef, Inventory, Loc, VarConflict, VarDef, VarValue};
use crate::diagnostic::Code;
use crate::hostpattern;
use crate::source::{SourceFile, Span};
use crate::yaml::value::{self, entries, key_string, resolve_scalar, Scalar};
use crate::yaml::{Node, NodeKind};
use std::sync::Arc;

type R<T> = Result<T, Fatal>;

struct Ctx<'a> {
    inv: &'a mut Inventory,
    file: &'a Arc<SourceFile>,
    range_limit: usize,
    /// Host-variable copies left for this file (a range times its vars).
    copies_left: usize,
    /// Groups and hosts only: vars are not read (see [`add_yaml_hosts`]).
    hosts_only: bool,
}

/// Most host-variable nodes one file may copy beyond the first (the extra
/// hosts a range expands to, times the size of the vars given to them): a
/// small file must not expand into gigabytes. A host's own vars cost nothing.
pub const MAX_VAR_COPIES: usize = 1_000_000;

impl Ctx<'_> {
    fn loc(&self, node: &Node) -> Loc {
        self.loc_at(node.span)
    }
    fn loc_at(&self, span: Span) -> Loc {
        Loc {
            file: self.file.clone(),
            span,
        }
    }
    fn fatal(&self, code: Code, node: &Node, message: impl Into<String>) -> Fatal {
        Fatal {
            code,
            loc: self.loc(node),
            message: message.into(),
            related: Vec::new(),
        }
    }
    /// Record an error Ansible would stop at, and go on so that later
    /// problems are reported too (views with errors are never printed).
    fn record(&mut self, f: Fatal) {
        self.inv.fatal.push(f);
    }
    fn construct_err(&self, e: value::ConstructError) -> Fatal {
        Fatal {
            code: Code::YamlSyntax,
            loc: Loc {
                file: self.file.clone(),
                span: e.node_span,
            },
            message: e.message,
            related: Vec::new(),
        }
    }
}

/// Is a value "truthy" as Python sees it (for the `data.get('plugin')` and
/// `host_vars or {}` checks)?
fn truthy(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Map { pairs: m, .. } => !m.is_empty(),
        NodeKind::Seq { items: s, .. } => !s.is_empty(),
        NodeKind::Scalar { .. } => match resolve_scalar(node) {
            Ok(Scalar::Null) => false,
            Ok(Scalar::Bool(b)) => b,
            Ok(Scalar::Int(i)) => i != 0,
            Ok(Scalar::Float(f)) => f != 0.0,
            Ok(Scalar::Str(s)) | Ok(Scalar::Vault(s)) => !s.is_empty(),
            Ok(Scalar::Timestamp(_)) => true,
            Err(_) => true,
        },
    }
}

fn is_null(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Scalar { .. }) && matches!(resolve_scalar(node), Ok(Scalar::Null))
}

fn as_str(node: &Node) -> Option<&str> {
    match resolve_scalar(node) {
        Ok(Scalar::Str(s)) => Some(s),
        _ => None,
    }
}

/// Load one parsed YAML file into the inventory as ansible's yaml plugin does.
/// On a fatal error the error is recorded in `inv.fatal` and loading stops
/// (what was added before stays, as in Ansible).
pub fn add_yaml_source(
    inv: &mut Inventory,
    file: &Arc<SourceFile>,
    root: Option<&Node>,
    range_limit: usize,
) -> bool {
    add_yaml(inv, file, root, range_limit, false)
}

/// [`add_yaml_source`] without the vars: the groups, the hosts and where
/// each is defined, in a third of the time. An error Ansible meets in a
/// var (which ends the file for it) is not met, so the hosts are those of
/// the whole inventory or more, never fewer.
pub fn add_yaml_hosts(
    inv: &mut Inventory,
    file: &Arc<SourceFile>,
    root: Option<&Node>,
    range_limit: usize,
) -> bool {
    add_yaml(inv, file, root, range_limit, true)
}

fn add_yaml(
    inv: &mut Inventory,
    file: &Arc<SourceFile>,
    root: Option<&Node>,
    range_limit: usize,
    hosts_only: bool,
) -> bool {
    inv.sources.push(file.clone());
    let mut ctx = Ctx {
        inv,
        file,
        range_limit,
        copies_left: MAX_VAR_COPIES,
        hosts_only,
    };
    match parse_root(&mut ctx, root) {
        Ok(()) => true,
        Err(f) => {
            ctx.inv.fatal.push(f);
            false
        }
    }
}

fn parse_root(ctx: &mut Ctx<'_>, root: Option<&Node>) -> R<()> {
    let Some(root) = root.filter(|r| truthy(r)) else {
        let at = root
            .cloned()
            .unwrap_or_else(|| Node::null_at(Default::default()));
        return Err(ctx.fatal(
            Code::Schema,
            &at,
            "Parsed empty YAML file: Ansible refuses it",
        ));
    };
    if !matches!(root.kind, NodeKind::Map { .. }) {
        return Err(ctx.fatal(
            Code::Schema,
            root,
            format!(
                "YAML inventory has invalid structure, it should be a mapping of groups, got {}",
                root.kind_name()
            ),
        ));
    }
    let top = entries(root).map_err(|e| ctx.construct_err(e))?;
    for e in &top {
        if let value::KeyId::Str(s) = &e.id {
            if *s == "plugin" && truthy(e.value) {
                return Err(ctx.fatal(
                    Code::Schema,
                    e.key,
                    "Plugin configuration YAML file, not YAML inventory",
                ));
            }
        }
    }
    for e in &top {
        parse_group(ctx, e.key, e.value)?;
    }
    Ok(())
}

/// `InventoryData.add_group` name checks.
fn group_name<'n>(ctx: &Ctx<'_>, key: &'n Node) -> R<&'n str> {
    match resolve_scalar(key) {
        Ok(Scalar::Str(s)) if !s.is_empty() => Ok(s),
        Ok(Scalar::Str(_)) => Err(ctx.fatal(
            Code::Schema,
            key,
            "Invalid empty group name: Ansible refuses it",
        )),
        Ok(Scalar::Null) | Ok(Scalar::Bool(false)) | Ok(Scalar::Int(0)) => Err(ctx.fatal(
            Code::Yaml11Key,
            key,
            format!(
                "group key `{}` is {} to Ansible (an empty/false group name); quote it",
                ctx.file.slice(key.span),
                key.kind_name()
            ),
        )),
        Ok(_) if matches!(key.kind, NodeKind::Scalar { .. }) => Err(ctx.fatal(
            Code::Yaml11Key,
            key,
            format!(
                "group key `{}` is {} to Ansible, not a string; quote it",
                ctx.file.slice(key.span),
                key.kind_name()
            ),
        )),
        Ok(_) => Err(ctx.fatal(Code::Schema, key, "a group name must be a string")),
        Err(e) => Err(ctx.construct_err(e)),
    }
}

fn is_group_body(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Map { .. }) || is_null(node)
}

/// `_parse_group`: returns the group's name (even when skipped, like Ansible).
fn parse_group<'n>(ctx: &mut Ctx<'_>, key: &'n Node, body: &'n Node) -> R<Option<&'n str>> {
    if !is_group_body(body) {
        // Ansible: "Skipping '<g>' as this is not a valid group definition".
        // The name is still returned; a parent then fails to add it as a child.
        return Ok(as_str(key));
    }
    let name = group_name(ctx, key)?;
    let gi = ctx.inv.add_group(name);
    let loc = ctx.loc(key);
    ctx.inv.groups[gi].defs.push(loc);
    if is_null(body) {
        return Ok(Some(name));
    }
    let items = entries(body).map_err(|e| ctx.construct_err(e))?;
    // Sections must be mappings, null, or a string (which means {string: null}).
    for e in &items {
        let Some(section) = as_str(e.key) else {
            continue;
        };
        if matches!(section, "vars" | "children" | "hosts")
            && !is_group_body(e.value)
            && as_str(e.value).is_none()
        {
            let f = ctx.fatal(
                Code::Schema,
                e.value,
                format!(
                    "Invalid \"{section}\" entry for \"{name}\" group, requires a mapping, found {}",
                    e.value.kind_name()
                ),
            );
            ctx.record(f);
        }
    }
    for e in &items {
        let section = as_str(e.key);
        // A string section value means a one-key mapping with a null value.
        let string_section =
            matches!(section, Some("vars" | "children" | "hosts")) && !is_group_body(e.value);
        let bad_section = matches!(section, Some("vars" | "children" | "hosts"))
            && !is_group_body(e.value)
            && as_str(e.value).is_none();
        if bad_section || (!string_section && (!is_group_body(e.value) || is_null(e.value))) {
            continue; // skipped by Ansible (with a warning unless null)
        }
        match section {
            Some("vars") if ctx.hosts_only => {}
            Some("vars") => {
                if string_section {
                    let k = as_str(e.value).unwrap_or_default().to_string();
                    set_group_var(ctx, gi, k.into(), VarValue::Null, e.value);
                } else {
                    for v in entries(e.value).map_err(|er| ctx.construct_err(er))? {
                        let k = key_string(v.key).map_err(|er| ctx.construct_err(er))?;
                        let val =
                            VarValue::from_node(v.value).map_err(|er| ctx.construct_err(er))?;
                        set_group_var(ctx, gi, k, val, v.key);
                    }
                }
            }
            Some("children") => {
                if string_section {
                    let null = Node::null_at(e.value.span);
                    let child = parse_group(ctx, e.value, &null)?;
                    add_child(ctx, gi, child, e.value)?;
                } else {
                    for c in entries(e.value).map_err(|er| ctx.construct_err(er))? {
                        let child = parse_group(ctx, c.key, c.value)?;
                        add_child(ctx, gi, child, c.key)?;
                    }
                }
            }
            Some("hosts") => {
                if string_section {
                    add_hosts(ctx, gi, e.value, None)?;
                } else {
                    for h in entries(e.value).map_err(|er| ctx.construct_err(er))? {
                        if let Err(f) = add_hosts(ctx, gi, h.key, Some(h.value)) {
                            if f.code == Code::YamlSyntax {
                                return Err(f);
                            }
                            ctx.record(f);
                        }
                    }
                }
            }
            _ => {} // unexpected key: Ansible warns and skips it
        }
    }
    Ok(Some(name))
}

fn add_child(ctx: &mut Ctx<'_>, parent: usize, child: Option<&str>, key: &Node) -> R<()> {
    let Some(child) = child else {
        return Err(ctx.fatal(
            Code::Schema,
            key,
            format!(
                "`{}` is not a valid group definition (a group must be a mapping or empty)",
                ctx.file.slice(key.span)
            ),
        ));
    };
    if let Some(ci) = ctx.inv.groups.get_index_of(child) {
        if let Err(m) = ctx.inv.add_child_group(parent, ci) {
            let f = ctx.fatal(Code::GroupGraph, key, m);
            ctx.record(f);
        }
        Ok(())
    } else if let Some(hi) = ctx.inv.hosts.get_index_of(child) {
        // Ansible's add_child adds a known host of that name to the group.
        ctx.inv.add_host_to_group(parent, hi);
        ctx.inv.order_bound = true;
        Ok(())
    } else {
        Err(ctx.fatal(
            Code::Schema,
            key,
            format!(
                "`{child}` is not a valid group definition (a group must be a mapping or empty), \
                 so Ansible fails: {child} is not a known host nor group"
            ),
        ))
    }
}

/// Python's `int()` of a string: surrounding whitespace, a sign, digits
/// with single underscores between them (`" 1_0 "` is 10).
fn python_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    let ok = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !ok {
        return None;
    }
    t.replace('_', "").parse().ok()
}

fn set_group_var(ctx: &mut Ctx<'_>, gi: usize, k: ecow::EcoString, val: VarValue, at: &Node) {
    if k == "ansible_group_priority" {
        // Ansible sets `int(value)`: what Python's int() refuses (`high`,
        // an empty string, null, a list) makes it refuse the source.
        let p = match &val {
            VarValue::Num(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            VarValue::Bool(b) => Some(*b as i64),
            v => v.as_str().and_then(python_int),
        };
        match p {
            Some(p) => {
                ctx.inv.groups[gi].priority = p;
                ctx.inv.groups[gi].priority_given = true;
            }
            None => {
                let shown = val.to_json().to_string();
                let f = ctx.fatal(
                    Code::Schema,
                    at,
                    format!(
                        "ansible_group_priority {shown} is not an integer: Ansible refuses the source \
                         (invalid literal for int())"
                    ),
                );
                ctx.record(f);
            }
        }
        return;
    }
    let def = VarDef {
        value: val,
        loc: Some(ctx.loc(at)),
    };
    if let Some((var, first, second)) = ctx.inv.groups[gi].vars.replace(k, def) {
        let entity = ctx.inv.groups[gi].name.clone();
        ctx.inv.conflicts.push(VarConflict {
            entity,
            is_host: false,
            var,
            first,
            second,
        });
    }
}

fn add_hosts(ctx: &mut Ctx<'_>, gi: usize, key: &Node, vars: Option<&Node>) -> R<()> {
    let pattern = match resolve_scalar(key) {
        Ok(Scalar::Str(s)) => s,
        Ok(_) if matches!(key.kind, NodeKind::Scalar { .. }) => {
            return Err(ctx.fatal(
                Code::Yaml11Key,
                key,
                format!(
                    "host key `{}` is {} to Ansible, not a string: Ansible refuses it \
                     (\"Host pattern must be a string\"); quote it",
                    ctx.file.slice(key.span),
                    key.kind_name()
                ),
            ))
        }
        Ok(_) => return Err(ctx.fatal(Code::Schema, key, "a host key must be a string")),
        Err(e) => return Err(ctx.construct_err(e)),
    };
    // A plain name (the common key) is its own one host: nothing to expand
    // and no list of names to allocate.
    let plain = hostpattern::plain_hostname(pattern);
    let (expanded, port) = if plain {
        (Vec::new(), None)
    } else {
        hostpattern::expand_hostpattern(pattern, ctx.range_limit).map_err(|e| {
            ctx.fatal(
                Code::HostName,
                key,
                format!("host pattern `{pattern}`: {e}"),
            )
        })?
    };
    let one = [pattern];
    let many: Vec<&str>;
    let names: &[&str] = if plain {
        &one
    } else {
        many = expanded.iter().map(String::as_str).collect();
        &many
    };
    let count = names.len();
    let mut var_nodes = 1usize;
    let var_entries = match vars {
        _ if ctx.hosts_only => Vec::new(),
        Some(v) if truthy(v) => {
            if !matches!(v.kind, NodeKind::Map { .. }) {
                return Err(ctx.fatal(
                    Code::Schema,
                    v,
                    format!(
                        "host `{pattern}`: host vars must be a mapping, got {}: Ansible refuses it",
                        v.kind_name()
                    ),
                ));
            }
            if count > 1 {
                var_nodes = crate::yaml::node_size(v);
            }
            value::map_entries(v, |k, val| {
                Ok((key_string(k)?, VarValue::from_node(val)?, k.span))
            })
            .map_err(|er| ctx.construct_err(er))?
        }
        _ => Vec::new(),
    };
    let copies = count.saturating_sub(1).saturating_mul(var_nodes);
    if copies > ctx.copies_left {
        return Err(ctx.fatal(
            Code::HostName,
            key,
            format!(
                "host pattern `{pattern}`: {} hosts x {var_nodes} nodes of vars would copy more than {MAX_VAR_COPIES} host-variable nodes in this file",
                count,
            ),
        ));
    }
    ctx.copies_left -= copies;
    let loc = ctx.loc(key);
    // Every host of a range gets its own copy; the last one (the only
    // one, usually) takes the parsed values themselves.
    let last = count.saturating_sub(1);
    let mut var_entries = Some(var_entries);
    // One string for the pattern, and for the name when they are the same
    // (a plain host): the map key, the host's name and its definitions
    // share it.
    let pat: ecow::EcoString = match &key.kind {
        // The key's own string (shared, not copied: a host name is longer
        // than the 15 bytes kept inline).
        NodeKind::Scalar { value, .. } if value.as_str() == pattern => value.clone(),
        _ => pattern.into(),
    };
    for (ni, &name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(ctx.fatal(Code::HostName, key, "Invalid empty host name"));
        }
        let text = if name == pat.as_str() {
            pat.clone()
        } else {
            name.into()
        };
        let (hi, added) = ctx.inv.add_host(text);
        let existed = !added;
        ctx.inv.add_host_to_group(gi, hi);
        let own = if ni == last {
            var_entries.take().unwrap_or_default()
        } else {
            var_entries.clone().unwrap_or_default()
        };
        let host = &mut ctx.inv.hosts[hi];
        // Sized once: a host is in a couple of groups and has a handful of
        // vars, and growth by doubling would leave most of it unused (half
        // of the model's memory at 100k hosts).
        if host.defs.capacity() == 0 {
            host.defs.reserve_exact(2);
        }
        if host.vars.is_empty() && !own.is_empty() {
            host.vars = super::Vars::with_capacity(own.len() + usize::from(port.is_some()));
        }
        host.defs.push(HostDef {
            group: gi,
            loc: loc.clone(),
            pattern: pat.clone(),
        });
        if !existed {
            if let Some(p) = port {
                ctx.inv.order_bound = true;
                ctx.inv.hosts[hi].vars.insert(
                    "ansible_port".into(),
                    VarDef {
                        value: VarValue::Num(p.into()),
                        loc: Some(loc.clone()),
                    },
                );
            }
        }
        // A host's first vars (the usual case): the mapping's keys are
        // already distinct, nothing to compare against.
        let fresh = ctx.inv.hosts[hi].vars.is_empty();
        for (k, val, at) in own {
            let vloc = ctx.loc_at(at);
            if fresh {
                ctx.inv.hosts[hi].vars.insert_new(
                    k,
                    VarDef {
                        value: val,
                        loc: Some(vloc),
                    },
                );
                continue;
            }
            let def = VarDef {
                value: val,
                loc: Some(vloc),
            };
            if let Some((var, first, second)) = ctx.inv.hosts[hi].vars.replace(k, def) {
                ctx.inv.conflicts.push(VarConflict {
                    entity: name.to_string(),
                    is_host: true,
                    var,
                    first,
                    second,
                });
            }
        }
    }
    Ok(())
}
