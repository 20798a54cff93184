//! What a node means to Ansible: scalars typed the YAML 1.1 way, mapping keys
//! compared as Python dict keys (`1`, `1.0` and `true` are one key), `<<`
//! merge keys flattened as PyYAML does, and conversion to JSON values.

use super::yaml11::{self, Implicit};
use super::{Node, NodeKind};
use serde_json::{Map, Number, Value};

/// A constructed scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    /// ISO date or datetime text.
    Timestamp(String),
    Str(&'a str),
    /// `!vault` encrypted text.
    Vault(&'a str),
}

/// Why a node cannot be constructed (Ansible's loader fails on it).
#[derive(Debug, Clone, PartialEq)]
pub struct ConstructError {
    pub node_span: crate::source::Span,
    pub message: String,
}

fn cerr(node: &Node, message: impl Into<String>) -> ConstructError {
    ConstructError {
        node_span: node.span,
        message: message.into(),
    }
}

/// Construct a scalar node as Ansible's loader does.
#[inline]
pub fn resolve_scalar(node: &Node) -> Result<Scalar<'_>, ConstructError> {
    // The common case, an untagged string: no further look.
    if let Some(text) = untagged(node, Implicit::Str) {
        return Ok(Scalar::Str(text));
    }
    resolve_scalar_slow(node)
}

/// The text of an untagged scalar whose implicit type is `implicit`.
#[inline]
fn untagged(node: &Node, implicit: Implicit) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar {
            value, implicit: i, ..
        } if *i == implicit && node.tag().is_none() => Some(value),
        _ => None,
    }
}

#[inline(never)]
fn resolve_scalar_slow(node: &Node) -> Result<Scalar<'_>, ConstructError> {
    let NodeKind::Scalar {
        value, implicit, ..
    } = &node.kind
    else {
        return Err(cerr(node, "expected a scalar"));
    };
    let s: &str = value;
    let kind = match node.tag() {
        Some(tag) => match (tag.core(), tag.full.as_str()) {
            (Some("str"), _) => Implicit::Str,
            // Ansible types the text under `!unsafe` as if it were plain,
            // quoted or not (`!unsafe "yes"` is true); only a string is
            // then marked unsafe (see [`is_unsafe`]).
            (_, "!unsafe") => retyped(node, s)?,
            (_, "!vault") | (_, "!vault-encrypted") => match retyped(node, s)? {
                Implicit::Str => return Ok(Scalar::Vault(s)),
                Implicit::Value => Implicit::Value,
                _ => return Err(vault_not_str(node)),
            },
            (Some("int"), _) => Implicit::Int,
            (Some("float"), _) => Implicit::Float,
            (Some("bool"), _) => Implicit::Bool,
            (Some("null"), _) => Implicit::Null,
            (Some("timestamp"), _) => Implicit::Timestamp,
            // Ansible's loader reads bytes, which its JSON output (and so
            // `ansible-inventory --list`) cannot print.
            (Some("binary"), _) => {
                return Err(cerr(
                    node,
                    "a !!binary value: Ansible reads it as bytes, which ansible-inventory cannot print (not JSON serializable)",
                ))
            }
            (Some("python/unicode"), _) => Implicit::Str,
            (_, "!") => Implicit::Str,
            _ => {
                return Err(cerr(
                    node,
                    format!(
                        "could not determine a constructor for the tag '{}'",
                        tag.full
                    ),
                ))
            }
        },
        None => *implicit,
    };
    Ok(match kind {
        Implicit::Str | Implicit::Merge => Scalar::Str(s),
        Implicit::Null => Scalar::Null,
        Implicit::Bool => Scalar::Bool(
            yaml11::construct_bool(s)
                .ok_or_else(|| cerr(node, format!("invalid boolean {s:?}")))?,
        ),
        Implicit::Int => Scalar::Int(
            yaml11::construct_int(s).ok_or_else(|| cerr(node, format!("invalid integer {s:?}")))?,
        ),
        Implicit::Float => Scalar::Float(
            yaml11::construct_float(s).ok_or_else(|| cerr(node, format!("invalid float {s:?}")))?,
        ),
        Implicit::Timestamp => Scalar::Timestamp(
            yaml11::construct_timestamp(s)
                .ok_or_else(|| cerr(node, format!("invalid timestamp {s:?}")))?,
        ),
        Implicit::Value => return Err(cerr(
            node,
            "could not determine a constructor for the tag 'tag:yaml.org,2002:value' (a bare `=`)",
        )),
    })
}

