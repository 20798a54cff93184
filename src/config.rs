//! `.git-inventory.yml`: where the inventories are, what the domain groups are
//! called, which groups exclude each other, per-rule severities and limits.
//! Read with our own YAML reader (YAML 1.1 semantics, like every other file).

use crate::diagnostic::{Code, Severity};
use crate::inventory::loader::LoadLimits;
use crate::yaml;
use serde::Deserialize;
use std::collections::HashMap;

/// File name looked up at the repository root.
pub const FILE_NAME: &str = ".git-inventory.yml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Format version (1).
    pub version: u32,
    /// Folder holding one sub-folder per environment.
    pub inventory_dir: String,
    /// File names that mark a sub-folder of `inventory_dir` as an environment.
    pub env_markers: Vec<String>,
    /// The cross-environment group hierarchy (relative to the repository root).
    pub xenv_groups: String,
    /// Shared hosts, loaded together with `xenv_groups` as the `xenv` view.
    pub xenv_hosts: String,
    /// Umbrella group of the domain groups; members are `<prefix>_<reversed labels>`.
    pub domain_prefix: String,
    /// Regexes (full match) of groups a host may belong to only one of
    /// (at a time within an environment); the domain groups by default.
    pub exclusive_groups: Vec<String>,
    /// Require every group used in an environment to be declared in `xenv_groups`.
    pub require_declared_groups: bool,
    /// The files `update` may edit, as path globs (`*` within one folder,
    /// `**` across folders); empty: the inventory files discovery finds.
    pub editable: Vec<String>,
    /// Paths not validated, as path globs like `editable`'s: an environment
    /// folder or inventory file matching one is not loaded, and no finding
    /// in a matching file is reported.
    pub exclude: Vec<String>,
    /// Honour `# git-inventory: disable=CODE` comments (the hook only with
    /// `hook.inline_suppressions` too).
    pub inline_suppressions: bool,
    /// Severity per rule code or name: `error`, `warning` or `off`.
    /// (`off` unquoted is YAML 1.1 `false` and means off too).
    pub rules: HashMap<String, serde_json::Value>,
    pub limits: Limits,
    /// The pre-receive hook.
    pub hook: HookConfig,
    /// Telling AWX/AAP or a webhook what a push changed (acted on from a
    /// server-side configuration only; see [`crate::realize`]).
    pub realize: Option<crate::realize::RealizeConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HookConfig {
    /// Refs the hook validates (globs, `*` matches anything, `/` included).
    pub refs: Vec<String>,
    /// Validate pushed tags too.
    pub tags: bool,
    /// `strict` (any violation rejects) or `ratchet` (only new ones do).
    pub mode: String,
    /// Honour inline suppression comments in pushed files (and only when
    /// `inline_suppressions` is on too). Off: a push cannot silence the
    /// hook by adding a comment.
    pub inline_suppressions: bool,
}

