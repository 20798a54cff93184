//! The limits Python puts on what ansible-core can expand, which we meet
//! with the same errors.

/// Python's default `sys.get_int_max_str_digits()`: `int()` refuses longer digit strings.
pub(super) const PY_INT_MAX_STR_DIGITS: usize = 4300;

/// How many nested ranges ansible-inventory 2.19.14 (Python 3.11) can expand
/// for a host directly under a top-level group before Python raises
/// `RecursionError` (986 ranges work, 987 fail). The exact figure depends on
/// Python's stack depth at the call, so it is an approximation: each level
/// of `children:` nesting lowers it by about one.
pub const MAX_RANGE_DEPTH: usize = 986;