/// The type Ansible's loader gives the text of a `!unsafe` or `!vault`
/// scalar: PyYAML's implicit resolution run again as for a plain scalar. A
/// `<<` has no constructor then (a bare `=` is refused by the caller).
fn retyped(node: &Node, s: &str) -> Result<Implicit, ConstructError> {
    match yaml11::resolve_plain(s) {
        Implicit::Merge => Err(cerr(
            node,
            "could not determine a constructor for the tag 'tag:yaml.org,2002:merge' (`<<` under a tag Ansible types again)",
        )),
        kind => Ok(kind),
    }
}

fn vault_not_str(node: &Node) -> ConstructError {
    cerr(
        node,
        "the '!vault' tag requires a string value (Ansible types the text as if it were plain: quote nothing, use the encrypted block)",
    )
}

/// True when the node is tagged `!unsafe`: Ansible marks every string
/// constructed under it (the node's own, and those inside a collection)
/// as not to be templated, and `--list` prints each one as
/// `{"__ansible_unsafe": "..."}`.
pub fn is_unsafe(node: &Node) -> bool {
    node.tag().is_some_and(|t| t.full == "!unsafe")
}

/// True when the node is a `<<` merge key.
pub fn is_merge_key(node: &Node) -> bool {
    match &node.kind {
        // A plain untagged `<<` is resolved to Merge at parse time: no need
        // to read the key's text (a cache miss per key on every walk).
        NodeKind::Scalar { implicit, .. } => match node.tag() {
            Some(t) => t.core() == Some("merge"),
            None => *implicit == Implicit::Merge,
        },
        _ => false,
    }
}

/// A mapping key's scalar: a bare `=` is the string `=` there (Ansible
/// reads such a key; as a value it refuses it).
fn key_scalar(node: &Node) -> Result<Scalar<'_>, ConstructError> {
    match untagged(node, Implicit::Value) {
        Some(text) => Ok(Scalar::Str(text)),
        None => match resolve_scalar(node)? {
            // Hashing an encrypted string decrypts it: Ansible fails there.
            Scalar::Vault(_) => Err(cerr(
                node,
                "a !vault value as a mapping key: Ansible decrypts a key to hash it and fails (\"Input is not vault encrypted data\" or no vault secret)",
            )),
            s => Ok(s),
        },
    }
}

/// A value's scalar: a bare `<<` is a merge, which Ansible cannot
/// construct as a value.
pub fn value_scalar(node: &Node) -> Result<Scalar<'_>, ConstructError> {
    if let NodeKind::Scalar {
        implicit: Implicit::Merge,
        ..
    } = &node.kind
    {
        if node.tag().is_none() {
            return Err(cerr(
                node,
                "could not determine a constructor for the tag 'tag:yaml.org,2002:merge' (a bare `<<` as a value)",
            ));
        }
    }
    resolve_scalar(node)
}

/// A collection tagged as a scalar (`!!str {a: 1}`): Ansible cannot
/// construct it.
pub(crate) fn check_collection_tag(node: &Node) -> Result<(), ConstructError> {
    if node
        .tag()
        .is_some_and(|t| t.full == "!vault" || t.full == "!vault-encrypted")
    {
        return Err(vault_not_str(node));
    }
    let core = node.tag().and_then(|t| t.core());
    match core {
        Some(c @ ("str" | "int" | "float" | "bool" | "null" | "timestamp" | "binary")) => {
            let what = if matches!(node.kind, NodeKind::Map { .. }) {
                "mapping"
            } else {
                "sequence"
            };
            Err(cerr(
                node,
                format!("could not construct a {c} from a {what} (tag !!{c} on a {what})"),
            ))
        }
        _ => Ok(()),
    }
}

