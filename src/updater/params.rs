//! `--params FILE|-`: the Ansible module's own argument names, so a job can
//! pass what it already has. Unknown parameters are an error that names them.

use super::collection::spec::{
    self, Collection, HostItem as ItemHost, Options, Parents, VarsState,
};
use super::request::{BadRequest, HostChange, State};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SshParams {
    pub key_file: Option<String>,
    #[serde(default)]
    pub accept_hostkey: bool,
    pub ssh_opts: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostItem {
    pub host_name: String,
    #[serde(default, alias = "groups")]
    pub parent_groups: Vec<String>,
    #[serde(default)]
    pub host_vars: Option<Map<String, Value>>,
}

/// The modules' parameters (all optional here; the CLI flags fill gaps).
/// Every name of the `dettonville.git_inventory` modules is taken (see
/// `schemas/update-params.schema.json`); the host and group items are
/// read by [`crate::updater::collection::spec`].
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub inventory_repo_url: Option<String>,
    pub inventory_repo_branch: Option<String>,
    pub inventory_file: Option<String>,
    pub inventory_dir: Option<String>,
    pub inventory_base_dir: Option<String>,
    pub inventory_root_yaml_key: Option<String>,
    #[serde(alias = "jira_id")]
    pub git_comment_prefix: Option<String>,
    pub git_comment_body: Option<String>,
    pub ssh_params: Option<SshParams>,
    pub state: Option<State>,
    #[serde(default, alias = "hosts")]
    pub host_list: Vec<Value>,
    #[serde(default, alias = "groups")]
    pub group_list: Vec<Value>,
    pub git_user_name: Option<String>,
    pub git_user_email: Option<String>,
    pub global_groups_file: Option<String>,
    pub enforce_global_groups_must_already_exist: Option<bool>,
    pub vars_state: Option<VarsState>,
    pub vars_overwrite_depth: Option<u32>,
    pub use_vars_files: Option<bool>,
    pub create_empty_groupvars_files: Option<bool>,
    pub create_parent_groupvar_files: Option<bool>,
    pub create_empty_hostvars_files: Option<bool>,
    pub enable_groupvar_symlinks_for_child_inventories: Option<bool>,
    pub symlink_subdirs: Option<Vec<String>>,
    pub always_add_child_group_to_root: Option<bool>,
    pub always_add_host_to_root_hosts: Option<bool>,
    pub derive_domain_group: Option<bool>,
    pub backup: Option<bool>,
    pub remove_repo_dir: Option<bool>,
    pub test_mode: Option<bool>,
    pub logging_level: Option<String>,
    pub yaml_lib_mode: Option<String>,
    pub retries: Option<u32>,
    pub clone_depth: Option<u32>,
    pub queue: Option<super::request::Queue>,
}

impl Params {
    /// The collection's options these parameters set (the rest default
    /// as the modules' do).
    pub fn options(&self) -> Options {
        let d = Options::default();
        Options {
            root_key: self.inventory_root_yaml_key.clone().unwrap_or(d.root_key),
            inventory_dir: self.inventory_dir.clone(),
            use_vars_files: self.use_vars_files.unwrap_or(d.use_vars_files),
            create_empty_groupvars_files: self
                .create_empty_groupvars_files
                .unwrap_or(d.create_empty_groupvars_files),
            create_parent_groupvar_files: self
                .create_parent_groupvar_files
                .unwrap_or(d.create_parent_groupvar_files),
            create_empty_hostvars_files: self
                .create_empty_hostvars_files
                .unwrap_or(d.create_empty_hostvars_files),
            groupvar_symlinks: self
                .enable_groupvar_symlinks_for_child_inventories
                .unwrap_or(d.groupvar_symlinks),
            symlink_subdirs: self.symlink_subdirs.clone().unwrap_or(d.symlink_subdirs),
            global_groups_file: self
                .global_groups_file
                .clone()
                .unwrap_or(d.global_groups_file),
            enforce_global_groups: self
                .enforce_global_groups_must_already_exist
                .unwrap_or(d.enforce_global_groups),
            enforce_given: self.enforce_global_groups_must_already_exist.is_some(),
            vars_state: self.vars_state.unwrap_or(d.vars_state),
            vars_overwrite_depth: self.vars_overwrite_depth.unwrap_or(d.vars_overwrite_depth),
            always_add_child_group_to_root: self
                .always_add_child_group_to_root
                .unwrap_or(d.always_add_child_group_to_root),
            always_add_host_to_root_hosts: self
                .always_add_host_to_root_hosts
                .unwrap_or(d.always_add_host_to_root_hosts),
            inventory_file_param: self.inventory_file.clone().unwrap_or_default(),
        }
    }
}

