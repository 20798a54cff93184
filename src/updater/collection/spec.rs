//! What a request in the collection's terms asks for: its options (the
//! `dettonville.git_inventory` module parameters, with their defaults)
//! and its host and group items, read from the parameters as given.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How vars given for an item meet the vars it already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum VarsState {
    /// Mappings merge key by key at every depth; lists gain the items they
    /// lack.
    #[default]
    Merge,
    /// Below `vars_overwrite_depth`, a given value replaces the one there.
    Overwrite,
}

/// The collection's options. Defaults are the module's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    /// The inventory's top-level key (`all`).
    pub root_key: String,
    /// The folder of `group_vars/`, `host_vars/`, the global groups file
    /// and the child inventories; default: the inventory file's folder.
    pub inventory_dir: Option<String>,
    /// Vars go to `group_vars/<g>.yml` / `host_vars/<h>.yml` (else inline).
    pub use_vars_files: bool,
    pub create_empty_groupvars_files: bool,
    pub create_parent_groupvar_files: bool,
    pub create_empty_hostvars_files: bool,
    pub groupvar_symlinks: bool,
    pub symlink_subdirs: Vec<String>,
    /// Relative to the inventory folder.
    pub global_groups_file: String,
    pub enforce_global_groups: bool,
    /// Whether `enforce_global_groups_must_already_exist` was given (then a
    /// missing global groups file is an error; by default, a warning).
    pub enforce_given: bool,
    pub vars_state: VarsState,
    pub vars_overwrite_depth: u32,
    pub always_add_child_group_to_root: bool,
    pub always_add_host_to_root_hosts: bool,
    /// `inventory_file` as the caller gave it (the "No changes required for
    /// ..." message and the global-groups exception name it so).
    pub inventory_file_param: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            root_key: "all".into(),
            inventory_dir: None,
            use_vars_files: true,
            create_empty_groupvars_files: true,
            create_parent_groupvar_files: true,
            create_empty_hostvars_files: false,
            groupvar_symlinks: true,
            symlink_subdirs: ["DEV", "QA", "PROD", "SANDBOX"].map(String::from).to_vec(),
            global_groups_file: "xenv_groups.yml".into(),
            enforce_global_groups: true,
            enforce_given: false,
            vars_state: VarsState::Merge,
            vars_overwrite_depth: 2,
            always_add_child_group_to_root: false,
            always_add_host_to_root_hosts: false,
            inventory_file_param: String::new(),
        }
    }
}

/// Where an item goes: `parent_groups` (or `groups`) as a list of names or
/// as a mapping of nested groups (`{site1: {nfs_server: {}}}` puts it
/// under `site1`'s child `nfs_server`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Parents {
    List(Vec<String>),
    Tree(Map<String, Value>),
}

impl Parents {
    /// Read as the collection reads it: list elements that are not
    /// non-empty strings are skipped; a scalar names no group.
    pub fn from_value(v: &Value) -> Parents {
        match v {
            Value::Array(items) => Parents::List(
                items
                    .iter()
                    .filter_map(|i| i.as_str().filter(|s| !s.is_empty()).map(String::from))
                    .collect(),
            ),
            Value::Object(m) => Parents::Tree(m.clone()),
            _ => Parents::List(Vec::new()),
        }
    }

    /// Every group named, at every depth (for checks and messages).
    pub fn names(&self) -> Vec<String> {
        fn walk(m: &Map<String, Value>, out: &mut Vec<String>) {
            for (k, v) in m {
                out.push(k.clone());
                if let Value::Object(sub) = v {
                    walk(sub, out);
                }
            }
        }
        match self {
            Parents::List(l) => l.clone(),
            Parents::Tree(m) => {
                let mut out = Vec::new();
                walk(m, &mut out);
                out
            }
        }
    }
}