/// A collection whose tag makes it a list to Ansible's JSON output.
pub enum ListTagged<'a> {
    /// `!!set {a, b}`: its keys (once each), in file order.
    Set(Vec<&'a Node>),
    /// `!!omap` or `!!pairs` `[{a: 1}, {b: 2}]`: each `[key, value]`.
    Pairs(Vec<(&'a Node, &'a Node)>),
}

/// `!!set`, `!!omap` and `!!pairs` as PyYAML constructs them (a set, a
/// list of pairs), or `None` for any other collection.
pub fn list_tagged(node: &Node) -> Result<Option<ListTagged<'_>>, ConstructError> {
    let Some(tag) = node.tag().and_then(|t| t.core()) else {
        return Ok(None);
    };
    match (tag, &node.kind) {
        ("set", NodeKind::Map { .. }) => Ok(Some(ListTagged::Set(
            entries(node)?.into_iter().map(|e| e.key).collect(),
        ))),
        ("set", _) => Err(cerr(
            node,
            "while constructing a set: expected a mapping node (tag !!set)",
        )),
        (t @ ("omap" | "pairs"), NodeKind::Seq { items, .. }) => {
            let mut pairs = Vec::with_capacity(items.len());
            for item in items {
                match &item.kind {
                    NodeKind::Map { pairs: kv, .. } if kv.len() == 1 => {
                        pairs.push((&kv[0].0, &kv[0].1))
                    }
                    _ => {
                        return Err(cerr(
                            item,
                            format!("while constructing !!{t}: expected a mapping of length 1"),
                        ))
                    }
                }
            }
            Ok(Some(ListTagged::Pairs(pairs)))
        }
        (t @ ("omap" | "pairs"), _) => Err(cerr(
            node,
            format!("while constructing !!{t}: expected a sequence"),
        )),
        _ => Ok(None),
    }
}

/// A mapping key as a Python dict sees it (for equality only).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyId<'a> {
    Null,
    /// ints and bools, and floats with an integral value
    Int(i128),
    Float(u64),
    Str(&'a str),
    Timestamp(String),
    /// a collection used as a key: PyYAML refuses it (unhashable)
    Unhashable,
}

pub fn key_id(node: &Node) -> Result<KeyId<'_>, ConstructError> {
    if !matches!(node.kind, NodeKind::Scalar { .. }) {
        return Ok(KeyId::Unhashable);
    }
    Ok(match key_scalar(node)? {
        Scalar::Null => KeyId::Null,
        Scalar::Bool(b) => KeyId::Int(b as i128),
        Scalar::Int(i) => KeyId::Int(i),
        Scalar::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e30 {
                KeyId::Int(f as i128)
            } else {
                KeyId::Float(f.to_bits())
            }
        }
        // (`key_scalar` refuses a vault key)
        Scalar::Str(s) | Scalar::Vault(s) => KeyId::Str(s),
        Scalar::Timestamp(t) => KeyId::Timestamp(t),
    })
}

/// One effective entry of a mapping after merge flattening and dict semantics:
/// the first key node and the last value node.
#[derive(Debug)]
pub struct Entry<'a> {
    pub key: &'a Node,
    pub value: &'a Node,
    pub id: KeyId<'a>,
    /// How many times the key appeared (more than one: a duplicate key).
    pub count: u32,
}

/// Which merged keys PyYAML's `flatten_mapping` takes as the same key: it
/// keeps the first merged pair per key *object*. A key repeated through an
/// alias is one object (in the tree: one span, as an alias's copy keeps
/// its inner spans), and CPython shares the objects of the empty string and
/// of one-character strings up to U+00FF, so such keys meet whatever node
/// they come from; any other key text is a new object per node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum KeyObject {
    Shared(u32),
    Node(u32, u32),
}

fn key_object(k: &Node) -> KeyObject {
    if let NodeKind::Scalar { value, .. } = &k.kind {
        let mut chars = value.chars();
        match (chars.next(), chars.next()) {
            (None, _) => return KeyObject::Shared(u32::MAX),
            (Some(c), None) if u32::from(c) < 0x100 => return KeyObject::Shared(u32::from(c)),
            _ => {}
        }
    }
    KeyObject::Node(k.span.start, k.span.end)
}

