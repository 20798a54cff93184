//! Secrets kept in files (a token, a signing key): read when needed, one
//! trailing newline stripped (as `echo` writes it), and named in errors
//! by the file only, never by what it holds.

use std::path::Path;

/// The secret in the file at `path`.
pub fn read(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let t = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    if t.is_empty() {
        return Err(format!("{shown} is empty"));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_secret_file_loses_one_trailing_newline() {
        let dir = std::env::temp_dir().join(format!("gi-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("token");
        std::fs::write(&f, "abc\n\n").unwrap();
        assert_eq!(super::read(&f).unwrap(), "abc\n");
        std::fs::write(&f, "abc\r\n").unwrap();
        assert_eq!(super::read(&f).unwrap(), "abc");
        std::fs::write(&f, "\n").unwrap();
        let e = super::read(&f).unwrap_err();
        assert!(e.contains("empty") && e.contains("token"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
