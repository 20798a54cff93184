//! `ansible-inventory --graph [GROUP] [--vars]`: the `  |--` tree.

use super::python::python_str_var;
use super::shown::{internal, shown_vars};
use crate::inventory::model::{Inventory, ALL};
use crate::inventory::vars::VarValue;

/// Why there is no `--graph` text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("Pattern must be valid group name when using --graph")]
    NoGroup,
    /// `--vars` prints a vault value's plaintext: ansible-inventory,
    /// with no vault secret, fails on the first one it meets.
    #[error(
        "`{var}` of {owner} is a !vault value: ansible-inventory --graph --vars prints it decrypted, and without a vault secret fails (\"{}\")",
        if *.vault_text { "Attempting to decrypt but no vault secrets found" } else { "Input is not vault encrypted data" }
    )]
    Vault {
        var: String,
        /// `host h1` or `group g1`
        owner: String,
        /// The ciphertext has the `$ANSIBLE_VAULT` header.
        vault_text: bool,
    },
}

/// The `--graph [GROUP] [--vars]` text.
pub fn graph(inv: &Inventory, start: &str, show_vars: bool) -> Result<String, GraphError> {
    let g = inv.groups.get_index_of(start).ok_or(GraphError::NoGroup)?;
    let depths = if show_vars { inv.depths() } else { Vec::new() };
    let mut lines = Vec::new();
    graph_group(inv, g, 0, show_vars, &depths, &mut lines)?;
    Ok(lines.join("\n"))
}

fn graph_name(name: &str, depth: usize) -> String {
    if depth == 0 {
        name.to_string()
    } else {
        format!("{}--{}", "  |".repeat(depth), name)
    }
}

/// `{name = value}` lines, sorted by name.
fn show_vars(
    mut vars: Vec<(&str, &VarValue)>,
    owner: impl Fn() -> String,
    depth: usize,
    lines: &mut Vec<String>,
) -> Result<(), GraphError> {
    vars.sort_by(|a, b| a.0.cmp(b.0));
    for (k, v) in vars {
        let shown = python_str_var(v).map_err(|c| GraphError::Vault {
            var: k.to_string(),
            owner: owner(),
            vault_text: c.starts_with("$ANSIBLE_VAULT"),
        })?;
        lines.push(graph_name(&format!("{{{k} = {shown}}}"), depth));
    }
    Ok(())
}

fn graph_group(
    inv: &Inventory,
    g: usize,
    depth: usize,
    vars: bool,
    depths: &[u32],
    lines: &mut Vec<String>,
) -> Result<(), GraphError> {
    let group = &inv.groups[g];
    lines.push(graph_name(&format!("@{}:", group.name), depth));
    let depth = depth + 1;
    for &c in &group.children {
        graph_group(inv, c, depth, vars, depths, lines)?;
    }
    if g != ALL {
        for &h in &group.hosts {
            let name = &inv.hosts[h].name;
            lines.push(graph_name(name, depth));
            if vars {
                let owner = || format!("host `{name}`");
                show_vars(shown_vars(inv, h, depths), owner, depth + 1, lines)?;
            }
        }
    }
    if vars {
        // The group's own vars, then its group_vars/ files' over them.
        let mut gv: indexmap::IndexMap<&str, &VarValue> = indexmap::IndexMap::new();
        for (k, v) in group.vars.iter().chain(group.file_vars.iter()) {
            gv.insert(k, &v.value);
        }
        let priority = VarValue::Num(group.priority.into());
        if group.priority != 1 {
            gv.insert("ansible_group_priority", &priority);
        }
        gv.retain(|k, _| !internal(k));
        let owner = || format!("group `{}`", group.name);
        show_vars(gv.into_iter().collect(), owner, depth, lines)?;
    }
    Ok(())
}