/// PyYAML's `flatten_mapping` (6.0.2, Ansible's): the pairs of a mapping
/// with `<<` merges expanded, merged pairs first (every merged mapping's
/// flattened pairs in order, each key object once) and then the mapping's
/// own pairs. Building the dict keeps the last value of a key, so of two
/// merged `timezone:` keys the later mapping's wins, and own keys win over
/// merged ones.
pub fn flatten<'a>(
    pairs: &'a [(Node, Node)],
    out: &mut Vec<(&'a Node, &'a Node, bool)>,
    depth: usize,
) -> Result<(), ConstructError> {
    if depth > 64 {
        return Err(ConstructError {
            node_span: pairs.first().map(|p| p.0.span).unwrap_or_default(),
            message: "merge keys nested too deeply".into(),
        });
    }
    let mut merged: Vec<(&'a Node, &'a Node, bool)> = Vec::new();
    let mut seen: std::collections::HashSet<KeyObject> = std::collections::HashSet::new();
    let mut own: Vec<(&'a Node, &'a Node, bool)> = Vec::with_capacity(pairs.len());
    let mut take = |m: &'a [(Node, Node)],
                    merged: &mut Vec<(&'a Node, &'a Node, bool)>|
     -> Result<(), ConstructError> {
        let mut sub = Vec::new();
        flatten(m, &mut sub, depth + 1)?;
        for (a, b, _) in sub {
            if seen.insert(key_object(a)) {
                merged.push((a, b, true));
            }
        }
        Ok(())
    };
    for (k, v) in pairs {
        if is_merge_key(k) {
            match &v.kind {
                NodeKind::Map { pairs: m, .. } => take(m, &mut merged)?,
                NodeKind::Seq { items, .. } => {
                    for it in items {
                        let NodeKind::Map { pairs: m, .. } = &it.kind else {
                            return Err(cerr(
                                it,
                                "while constructing a mapping: expected a mapping for merging",
                            ));
                        };
                        take(m, &mut merged)?;
                    }
                }
                _ => {
                    return Err(cerr(
                        v,
                        "while constructing a mapping: expected a mapping or list of mappings for merging",
                    ))
                }
            }
        } else {
            own.push((k, v, false));
        }
    }
    out.extend(merged);
    out.extend(own);
    Ok(())
}

/// The string of a key that is an untagged string scalar (not `<<`): the
/// keys whose Python identity is their text.
#[inline]
fn str_key(k: &Node) -> Option<&str> {
    untagged(k, Implicit::Str)
}

/// True when every key of a mapping is an untagged string scalar and no
/// two are equal: the common mapping, whose entries are its pairs. Worked
/// out once per mapping, when it is made ([`NodeKind::map`]). In a small
/// mapping, a 128-bit filter of the keys' hashes means the texts are
/// compared only when two hashes meet; a big one (a group's hosts) is
/// hashed.
pub fn distinct_str_keys(pairs: &[(Node, Node)]) -> bool {
    if pairs.len() > 32 {
        let mut seen: crate::FastSet<&str> = crate::FastSet::default();
        seen.reserve(pairs.len());
        return pairs
            .iter()
            .all(|(k, _)| str_key(k).is_some_and(|s| seen.insert(s)));
    }
    let mut seen = 0u128;
    for (i, (k, _)) in pairs.iter().enumerate() {
        let Some(s) = str_key(k) else {
            return false;
        };
        let bit = 1u128 << (short_hash(s.as_bytes()) >> 57);
        if seen & bit != 0 && pairs[..i].iter().any(|(p, _)| str_key(p) == Some(s)) {
            return false;
        }
        seen |= bit;
    }
    true
}

