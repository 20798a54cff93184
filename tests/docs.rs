//! `docs/rules.md` is generated from the rule registry
//! (`git_inventory::rules::catalogue_markdown`). This test fails when the
//! committed file differs; `UPDATE_DOCS=1 cargo test --test docs` rewrites it.

use std::path::Path;

#[test]
fn rules_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let want = git_inventory::rules::catalogue_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        eprintln!("wrote {}", path.display());
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have == want {
        return;
    }
    let line = |l: Option<&str>| l.map_or("(end of file)".to_string(), |l| format!("{l:?}"));
    let difference = have
        .lines()
        .map(Some)
        .chain(std::iter::repeat(None))
        .zip(want.lines().map(Some).chain(std::iter::repeat(None)))
        .take(have.lines().count().max(want.lines().count()))
        .enumerate()
        .find(|(_, (h, w))| h != w)
        .map_or("the line endings differ".to_string(), |(n, (h, w))| {
            format!(
                "first difference at line {}:\n  committed: {}\n  generated: {}",
                n + 1,
                line(h),
                line(w)
            )
        });
    panic!(
        "docs/rules.md is stale (it is generated from src/codes.rs and src/rules/); \
         {difference}\nRegenerate it with `UPDATE_DOCS=1 cargo test --test docs` and commit it."
    );
}
