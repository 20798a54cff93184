//! INV031 foreign-inventory-file: a file of an inventory folder that Ansible loads by another plugin than yaml: an executable (script), `*.ini`, `*.toml`

use super::{Context, RuleInfo};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

pub static RULE: RuleInfo = RuleInfo {
    code: Code::ForeignInventoryFile,
    doc: "## What it does
Reports every file of an environment folder (and every other inventory
source) that `ansible-inventory -i inventory/<ENV>/` loads with a plugin
other than `yaml`, whose content git-inventory therefore never validates.
Ansible's default plugins are, in order, `host_list`, `script`, `auto`,
`yaml`, `ini` and `toml`; in a folder it skips hidden names, `group_vars`,
`host_vars`, `vars_plugins` and the names ending in `.pyc`, `.pyo`, `.swp`,
`.bak`, `~`, `.rpm`, `.md`, `.txt`, `.rst`, `.orig`, `.cfg` or `.retry`.
Of the rest:

- a file with an executable bit is run by the `script` plugin, before the
  `yaml` plugin is tried: `dyn.sh`, and a `hosts.yml` of mode 755 too;
- a file whose name the `yaml` plugin does not take (an extension other
  than `.yml`, `.yaml` or `.json`) is read by the `ini` plugin (`extra.ini`,
  `hosts.conf`, `notes.sh`), or by the `toml` plugin (`*.toml`).

A `.yml` file that configures an inventory plugin (`plugin:` at the top,
loaded by the `auto` plugin) is reported by INV003.

## Why is this bad?
The hook, CI and the updater see only what the `yaml` plugin reads. A host
in `inventory/DEV/extra.ini` is in DEV for Ansible but for no rule: it can
be a production host (INV020 never sees it) or a name no rule would let
through. An executable file is worse: whoever runs Ansible on a fresh clone
(often as root, on a control node holding every credential) runs whatever
the file says, and its output becomes the inventory.

## Example
```text
inventory/DEV/hosts.yml      mode 100755, starts with #!/bin/sh
inventory/DEV/dyn.sh         mode 100755
inventory/DEV/extra.ini      [web] prod-db01.dettonville.int
```

## Use instead
Write every host and group in YAML (`inventory/DEV/hosts.yml`, mode
100644: `git update-index --chmod=-x inventory/DEV/hosts.yml`), and keep
scripts and notes out of the inventory folders (or give notes a name
Ansible skips, like `README.md`).",
    check,
    file: None,
    item: None,
};

/// The plugin that loads a file Ansible's `yaml` plugin does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Loader {
    /// `script`: an executable file, run with `--list`.
    Script,
    /// `ini`: any other name the `yaml` plugin does not take.
    Ini,
    /// `toml`: a `*.toml` file.
    Toml,
}

/// A file an inventory source stands for that Ansible loads by a plugin
/// other than `yaml`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignFile {
    /// The path as the source's walk reaches it (through symlinks).
    pub path: String,
    /// Its physical path (the same when no symlink leads to it).
    pub phys: String,
    pub loader: Loader,
}

/// The plugin other than `yaml` that loads the file `name` (its last path
/// component), reached as an inventory source, when one does: `script`
/// for an executable file (tried before `yaml`), else `toml` or `ini` for
/// a name the `yaml` plugin does not take. Which names a folder skips is
/// the loader's ([`crate::inventory::loader::ignored_name`]).
pub fn foreign_loader(name: &str, executable: bool) -> Option<Loader> {
    if executable {
        return Some(Loader::Script);
    }
    if crate::inventory::loader::yaml_plugin_accepts(name) {
        return None;
    }
    // `os.path.splitext`: a leading dot does not start an extension.
    let base = name.trim_start_matches('.');
    match base.rfind('.') {
        Some(i) if &base[i..] == ".toml" => Some(Loader::Toml),
        _ => Some(Loader::Ini),
    }
}