/// A quick hash of a short key: its length and its first and last eight
/// bytes (enough to tell an inventory's var names apart).
#[inline]
fn short_hash(b: &[u8]) -> u64 {
    // Up to eight bytes as one word, by loads that may overlap (no copy
    // through a stack buffer: that stalls on the reload).
    let word = |p: &[u8]| -> u64 {
        let n = p.len();
        if let Ok(w) = <[u8; 8]>::try_from(p) {
            u64::from_le_bytes(w)
        } else if n >= 4 {
            let lo = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
            let hi = u32::from_le_bytes([p[n - 4], p[n - 3], p[n - 2], p[n - 1]]);
            u64::from(lo) | (u64::from(hi) << 32)
        } else if n > 0 {
            u64::from(p[0]) | (u64::from(p[n / 2]) << 8) | (u64::from(p[n - 1]) << 16)
        } else {
            0
        }
    };
    let n = b.len();
    let head = word(&b[..n.min(8)]);
    let tail = word(&b[n.saturating_sub(8)..]);
    (head ^ tail.rotate_left(29) ^ (n as u64))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17)
        .wrapping_mul(0xBF58_476D_1CE4_E5B9)
}

/// The effective entries of a mapping node, as the Python dict Ansible builds.
pub fn entries(node: &Node) -> Result<Vec<Entry<'_>>, ConstructError> {
    let NodeKind::Map {
        pairs, distinct, ..
    } = &node.kind
    else {
        return Err(cerr(node, "expected a mapping"));
    };
    if *distinct {
        return Ok(pairs
            .iter()
            .map(|(k, v)| Entry {
                key: k,
                value: v,
                id: KeyId::Str(str_key(k).unwrap_or_default()),
                count: 1,
            })
            .collect());
    }
    // The common case, no `<<`: the pairs themselves, no flattening copy.
    let flat: Vec<(&Node, &Node, bool)>;
    let pairs: &mut dyn Iterator<Item = (&Node, &Node)> =
        if pairs.iter().any(|(k, _)| is_merge_key(k)) {
            let mut v = Vec::with_capacity(pairs.len());
            flatten(pairs, &mut v, 0)?;
            flat = v;
            &mut flat.iter().map(|&(k, v, _)| (k, v))
        } else {
            &mut pairs.iter().map(|(k, v)| (k, v))
        };
    let mut out: Vec<Entry<'_>> = Vec::with_capacity(pairs.size_hint().0);
    // Small mappings are the common case: a linear scan beats hashing there.
    let mut index: Option<crate::FastMap<KeyId<'_>, usize>> = None;
    for (k, v) in pairs {
        let id = key_id(k)?;
        if matches!(id, KeyId::Unhashable) {
            return Err(cerr(
                k,
                "while constructing a mapping: found unhashable key (a list or mapping used as a key)",
            ));
        }
        if out.len() >= 16 && index.is_none() {
            let mut ix = crate::FastMap::default();
            ix.reserve(out.capacity());
            ix.extend(out.iter().enumerate().map(|(i, e)| (e.id.clone(), i)));
            index = Some(ix);
        }
        let found = match &index {
            Some(ix) => ix.get(&id).copied(),
            None => out.iter().position(|e| e.id == id),
        };
        match found {
            Some(i) => {
                let e = &mut out[i];
                e.value = v;
                e.count += 1;
            }
            None => {
                if let Some(ix) = index.as_mut() {
                    ix.insert(id.clone(), out.len());
                }
                out.push(Entry {
                    key: k,
                    value: v,
                    id,
                    count: 1,
                });
            }
        }
    }
    Ok(out)
}

/// The effective entries of a mapping (key node, value node), as
/// [`entries`], each mapped through `f`: a mapping whose keys are distinct
/// plain strings is read straight from its pairs, with no list of entries
/// in between.
pub fn map_entries<'a, T>(
    node: &'a Node,
    mut f: impl FnMut(&'a Node, &'a Node) -> Result<T, ConstructError>,
) -> Result<Vec<T>, ConstructError> {
    match &node.kind {
        NodeKind::Map {
            pairs,
            distinct: true,
            ..
        } => pairs.iter().map(|(k, v)| f(k, v)).collect(),
        _ => entries(node)?
            .into_iter()
            .map(|e| f(e.key, e.value))
            .collect(),
    }
}

fn float_json(f: f64) -> Value {
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or_else(|| special_number(&python_float_repr(f)))
}

/// The mark of a number a JSON value cannot hold (see [`special_number`]):
/// U+FFFE, a character PyYAML refuses anywhere in a file, so no string read
/// from YAML starts with it.
const NUMBER_MARK: char = '\u{FFFE}';

