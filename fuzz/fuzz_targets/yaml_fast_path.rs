//! The YAML fast path either declines or builds exactly the general parser's tree.
#![no_main]
use git_inventory::yaml::{parse_fast_only, parse_general, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(fast) = parse_fast_only(text, Limits::default()) {
        assert_eq!(Ok(Some(fast)), parse_general(text, Limits::default()), "{text:?}");
    }
});
