//! The catalogue as text: one rule's documentation (what `git-inventory
//! rules CODE` prints) and the whole catalogue as Markdown (`docs/rules.md`,
//! held to this by `tests/docs.rs`).

use super::{info, RULES};
use crate::diagnostic::Code;

/// A rule's documentation: a heading with its code, name and default
/// severity, its summary, then its doc block.
pub fn rule_markdown(code: Code) -> String {
    format!(
        "{}\n\n{}\n\n{}",
        heading(code),
        code.summary(),
        info(code).doc
    )
}

fn heading(code: Code) -> String {
    format!(
        "# {} {} (default: {})",
        code.as_str(),
        code.name(),
        code.default_severity().as_str()
    )
}

/// The anchor a Markdown renderer (GitHub's) gives a heading: lowercase,
/// punctuation other than `-` and `_` dropped, spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim_start_matches('#')
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| {
            if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// `docs/rules.md`: a table of every rule (code, name, default severity,
/// summary), then each rule's [`rule_markdown`].
pub fn catalogue_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\
         \n\
         <!-- Generated from src/codes.rs and src/rules/ by \
         `UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\
         \n\
         `git-inventory rules` lists the rules and `git-inventory rules CODE` \
         prints one rule's section below. A rule's severity is set per code or \
         name under `rules:` in `.git-inventory.yml` (`error`, `warning` or `off`).\n\
         \n\
         | code | name | default | summary |\n\
         | --- | --- | --- | --- |\n",
    );
    for rule in RULES {
        let code = rule.code;
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} |\n",
            code.as_str(),
            anchor(&heading(code)),
            code.name(),
            code.default_severity().as_str(),
            code.summary().replace('|', "\\|")
        ));
    }
    for rule in RULES {
        out.push('\n');
        out.push_str(&rule_markdown(rule.code));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github() {
        assert_eq!(
            anchor(&heading(Code::DomainMismatch)),
            "inv011-domain-mismatch-default-error"
        );
    }

    #[test]
    fn catalogue_has_a_row_and_a_section_per_rule() {
        let md = catalogue_markdown();
        for code in Code::ALL {
            assert!(md.contains(&format!("| [{}](#", code.as_str())), "{code}");
            assert!(
                md.contains(&format!("\n{}\n", rule_markdown(code))),
                "{code}"
            );
        }
    }
}
