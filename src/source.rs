//! Source text of one inventory file, byte spans into it, and a precomputed
//! line index so that line/column look-ups are a binary search, never a rescan.

use std::sync::Arc;

/// A byte range `start..end` in a [`SourceFile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// A 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One file's text, its repository-relative path, and its line starts.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to users (repository-relative, `/`-separated).
    pub path: String,
    pub text: String,
    /// Found when first asked for: most files loaded (every one `list`
    /// reads, a clean file `validate` reads) never give a line.
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: String) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            path: path.into(),
            text,
            line_starts: std::sync::OnceLock::new(),
        })
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = Vec::with_capacity(self.text.len() / 32 + 1);
            starts.push(0u32);
            starts.extend(
                memchr::memchr_iter(b'\n', self.text.as_bytes())
                    .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line_starts = self.line_starts();
        let line_idx = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = line_starts[line_idx] as usize;
        let end = (offset as usize).min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map(|s| s.chars().count())
            .unwrap_or(end - start)
            + 1;
        LineCol {
            line: line_idx + 1,
            column,
        }
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts()
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(u32::try_from(self.text.len()).unwrap_or(u32::MAX))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    /// The text of a span (empty when out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let f = SourceFile::new("x.yml", "a: 1\nbé: 2\nc: 3".to_string());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 1 });
        // 'é' is two bytes; ':' after it is column 3
        assert_eq!(f.line_col(8), LineCol { line: 2, column: 3 });
        assert_eq!(f.line_col(12), LineCol { line: 3, column: 1 });
        assert_eq!(f.line_col(999).line, 3);
    }
}
