//! git-inventory: keeps git repositories of Ansible YAML inventories honest.
//!
//! The library holds everything; `src/main.rs` is a thin CLI over it.
//! - [`yaml`]: spanned YAML tree and the YAML 1.1 (PyYAML) reading Ansible has
//! - [`hostpattern`]: host keys (`host:port`, ranges) exactly as ansible-core expands them
//! - [`inventory`]: the inventory model Ansible builds, its loader and its `--list`/`--graph`
//! - [`vfs`]: working tree or git tree, with symlinks resolved inside the repository
//! - [`rules`]: the rule catalogue, one module per rule
//! - [`validate`]: discovery of environments and the validation run
//! - [`output`]: human, json, github and gitlab renderers
//! - [`config`]: the `.git-inventory.yml` file

pub mod commands;
pub mod config;
/// Hash maps keyed by input text: foldhash (fast, randomly seeded).
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// Insertion-ordered maps (Ansible's dict order), foldhash-hashed.
pub type OrderedMap<K, V> = indexmap::IndexMap<K, V, foldhash::fast::RandomState>;

pub mod diagnostic;
pub mod hook;
pub mod hostpattern;
pub mod inventory;
pub mod output;
pub mod progress;
pub mod rules;
pub mod source;
pub mod updater;
pub mod validate;
pub mod vfs;
pub mod view;
pub mod yaml;
