//! Files read and parsed once, shared between views and threads.

use crate::source::{SourceFile, Span};
use crate::vfs::Vfs;
use crate::yaml::{self, Node, YamlError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A file read and parsed once.
#[derive(Debug)]
pub struct Parsed {
    pub file: Arc<SourceFile>,
    /// `Err` for a YAML (or encoding) error; `Ok(None)` for an empty stream.
    pub doc: Result<Option<Node>, YamlError>,
}

/// Limits applied while loading.
#[derive(Debug, Clone, Copy)]
pub struct LoadLimits {
    pub yaml: yaml::Limits,
    /// Most hosts one range pattern may expand to.
    pub max_range_hosts: usize,
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            yaml: yaml::Limits::default(),
            max_range_hosts: 1_000_000,
            max_file_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Decode file bytes as PyYAML would accept them (UTF-8, optional BOM).
pub fn decode(bytes: Vec<u8>) -> Result<String, (usize, String)> {
    let bytes = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes[3..].to_vec()
    } else {
        bytes
    };
    match String::from_utf8(bytes) {
        Ok(s) => {
            if let Some(i) = s.find('\0') {
                return Err((
                    i,
                    "the file contains a NUL byte (not a YAML text file)".into(),
                ));
            }
            Ok(s)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err((
                at,
                format!("invalid UTF-8 at byte {at} (YAML files must be UTF-8)"),
            ))
        }
    }
}

/// The bytes before a decoding error (after a BOM), for locating it.
fn raw_prefix(bytes: &[u8], at: usize) -> Vec<u8> {
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    b[..at.min(b.len())].to_vec()
}

/// One file's place in the cache: parsed once, by whichever thread asks
/// first; others asking meanwhile wait for that parse instead of repeating
/// it (so files can be parsed ahead, in parallel, of the model reading them).
type Slot = Arc<std::sync::OnceLock<Arc<Parsed>>>;

/// Shared, thread-safe cache of parsed files keyed by physical path.
pub struct FileCache<'v> {
    pub vfs: &'v dyn Vfs,
    pub limits: LoadLimits,
    map: Mutex<HashMap<String, Slot>>,
}

impl<'v> FileCache<'v> {
    pub fn new(vfs: &'v dyn Vfs, limits: LoadLimits) -> FileCache<'v> {
        FileCache {
            vfs,
            limits,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// Take a file parsed elsewhere (from the same contents) as the parse
    /// of its path.
    pub fn adopt(&self, parsed: Arc<Parsed>) {
        if let Ok(mut map) = self.map.lock() {
            let path = parsed.file.path.clone();
            map.insert(path, Arc::new(std::sync::OnceLock::from(parsed)));
        }
    }

    /// Parse a file by its physical (symlink-free) path, once.
    pub fn get(&self, phys: &str) -> Arc<Parsed> {
        let slot: Slot = match self.map.lock() {
            Ok(mut map) => map.entry(phys.to_string()).or_default().clone(),
            Err(_) => Slot::default(),
        };
        slot.get_or_init(|| Arc::new(self.parse(phys))).clone()
    }

    fn parse(&self, phys: &str) -> Parsed {
        let bytes = match self.vfs.raw_read(phys) {
            Ok(b) => b,
            Err(e) => {
                return Parsed {
                    file: SourceFile::new(phys, String::new()),
                    doc: Err(YamlError {
                        span: Span::default(),
                        message: format!("cannot read the file: {e}"),
                    }),
                }
            }
        };
        if bytes.len() as u64 > self.limits.max_file_bytes {
            return Parsed {
                file: SourceFile::new(phys, String::new()),
                doc: Err(YamlError {
                    span: Span::default(),
                    message: format!(
                        "file is {} bytes, over the limit of {} bytes",
                        bytes.len(),
                        self.limits.max_file_bytes
                    ),
                }),
            };
        }
        match decode(bytes) {
            Ok(text) => {
                let doc = yaml::parse(&text, self.limits.yaml);
                Parsed {
                    file: SourceFile::new(phys, text),
                    doc,
                }
            }
            Err((at, message)) => {
                // Keep the readable prefix so the error has a line and column.
                let text = String::from_utf8_lossy(&raw_prefix(
                    &self.vfs.raw_read(phys).unwrap_or_default(),
                    at,
                ))
                .into_owned();
                let end = text.len();
                Parsed {
                    file: SourceFile::new(phys, text),
                    doc: Err(YamlError {
                        span: Span::new(end, end),
                        message,
                    }),
                }
            }
        }
    }

    /// Let go of a file's tree (its view is built and the per-file rules
    /// have read it): the entry keeps the text, for locations, and its
    /// document becomes empty. Returns the parsed file as it was, for the
    /// caller to drop outside the cache's lock.
    pub fn release_tree(&self, phys: &str) -> Option<Arc<Parsed>> {
        let mut map = self.map.lock().ok()?;
        let slot = map.get_mut(phys)?;
        let parsed = slot.get()?.clone();
        let bare = Arc::new(Parsed {
            file: parsed.file.clone(),
            doc: Ok(None),
        });
        *slot = Arc::new(std::sync::OnceLock::from(bare));
        Some(parsed)
    }

    /// Everything parsed so far, sorted by path.
    pub fn all(&self) -> Vec<Arc<Parsed>> {
        let mut v: Vec<Arc<Parsed>> = match self.map.lock() {
            Ok(m) => m.values().filter_map(|s| s.get().cloned()).collect(),
            Err(_) => Vec::new(),
        };
        v.sort_by(|a, b| a.file.path.cmp(&b.file.path));
        v
    }
}
