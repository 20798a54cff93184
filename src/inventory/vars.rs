//! Variable values and the insertion-ordered map of them an entity holds.

use super::findings::Loc;
use serde_json::Value;

/// A variable's value. Text, the common case, is kept as the parsed
/// tree's own string (inline up to 15 bytes, shared beyond): no copy and
/// no allocation per variable, as a `serde_json::Value::String` would need.
/// Lists and mappings are exact-size slices of values (a JSON object per
/// host's nested dict would cost a B-tree node of eleven slots and a
/// `String` per key). The other scalars are kept inline (null, booleans,
/// numbers): a value is 24 bytes.
#[derive(Debug, Clone)]
pub enum VarValue {
    Str(ecow::EcoString),
    /// A string read under `!unsafe`: the same text to every reader, but
    /// `--list` prints it as `{"__ansible_unsafe": "..."}`.
    Unsafe(ecow::EcoString),
    /// A `!vault` value's ciphertext: `--list` prints it as
    /// `{"__ansible_vault": "..."}`; `--graph --vars` cannot print it
    /// without decrypting it (see [`crate::inventory::ansible::graph`]).
    Vault(ecow::EcoString),
    /// A date or datetime, as its `isoformat()` text: `--list` prints the
    /// text, `--graph --vars` Python's `str()` or `repr()` of the object.
    Time(ecow::EcoString),
    Null,
    Bool(bool),
    Num(serde_json::Number),
    /// A number JSON cannot hold, as [`crate::yaml::value::special_number`]
    /// marks it (an integer past 64 bits, `inf`, `nan`).
    Special(ecow::EcoString),
    List(Box<[VarValue]>),
    /// A `!!set`'s keys in file order (Python's set order is its hash
    /// order): `--list` prints a list, `--graph --vars` a set (`{'a'}`).
    Set(Box<[VarValue]>),
    /// A mapping's entries in file order, each key (as JSON has it) once.
    Map(Box<[(ecow::EcoString, VarValue)]>),
}

