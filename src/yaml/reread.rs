//! What saphyr reads instead of a file where libyaml (Ansible's reader) is
//! laxer than saphyr about blanks: the file's characters with some blanks
//! read as spaces, and spaces put in at some line starts, with the way back
//! from each character saphyr reports to the file's own.
//!
//! - A tab after a mapping's `:` (`key:<TAB>value`) is separation space.
//! - A byte order mark at the start of a line is skipped, as one column.
//! - The continuation lines of a quoted scalar may start at any column, and
//!   with tabs: libyaml folds their leading blanks away without looking at
//!   the indentation, where saphyr wants them past the enclosing block's.
//!   They are read indented to the opening quote's column (the value is the
//!   same: those blanks are not part of it).
//! - So may the lines of a flow collection (`[a,` then `b]` at column 0):
//!   read indented to the opening bracket's column.

/// Characters of the file read otherwise, by byte position in the file.
#[derive(Debug, Default, Clone)]
pub(super) struct Fixes {
    /// Tabs and byte order marks read as one space each.
    as_space: std::collections::BTreeSet<usize>,
    /// Line starts (byte positions) given spaces up to a column.
    indent: std::collections::BTreeMap<usize, usize>,
}

/// The text saphyr reads, and the map back to the file's characters.
pub(super) struct Reread {
    pub(super) text: String,
    /// (first put-in character in `text`, how many, how many put in up to
    /// and with these): sorted by position.
    put_in: Vec<(usize, usize, usize)>,
}

impl Reread {
    /// The file's character index for a character index of [`Reread::text`]
    /// (a put-in space stands for the character it was put before).
    pub(super) fn original_char(&self, r: usize) -> usize {
        let i = self.put_in.partition_point(|&(at, _, _)| at <= r);
        match i.checked_sub(1).map(|i| self.put_in[i]) {
            None => r,
            Some((at, n, total)) if r < at + n => at - (total - n),
            Some((_, _, total)) => r - total,
        }
    }
}

impl Fixes {
    pub(super) fn is_empty(&self) -> bool {
        self.as_space.is_empty() && self.indent.is_empty()
    }

