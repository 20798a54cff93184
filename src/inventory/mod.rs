//! The inventory as Ansible builds it: groups and hosts in insertion order,
//! parent/child edges, vars, implicit `all`/`ungrouped`, and the same fatal
//! errors ansible-core raises, each with the location that caused it.
//!
//! [`build`] replays the `yaml` inventory plugin of ansible-core 2.19 over
//! our spanned YAML tree (see `plugins/inventory/yaml.py` and
//! `inventory/data.py`); [`loader`] loads files and directories the way
//! `ansible-inventory -i` does; [`ansible`] prints `--list` and `--graph`.
//!
//! The model itself is [`Inventory`] (groups, hosts, edges) with its
//! [`Vars`]; merging a later model into an earlier one and Ansible's final
//! reconcile are in `merge`, the variables `--list` shows for a host in
//! `precedence`.

pub mod ansible;
pub mod build;
mod findings;
pub mod loader;
mod merge;
mod model;
mod precedence;
mod vars;

pub use findings::{Fatal, Loc, Note, VarConflict};
pub use model::{Group, Host, HostDef, Inventory, ALL, UNGROUPED};
pub use vars::{VarDef, VarValue, Vars};
