//! `ansible-inventory --graph [GROUP] [--vars]`: the `  |--` tree.

use super::python::python_str_var;
use super::shown::{internal, shown_vars};
use crate::inventory::model::{Inventory, ALL};
use crate::inventory::vars::VarValue;

/// The `--graph [GROUP] [--vars]` text; `None` when the group does not exist.
pub fn graph(inv: &Inventory, start: &str, show_vars: bool) -> Option<String> {
    let g = inv.groups.get_index_of(start)?;
    let depths = if show_vars { inv.depths() } else { Vec::new() };
    let mut lines = Vec::new();
    graph_group(inv, g, 0, show_vars, &depths, &mut lines);
    Some(lines.join("\n"))
}

fn graph_name(name: &str, depth: usize) -> String {
    if depth == 0 {
        name.to_string()
    } else {
        format!("{}--{}", "  |".repeat(depth), name)
    }
}

/// `{name = value}` lines, sorted by name.
fn show_vars(mut vars: Vec<(&str, &VarValue)>, depth: usize, lines: &mut Vec<String>) {
    vars.sort_by(|a, b| a.0.cmp(b.0));
    for (k, v) in vars {
        lines.push(graph_name(
            &format!("{{{} = {}}}", k, python_str_var(v)),
            depth,
        ));
    }
}

fn graph_group(
    inv: &Inventory,
    g: usize,
    depth: usize,
    vars: bool,
    depths: &[u32],
    lines: &mut Vec<String>,
) {
    let group = &inv.groups[g];
    lines.push(graph_name(&format!("@{}:", group.name), depth));
    let depth = depth + 1;
    for &c in &group.children {
        graph_group(inv, c, depth, vars, depths, lines);
    }
    if g != ALL {
        for &h in &group.hosts {
            lines.push(graph_name(&inv.hosts[h].name, depth));
            if vars {
                show_vars(shown_vars(inv, h, depths), depth + 1, lines);
            }
        }
    }
    if vars {
        // The group's own vars, then its group_vars/ files' over them.
        let mut gv: indexmap::IndexMap<&str, &VarValue> = indexmap::IndexMap::new();
        for (k, v) in group.vars.iter().chain(group.file_vars.iter()) {
            gv.insert(k, &v.value);
        }
        let priority = VarValue::Json(group.priority.into());
        if group.priority != 1 {
            gv.insert("ansible_group_priority", &priority);
        }
        gv.retain(|k, _| !internal(k));
        show_vars(gv.into_iter().collect(), depth, lines);
    }
}
