//! Python-free parity: our `list`/`graph` (and `graph --vars` where it was
//! recorded) against the answers ansible-core 2.19.14 gave for every corpus
//! file (recorded in `expected/`), and
//! `validate` exiting 1 where Ansible refused the file.

mod common;
use common::*;
use std::path::Path;

fn check_dir(dir: &Path) -> usize {
    let mut checked = 0;
    for file in corpus_files(dir) {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let exp = dir.join("expected");
        let rc: i32 = std::fs::read_to_string(exp.join(format!("{name}.rc")))
            .unwrap_or_else(|_| panic!("no expected rc for {name}"))
            .trim()
            .parse()
            .unwrap();
        let f = file.to_string_lossy().to_string();
        if rc == 0 {
            let o = run(&["list", "-i", &f], dir);
            assert!(o.status.success(), "{name}: list failed: {}", stderr(&o));
            // Byte for byte: Python's JSON (`Infinity`, `1e+20`, big
            // integers) is not all JSON a parser would give back unchanged.
            let theirs = std::fs::read_to_string(exp.join(format!("{name}.list.json"))).unwrap();
            assert_eq!(
                stdout(&o).trim_end(),
                theirs.trim_end(),
                "{name}: --list differs"
            );
            let o = run(&["graph", "-i", &f], dir);
            assert!(o.status.success(), "{name}: graph failed: {}", stderr(&o));
            let theirs = std::fs::read_to_string(exp.join(format!("{name}.graph.txt"))).unwrap();
            assert_eq!(
                stdout(&o).trim_end(),
                theirs.trim_end(),
                "{name}: --graph differs"
            );
            // Where Ansible's `--graph --vars` was recorded too.
            let with_vars = exp.join(format!("{name}.graph-vars.txt"));
            if let Ok(theirs) = std::fs::read_to_string(&with_vars) {
                let o = run(&["graph", "-i", &f, "--vars"], dir);
                assert_eq!(
                    stdout(&o).trim_end(),
                    theirs.trim_end(),
                    "{name}: --graph --vars differs"
                );
                // and its exit status, where that was recorded
                if let Ok(rc) = std::fs::read_to_string(exp.join(format!("{name}.graph-vars.rc"))) {
                    assert_eq!(
                        o.status.code(),
                        rc.trim().parse().ok(),
                        "{name}: --graph --vars exit status: {}",
                        stderr(&o)
                    );
                }
            }
        } else {
            let o = run(&["validate", &f], dir);
            assert_eq!(
                o.status.code(),
                Some(1),
                "{name}: Ansible refuses it, validate must exit 1: {}",
                stdout(&o)
            );
            let o = run(&["list", "-i", &f], dir);
            assert_eq!(o.status.code(), Some(1), "{name}: list must refuse it too");
        }
        // Never a panic, whatever the file.
        let o = run(&["validate", "--format", "json", &f], dir);
        assert!(
            matches!(o.status.code(), Some(0) | Some(1)),
            "{name}: {}",
            stderr(&o)
        );
        checked += 1;
    }
    checked
}

#[test]
fn own_fixtures_match_ansible() {
    assert!(check_dir(&own_fixtures()) >= 15);
}

#[test]
fn shared_corpus_matches_ansible() {
    assert!(check_dir(&shared_corpus()) >= 30);
}