impl Default for HookConfig {
    fn default() -> Self {
        HookConfig {
            refs: vec!["refs/heads/*".into()],
            tags: false,
            mode: "strict".into(),
            inline_suppressions: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_depth: usize,
    pub max_alias_nodes: usize,
    pub max_range_hosts: usize,
    /// Longest the pre-receive hook may take before it rejects the push
    /// (read from the server-side config only; `--timeout` wins).
    pub hook_timeout_secs: f64,
}

impl Limits {
    /// These limits, none above `ceiling`'s: each the smaller of the two
    /// (how a server-side configuration bounds a tree's).
    pub fn capped_by(&self, ceiling: &Limits) -> Limits {
        Limits {
            max_file_bytes: self.max_file_bytes.min(ceiling.max_file_bytes),
            max_depth: self.max_depth.min(ceiling.max_depth),
            max_alias_nodes: self.max_alias_nodes.min(ceiling.max_alias_nodes),
            max_range_hosts: self.max_range_hosts.min(ceiling.max_range_hosts),
            // `f64::min` of a NaN is the other value: a NaN never lifts it.
            hook_timeout_secs: ceiling.hook_timeout_secs.min(self.hook_timeout_secs),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        let l = LoadLimits::default();
        Limits {
            max_file_bytes: l.max_file_bytes,
            max_depth: l.yaml.max_depth,
            max_alias_nodes: l.yaml.max_alias_nodes,
            max_range_hosts: l.max_range_hosts,
            hook_timeout_secs: 4.0,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            version: 1,
            inventory_dir: "inventory".into(),
            env_markers: vec!["hosts.yml".into(), "hosts.yaml".into()],
            xenv_groups: "inventory/xenv_groups.yml".into(),
            xenv_hosts: "inventory/xenv_hosts.yml".into(),
            domain_prefix: "ca_domain".into(),
            exclusive_groups: vec!["ca_domain_.+".into()],
            require_declared_groups: true,
            editable: Vec::new(),
            exclude: Vec::new(),
            inline_suppressions: true,
            rules: HashMap::new(),
            limits: Limits::default(),
            hook: HookConfig::default(),
            realize: None,
        }
    }
}

/// A configuration problem (exit code 2).
#[derive(Debug, Clone)]
pub struct ConfigError(pub String);

impl std::error::Error for ConfigError {}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The configuration with compiled patterns and resolved severities.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub raw: Config,
    pub severities: HashMap<Code, Severity>,
    pub exclusive: Vec<regex::Regex>,
    /// `editable`, compiled.
    pub editable: Vec<regex::Regex>,
    /// `exclude`, compiled.
    pub exclude: Vec<regex::Regex>,
}

impl Resolved {
    pub fn severity(&self, code: Code) -> Severity {
        self.severities
            .get(&code)
            .copied()
            .unwrap_or(code.default_severity())
    }
    pub fn load_limits(&self) -> LoadLimits {
        LoadLimits {
            yaml: yaml::Limits {
                max_depth: self.raw.limits.max_depth,
                max_alias_nodes: self.raw.limits.max_alias_nodes,
            },
            max_range_hosts: self.raw.limits.max_range_hosts,
            max_file_bytes: self.raw.limits.max_file_bytes,
        }
    }
    /// Whether `path` (a file, or a folder given with or without its
    /// trailing `/`) is excluded from validation.
    pub fn is_excluded(&self, path: &str) -> bool {
        let dir = format!("{}/", path.trim_end_matches('/'));
        self.exclude
            .iter()
            .any(|g| g.is_match(path) || g.is_match(&dir))
    }
    /// True when a group name matches one of the exclusive patterns.
    pub fn is_exclusive(&self, group: &str) -> bool {
        self.exclusive.iter().any(|r| r.is_match(group))
    }
    /// This configuration with its limits capped by `ceiling`'s (see
    /// [`Limits::capped_by`]): a tree's configuration may lower a limit
    /// of the server's, never raise it.
    pub fn capped_by(mut self, ceiling: &Limits) -> Resolved {
        self.raw.limits = self.raw.limits.capped_by(ceiling);
        self
    }
}

impl Config {
    /// Parse the text of a config file (`path` is for messages).
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let doc = yaml::parse(text, yaml::Limits::default()).map_err(|e| {
            ConfigError(format!(
                "{path}: invalid YAML at byte {}: {}",
                e.span.start, e.message
            ))
        })?;
        let Some(doc) = doc else {
            return Ok(Config::default());
        };
        let value = yaml::value::to_json(&doc)
            .map_err(|e| ConfigError(format!("{path}: {}", e.message)))?;
        let cfg: Config =
            serde_json::from_value(value).map_err(|e| ConfigError(format!("{path}: {e}")))?;
        if !matches!(cfg.hook.mode.as_str(), "strict" | "ratchet") {
            return Err(ConfigError(format!(
                "{path}: hook.mode must be strict or ratchet, not `{}`",
                cfg.hook.mode
            )));
        }
        if let Some(r) = &cfg.realize {
            r.check().map_err(|e| ConfigError(format!("{path}: {e}")))?;
        }
        if cfg.version != 1 {
            return Err(ConfigError(format!(
                "{path}: unsupported version {} (this git-inventory reads version 1)",
                cfg.version
            )));
        }
        Ok(cfg)
    }

    pub fn resolve(self) -> Result<Resolved, ConfigError> {
        let mut severities = HashMap::new();
        for (k, v) in &self.rules {
            let code = Code::parse(k).ok_or_else(|| {
                ConfigError(format!(
                    "rules: unknown rule `{k}` (see `git-inventory rules`)"
                ))
            })?;
            let text = match v {
                serde_json::Value::Bool(false) => "off".to_string(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let sev = Severity::parse(&text).ok_or_else(|| {
                ConfigError(format!(
                    "rules: `{k}: {text}`: severity must be error, warning or off"
                ))
            })?;
            severities.insert(code, sev);
        }
        let exclusive = self
            .exclusive_groups
            .iter()
            .map(|p| {
                regex::Regex::new(&format!("^(?:{p})$"))
                    .map_err(|e| ConfigError(format!("exclusive_groups: `{p}`: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let editable = path_globs(&self.editable, "editable")?;
        let exclude = path_globs(&self.exclude, "exclude")?;
        Ok(Resolved {
            raw: self,
            severities,
            exclusive,
            editable,
            exclude,
        })
    }
}

/// The path globs of the key `key`, compiled ([`path_glob_regex`]).
fn path_globs(globs: &[String], key: &str) -> Result<Vec<regex::Regex>, ConfigError> {
    globs
        .iter()
        .map(|g| {
            regex::Regex::new(&path_glob_regex(g))
                .map_err(|e| ConfigError(format!("{key}: `{g}`: {e}")))
        })
        .collect()
}

/// A path glob as a regex matching whole paths: `**/` any folders (none
/// included), `**` anything, `*` anything within one folder, `?` one
/// character but `/`; everything else literally.
fn path_glob_regex(glob: &str) -> String {
    let mut re = String::from("^");
    let mut rest = glob;
    while let Some(c) = rest.chars().next() {
        let (piece, len) = if rest.starts_with("**/") {
            ("(?:.*/)?".to_string(), 3)
        } else if rest.starts_with("**") {
            (".*".to_string(), 2)
        } else if c == '*' {
            ("[^/]*".to_string(), 1)
        } else if c == '?' {
            ("[^/]".to_string(), 1)
        } else {
            (regex::escape(&c.to_string()), c.len_utf8())
        };
        re.push_str(&piece);
        rest = &rest[len..];
    }
    re.push('$');
    re
}

/// A configuration ready to apply, and what it was read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub resolved: Resolved,
    /// The file's name and text (empty for the defaults): two runs that
    /// read the same text apply the same configuration.
    pub source: String,
}

impl Loaded {
    /// The defaults, read from no file.
    pub fn defaults() -> Result<Loaded, ConfigError> {
        Ok(Loaded {
            resolved: Config::default().resolve()?,
            source: String::new(),
        })
    }
}

/// The configuration of a tree: the file `explicit` names when given (read
/// from disk, see [`load_file`]), else the tree's own (see [`load_tree`]).
pub fn load(
    tree: &dyn crate::vfs::Vfs,
    explicit: Option<&std::path::Path>,
) -> Result<Loaded, ConfigError> {
    match explicit {
        Some(p) => load_file(p),
        None => load_tree(tree),
    }
}

/// The configuration in the file `path` on disk (`--config`, a hook's
/// server-side file). Anything at the path that is not a readable regular
/// file (nothing, a directory, a dangling symlink), not UTF-8, not valid
/// YAML or not a valid configuration: an error.
pub fn load_file(path: &std::path::Path) -> Result<Loaded, ConfigError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| ConfigError(format!("cannot read config {name}: {e}")))?;
    if !meta.is_file() {
        return Err(ConfigError(format!(
            "cannot read config {name}: not a regular file"
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read config {name}: {e}")))?;
    Ok(Loaded {
        resolved: resolve_named(Config::parse(&text, &name)?, &name)?,
        source: format!("{name}\n{text}"),
    })
}

/// The configuration of a tree: its [`FILE_NAME`] (symlinks followed
/// inside the tree), else the defaults when nothing is at that name.
/// Something there that cannot be read as a file (a directory, a link
/// that dangles or leaves the tree), not UTF-8, not valid YAML or not a
/// valid configuration: an error.
pub fn load_tree(tree: &dyn crate::vfs::Vfs) -> Result<Loaded, ConfigError> {
    if tree.raw(FILE_NAME) == crate::vfs::Raw::Missing {
        return Loaded::defaults();
    }
    let bytes = crate::vfs::read(tree, FILE_NAME)
        .map_err(|e| ConfigError(format!("{FILE_NAME}: cannot read it: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|_| ConfigError(format!("{FILE_NAME}: not UTF-8")))?;
    Ok(Loaded {
        resolved: resolve_named(Config::parse(&text, FILE_NAME)?, FILE_NAME)?,
        source: format!("{FILE_NAME}\n{text}"),
    })
}

/// [`Config::resolve`], its error naming the file `name`.
fn resolve_named(cfg: Config, name: &str) -> Result<Resolved, ConfigError> {
    cfg.resolve()
        .map_err(|e| ConfigError(format!("{name}: {}", e.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_unknown_keys() {
        let c = Config::parse("version: 1\nrules:\n  INV040: warning\n", "c").unwrap();
        let r = c.resolve().unwrap();
        assert_eq!(r.severity(Code::SortOrder), Severity::Warning);
        assert!(Config::parse("version: 1\nbogus: 1\n", "c").is_err());
        let r = Config::parse("rules: {INV005: off}\n", "c")
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(r.severity(Code::GroupName), Severity::Off);
        let c = Config::parse("rules: {INV999: error}\n", "c").unwrap();
        assert!(c.resolve().is_err());
        assert!(Config::default()
            .resolve()
            .unwrap()
            .is_exclusive("ca_domain_int_x"));
        assert!(!Config::default()
            .resolve()
            .unwrap()
            .is_exclusive("ca_domain"));
    }

    #[test]
    fn the_realize_section_is_read_and_checked() {
        let text = "realize:\n  refs: [refs/heads/main]\n  targets:\n    - type: awx\n      url: https://awx.example.int\n      token_file: /etc/t\n      job_template: 42\n      removed_job_template: 43\n    - type: webhook\n      url: http://127.0.0.1:8080/hook\n      secret_file: /etc/s\n  timeout: 2\n";
        let r = Config::parse(text, "c").unwrap().realize.unwrap();
        assert_eq!(r.targets.len(), 2);
        assert_eq!(r.timeout, 2.0);
        assert!(r.targets[0]
            .key()
            .starts_with("awx https://awx.example.int 42 43"));
        let bad = [
            ("realize:\n  targets:\n    - type: ftp\n      url: x\n", "ftp"),
            ("realize:\n  targets:\n    - type: webhook\n      url: x\n      token: t\n", "token"),
            ("realize:\n  targets:\n    - type: webhook\n      url: file:///etc/passwd\n", "http"),
            ("realize:\n  timeout: 0\n", "timeout"),
            ("realize:\n  targets:\n    - {type: webhook, url: 'http://a/'}\n    - {type: webhook, url: 'http://a/'}\n", "same target"),
            ("realize:\n  target: []\n", "target"),
        ];
        for (text, want) in bad {
            let e = Config::parse(text, "c").unwrap_err().0;
            assert!(e.contains(want), "{text}: {e}");
        }
        assert!(Config::parse("version: 1\n", "c")
            .unwrap()
            .realize
            .is_none());
    }

    #[test]
    fn limits_are_capped_each_by_the_smaller() {
        let server = Config::parse(
            "limits: {max_file_bytes: 1000, max_depth: 50, hook_timeout_secs: 2}\n",
            "s",
        )
        .unwrap()
        .limits;
        let tree = Config::parse(
            "limits: {max_file_bytes: 99999999999, max_depth: 10, max_range_hosts: 5, max_alias_nodes: 99999999999, hook_timeout_secs: 600}\n",
            "t",
        )
        .unwrap()
        .resolve()
        .unwrap()
        .capped_by(&server);
        let l = &tree.raw.limits;
        assert_eq!(l.max_file_bytes, 1000, "raised: capped");
        assert_eq!(l.max_depth, 10, "lowered: kept");
        assert_eq!(l.max_range_hosts, 5);
        assert_eq!(l.max_alias_nodes, Limits::default().max_alias_nodes);
        assert_eq!(l.hook_timeout_secs, 2.0);
        assert_eq!(tree.load_limits().max_file_bytes, 1000);
        let nan = Limits {
            hook_timeout_secs: f64::NAN,
            ..Limits::default()
        };
        assert_eq!(nan.capped_by(&Limits::default()).hook_timeout_secs, 4.0);
        // No ceiling but the defaults: a tree cannot go above them.
        let d = Limits::default();
        let capped = Config::parse("limits: {max_range_hosts: 999999999}\n", "t")
            .unwrap()
            .limits
            .capped_by(&d);
        assert_eq!(capped.max_range_hosts, d.max_range_hosts);
    }

    #[test]
    fn a_file_that_is_not_a_readable_file_is_an_error() {
        let dir = std::env::temp_dir().join(format!("gi-cfg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("adir")).unwrap();
        std::fs::write(dir.join("ok.yml"), "version: 1\n").unwrap();
        assert!(load_file(&dir.join("ok.yml")).is_ok());
        assert!(load_file(&dir.join("adir")).is_err());
        assert!(load_file(&dir.join("missing.yml")).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("nowhere.yml", dir.join("dangling.yml")).unwrap();
            assert!(load_file(&dir.join("dangling.yml")).is_err());
        }
        let _ = std::fs::remove_dir_all(&dir);
        use crate::vfs::MemVfs;
        let none = load_tree(&MemVfs::new(&[("a.yml", "x: 1\n")])).unwrap();
        assert!(none.source.is_empty(), "no file: the defaults");
        let own = load_tree(&MemVfs::new(&[(FILE_NAME, "rules: {INV040: error}\n")])).unwrap();
        assert_eq!(own.resolved.severity(Code::SortOrder), Severity::Error);
        for bad in [
            MemVfs::new(&[(FILE_NAME, "->nowhere.yml")]),
            MemVfs::new(&[(FILE_NAME, "->../outside.yml")]),
            MemVfs::new(&[(&format!("{FILE_NAME}/x"), "x\n")]),
            MemVfs::new(&[(FILE_NAME, "bogus: 1\n")]),
        ] {
            assert!(load_tree(&bad).is_err());
        }
    }

    #[test]
    fn editable_globs_match_whole_paths() {
        let r = Config::parse(
            "editable: [\"inventory/*/hosts.yml\", \"sites/**/inv.yaml\", \"x?.yml\"]\n",
            "c",
        )
        .unwrap()
        .resolve()
        .unwrap();
        let ok = |p: &str| r.editable.iter().any(|g| g.is_match(p));
        assert!(ok("inventory/PROD/hosts.yml"));
        assert!(
            !ok("inventory/PROD/sub/hosts.yml"),
            "`*` stays in one folder"
        );
        assert!(!ok("inventory/PROD/hosts.yml.bak"));
        assert!(ok("sites/inv.yaml") && ok("sites/a/b/inv.yaml"));
        assert!(ok("x1.yml") && !ok("x/.yml") && !ok("xa1.yml"));
    }
}
