//! Every rule over arbitrary bytes as an environment's hosts.yml and as the
//! cross-environment group file, then every renderer.
#![no_main]
use git_inventory::config::Config;
use git_inventory::vfs::MemVfs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(cfg) = Config::parse("rules: {INV040: warning}\nlimits: {max_range_hosts: 10000}\n", "c").map(|c| c.resolve()) else { return };
    let Ok(cfg) = cfg else { return };
    let vfs = MemVfs::from_bytes(&[
        ("inventory/DEV/hosts.yml", data),
        ("inventory/xenv_groups.yml", data),
        ("inventory/DEV/xenv_groups.yml", b"->../xenv_groups.yml"),
        ("inventory/DEV/host_vars/h.yml", data),
    ]);
    let report = git_inventory::validate::validate_repo(&vfs, &cfg);
    let _ = git_inventory::output::human::render(&report.diagnostics, false);
    let _ = git_inventory::output::json(&report);
    let _ = git_inventory::output::github(&report);
    let _ = git_inventory::output::gitlab(&report);
});
