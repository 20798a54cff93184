//! Vars given for an item merged into the vars it has: `vars_state` and
//! `vars_overwrite_depth` as the collection defines them, except that a
//! list gains only the items it lacks (so running a request twice changes
//! nothing the second time).

use super::spec::VarsState;
use serde_json::{Map, Value};

/// Python's truth of a value: `null`, `false`, `0`, `""`, `[]` and `{}`
/// are false.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// Merge `new` into `old` (the top level of an item's vars is depth 1).
/// With [`VarsState::Merge`] every level merges; with
/// [`VarsState::Overwrite`] the levels below `depth` merge, and at `depth`
/// a given mapping or list replaces the one there whole.
pub fn merge(old: &mut Map<String, Value>, new: &Map<String, Value>, state: VarsState, depth: u32) {
    merge_at(old, new, state, depth, 1);
}

fn merge_at(
    old: &mut Map<String, Value>,
    new: &Map<String, Value>,
    state: VarsState,
    od: u32,
    level: u32,
) {
    let deep = state == VarsState::Merge || level < od;
    for (k, nv) in new {
        let Some(ov) = old.get_mut(k) else {
            old.insert(k.clone(), nv.clone());
            continue;
        };
        match (ov, nv) {
            (Value::Object(om), Value::Object(nm)) if deep => {
                // An empty mapping at a level that merges keeps what is
                // there (the collection's rule).
                let inner_deep = state == VarsState::Merge || level + 1 < od;
                if nm.is_empty() && !inner_deep {
                    *om = Map::new();
                } else {
                    merge_at(om, nm, state, od, level + 1);
                }
            }
            (Value::Array(oa), Value::Array(na)) if deep => {
                for item in na {
                    if !oa.contains(item) {
                        oa.push(item.clone());
                    }
                }
            }
            (ov, nv) => *ov = nv.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn merged(old: Value, new: Value, state: VarsState, depth: u32) -> Value {
        let mut o = m(old);
        merge(&mut o, &m(new), state, depth);
        Value::Object(o)
    }

    #[test]
    fn merge_goes_deep_and_lists_gain_missing_items() {
        let old = json!({"a": {"b": 1, "c": {"d": 2}}, "l": [1, 2], "s": "x"});
        let new = json!({"a": {"c": {"e": 3}}, "l": [2, 3], "s": "y", "n": true});
        assert_eq!(
            merged(old, new, VarsState::Merge, 2),
            json!({"a": {"b": 1, "c": {"d": 2, "e": 3}}, "l": [1, 2, 3], "s": "y", "n": true})
        );
    }

    #[test]
    fn overwrite_replaces_at_its_depth() {
        let old = json!({"full": {"outer1": {"x": 1, "inner": {"y": 2}}, "outer2": 5}, "l": [1]});
        let new = json!({"full": {"outer1": {"inner": {"z": 3}}}, "l": [2]});
        // depth 1: top-level values are replaced whole.
        assert_eq!(
            merged(old.clone(), new.clone(), VarsState::Overwrite, 1),
            json!({"full": {"outer1": {"inner": {"z": 3}}}, "l": [2]})
        );
        // depth 2: `full` merges, `outer1` is replaced whole.
        assert_eq!(
            merged(old.clone(), new.clone(), VarsState::Overwrite, 2),
            json!({"full": {"outer1": {"inner": {"z": 3}}, "outer2": 5}, "l": [1, 2]})
        );
        // depth 3: `outer1` merges, `inner` is replaced.
        assert_eq!(
            merged(old, new, VarsState::Overwrite, 3),
            json!({"full": {"outer1": {"x": 1, "inner": {"z": 3}}, "outer2": 5}, "l": [1, 2]})
        );
    }

    #[test]
    fn merging_twice_changes_nothing_the_second_time() {
        let new = json!({"l": ["a"], "d": {"k": [1]}});
        let once = merged(json!({"l": ["b"]}), new.clone(), VarsState::Merge, 2);
        assert_eq!(merged(once.clone(), new, VarsState::Merge, 2), once);
    }
}
