//! `-i PATH` sources for `list` and `graph`: read from the file system as
//! `ansible-inventory -i PATH` would, symlinks followed wherever they lead.

use crate::inventory::loader::{load_view_parallel, FileCache, LoadLimits};
use crate::inventory::{ansible, Inventory};
use crate::vfs::FsVfs;
use std::path::Path;

/// Why a view could not be shown.
#[derive(Debug)]
pub enum ViewError {
    /// A path does not exist (exit 2).
    Usage(String),
    /// Ansible would refuse the inventory (exit 1), with the first error.
    Refused(String),
    /// The output could not be written (exit 1).
    Output(String),
    /// Its reader went away (a closed pipe): nothing to say (exit 0).
    Closed,
}

fn absolute(p: &Path) -> Result<String, ViewError> {
    let abs =
        std::path::absolute(p).map_err(|e| ViewError::Usage(format!("{}: {e}", p.display())))?;
    if !abs.exists() {
        return Err(ViewError::Usage(format!(
            "{}: no such file or directory",
            p.display()
        )));
    }
    Ok(abs.to_string_lossy().trim_start_matches('/').to_string())
}

/// Load the inventory of `-i` sources the way ansible-inventory does.
pub fn load(paths: &[impl AsRef<Path>], limits: LoadLimits) -> Result<Inventory, ViewError> {
    let sources = paths
        .iter()
        .map(|p| absolute(p.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let timer = crate::timer::Timer::new();
    let vfs = FsVfs::new("/");
    let cache = FileCache::new(&vfs, limits);
    // Each file is parsed and built into a model of its own on every
    // core, and the models are laid over one another in load order (faster
    // than one model built in order while a helper parses ahead).
    let helpers = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1));
    let inv = load_view_parallel(&cache, &sources, helpers);
    timer.lap("parse + build");
    crate::release(cache);
    if let Some(f) = inv.fatal.first() {
        let lc = f.loc.file.line_col(f.loc.span.start);
        return Err(ViewError::Refused(format!(
            "/{}:{}:{}: {} {}",
            f.loc.file.path, lc.line, lc.column, f.code, f.message
        )));
    }
    Ok(inv)
}

/// `ansible-inventory --list` (or `--list --host H`) output and a final
/// newline, written to `out` as it is rendered.
pub fn write_list(
    inv: &Inventory,
    host: Option<&str>,
    out: &mut dyn std::io::Write,
) -> Result<(), ViewError> {
    // A reader that went away (`| head`) ends the output quietly.
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::BrokenPipe => ViewError::Closed,
        _ => ViewError::Output(e.to_string()),
    };
    match host {
        None => ansible::write_list(inv, out).map_err(io)?,
        Some(h) => {
            let Some(i) = inv.hosts.get_index_of(h) else {
                return Err(ViewError::Usage(
                    "You must pass a single valid host to --host parameter".into(),
                ));
            };
            let vars = ansible::host_vars(inv, i, &inv.depths());
            let text = ansible::python_json(&serde_json::Value::Object(vars));
            out.write_all(text.as_bytes()).map_err(io)?;
        }
    }
    out.write_all(b"\n").and_then(|_| out.flush()).map_err(io)
}

/// `ansible-inventory --graph` text.
pub fn graph_text(inv: &Inventory, group: &str, vars: bool) -> Result<String, ViewError> {
    ansible::graph(inv, group, vars).map_err(|e| match e {
        ansible::GraphError::NoGroup => ViewError::Usage(e.to_string()),
        ansible::GraphError::Vault { .. } => ViewError::Refused(e.to_string()),
    })
}
