//! No input makes the validator panic: every corpus and example file, cut
//! and mutated in many deterministic ways, goes through validation and every
//! renderer. Deterministic and quick, it runs with every `cargo test`; the
//! cargo-fuzz targets under `fuzz/` explore further.

mod common;
use common::*;
use git_inventory::config::Config;
use git_inventory::output;
use git_inventory::validate::validate_repo;
use git_inventory::vfs::MemVfs;

fn inputs() -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![shared_corpus(), own_fixtures()];
    dirs.push(root().join("examples/inventory/DEV"));
    dirs.push(root().join("examples/broken/inventory/DEV"));
    for d in dirs {
        for f in corpus_files(&d) {
            if let Ok(t) = std::fs::read_to_string(&f) {
                out.push(t);
            }
        }
    }
    out
}

/// Deterministic mutations of one text.
fn mutations(text: &str, seed: u64) -> Vec<Vec<u8>> {
    let b = text.as_bytes();
    let mut v: Vec<Vec<u8>> = Vec::new();
    let n = b.len().max(1);
    let step = (n / 24).max(1);
    for cut in (0..n).step_by(step) {
        v.push(b[..cut].to_vec());
    }
    let mut x = seed | 1;
    let mut rnd = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let inserts: [&[u8]; 14] = [
        b"\t", b"'", b"\"", b"[", b"]", b"{", b"}", b": ", b"&a ", b"*a", b"<<: ", b"- ", b"\xff",
        b"\r\n",
    ];
    for _ in 0..40 {
        let mut m = b.to_vec();
        let at = (rnd() as usize) % (m.len() + 1);
        let ins = inserts[(rnd() as usize) % inserts.len()];
        m.splice(at..at, ins.iter().copied());
        if rnd() % 3 == 0 && !m.is_empty() {
            let i = (rnd() as usize) % m.len();
            m[i] = (rnd() & 0xff) as u8;
        }
        v.push(m);
    }
    v
}

#[test]
fn mutated_inventories_never_panic() {
    let cfg = Config::parse("rules: {INV040: warning}\n", "t")
        .unwrap()
        .resolve()
        .unwrap();
    let mut runs = 0;
    for (i, text) in inputs().iter().enumerate() {
        for m in mutations(text, i as u64 + 7) {
            let s = String::from_utf8_lossy(&m).into_owned();
            let vfs = MemVfs::new(&[
                ("inventory/DEV/hosts.yml", s.as_str()),
                ("inventory/xenv_groups.yml", s.as_str()),
                ("inventory/DEV/xenv_groups.yml", "->../xenv_groups.yml"),
            ]);
            let report = validate_repo(&vfs, &cfg);
            let _ = output::human::render(&report.diagnostics, false);
            let _ = output::json(&report);
            let _ = output::github(&report);
            let _ = output::gitlab(&report);
            runs += 1;
        }
    }
    assert!(runs > 2000, "{runs} runs");
}
