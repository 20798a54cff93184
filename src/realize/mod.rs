//! Realization: telling whoever realizes the inventory (AWX/AAP, a
//! webhook) which hosts a push added, removed or changed, with no event
//! lost.
//!
//! - [`changes`]: what a change between two trees did to each view's hosts
//! - [`config`]: the `realize:` section (refs, targets, timeout)
//! - [`event`]: the event of a ref update and the bodies it sends
//! - [`outbox`]: deliveries kept in the git dir until taken
//! - [`deliver`]: sending them over HTTP, in order per target
//! - [`post_receive`]: the server side, and `deliver` for a timer

pub mod changes;
pub mod config;
pub mod deliver;
pub mod event;
pub mod outbox;
pub mod post_receive;

pub use changes::{Changes, HostChange, ViewChanges};
pub use config::{RealizeConfig, Target};

use crate::config::Resolved;
use crate::git::{GitError, GitTreeVfs, ObjectId, ObjectStores};
use crate::inventory::loader::yaml_plugin_accepts;
use crate::vfs::MemVfs;

/// The changes from commit `before` (`None`: from nothing, every host
/// added) to commit `after`, read from `stores` without a checkout: the
/// trees' entries first, then only the files of the views that differ.
pub fn between(
    stores: &ObjectStores,
    before: Option<ObjectId>,
    after: ObjectId,
    config: &Resolved,
) -> Result<Changes, GitError> {
    let timer = crate::timer::Timer::new();
    let structure = |id: ObjectId| {
        GitTreeVfs::structure_from_stores(stores, id, format!("commit {id}"), yaml_plugin_accepts)
    };
    let mut new = structure(after)?;
    let mut old = before.map(structure).transpose()?;
    let nothing = MemVfs::new(&[]);
    let plan = match &old {
        Some(o) => changes::plan(o, &new, config),
        None => changes::plan(&nothing, &new, config),
    };
    timer.lap("what the change touches");
    new.read_files(stores, &|p| plan.reads_after.contains(p))?;
    if let Some(o) = old.as_mut() {
        o.read_files(stores, &|p| plan.reads_before.contains(p))?;
    }
    timer.lap("read the trees");
    let out = match &old {
        Some(o) => changes::compare(&plan, o, &new, config),
        None => changes::compare(&plan, &nothing, &new, config),
    };
    timer.lap("load and compare");
    crate::release((new, old));
    Ok(out)
}