/// A number `serde_json::Value` cannot hold, carried as a marked string of
/// Python's `repr()` of it: an integer past 64 bits
/// (`12345678901234567890123`) or a float that is not finite (`inf`,
/// `-inf`, `nan`). The writers print it as Python does ([`special_json`],
/// [`special_repr`]); to every other reader it is an opaque string.
pub fn special_number(repr: &str) -> Value {
    Value::String(format!("{NUMBER_MARK}{repr}"))
}

/// Python's `repr()` of a [`special_number`], if `s` is one.
pub fn special_repr(s: &str) -> Option<&str> {
    s.strip_prefix(NUMBER_MARK)
}

/// How Python's `json.dumps` writes a [`special_number`], if `s` is one:
/// the digits, or `Infinity`, `-Infinity`, `NaN`.
pub fn special_json(s: &str) -> Option<&str> {
    special_repr(s).map(|r| match r {
        "inf" => "Infinity",
        "-inf" => "-Infinity",
        "nan" => "NaN",
        digits => digits,
    })
}

/// Python's `repr()` of a float (for keys and `--graph --vars`), which
/// `json.dumps` also writes for a finite float: the shortest digits that
/// read back as the same float, in fixed notation for decimal exponents
/// from -4 to 15 (`0.0001`, `1e+16`), else scientific with a signed
/// exponent of two digits or more (`1e+20`, `1.5e-07`).
pub fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    // Rust's `{:e}` gives the same shortest digits: `1.5e-7`, `1e20`.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if !(-4..16).contains(&exp) {
        let e_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{mantissa}e{e_sign}{:02}", exp.abs());
    }
    let body = if exp < 0 {
        format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            format!("{digits}{}.0", "0".repeat(int_len - digits.len()))
        } else {
            format!("{}.{}", &digits[..int_len], &digits[int_len..])
        }
    };
    format!("{sign}{body}")
}

fn int_json(i: i128) -> Value {
    if let Ok(v) = i64::try_from(i) {
        Value::Number(v.into())
    } else if let Ok(v) = u64::try_from(i) {
        Value::Number(v.into())
    } else {
        special_number(&i.to_string())
    }
}

/// A key as the string Ansible's JSON output gives it.
pub fn key_string(node: &Node) -> Result<ecow::EcoString, ConstructError> {
    key_scalar(node).map(scalar_key)
}

fn scalar_key(s: Scalar<'_>) -> ecow::EcoString {
    match s {
        Scalar::Null => "null".into(),
        Scalar::Bool(b) => if b { "true" } else { "false" }.into(),
        Scalar::Int(i) => ecow::eco_format!("{i}"),
        // json.dumps writes a float key as it writes a float value.
        Scalar::Float(f) if f.is_nan() => "NaN".into(),
        Scalar::Float(f) if f.is_infinite() => {
            if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
        }
        Scalar::Float(f) => python_float_repr(f).into(),
        Scalar::Str(s) | Scalar::Vault(s) => s.into(),
        Scalar::Timestamp(t) => t.into(),
    }
}

/// A variable mapping's key as Ansible's JSON output writes it; a date
/// cannot be one (`--list` fails on it).
pub fn json_key(node: &Node) -> Result<ecow::EcoString, ConstructError> {
    match key_scalar(node)? {
        Scalar::Timestamp(t) => Err(cerr(
            node,
            format!("the date {t} as a mapping key: ansible-inventory cannot print it (a date key is not JSON serializable); quote it"),
        )),
        other => Ok(scalar_key(other)),
    }
}

/// A string as the one-entry object Ansible's JSON writes for it
/// (`{"__ansible_vault": s}`, `{"__ansible_unsafe": s}`).
pub fn wrapped_str(key: &str, s: &str) -> Value {
    let mut m = Map::new();
    m.insert(key.into(), Value::String(s.to_string()));
    Value::Object(m)
}

