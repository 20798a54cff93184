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
    if inv.fatal.is_empty() {
        let _ = ansible::python_json(&ansible::list(&inv));
        let _ = ansible::graph(&inv, "all", true);
    }
});
