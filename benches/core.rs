//! Micro-benchmarks of the passes a validation run is made of, on a
//! generated 10k-host repository (scripts/gen-inventory, ~3.4 MB of YAML):
//! YAML parsing (fast path and general path), building the environments'
//! models, the rule catalogue over a prepared context, and the whole run.
//!
//!     cargo bench --bench core            # measure, compare with the last run
//!
//! Under `cargo test --all-targets` each benchmark runs once, as a smoke test.
//! The comparisons with the peers (ansible-inventory, yamllint,
//! check-jsonschema) are in scripts/bench.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use git_inventory::config::Config;
use git_inventory::timer::Timer;
use git_inventory::validate;
use git_inventory::vfs::FsVfs;
use git_inventory::yaml::{self, Limits};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

const HOSTS: usize = 10_000;

/// The generated repository, made once under target/.
fn repo() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("target/criterion-data/repo-{HOSTS}"));
    if !dir.join("inventory/DEV/hosts.yml").is_file() {
        let _ = std::fs::remove_dir_all(&dir);
        let status = Command::new(root.join("scripts/gen-inventory"))
            .arg(HOSTS.to_string())
            .arg(&dir)
            .status();
        match status {
            Ok(s) if s.success() => {}
            other => panic!("scripts/gen-inventory (python3) failed: {other:?}"),
        }
    }
    dir
}

fn benches(c: &mut Criterion) {
    let dir = repo();
    let dev = std::fs::read_to_string(dir.join("inventory/DEV/hosts.yml"))
        .unwrap_or_else(|e| panic!("generated DEV/hosts.yml: {e}"));
    let config = Config::default()
        .resolve()
        .unwrap_or_else(|e| panic!("default config: {e}"));
    let vfs = FsVfs::new(&dir);

    let mut g = c.benchmark_group("yaml");
    g.throughput(Throughput::Bytes(dev.len() as u64));
    g.bench_function("parse (fast path)", |b| {
        b.iter(|| yaml::parse(black_box(&dev), Limits::default()))
    });
    g.bench_function("parse (general path)", |b| {
        b.iter(|| yaml::parse_general(black_box(&dev), Limits::default()))
    });
    g.finish();

    let mut g = c.benchmark_group("validate");
    g.sample_size(20);
    let quiet = Timer::new();
    g.bench_function("prepare (parse + models)", |b| {
        b.iter(|| {
            let views = validate::discover(&vfs, &config);
            validate::prepare(&vfs, &config, views, Some("inventory"), &quiet)
        })
    });
    let views = validate::discover(&vfs, &config);
    let cx = validate::prepare(&vfs, &config, views, Some("inventory"), &quiet);
    g.bench_function("rules", |b| {
        b.iter(|| git_inventory::rules::run_all(black_box(&cx)))
    });
    g.bench_function("whole run", |b| {
        b.iter(|| validate::validate_repo(&vfs, &config))
    });
    g.finish();
}

criterion_group!(core, benches);
criterion_main!(core);