fn bad(message: String) -> BadRequest {
    BadRequest(message)
}

/// The parameters' schema (`schemas/update-params.schema.json`).
pub const SCHEMA: &str = include_str!("../../schemas/update-params.schema.json");

fn schema() -> Option<&'static jsonschema::Validator> {
    static V: std::sync::OnceLock<Option<jsonschema::Validator>> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let s: Value = serde_json::from_str(SCHEMA).ok()?;
        jsonschema::validator_for(&s).ok()
    })
    .as_ref()
}

/// Where the JSON pointer `ptr` is in the parameters' text (`line:col`).
fn locate(text: &str, doc: &crate::yaml::Node, ptr: &str) -> String {
    let node = crate::yaml::value::node_at(doc, ptr);
    let at = (node.span.start as usize).min(text.len());
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{col}")
}

/// The parameters' text read as data (JSON or YAML), unchecked.
pub fn raw(text: &str) -> Result<Value, BadRequest> {
    let doc = crate::yaml::parse(text, Default::default())
        .map_err(|e| bad(format!("params: not JSON or YAML: {}", e.message)))?
        .ok_or_else(|| bad("params: empty".into()))?;
    crate::yaml::value::to_json(&doc).map_err(|e| bad(format!("params: {}", e.message)))
}

/// Parse parameters from JSON or YAML text, checked against the schema
/// (an error names the parameter and where it is: `line:col`).
pub fn parse(text: &str) -> Result<Params, BadRequest> {
    parse_from(text, None)
}

/// [`parse`], an error's place named `place` instead of a `line:col` of
/// `text` (for parameters put together from several sources).
pub fn parse_from(text: &str, place: Option<&str>) -> Result<Params, BadRequest> {
    let doc = crate::yaml::parse(text, Default::default())
        .map_err(|e| bad(format!("params: not JSON or YAML: {}", e.message)))?
        .ok_or_else(|| bad("params: empty".into()))?;
    let value =
        crate::yaml::value::to_json(&doc).map_err(|e| bad(format!("params: {}", e.message)))?;
    if let Some(v) = schema() {
        if let Some(e) = v.iter_errors(&value).next() {
            let ptr = e.instance_path().to_string();
            let what = if ptr.is_empty() {
                "params".to_string()
            } else {
                format!("params{ptr}")
            };
            let at = place.map_or_else(|| locate(text, &doc, &ptr), String::from);
            return Err(bad(format!("{what} ({at}): {e}")));
        }
    }
    serde_json::from_value(value).map_err(|e| bad(format!("params: {e}")))
}

/// The host and group items of the parameters, in the collection's terms;
/// item keys the modules do not know are named in the second list.
pub fn collection(p: &Params) -> Result<(Collection, Vec<String>), BadRequest> {
    let mut ignored = Vec::new();
    let mut hosts = p
        .host_list
        .iter()
        .enumerate()
        .map(|(i, v)| spec::host_item(v, i, &mut ignored))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    if p.derive_domain_group == Some(true) {
        for h in &mut hosts {
            derive_domain(h);
        }
    }
    let groups = p
        .group_list
        .iter()
        .enumerate()
        .map(|(i, v)| spec::group_item(v, i, &mut ignored))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    Ok((
        Collection {
            options: p.options(),
            hosts,
            groups,
            local: None,
            warnings: Vec::new(),
        },
        ignored,
    ))
}

/// The domain group of a host name: `ca_domain_` and the labels of its
/// domain reversed (`web01.dettonville.int` -> `ca_domain_int_dettonville`).
pub fn domain_group(host: &str) -> Option<String> {
    let (_, domain) = host.split_once('.')?;
    if domain.is_empty() || domain.split('.').any(str::is_empty) {
        return None;
    }
    let labels: Vec<&str> = domain.rsplit('.').collect();
    Some(format!("ca_domain_{}", labels.join("_")))
}

