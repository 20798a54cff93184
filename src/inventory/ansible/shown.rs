//! The vars ansible-inventory shows for a host: everything it inherits and
//! holds, minus the internal names it never prints.

use crate::inventory::model::Inventory;
use crate::inventory::vars::VarValue;
use serde_json::{Map, Value};

/// The flattened vars `--list` shows for one host, sorted by name and
/// borrowed from the model.
pub fn shown_vars<'i>(
    inv: &'i Inventory,
    host: usize,
    depths: &[u32],
) -> Vec<(&'i str, &'i VarValue)> {
    let mut vars = inv.host_vars_sorted(host, depths);
    vars.retain(|(k, _)| !internal(k));
    vars
}

/// The same, as a JSON object (`--host`).
pub fn host_vars(inv: &Inventory, host: usize, depths: &[u32]) -> Map<String, Value> {
    shown_vars(inv, host, depths)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_json()))
        .collect()
}

/// A variable ansible-inventory never prints (`C.INTERNAL_STATIC_VARS`;
/// a match the compiler turns into length and byte tests).
pub(super) fn internal(k: &str) -> bool {
    matches!(
        k,
        "ansible_async_path"
            | "ansible_collection_name"
            | "ansible_config_file"
            | "ansible_dependent_role_names"
            | "ansible_diff_mode"
            | "ansible_facts"
            | "ansible_forks"
            | "ansible_inventory_sources"
            | "ansible_limit"
            | "ansible_play_batch"
            | "ansible_play_hosts"
            | "ansible_play_hosts_all"
            | "ansible_play_role_names"
            | "ansible_playbook_python"
            | "ansible_role_name"
            | "ansible_role_names"
            | "ansible_run_tags"
            | "ansible_skip_tags"
            | "ansible_verbosity"
            | "ansible_version"
            | "inventory_dir"
            | "inventory_file"
            | "inventory_hostname"
            | "inventory_hostname_short"
            | "groups"
            | "group_names"
            | "hostvars"
            | "playbook_dir"
            | "play_hosts"
            | "role_name"
            | "role_names"
            | "role_path"
            | "role_uuid"
    )
}

#[cfg(test)]
mod tests {
    /// ansible-core's `C.INTERNAL_STATIC_VARS`, the list `internal()` matches.
    const INTERNAL: [&str; 33] = [
        "ansible_async_path",
        "ansible_collection_name",
        "ansible_config_file",
        "ansible_dependent_role_names",
        "ansible_diff_mode",
        "ansible_facts",
        "ansible_forks",
        "ansible_inventory_sources",
        "ansible_limit",
        "ansible_play_batch",
        "ansible_play_hosts",
        "ansible_play_hosts_all",
        "ansible_play_role_names",
        "ansible_playbook_python",
        "ansible_role_name",
        "ansible_role_names",
        "ansible_run_tags",
        "ansible_skip_tags",
        "ansible_verbosity",
        "ansible_version",
        "inventory_dir",
        "inventory_file",
        "inventory_hostname",
        "inventory_hostname_short",
        "groups",
        "group_names",
        "hostvars",
        "playbook_dir",
        "play_hosts",
        "role_name",
        "role_names",
        "role_path",
        "role_uuid",
    ];

    #[test]
    fn internal_vars_are_the_listed_ones() {
        for k in INTERNAL {
            assert!(super::internal(k), "{k}");
        }
        for k in [
            "ansible_host",
            "ansible_user",
            "groups_x",
            "group",
            "",
            "role_names2",
        ] {
            assert!(!super::internal(k), "{k}");
        }
    }
}