/// Convert a node to the JSON value Ansible would output for it.
pub fn to_json(node: &Node) -> Result<Value, ConstructError> {
    if !matches!(node.kind, NodeKind::Scalar { .. }) {
        match list_tagged(node)? {
            Some(ListTagged::Set(keys)) => {
                return Ok(Value::Array(
                    keys.into_iter().map(to_json).collect::<Result<_, _>>()?,
                ))
            }
            Some(ListTagged::Pairs(pairs)) => {
                return Ok(Value::Array(
                    pairs
                        .into_iter()
                        .map(|(k, v)| Ok(Value::Array(vec![to_json(k)?, to_json(v)?])))
                        .collect::<Result<_, _>>()?,
                ))
            }
            None => {}
        }
    }
    Ok(match &node.kind {
        NodeKind::Scalar { .. } => match value_scalar(node)? {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => int_json(i),
            Scalar::Float(f) => float_json(f),
            Scalar::Str(s) => Value::String(s.to_string()),
            Scalar::Timestamp(t) => Value::String(t),
            Scalar::Vault(v) => wrapped_str("__ansible_vault", v),
        },
        NodeKind::Seq { items, .. } => {
            check_collection_tag(node)?;
            Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?)
        }
        NodeKind::Map { .. } => {
            check_collection_tag(node)?;
            let mut m = Map::new();
            for e in entries(node)? {
                m.insert(json_key(e.key)?.into(), to_json(e.value)?);
            }
            Value::Object(m)
        }
    })
}

/// Check that Ansible's loader can construct the whole node (tags known,
/// keys hashable, merges well formed) without building the value.
pub fn check(node: &Node) -> Result<(), ConstructError> {
    match &node.kind {
        NodeKind::Scalar { .. } => value_scalar(node).map(|_| ()),
        NodeKind::Seq { items, .. } => {
            check_collection_tag(node)?;
            items.iter().try_for_each(check)
        }
        NodeKind::Map { pairs, .. } => {
            check_collection_tag(node)?;
            // A set's keys are its items: a date is one like any other.
            let set = node.tag().and_then(|t| t.core()) == Some("set");
            if pairs.iter().any(|(k, _)| is_merge_key(k)) {
                // merges: the full flattening, with its shape errors
                for e in entries(node)? {
                    if !set && matches!(key_scalar(e.key), Ok(Scalar::Timestamp(_))) {
                        json_key(e.key)?;
                    }
                }
            } else {
                for (k, _) in pairs {
                    if !matches!(k.kind, NodeKind::Scalar { .. }) {
                        return Err(cerr(
                            k,
                            "while constructing a mapping: found unhashable key (a list or mapping used as a key)",
                        ));
                    }
                    if let Scalar::Timestamp(_) = key_scalar(k)? {
                        if !set {
                            json_key(k)?;
                        }
                    }
                }
            }
            pairs.iter().try_for_each(|(_, v)| check(v))
        }
    }
}