fn message(f: &ForeignFile) -> String {
    let via = if f.phys == f.path {
        String::new()
    } else {
        format!(" (a link to `{}`)", f.phys)
    };
    match f.loader {
        Loader::Script => format!(
            "`{}`{via} is executable: Ansible runs it as an inventory script (its script plugin comes before yaml), and what it prints is never validated; remove the executable bit",
            f.path
        ),
        Loader::Ini | Loader::Toml => format!(
            "Ansible loads `{}`{via} with its {} plugin (the yaml plugin does not take this name), and its hosts and groups are never validated; write them in a `.yml` file, or move the file out of the inventory folder",
            f.path,
            if f.loader == Loader::Ini { "ini" } else { "toml" }
        ),
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for f in &cx.foreign {
        let file = SourceFile::new(f.path.clone(), String::new());
        let label = match f.loader {
            Loader::Script => "run as a script",
            Loader::Ini => "read as ini",
            Loader::Toml => "read as toml",
        };
        out.push(
            Diagnostic::new(
                Code::ForeignInventoryFile,
                &file,
                Span::default(),
                message(f),
            )
            .with_label(label),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{foreign_loader, Loader};
    use crate::config::Config;
    use crate::diagnostic::Code;
    use crate::vfs::MemVfs;

    fn found(vfs: &MemVfs) -> Vec<String> {
        let cfg = Config::default().resolve().expect("defaults");
        crate::validate::validate_repo(vfs, &cfg)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == Code::ForeignInventoryFile)
            .map(|d| d.path().to_string())
            .collect()
    }

    #[test]
    fn names_by_plugin() {
        assert_eq!(foreign_loader("hosts.yml", false), None);
        assert_eq!(foreign_loader("hosts.yaml", false), None);
        assert_eq!(foreign_loader("hosts.json", false), None);
        assert_eq!(foreign_loader("hosts", false), None);
        assert_eq!(foreign_loader("hosts.yml", true), Some(Loader::Script));
        assert_eq!(foreign_loader("dyn.sh", true), Some(Loader::Script));
        assert_eq!(foreign_loader("dyn.sh", false), Some(Loader::Ini));
        assert_eq!(foreign_loader("extra.ini", false), Some(Loader::Ini));
        assert_eq!(foreign_loader("hosts.conf", false), Some(Loader::Ini));
        assert_eq!(foreign_loader("a.toml", false), Some(Loader::Toml));
        assert_eq!(foreign_loader("a.toml", true), Some(Loader::Script));
    }

    #[test]
    fn reports_what_other_plugins_load_in_an_environment() {
        let vfs = MemVfs::new(&[
            ("inventory/DEV/hosts.yml", "web:\n  hosts:\n    h1:\n"),
            ("inventory/DEV/dyn.sh", "#!/bin/sh\necho '{}'\n"),
            ("inventory/DEV/extra.ini", "[web]\nprod01\n"),
            ("inventory/DEV/more.toml", "[web.hosts]\nh2 = {}\n"),
            ("inventory/DEV/sub/deeper.ini", "h3\n"),
            ("inventory/DEV/README.md", "notes\n"),
            ("inventory/DEV/hosts.yml.orig", "h4\n"),
            ("inventory/DEV/.hidden.ini", "h5\n"),
            ("inventory/DEV/group_vars/web.ini", "x\n"),
            ("inventory/DEV/notes.txt", "x\n"),
            ("inventory/DEV/linked.ini", "->../shared.ini"),
            ("inventory/shared.ini", "h6\n"),
            ("inventory/stray.ini", "not in any environment\n"),
        ])
        .executable(&["inventory/DEV/dyn.sh"]);
        assert_eq!(
            found(&vfs),
            vec![
                "inventory/DEV/dyn.sh",
                "inventory/DEV/extra.ini",
                "inventory/DEV/linked.ini",
                "inventory/DEV/more.toml",
                "inventory/DEV/sub/deeper.ini",
            ]
        );
    }

    #[test]
    fn an_executable_yaml_file_is_a_script() {
        let vfs = MemVfs::new(&[
            ("inventory/xenv_groups.yml", "all:\n  children:\n    web:\n"),
            (
                "inventory/DEV/hosts.yml",
                "#!/bin/sh\nweb:\n  hosts:\n    h1:\n",
            ),
            ("inventory/DEV/xenv_groups.yml", "->../xenv_groups.yml"),
        ])
        .executable(&["inventory/DEV/hosts.yml", "inventory/xenv_groups.yml"]);
        assert_eq!(
            found(&vfs),
            vec![
                "inventory/DEV/hosts.yml",
                "inventory/DEV/xenv_groups.yml",
                "inventory/xenv_groups.yml",
            ]
        );
    }

    #[test]
    fn a_clean_environment_has_none() {
        let vfs = MemVfs::new(&[
            ("inventory/DEV/hosts.yml", "web:\n  hosts:\n    h1:\n"),
            ("inventory/DEV/README.md", "notes\n"),
            ("inventory/DEV/group_vars/web.yml", "x: 1\n"),
        ]);
        assert!(found(&vfs).is_empty());
    }
}