impl VarValue {
    /// The value of a JSON value.
    pub fn from_json(v: Value) -> VarValue {
        match v {
            Value::Null => VarValue::Null,
            Value::Bool(b) => VarValue::Bool(b),
            Value::Number(n) => VarValue::Num(n),
            // A number JSON cannot hold stays a number, printed as one.
            Value::String(s) if crate::yaml::value::special_repr(&s).is_some() => {
                VarValue::Special(s.into())
            }
            Value::String(s) => VarValue::Str(s.into()),
            Value::Array(a) => VarValue::List(a.into_iter().map(VarValue::from_json).collect()),
            Value::Object(m) => VarValue::Map(
                m.into_iter()
                    .map(|(k, v)| (k.into(), VarValue::from_json(v)))
                    .collect(),
            ),
        }
    }
    /// What Ansible's loader makes of a node.
    pub fn from_node(
        node: &crate::yaml::Node,
    ) -> Result<VarValue, crate::yaml::value::ConstructError> {
        VarValue::construct(node, false)
    }
    /// [`VarValue::from_node`] inside a node tagged `!unsafe` or not.
    fn construct(
        node: &crate::yaml::Node,
        under_unsafe: bool,
    ) -> Result<VarValue, crate::yaml::value::ConstructError> {
        use crate::yaml::value::{
            check_collection_tag, entries, json_key, list_tagged, value_scalar, KeyId, ListTagged,
            Scalar,
        };
        use crate::yaml::NodeKind;
        let unsafe_ = under_unsafe || crate::yaml::value::is_unsafe(node);
        let each = |n: &crate::yaml::Node| VarValue::construct(n, unsafe_);
        if !matches!(node.kind, NodeKind::Scalar { .. }) {
            match list_tagged(node)? {
                Some(ListTagged::Set(keys)) => {
                    return Ok(VarValue::Set(
                        keys.into_iter().map(each).collect::<Result<_, _>>()?,
                    ))
                }
                Some(ListTagged::Pairs(pairs)) => {
                    return Ok(VarValue::List(
                        pairs
                            .into_iter()
                            .map(|(k, v)| Ok(VarValue::List(Box::new([each(k)?, each(v)?]))))
                            .collect::<Result<_, _>>()?,
                    ))
                }
                None => {}
            }
        }
        match &node.kind {
            NodeKind::Scalar { value, .. } => {
                // Constructed text is the node's own string.
                match value_scalar(node)? {
                    Scalar::Str(_) if unsafe_ => Ok(VarValue::Unsafe(value.clone())),
                    Scalar::Str(_) => Ok(VarValue::Str(value.clone())),
                    Scalar::Timestamp(t) => Ok(VarValue::Time(t.into())),
                    Scalar::Vault(_) => Ok(VarValue::Vault(value.clone())),
                    _ => crate::yaml::value::to_json(node).map(VarValue::from_json),
                }
            }
            NodeKind::Seq { items, .. } => {
                check_collection_tag(node)?;
                Ok(VarValue::List(
                    items.iter().map(each).collect::<Result<_, _>>()?,
                ))
            }
            NodeKind::Map { .. } => {
                check_collection_tag(node)?;
                let es = entries(node)?;
                // Keys Python tells apart (`1` and `"1"`) can meet as JSON
                // strings, the later value winning as in a JSON object; only
                // a key that is not a string can meet another.
                let distinct = es.iter().all(|e| matches!(e.id, KeyId::Str(_)));
                let mut seen: Option<crate::FastMap<ecow::EcoString, usize>> =
                    (!distinct).then(Default::default);
                let mut out: Vec<(ecow::EcoString, VarValue)> = Vec::with_capacity(es.len());
                for e in es {
                    let k = json_key(e.key)?;
                    let v = each(e.value)?;
                    if let Some(seen) = seen.as_mut() {
                        if let Some(&i) = seen.get(&k) {
                            out[i].1 = v;
                            continue;
                        }
                        seen.insert(k.clone(), out.len());
                    }
                    out.push((k, v));
                }
                Ok(VarValue::Map(out.into_boxed_slice()))
            }
        }
    }
    pub fn to_json(&self) -> Value {
        match self {
            VarValue::Str(s) => Value::String(s.to_string()),
            VarValue::Unsafe(s) => crate::yaml::value::wrapped_str("__ansible_unsafe", s),
            VarValue::Vault(s) => crate::yaml::value::wrapped_str("__ansible_vault", s),
            VarValue::Time(t) => Value::String(t.to_string()),
            VarValue::Null => Value::Null,
            VarValue::Bool(b) => Value::Bool(*b),
            VarValue::Num(n) => Value::Number(n.clone()),
            VarValue::Special(s) => Value::String(s.to_string()),
            VarValue::List(items) | VarValue::Set(items) => {
                Value::Array(items.iter().map(VarValue::to_json).collect())
            }
            VarValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            VarValue::Str(s) | VarValue::Unsafe(s) | VarValue::Special(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, VarValue::Null)
    }
}

/// JSON equality: mappings compare as sets of entries.
impl PartialEq for VarValue {
    fn eq(&self, other: &VarValue) -> bool {
        match (self, other) {
            (VarValue::Null, VarValue::Null) => true,
            (VarValue::Bool(a), VarValue::Bool(b)) => a == b,
            (VarValue::Num(a), VarValue::Num(b)) => a == b,
            (VarValue::Time(a), VarValue::Time(b)) | (VarValue::Vault(a), VarValue::Vault(b)) => {
                a == b
            }
            (VarValue::List(a), VarValue::List(b)) => a == b,
            (VarValue::Set(a), VarValue::Set(b)) => {
                a.len() == b.len() && a.iter().all(|x| b.contains(x))
            }
            // Each key once per mapping: the same entries in the same order
            // (the usual case), else every entry of one found in the other.
            (VarValue::Map(a), VarValue::Map(b)) => {
                a.len() == b.len()
                    && (a == b || {
                        let index: crate::FastMap<&str, &VarValue> =
                            b.iter().map(|(k, v)| (k.as_str(), v)).collect();
                        a.iter().all(|(k, v)| index.get(k.as_str()) == Some(&v))
                    })
            }
            _ => self.as_str().is_some() && self.as_str() == other.as_str(),
        }
    }
}

/// A variable value and where it was set.
#[derive(Debug, Clone)]
pub struct VarDef {
    pub value: VarValue,
    pub loc: Option<Loc>,
}

/// Variables by name, in insertion order (a Python dict's): a plain vector
/// searched linearly while small (a host's handful of vars, the common
/// case: no hash table per host), indexed by a hash map once it grows.
/// Names are inline up to 15 bytes.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub(super) entries: Vec<(ecow::EcoString, VarDef)>,
    index: Option<Box<crate::FastMap<ecow::EcoString, usize>>>,
}

