//! The host-key parser and range expander (bounded expansion).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = git_inventory::hostpattern::is_recognised_host(s);
    let _ = git_inventory::hostpattern::expand_hostpattern(s, 10_000);
});
