//! Loading sources the way `ansible-inventory -i SRC` does: a directory loads
//! its entries in sorted order (recursively, skipping hidden files,
//! `group_vars`, `host_vars` and ignored extensions), a file is read by the
//! yaml plugin when its extension is empty, `.yml`, `.yaml` or `.json`;
//! `group_vars/` and `host_vars/` beside each source give file vars.
//! Files are parsed once and shared between views through [`FileCache`].
//!
//! `cache` holds the [`FileCache`]; `sources` expands a source path into
//! the files it stands for; `load` builds a view's model from them in
//! order, and `parallel` the same model on more threads; `vars_files`
//! reads the `group_vars/` and `host_vars/` beside the sources.

mod cache;
mod load;
mod parallel;
mod sources;
mod vars_files;

pub use cache::{decode, FileCache, LoadLimits, Parsed};
pub use load::{load_view, load_view_hosts};
pub use parallel::load_view_parallel;
pub use sources::{expand_source, ignored_name, source_entries, yaml_plugin_accepts, SourceEntry};
pub use vars_files::vars_bases;

#[cfg(test)]
mod tests;