/// Entries beyond which a [`Vars`] keeps a hash index.
const VARS_INDEXED_FROM: usize = 16;

impl Vars {
    pub fn with_capacity(n: usize) -> Vars {
        Vars {
            entries: Vec::with_capacity(n),
            index: None,
        }
    }
    fn position(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(ix) => ix.get(name).copied(),
            None => self.entries.iter().position(|(k, _)| k.as_str() == name),
        }
    }
    pub fn get(&self, name: &str) -> Option<&VarDef> {
        self.position(name).map(|i| &self.entries[i].1)
    }
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }
    /// Set a var: an existing name keeps its place (dict semantics).
    pub fn insert(&mut self, name: ecow::EcoString, def: VarDef) {
        if let Some(i) = self.position(&name) {
            self.entries[i].1 = def;
            return;
        }
        if let Some(ix) = self.index.as_mut() {
            ix.insert(name.clone(), self.entries.len());
        } else if self.entries.len() + 1 >= VARS_INDEXED_FROM {
            let mut ix: crate::FastMap<ecow::EcoString, usize> = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
            ix.insert(name.clone(), self.entries.len());
            self.index = Some(Box::new(ix));
        }
        self.entries.push((name, def));
    }
    /// [`Vars::insert`], and where a different value was set before, the
    /// var's name and the two places (for a [`VarConflict`](super::findings::VarConflict)).
    pub fn replace(&mut self, name: ecow::EcoString, def: VarDef) -> Option<(String, Loc, Loc)> {
        let changed = match (self.get(&name), &def.loc) {
            (Some(old), Some(second)) if old.value != def.value => old
                .loc
                .clone()
                .map(|first| (name.to_string(), first, second.clone())),
            _ => None,
        };
        self.insert(name, def);
        changed
    }
    /// Add a var the caller knows is not set yet (the distinct keys of one
    /// mapping into empty vars): no search while the vars are small.
    pub fn insert_new(&mut self, name: ecow::EcoString, def: VarDef) {
        debug_assert!(!self.contains_key(&name));
        if self.index.is_none() && self.entries.len() + 1 < VARS_INDEXED_FROM {
            self.entries.push((name, def));
        } else {
            self.insert(name, def);
        }
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// The same names with the same values in the same order (where each
    /// was set aside): what a host or group gets from these is the same.
    pub fn same_values(&self, other: &Vars) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|((a, x), (b, y))| a == b && x.value == y.value)
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&ecow::EcoString, &VarDef)> {
        self.into_iter()
    }
    pub fn keys(&self) -> impl Iterator<Item = &ecow::EcoString> {
        self.entries.iter().map(|(k, _)| k)
    }
    pub fn values(&self) -> impl Iterator<Item = &VarDef> {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<'a> IntoIterator for &'a Vars {
    type Item = (&'a ecow::EcoString, &'a VarDef);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (ecow::EcoString, VarDef)>,
        fn(&'a (ecow::EcoString, VarDef)) -> (&'a ecow::EcoString, &'a VarDef),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::{VarDef, VarValue, Vars};

    fn def(v: i64) -> VarDef {
        VarDef {
            value: VarValue::Num(v.into()),
            loc: None,
        }
    }

    #[test]
    fn vars_keep_dict_order_small_and_indexed() {
        for n in [3usize, 15, 16, 17, 100] {
            let mut vars = Vars::default();
            for i in 0..n {
                vars.insert(format!("v{i}").into(), def(i as i64));
            }
            // re-setting keeps the first place and takes the new value
            vars.insert("v1".into(), def(-1));
            vars.insert("v0".into(), def(-2));
            assert_eq!(vars.len(), n);
            let keys: Vec<String> = vars.keys().map(|k| k.to_string()).collect();
            let want: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
            assert_eq!(keys, want, "n={n}");
            assert_eq!(vars.get("v1").unwrap().value, def(-1).value);
            assert_eq!(vars.get("v0").unwrap().value, def(-2).value);
            assert_eq!(
                vars.get(&format!("v{}", n - 1)).unwrap().value,
                def((n - 1) as i64).value
            );
            assert!(vars.get("nope").is_none() && !vars.contains_key("nope"));
        }
    }

    #[test]
    fn text_is_one_value_however_it_was_made() {
        let node = crate::yaml::parse("a: text\nb: 'yes'\nc: yes\nd: 0x1f\n", Default::default())
            .ok()
            .flatten()
            .and_then(|d| d.as_map().map(|m| m.to_vec()))
            .unwrap_or_default();
        let vals: Vec<VarValue> = node
            .iter()
            .map(|(_, v)| VarValue::from_node(v).unwrap_or(VarValue::Null))
            .collect();
        assert_eq!(vals[0], VarValue::Str("text".into()));
        assert_eq!(vals[0], VarValue::from_json(serde_json::json!("text")));
        assert_eq!(vals[0], VarValue::Str("text".into()));
        assert_eq!(vals[1].as_str(), Some("yes"));
        assert_eq!(vals[2], VarValue::Bool(true));
        assert_eq!(vals[3], VarValue::Num(31.into()));
        assert_ne!(vals[1], vals[2]);
        assert_eq!(vals[1].to_json(), serde_json::json!("yes"));
    }

    #[test]
    fn mappings_as_json_objects() {
        let node = |t: &str| crate::yaml::parse(t, Default::default()).unwrap().unwrap();
        // `1` and `"1"` are two Python keys and one JSON key: the later wins
        let v = VarValue::from_node(&node("1: a\n'1': b\nx: c\n")).unwrap();
        assert_eq!(v.to_json(), serde_json::json!({"1": "b", "x": "c"}));
        // equal as objects whatever the order
        let a = VarValue::from_node(&node("x: 1\ny: [a, b]\n")).unwrap();
        let b = VarValue::from_node(&node("y: [a, b]\nx: 1\n")).unwrap();
        let c = VarValue::from_node(&node("y: [a, b]\nx: 2\n")).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn unsafe_text_is_typed_again_and_its_strings_marked() {
        let node = |t: &str| crate::yaml::parse(t, Default::default()).unwrap().unwrap();
        let v = VarValue::from_node(&node(
            "a: !unsafe '{{ x }}'\nb: !unsafe \"yes\"\nc: !unsafe\nd: !unsafe [x, 1, '2']\ne: [x]\n",
        ))
        .unwrap();
        let unsafe_ = |s: &str| serde_json::json!({ "__ansible_unsafe": s });
        assert_eq!(
            v.to_json(),
            serde_json::json!({
                "a": unsafe_("{{ x }}"),
                "b": true,
                "c": null,
                "d": [unsafe_("x"), 1, unsafe_("2")],
                "e": ["x"],
            })
        );
        // the same text to every reader but the printer
        let VarValue::Map(m) = &v else {
            panic!("a mapping: {v:?}")
        };
        assert_eq!(m[0].1.as_str(), Some("{{ x }}"));
        assert_eq!(m[0].1, VarValue::Str("{{ x }}".into()));
        for bad in [
            "a: !unsafe <<\n",
            "a: !vault 5\n",
            "a: !vault [x]\n",
            "!vault a: 1\n",
        ] {
            assert!(VarValue::from_node(&node(bad)).is_err(), "{bad}");
        }
    }
}
