//! `--params FILE|-`: the Ansible module's own argument names, so a job can
//! pass what it already has. Unknown parameters are an error that names them.

use super::request::{BadRequest, GroupChange, HostChange, State};
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupItem {
    pub group_name: String,
    #[serde(default)]
    pub parent_groups: Vec<String>,
    #[serde(default)]
    pub children: Vec<String>,
    #[serde(default)]
    pub group_vars: Option<Map<String, Value>>,
}

/// The groups of `group_list`.
pub fn groups(items: &[GroupItem]) -> Vec<GroupChange> {
    items
        .iter()
        .map(|g| GroupChange {
            name: g.group_name.clone(),
            parents: g.parent_groups.clone(),
            children: g.children.clone(),
            vars: g
                .group_vars
                .iter()
                .flat_map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())))
                .collect(),
        })
        .collect()
}

/// The module's parameters (all optional here; the CLI flags fill gaps).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub inventory_repo_url: Option<String>,
    pub inventory_repo_branch: Option<String>,
    pub inventory_file: Option<String>,
    #[serde(alias = "jira_id")]
    pub git_comment_prefix: Option<String>,
    pub git_comment_body: Option<String>,
    pub ssh_params: Option<SshParams>,
    pub state: Option<State>,
    #[serde(default)]
    pub host_list: Vec<HostItem>,
    #[serde(default)]
    pub group_list: Vec<GroupItem>,
    pub git_user_name: Option<String>,
    pub git_user_email: Option<String>,
}

fn bad(message: String) -> BadRequest {
    BadRequest(message)
}

/// Parse parameters from JSON or YAML text.
pub fn parse(text: &str) -> Result<Params, BadRequest> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => {
            let doc = crate::yaml::parse(text, Default::default())
                .map_err(|e| bad(format!("params: not JSON or YAML: {}", e.message)))?
                .ok_or_else(|| bad("params: empty".into()))?;
            crate::yaml::value::to_json(&doc).map_err(|e| bad(format!("params: {}", e.message)))?
        }
    };
    serde_json::from_value(value).map_err(|e| bad(format!("params: {e}")))
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
        let h = hosts(&p.host_list);
        assert_eq!(h[0].groups, vec!["a", "b"]);
        let e = parse(r#"{"inventory_repo_url": "x", "bogus_param": 1}"#).unwrap_err();
        assert!(e.0.contains("bogus_param"), "{e}");
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