/// The tokens of a JSON pointer (`/a/b~1c` is `a`, `b/c`).
pub fn pointer_tokens(ptr: &str) -> Vec<String> {
    ptr.split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The node a JSON pointer names in a document read as JSON (mapping
/// keys by their string, sequence items by their index); the deepest one
/// found when the pointer goes further.
pub fn node_at<'a>(doc: &'a Node, ptr: &str) -> &'a Node {
    let mut node = doc;
    for t in pointer_tokens(ptr) {
        let next = match &node.kind {
            NodeKind::Map { .. } => entries(node).ok().and_then(|es| {
                es.into_iter()
                    .find(|e| key_string(e.key).ok().as_deref() == Some(t.as_str()))
                    .map(|e| e.value)
            }),
            NodeKind::Seq { items, .. } => t.parse::<usize>().ok().and_then(|i| items.get(i)),
            NodeKind::Scalar { .. } => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

/// What a JSON value is, in words (`a mapping`, `a list`, ...).
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse, Limits};

    fn doc(s: &str) -> Node {
        parse(s, Limits::default()).unwrap().unwrap()
    }

    #[test]
    fn floats_as_python_repr_prints_them() {
        for (f, want) in [
            (1e20, "1e+20"),
            (1e17, "1e+17"),
            (1e16, "1e+16"),
            (9999999999999998.0, "9999999999999998.0"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.1, "0.1"),
            (3.0, "3.0"),
            (685230.15, "685230.15"),
            (-2.5, "-2.5"),
            (-0.0, "-0.0"),
            (123456789012345680000.0, "1.2345678901234568e+20"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(python_float_repr(f), want, "{f:?}");
        }
    }

    #[test]
    fn dict_semantics_first_position_last_value() {
        let n = doc("a: 1\nb: 2\na: 3\n");
        let e = entries(&n).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].value.as_scalar().unwrap().0, "3");
        assert_eq!(e[0].count, 2);
        let n = doc("1: a\ntrue: b\n1.0: c\n");
        assert_eq!(entries(&n).unwrap().len(), 1);
    }

    #[test]
    fn distinct_string_keys_are_told_apart_from_keys_that_need_a_closer_look() {
        let pairs = |s: &str| match doc(s).kind {
            NodeKind::Map { pairs: p, .. } => p,
            _ => unreachable!("a mapping"),
        };
        // Var names of one length that differ in one byte, and in the middle
        // of long names (past both 8-byte ends).
        let many: String = (0..30)
            .map(|i| format!("ansible_var_{i:02}_x: {i}\n"))
            .collect();
        assert!(distinct_str_keys(&pairs(&many)));
        assert!(distinct_str_keys(&pairs(
            "ansible_host: a\nansible_user: b\n'x': 1\n"
        )));
        // The same text twice, plain and quoted: one key.
        assert!(!distinct_str_keys(&pairs("a: 1\nb: 2\n'a': 3\n")));
        // Keys Python reads as numbers, booleans or null, tags and merges:
        // not judged here.
        for s in [
            "1: a\n",
            "true: a\n",
            "~: a\n",
            "!!str a: 1\n",
            "<<: {a: 1}\n",
        ] {
            assert!(!distinct_str_keys(&pairs(s)), "{s}");
        }
        // Whatever the filter says, entries() agrees with the slow path.
        for s in [many.as_str(), "a: 1\nb: 2\n'a': 3\n", "x: 1\ny: 2\n"] {
            let n = doc(s);
            let fast: Vec<_> = entries(&n)
                .unwrap()
                .iter()
                .map(|e| (e.id.clone(), e.count))
                .collect();
            let mut slow: Vec<(KeyId<'_>, u32)> = Vec::new();
            for (k, _) in n.as_map().unwrap() {
                let id = key_id(k).unwrap();
                match slow.iter_mut().find(|(i, _)| *i == id) {
                    Some(e) => e.1 += 1,
                    None => slow.push((id, 1)),
                }
            }
            assert_eq!(fast, slow, "{s}");
        }
    }

    #[test]
    fn merge_keys_like_pyyaml() {
        // One-character keys are one object in CPython: the first merged
        // mapping's `x` stays; longer keys are one object per node: the
        // later mapping's `xx` wins.
        let n = doc("base: &b {x: 1, y: 2, xx: 1}\nother: &o {x: 9, z: 3, xx: 9}\nm:\n  <<: [*b, *o]\n  y: 5\n");
        let m = &entries(&n).unwrap()[2];
        let v = to_json(m.value).unwrap();
        assert_eq!(v, serde_json::json!({"x": 1, "y": 5, "z": 3, "xx": 9}));
        // A key merged again through an alias is the same object: skipped.
        let n = doc("b: &b {xx: 1, yy: 1}\nb2: &b2 {<<: *b, xx: 9}\nc: {<<: [*b, *b2]}\n");
        let v = to_json(entries(&n).unwrap()[2].value).unwrap();
        assert_eq!(v, serde_json::json!({"xx": 9, "yy": 1}));
    }

    #[test]
    fn yaml11_values_and_keys() {
        let v = to_json(&doc("a: yes\nb: 0755\nc: '0755'\nd: 12:30\n0: x\n7.2: y\n")).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": true, "b": 493, "c": "0755", "d": 750, "0": "x", "7.2": "y"})
        );
        assert!(to_json(&doc("a: !foo x\n")).is_err());
        assert_eq!(to_json(&doc("a: !unsafe '{{x}}'\n")).unwrap()["a"], "{{x}}");
    }
}
