//! `ansible-inventory --list` and `--graph` output, byte for byte where we can:
//! the same traversal order, Python's `json.dumps(sort_keys=True, indent=4)`
//! formatting (`ensure_ascii=False`: text as UTF-8), and the same `  |--` tree.
//!
//! `shown` picks the vars ansible-inventory prints, `list` writes `--list`,
//! `graph` writes `--graph`, `python` holds Python's `str()`, `repr()`
//! and `json.dumps()` of values, and `pydatetime` those of dates.

mod graph;
mod list;
mod pydatetime;
mod python;
mod shown;

pub use graph::{graph, GraphError};
pub use list::{list_text, write_list};
pub use python::{python_json, python_str};
pub use shown::{host_vars, shown_vars};