/// One `host_list` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostItem {
    pub name: String,
    /// `None`: no `parent_groups`/`groups` key (the host goes under the
    /// root's `hosts`).
    pub parents: Option<Parents>,
    /// `None`: no `host_vars` key; `Some` (maybe empty): vars given.
    pub vars: Option<Map<String, Value>>,
}

/// One `group_list` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupItem {
    pub name: String,
    pub parents: Option<Parents>,
    /// `{child: node}`: each child ensured under the group, `node` merged
    /// into it (a list names children with empty nodes).
    pub children: Option<Map<String, Value>>,
    pub vars: Option<Map<String, Value>>,
}

/// A request in the collection's terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    pub options: Options,
    pub hosts: Vec<HostItem>,
    pub groups: Vec<GroupItem>,
    /// Without a repository URL: the folder edited in place.
    #[serde(default)]
    pub local: Option<super::Local>,
    /// What reading the parameters found worth telling (unknown item keys).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// The keys a `host_list` item may have; others are reported, not used.
pub const HOST_KEYS: &[&str] = &["host_name", "parent_groups", "groups", "host_vars"];
/// The keys a `group_list` item may have.
pub const GROUP_KEYS: &[&str] = &[
    "group_name",
    "parent_groups",
    "groups",
    "children",
    "group_vars",
];

fn vars_of(
    m: &Map<String, Value>,
    key: &str,
    what: &str,
) -> Result<Option<Map<String, Value>>, String> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(Map::new())),
        Some(Value::Object(v)) => Ok(Some(v.clone())),
        Some(other) => Err(format!("{what}: `{key}` must be a mapping, got {other}")),
    }
}

fn parents_of(m: &Map<String, Value>) -> Option<Parents> {
    // `parent_groups` wins over the older `groups` when both are there.
    m.get("parent_groups")
        .or_else(|| m.get("groups"))
        .map(Parents::from_value)
}

fn name_of(m: &Map<String, Value>, key: &str, what: &str) -> Result<String, String> {
    match m.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(format!("{what}: `{key}` is required (a non-empty string)")),
    }
}

/// A `host_list` item; unknown keys go to `ignored`.
pub fn host_item(v: &Value, i: usize, ignored: &mut Vec<String>) -> Result<HostItem, String> {
    let what = format!("host_list[{i}]");
    let m = v
        .as_object()
        .ok_or_else(|| format!("{what} must be a mapping"))?;
    ignored.extend(
        m.keys()
            .filter(|k| !HOST_KEYS.contains(&k.as_str()))
            .map(|k| format!("{what}.{k}")),
    );
    Ok(HostItem {
        name: name_of(m, "host_name", &what)?,
        parents: parents_of(m),
        vars: vars_of(m, "host_vars", &what)?,
    })
}

/// A `group_list` item; unknown keys go to `ignored`.
pub fn group_item(v: &Value, i: usize, ignored: &mut Vec<String>) -> Result<GroupItem, String> {
    let what = format!("group_list[{i}]");
    let m = v
        .as_object()
        .ok_or_else(|| format!("{what} must be a mapping"))?;
    ignored.extend(
        m.keys()
            .filter(|k| !GROUP_KEYS.contains(&k.as_str()))
            .map(|k| format!("{what}.{k}")),
    );
    let children = match m.get("children") {
        None | Some(Value::Null) => None,
        Some(Value::Object(c)) => Some(c.clone()),
        Some(Value::Array(l)) => Some(
            l.iter()
                .filter_map(|c| c.as_str().filter(|s| !s.is_empty()))
                .map(|c| (c.to_string(), Value::Object(Map::new())))
                .collect(),
        ),
        Some(other) => {
            return Err(format!(
                "{what}: `children` must be a mapping or a list, got {other}"
            ))
        }
    };
    Ok(GroupItem {
        name: name_of(m, "group_name", &what)?,
        parents: parents_of(m),
        children,
        vars: vars_of(m, "group_vars", &what)?,
    })
}