    /// Byte order marks at the start of a line but the first, read as a space.
    pub(super) fn line_boms(&mut self, text: &str) {
        const BOM: &str = "\u{feff}";
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if at > 0 && line.starts_with(BOM) {
                self.as_space.insert(at);
            }
            at += line.len();
        }
    }

    /// The tabs among the blanks before `at`, back to the `:` before them.
    pub(super) fn tabs_after_colon(&mut self, text: &str, at: usize) -> bool {
        let b = text.as_bytes();
        let at = at.min(b.len());
        let mut from = at;
        while from > 0 && matches!(b[from - 1], b' ' | b'\t') {
            from -= 1;
        }
        if from == 0 || b[from - 1] != b':' {
            return false;
        }
        self.add_tabs(b, from..at)
    }

    /// The tabs among the leading blanks of the line holding `at`.
    pub(super) fn tabs_leading(&mut self, text: &str, at: usize) -> bool {
        let b = text.as_bytes();
        let start = line_start(b, at.min(b.len()));
        self.add_tabs(b, start..blanks_end(b, start))
    }

    fn add_tabs(&mut self, b: &[u8], range: std::ops::Range<usize>) -> bool {
        let before = self.as_space.len();
        self.as_space.extend(range.filter(|&i| b[i] == b'\t'));
        self.as_space.len() > before
    }

    /// The continuation lines of the quoted scalar whose quote is at
    /// `quote`, indented to the quote's column. A line that is a document
    /// marker is left as it is (libyaml refuses one inside a scalar too).
    pub(super) fn quoted_continuations(&mut self, text: &str, quote: usize) -> bool {
        let b = text.as_bytes();
        let Some(&q) = b.get(quote) else {
            return false;
        };
        if q != b'"' && q != b'\'' {
            return false;
        }
        let column = text[line_start(b, quote)..quote].chars().count();
        let mut changed = false;
        let mut i = quote + 1;
        while i < b.len() {
            match b[i] {
                // An escaped character, but an escaped line break: the
                // next line is a continuation like any other.
                b'\\' if q == b'"' && !matches!(b.get(i + 1), Some(b'\n' | b'\r')) => i += 2,
                b'\'' if q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
                c if c == q => break,
                b'\n' => {
                    let start = i + 1;
                    let end = blanks_end(b, start);
                    let content = !matches!(b.get(end), None | Some(b'\n' | b'\r'));
                    if content && !is_document_marker(&b[start..]) {
                        changed |= self.add_tabs(b, start..end);
                        if end - start < column {
                            changed |= self.indent.insert(start, column) != Some(column);
                        }
                    }
                    i = end;
                }
                _ => i += 1,
            }
        }
        changed
    }

    /// The line holding `at`, inside a flow collection, indented to the
    /// column of the collection's opening bracket (found back from the line,
    /// brackets in quotes not told apart: saphyr's reading of the result is
    /// the judge, and more blanks there change nothing).
    pub(super) fn flow_continuation(&mut self, text: &str, at: usize) -> bool {
        let b = text.as_bytes();
        let start = line_start(b, at.min(b.len()));
        let mut depth = 0usize;
        let mut open = None;
        for i in (0..start).rev() {
            match b[i] {
                b']' | b'}' => depth += 1,
                b'[' | b'{' if depth == 0 => {
                    open = Some(i);
                    break;
                }
                b'[' | b'{' => depth -= 1,
                _ => {}
            }
        }
        let Some(open) = open else { return false };
        let column = text[line_start(b, open)..open].chars().count();
        let end = blanks_end(b, start);
        let mut changed = self.add_tabs(b, start..end);
        if end - start < column {
            changed |= self.indent.insert(start, column) != Some(column);
        }
        changed
    }

    /// The text read with these fixes.
    pub(super) fn reread(&self, text: &str) -> Reread {
        let mut out = String::with_capacity(text.len() + 64);
        let mut put_in = Vec::new();
        let mut total = 0;
        let mut chars = 0;
        let mut copied = 0;
        let mut spaces = self.as_space.iter().copied().peekable();
        let mut copy = |out: &mut String, chars: &mut usize, to: usize, copied: &mut usize| {
            while *copied < to {
                // Up to the next character read as a space, or to `to`.
                let next = match spaces.peek() {
                    Some(&s) if s < to => s,
                    _ => to,
                };
                if *copied < next {
                    let piece = &text[*copied..next];
                    *chars += piece.chars().count();
                    out.push_str(piece);
                    *copied = next;
                }
                if next < to {
                    spaces.next();
                    let len = text[next..].chars().next().map_or(1, char::len_utf8);
                    out.push(' ');
                    *chars += 1;
                    *copied = next + len;
                }
            }
        };
        for (&start, &column) in &self.indent {
            copy(&mut out, &mut chars, start, &mut copied);
            let width = blanks_end(text.as_bytes(), start) - start;
            let n = column.saturating_sub(width);
            if n > 0 {
                total += n;
                put_in.push((chars, n, total));
                out.extend(std::iter::repeat_n(' ', n));
                chars += n;
            }
        }
        copy(&mut out, &mut chars, text.len(), &mut copied);
        Reread { text: out, put_in }
    }
}

/// The byte position where the line holding `at` starts.
pub(super) fn line_start(b: &[u8], at: usize) -> usize {
    b[..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1)
}

fn blanks_end(b: &[u8], from: usize) -> usize {
    from + b[from.min(b.len())..]
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}

fn is_document_marker(line: &[u8]) -> bool {
    (line.starts_with(b"---") || line.starts_with(b"..."))
        && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::Fixes;

    #[test]
    fn spaces_put_in_map_back_to_the_characters_they_stand_before() {
        let text = "a: \"x\n\ty\n\"\nb: é\n";
        let mut f = Fixes::default();
        assert!(f.quoted_continuations(text, 3));
        let r = f.reread(text);
        assert_eq!(r.text, "a: \"x\n   y\n   \"\nb: é\n");
        // every character of the file is found again where it was
        let orig: Vec<char> = text.chars().collect();
        for (ri, c) in r.text.chars().enumerate() {
            let oi = r.original_char(ri);
            if c != ' ' {
                assert_eq!(orig[oi], c, "at {ri}");
            }
        }
        // the quote's column, not more: a line already past it is left as is
        let mut f = Fixes::default();
        assert!(!f.quoted_continuations("a: 'x\n      y'\n", 3));
        // a document marker stays where it is
        let mut f = Fixes::default();
        assert!(!f.quoted_continuations("a: 'x\n--- y'\n", 3));
    }
}
