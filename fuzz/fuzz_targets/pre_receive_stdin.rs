//! The pre-receive hook's input: parsing, and the decision on a repository
//! that does not exist (must fail closed, never panic).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = git_inventory::hook::parse_updates(&s);
    let v = git_inventory::hook::decide(&s, std::path::Path::new("/nonexistent/repo.git"), &Default::default());
    assert!(!v.accept || v.lines.is_empty() || s.lines().all(|l| l.trim().is_empty() || l.split(' ').nth(1).is_some_and(|n| n.bytes().all(|b| b == b'0'))));
});
