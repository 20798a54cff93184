//! Tags as the tree holds them: each distinct tag is kept once for the
//! process, and a node holds its four-byte id. Inventories use a handful
//! (`!unsafe`, `!vault`, `!!str`, ...), and a node with no room for a
//! pointer to a string of its own stays 32 bytes (see [`super::Node`]).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{OnceLock, RwLock};

/// An explicit tag such as `!!str` (`tag:yaml.org,2002:str`) or `!unsafe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Full tag: `tag:yaml.org,2002:str`, `!unsafe`, `!vault`.
    pub full: String,
}

impl Tag {
    /// The core-schema suffix (`str`, `int`, ...) when this is a `!!` tag.
    pub fn core(&self) -> Option<&str> {
        self.full.strip_prefix("tag:yaml.org,2002:")
    }
}

/// A tag kept in the process's table: equal ids are equal tags.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TagId(NonZeroU32);

/// Most distinct tags one process keeps, and most bytes of them: a
/// document that would go past either is refused (real inventories use a
/// handful; a file of millions of made-up tags is an attack on memory).
const MAX_TAGS: usize = 1 << 16;
const MAX_TAG_BYTES: usize = 16 << 20;

#[derive(Default)]
struct Table {
    tags: Vec<&'static Tag>,
    ids: HashMap<&'static str, TagId>,
    bytes: usize,
}

fn table() -> &'static RwLock<Table> {
    static TABLE: OnceLock<RwLock<Table>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// Why a tag could not be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableFull;

impl std::fmt::Display for TableFull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "too many distinct tags (a process keeps at most {MAX_TAGS}, {} MB of them)",
            MAX_TAG_BYTES >> 20
        )
    }
}

impl TagId {
    /// The id of the tag `full`, kept from now on if it is new.
    pub fn of(full: &str) -> Result<TagId, TableFull> {
        if let Some(&id) = read().ids.get(full) {
            return Ok(id);
        }
        let mut t = table().write().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = t.ids.get(full) {
            return Ok(id);
        }
        if t.tags.len() >= MAX_TAGS || t.bytes + full.len() > MAX_TAG_BYTES {
            return Err(TableFull);
        }
        let n = u32::try_from(t.tags.len() + 1).map_err(|_| TableFull)?;
        let id = TagId(NonZeroU32::new(n).ok_or(TableFull)?);
        // Kept for the life of the process: bounded by the limits above.
        let tag: &'static Tag = Box::leak(Box::new(Tag {
            full: full.to_string(),
        }));
        t.tags.push(tag);
        t.ids.insert(tag.full.as_str(), id);
        t.bytes += full.len();
        Ok(id)
    }

    pub fn get(self) -> &'static Tag {
        let i = self.0.get() as usize - 1;
        // Ids are only made by `of`, so the entry is there.
        read().tags[i]
    }
}

fn read() -> std::sync::RwLockReadGuard<'static, Table> {
    table().read().unwrap_or_else(|e| e.into_inner())
}

impl std::fmt::Debug for TagId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TagId({:?})", self.get().full)
    }
}

#[cfg(test)]
mod tests {
    use super::TagId;

    #[test]
    fn one_id_per_tag_text() {
        let a = TagId::of("!unsafe").unwrap();
        let b = TagId::of("tag:yaml.org,2002:str").unwrap();
        assert_eq!(TagId::of("!unsafe").unwrap(), a);
        assert_ne!(a, b);
        assert_eq!(a.get().full, "!unsafe");
        assert_eq!(b.get().core(), Some("str"));
    }

    #[test]
    fn a_tag_past_the_byte_budget_is_refused() {
        let huge = format!("!{}", "x".repeat(super::MAX_TAG_BYTES));
        assert!(TagId::of(&huge).is_err());
        assert!(TagId::of("!vault").is_ok());
    }
}
