//! Minimal-diff edits of an inventory file's text, guided by the spans of
//! our YAML parser: only the lines of the host (or group) added or removed
//! change; comments, blank lines, quoting, flow/block style and key order
//! elsewhere stay byte-identical. A mapping whose keys are sorted gets the new
//! key in sorted position; otherwise it is appended. Every edit is re-parsed.
//!
//! `patch` makes a file say given data with the fewest edits (the
//! collection's operations work on data, see [`super::collection`]).
//! `add` puts hosts, children and vars into a group's sections (creating
//! what is missing), `remove` takes hosts and groups out, `render` writes
//! names and values as YAML, `sort` puts mappings in order (`validate
//! --fix` for INV040), and `layout` finds places in the file's text.

mod add;
mod layout;
mod patch;
mod remove;
mod render;
mod result;
mod sort;

pub use add::{add_host, ensure_entry, Entry};
pub use patch::{patch_document, patch_parsed, render_document};
pub use remove::{remove_group, remove_host};
pub use render::{check_host_name, render_value};
pub use result::{EditError, Edited};
pub use sort::sort_keys;

#[cfg(test)]
mod tests;
