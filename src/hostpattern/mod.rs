//! Host keys as ansible-core reads them: `host:port`, `[v6]:port`, ranges.
//!
//! This module reproduces, without a regex engine, what ansible-core 2.19.14
//! does with a host key of a YAML inventory:
//!
//! * [`parse_address`] mirrors `ansible.parsing.utils.addresses.parse_address`
//!   and its regexes (`bracketed_hostport`, `hostport`, `ipv4`, `ipv6`,
//!   `hostname`), written as small hand-made matchers that run in linear time.
//! * [`expand_hostpattern`] mirrors `_BaseInventoryPlugin._expand_hostpattern`
//!   (what the `yaml` inventory plugin calls for every key under `hosts:`).
//! * [`expand_hostname_range`] mirrors `expand_hostname_range` from
//!   `ansible.plugins.inventory`, including Python `int()` semantics.
//!
//! Python details that are reproduced on purpose:
//!
//! * `$` in a Python regex also matches just before a single trailing `"\n"`,
//!   so `"web1\n"` is a valid hostname (kept *with* the newline) and
//!   `"web1:22\n"` is `web1` on port 22.
//! * Both port patterns are tried in turn on the already-stripped address:
//!   `"[a:22]:33"` is host `a` on port **22**.
//! * `\w` (the `hostname` regex uses `re.UNICODE`) is exactly Python 3.11's
//!   `str.isalnum() or "_"`: it is taken from an embedded table generated from
//!   the Unicode 14.0 database of the reference interpreter rather than from
//!   `char::is_alphanumeric()`, which also accepts combining marks (for example
//!   Devanagari vowel signs) and letters added after Unicode 14.
//! * With `re.IGNORECASE`, the `[a-z]` of a hostname's letter range also
//!   matches `İ`, `ı`, `ſ` and the Kelvin sign `K`.
//! * `int()` accepts surrounding Unicode whitespace, a sign, single
//!   underscores between digits and any Unicode decimal digit (`"٣"` is 3),
//!   and refuses more than 4300 digits (`sys.get_int_max_str_digits()`).
//!
//! Everything here is panic-free for any input and uses checked or arbitrary
//! precision arithmetic, so huge numbers are handled like Python handles them.

mod address;
mod big;
mod error;
mod limits;
mod pyint;
mod range;
mod unicode;

pub use address::{is_recognised_host, parse_address, plain_hostname};
pub use error::{AddressError, RangeError};
pub use limits::MAX_RANGE_DEPTH;
pub use range::{expand_hostname_range, expand_hostpattern};

#[cfg(test)]
mod tests;
