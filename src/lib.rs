//! git-inventory: keeps git repositories of Ansible YAML inventories honest.
//!
//! The library holds everything; `src/main.rs` is a thin CLI over it.
//! - [`yaml`]: spanned YAML tree and the YAML 1.1 (PyYAML) reading Ansible has
//! - [`hostpattern`]: host keys (`host:port`, ranges) exactly as ansible-core expands them
//! - [`inventory`]: the inventory model Ansible builds, its loader and its `--list`/`--graph`
//! - [`vfs`]: working tree or in-memory tree, with symlinks resolved inside the repository
//! - [`git`]: everything that talks to git: object stores, trees of commits, clone, fetch, push
//! - [`codes`]: the rule registry: each rule's code, name, default severity and summary
//! - [`rules`]: the rule catalogue, one module per rule
//! - [`validate`]: discovery of environments and the validation run
//! - [`output`]: human, json, github and gitlab renderers
//! - [`config`]: the `.git-inventory.yml` file

pub mod codes;
pub mod commands;
pub mod config;
/// Hash maps keyed by input text: foldhash (fast, randomly seeded).
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// Hash sets of input text, hashed as [`FastMap`] is.
pub type FastSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
/// Insertion-ordered maps (Ansible's dict order), foldhash-hashed.
pub type OrderedMap<K, V> = indexmap::IndexMap<K, V, foldhash::fast::RandomState>;

/// Set by a one-shot command (validate, list, graph, a one-ref pre-receive)
/// that exits right after printing: the big trees and models of a run are then left to the
/// operating system instead of being freed piece by piece (tens of
/// milliseconds at 100k hosts). Long-lived callers leave it off.
pub static FREE_AT_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Drop `v` now, or leave it to process exit when [`FREE_AT_EXIT`] is set.
pub fn release<T>(v: T) {
    if FREE_AT_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(v);
    } else {
        drop(v);
    }
}

/// Like [`release`], but a drop happens on a thread of its own: the caller
/// goes on (the updater pushes while a validation's models are freed).
pub fn release_in_background<T: Send + 'static>(v: T) {
    if FREE_AT_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(v);
    } else {
        // When no thread can be started, the value is dropped right here.
        let _ = std::thread::Builder::new().spawn(move || drop(v));
    }
}

pub mod diagnostic;
pub mod exit;
pub mod git;
pub mod hash;
pub mod hook;
pub mod hostpattern;
pub mod inventory;
pub mod output;
pub mod realize;
pub mod rules;
pub mod secret;
pub mod source;
pub mod timer;
pub mod updater;
pub mod validate;
pub mod vfs;
pub mod view;
pub mod yaml;
