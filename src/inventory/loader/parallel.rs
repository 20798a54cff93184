//! The model of [`load_view`] built on more threads: one model per file,
//! laid over one another in load order.
//!
//! [`load_view`]: super::load::load_view

use super::cache::FileCache;
use super::load::{add_entry, finish, load};
use super::sources::{source_entries, SourceEntry};
use crate::inventory::model::Inventory;
use std::sync::Mutex;

/// [`load_view`] on `helpers` more threads. Each file is parsed and built
/// into a model of its own, and the models are laid over one another in
/// load order ([`Inventory::absorb`]) as they are ready. The threads parse
/// the files first (the builds then never wait for a parse), then build
/// them in order; this thread merges each model as soon as it is built,
/// working (or waiting) meanwhile. Where a file's model depends on the
/// ones before it (see `absorb`), the files are loaded again in order from
/// the parses already made: the result is always [`load_view`]'s.
///
/// [`load_view`]: super::load::load_view
pub fn load_view_parallel(cache: &FileCache<'_>, sources: &[String], helpers: usize) -> Inventory {
    let entries = source_entries(cache.vfs, sources);
    if helpers == 0 || entries.len() < 2 {
        return load(cache, sources, false);
    }
    let board = Board::new(cache, &entries);
    // The helpers are jobs of rayon's pool, which `list` uses next.
    let merged = rayon::in_place_scope(|s| {
        for _ in 0..helpers.min(entries.len() - 1) {
            s.spawn(|_| while board.work(None) {});
        }
        let mut merged: Option<Inventory> = None;
        for k in 0..entries.len() {
            let model = board.take(k)?;
            match merged.as_mut() {
                None => merged = Some(model),
                Some(m) => {
                    if !m.absorb(model) {
                        board.stop();
                        return None;
                    }
                }
            }
        }
        merged
    });
    match merged {
        Some(inv) => finish(inv, cache, sources, false),
        None => load(cache, sources, false),
    }
}

/// The work of [`load_view_parallel`]: which files are parsed, which
/// models are built (and not yet merged).
struct Board<'b, 'v> {
    cache: &'b FileCache<'v>,
    entries: &'b [SourceEntry],
    state: Mutex<BoardState<'b>>,
    ready: std::sync::Condvar,
}

struct BoardState<'b> {
    /// Next entry to parse, next entry to build.
    parse_next: usize,
    build_next: usize,
    /// Files whose parse is taken (a file loaded twice is parsed once).
    parsing: std::collections::HashSet<&'b str>,
    built: Vec<Option<Inventory>>,
    stopped: bool,
}

/// What a thread of [`Board::work`] does next.
enum Task<'b> {
    /// Parse this file (into the cache).
    Parse(&'b str),
    /// Build the model of this entry.
    Build(usize),
}

impl<'b, 'v> Board<'b, 'v> {
    fn new(cache: &'b FileCache<'v>, entries: &'b [SourceEntry]) -> Board<'b, 'v> {
        Board {
            cache,
            entries,
            state: Mutex::new(BoardState {
                parse_next: 0,
                build_next: 0,
                parsing: Default::default(),
                built: entries.iter().map(|_| None).collect(),
                stopped: false,
            }),
            ready: std::sync::Condvar::new(),
        }
    }

    fn stop(&self) {
        if let Ok(mut st) = self.state.lock() {
            st.stopped = true;
        }
        self.ready.notify_all();
    }

    /// Do one task: parse the next file not taken, else build the next
    /// model. With `want`, wait while there is no task and that model is
    /// not built. `false` when there is nothing (more) to do for the caller.
    fn work(&self, want: Option<usize>) -> bool {
        let Ok(mut st) = self.state.lock() else {
            return false;
        };
        let n = self.entries.len();
        let task = loop {
            if st.stopped || want.is_some_and(|k| st.built[k].is_some()) {
                return false;
            }
            let mut parse = None;
            while st.parse_next < n && parse.is_none() {
                if let SourceEntry::File { phys, .. } = &self.entries[st.parse_next] {
                    if st.parsing.insert(phys.as_str()) {
                        parse = Some(phys.as_str());
                    }
                }
                st.parse_next += 1;
            }
            if let Some(phys) = parse {
                break Task::Parse(phys);
            }
            if st.build_next < n {
                st.build_next += 1;
                break Task::Build(st.build_next - 1);
            }
            if want.is_none() {
                return false;
            }
            st = match self.ready.wait(st) {
                Ok(st) => st,
                Err(_) => return false,
            };
        };
        drop(st);
        match task {
            Task::Parse(phys) => {
                self.cache.get(phys);
            }
            Task::Build(i) => {
                let mut model = Inventory::new();
                add_entry(&mut model, self.cache, &self.entries[i], false);
                if let Ok(mut st) = self.state.lock() {
                    st.built[i] = Some(model);
                }
                self.ready.notify_all();
            }
        }
        true
    }

    /// The model of entry `k`, working (or waiting) until it is built;
    /// `None` once stopped.
    fn take(&self, k: usize) -> Option<Inventory> {
        loop {
            {
                let mut st = self.state.lock().ok()?;
                if let Some(m) = st.built[k].take() {
                    return Some(m);
                }
                if st.stopped {
                    return None;
                }
            }
            self.work(Some(k));
        }
    }
}
