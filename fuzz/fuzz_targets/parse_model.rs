//! YAML bytes -> decode -> spanned tree -> Ansible's inventory model -> --list/--graph.
#![no_main]
use git_inventory::inventory::{ansible, loader, Inventory};
use git_inventory::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = loader::decode(data.to_vec()) else { return };
    let limits = loader::LoadLimits { max_range_hosts: 10_000, ..Default::default() };
    let Ok(doc) = git_inventory::yaml::parse(&text, limits.yaml) else { return };
    let file = SourceFile::new("f.yml", text);
    let mut inv = Inventory::new();
    git_inventory::inventory::build::add_yaml_source(&mut inv, &file, doc.as_ref(), limits.max_range_hosts);
    inv.reconcile();
    // --list flattens group vars into every host: its size is hosts x vars
    // by design (as Ansible's). Keep the fuzzer to proportionate inputs.
    let vars: usize = inv.groups.values().map(|g| g.vars.len()).sum::<usize>() + 1;
    if inv.fatal.is_empty() && inv.hosts.len().saturating_mul(vars) < 200_000 {
        let _ = ansible::list_text(&inv);
        let _ = ansible::graph(&inv, "all", true);
    }
});
