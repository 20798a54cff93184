//! A validation run: find the environments of a repository, load each the
//! way `ansible-inventory -i inventory/<ENV>/` does (files parsed once, in
//! parallel), then run the rule catalogue over files, views and the repo.
//!
//! - [`discover`](discover::discover): the views of a repository
//! - `foreign`: the files of a view Ansible loads by another plugin than yaml
//! - `schedule`: building the views on every core
//! - `run`: a whole run, and its [`Report`]
//! - `plan`: a run over what a change can have altered
//! - `suppress`: inline `# git-inventory: disable=CODE` comments

mod discover;
mod foreign;
mod plan;
mod run;
mod schedule;
mod suppress;
#[cfg(test)]
mod tests;

pub use discover::{discover, ViewSpec};
pub use plan::{parse_ahead, plan_change, validate_change, view_footprint, KnownHosts, Plan};
pub use run::{prepare, validate_repo, validate_views, KeptModel, KeptModels, Report};
