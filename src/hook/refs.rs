//! What git hands the pre-receive hook on stdin, and which refs it judges.

/// One line of pre-receive input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub old: String,
    pub new: String,
    pub name: String,
}

/// A line of input that is not `<old> <new> <ref>` (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("input line {line}: expected `<old> <new> <ref>`")]
pub struct BadRefLine {
    pub line: usize,
}

fn is_oid(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The all-zero id: a ref created (as old) or deleted (as new).
pub fn is_zero(s: &str) -> bool {
    s.bytes().all(|b| b == b'0')
}

/// Parse `<old> <new> <ref>` lines (SHA-1 or SHA-256 ids).
pub fn parse_updates(input: &str) -> Result<Vec<RefUpdate>, BadRefLine> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let bad = BadRefLine { line: i + 1 };
        let mut parts = line.splitn(3, ' ');
        let (Some(old), Some(new), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad);
        };
        if !is_oid(old) || !is_oid(new) || old.len() != new.len() || name.is_empty() {
            return Err(bad);
        }
        out.push(RefUpdate {
            old: old.to_ascii_lowercase(),
            new: new.to_ascii_lowercase(),
            name: name.to_string(),
        });
    }
    Ok(out)
}

/// `*` matches any run of characters (`/` included); everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ref_lines() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let v = parse_updates(&format!(
            "{z} {a} refs/heads/main\n{a} {z} refs/heads/old\n"
        ))
        .unwrap();
        assert_eq!(v.len(), 2);
        assert!(is_zero(&v[1].new));
        let s = "b".repeat(64);
        assert!(parse_updates(&format!("{s} {s} refs/heads/x\n")).is_ok());
        assert!(parse_updates("garbage\n").is_err());
        assert!(parse_updates(&format!("{a} {s} refs/heads/x\n")).is_err());
    }

    #[test]
    fn globs() {
        assert!(glob_match("refs/heads/*", "refs/heads/feature/x"));
        assert!(glob_match("refs/heads/main", "refs/heads/main"));
        assert!(!glob_match("refs/heads/main", "refs/heads/main2"));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("refs/*/release-*", "refs/heads/release-1"));
    }
}