fn derive_domain(h: &mut ItemHost) {
    let Some(g) = domain_group(&h.name) else {
        return;
    };
    match &mut h.parents {
        Some(Parents::List(l)) => {
            if !l.contains(&g) {
                l.push(g);
            }
        }
        Some(Parents::Tree(t)) => {
            t.entry(g).or_insert(Value::Object(Map::new()));
        }
        None => h.parents = Some(Parents::List(vec![g])),
    }
}

/// Hosts of a `--hosts FILE` (a list of host_list items) or of `host_list`.
pub fn hosts(items: &[HostItem]) -> Vec<HostChange> {
    items
        .iter()
        .map(|h| HostChange {
            name: h.host_name.clone(),
            groups: h.parent_groups.clone(),
            vars: h
                .host_vars
                .iter()
                .flat_map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())))
                .collect(),
        })
        .collect()
}

/// Parse a `--hosts FILE`: a JSON/YAML list of `{host_name, parent_groups, host_vars}`.
pub fn parse_hosts(text: &str) -> Result<Vec<HostChange>, BadRequest> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => {
            let doc = crate::yaml::parse(text, Default::default())
                .map_err(|e| bad(format!("hosts file: {}", e.message)))?
                .ok_or_else(|| bad("hosts file: empty".into()))?;
            crate::yaml::value::to_json(&doc)
                .map_err(|e| bad(format!("hosts file: {}", e.message)))?
        }
    };
    let items: Vec<HostItem> =
        serde_json::from_value(value).map_err(|e| bad(format!("hosts file: {e}")))?;
    Ok(hosts(&items))
}

/// `--var k=v`: the value typed as YAML 1.1 would type it (`22` is a number).
pub fn parse_var(s: &str) -> Result<(String, Value), BadRequest> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| bad(format!("--var `{s}`: expected key=value")))?;
    if k.is_empty() {
        return Err(bad(format!("--var `{s}`: empty key")));
    }
    let value = match crate::yaml::parse(v, Default::default()) {
        Ok(Some(doc)) if matches!(doc.kind, crate::yaml::NodeKind::Scalar { .. }) => {
            crate::yaml::value::to_json(&doc).unwrap_or_else(|_| Value::String(v.to_string()))
        }
        _ => Value::String(v.to_string()),
    };
    Ok((k.to_string(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_parameters() {
        let p = parse(r#"{"inventory_repo_url": "x", "inventory_file": "inventory/prod/hosts.yml",
            "jira_id": "INFRA-1", "state": "present", "ssh_params": {"key_file": "/k", "accept_hostkey": true},
            "host_list": [{"host_name": "h1", "groups": ["a", "b"], "host_vars": {"p": 1}}]}"#)
        .unwrap();
        assert_eq!(p.git_comment_prefix.as_deref(), Some("INFRA-1"));
        assert_eq!(p.state, Some(State::Merge));
        let (c, ignored) = collection(&p).unwrap();
        assert!(ignored.is_empty());
        assert_eq!(
            c.hosts[0].parents,
            Some(Parents::List(vec!["a".into(), "b".into()]))
        );
        assert_eq!(c.hosts[0].vars.as_ref().map(|v| v.len()), Some(1));
        let e = parse(r#"{"inventory_repo_url": "x", "bogus_param": 1}"#).unwrap_err();
        assert!(e.0.contains("bogus_param"), "{e}");
        // Located: the line and column of the bad value.
        let e = parse("inventory_file: x\nhost_list:\n  - host_name: h\n    host_vars: [1]\n")
            .unwrap_err();
        assert!(
            e.0.starts_with("params/host_list/0/host_vars (4:16)"),
            "{e}"
        );
        assert_eq!(
            domain_group("inference-grid-03.dettonville.int").as_deref(),
            Some("ca_domain_int_dettonville")
        );
        assert_eq!(domain_group("localhost"), None);
        assert_eq!(
            parse_var("ansible_port=22").unwrap().1,
            serde_json::json!(22)
        );
        assert_eq!(
            parse_var("u=deploy").unwrap().1,
            serde_json::json!("deploy")
        );
    }
}
