//! Why an address is refused or a host pattern cannot be expanded, with
//! ansible-core's messages.

use std::fmt;

use super::limits::{MAX_RANGE_DEPTH, PY_INT_MAX_STR_DIGITS};

/// Why [`parse_address`](super::parse_address) refused an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// The (port-stripped) address is neither an IPv4 address, an IPv6
    /// address nor a hostname (Ansible: `Not a valid network hostname: ...`).
    NotValid(String),
    /// The host contains a range but ranges were not allowed.
    RangeNotAllowed,
    /// Ansible accepts the address, but its port does not fit in a `u64`
    /// (Python integers are unbounded). `port` holds the decimal digits
    /// without leading zeros.
    PortOutOfRange {
        /// The host part, as Ansible would return it.
        host: String,
        /// The port, in decimal.
        port: String,
    },
    /// The port has more than 4300 digits: Python's `int()` raises
    /// `ValueError`, so Ansible does not recognise the address.
    PortTooLong {
        /// Number of digits of the port.
        digits: usize,
    },
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressError::NotValid(address) => {
                write!(f, "Not a valid network hostname: {address}")
            }
            AddressError::RangeNotAllowed => {
                f.write_str("Detected range in host but was asked to ignore ranges")
            }
            AddressError::PortOutOfRange { host, port } => {
                write!(f, "port {port} of host {host} does not fit in 64 bits")
            }
            AddressError::PortTooLong { digits } => write_int_too_long(f, *digits),
        }
    }
}

impl std::error::Error for AddressError {}

/// Why a host pattern could not be expanded (each variant is one way
/// ansible-core fails), or why this crate refuses to expand it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeError {
    /// Splitting at the first `[`, the first `]` and every literal `|` did
    /// not give exactly three parts (Python's tuple unpacking `ValueError`).
    /// `parts` is the number of parts obtained.
    Unpack {
        /// Number of parts (Ansible needs exactly 3: head, range, tail).
        parts: usize,
    },
    /// The range is not `begin:end` or `begin:end:step`.
    BoundsCount,
    /// The range has an empty end value.
    MissingEnd,
    /// A zero-padded begin (`01`) and the end differ in length.
    UnequalWidth,
    /// A letter range goes backwards (`[c:a]`).
    BeginAfterEnd,
    /// Python's `int()` rejected a bound or step (`invalid literal for int()`).
    InvalidLiteral(String),
    /// A bound or step has more than 4300 digits (Python's `int()` limit).
    IntTooLong {
        /// Number of digits.
        digits: usize,
    },
    /// A numeric range with step 0 (`range() arg 3 must not be zero`).
    ZeroStep,
    /// More than [`MAX_RANGE_DEPTH`] nested ranges: Ansible dies with
    /// `RecursionError`.
    TooDeep {
        /// The nesting depth that was refused.
        depth: usize,
    },
    /// The pattern would expand to more names than the caller's limit.
    /// `count` is exact, saturated at `u128::MAX`.
    TooMany {
        /// How many names the pattern expands to.
        count: u128,
    },
    /// Ansible accepts the key but its port does not fit in a `u64`
    /// (digits without leading zeros).
    PortOutOfRange(String),
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RangeError::Unpack { parts } if *parts < 3 => {
                write!(f, "not enough values to unpack (expected 3, got {parts})")
            }
            RangeError::Unpack { .. } => f.write_str("too many values to unpack (expected 3)"),
            RangeError::BoundsCount => {
                f.write_str("host range must be begin:end or begin:end:step")
            }
            RangeError::MissingEnd => f.write_str("host range must specify end value"),
            RangeError::UnequalWidth => {
                f.write_str("host range must specify equal-length begin and end formats")
            }
            RangeError::BeginAfterEnd => f.write_str("host range must have begin <= end"),
            RangeError::InvalidLiteral(s) => {
                write!(f, "invalid literal for int() with base 10: '{s}'")
            }
            RangeError::IntTooLong { digits } => write_int_too_long(f, *digits),
            RangeError::ZeroStep => f.write_str("range() arg 3 must not be zero"),
            RangeError::TooDeep { depth } => write!(
                f,
                "maximum recursion depth exceeded: {depth} nested host ranges \
                 (ansible-core copes with about {MAX_RANGE_DEPTH})"
            ),
            RangeError::TooMany { count } => {
                write!(
                    f,
                    "expands to {count} host names, more than the configured limit"
                )
            }
            RangeError::PortOutOfRange(port) => write!(f, "port {port} does not fit in 64 bits"),
        }
    }
}

impl std::error::Error for RangeError {}

fn write_int_too_long(f: &mut fmt::Formatter<'_>, digits: usize) -> fmt::Result {
    write!(
        f,
        "Exceeds the limit ({PY_INT_MAX_STR_DIGITS} digits) for integer string conversion: \
         value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
    )
}
