//! The updater's inputs: --params (JSON/YAML), --hosts files, --var.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = git_inventory::updater::params::parse(&s);
    let _ = git_inventory::updater::params::parse_hosts(&s);
    let _ = git_inventory::updater::params::parse_var(&s);
    let _ = git_inventory::updater::edit::check_host_name(&s);
    let _ = git_inventory::updater::edit::add_host("all:\n  children:\n    web:\n      hosts:\n        a:\n", "web", &s, &[]);
});
