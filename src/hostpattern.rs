//! TEMPORARY stub until the real port lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeError { Bad(String), TooMany { count: u128 } }
impl std::fmt::Display for RangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "{self:?}") }
}
pub fn expand_hostpattern(pattern: &str, _limit: usize) -> Result<(Vec<String>, Option<u64>), RangeError> {
    Ok((vec![pattern.to_string()], None))
}
pub fn is_recognised_host(s: &str) -> bool { !s.contains(' ') }
