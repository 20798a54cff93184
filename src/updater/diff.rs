//! The unified diff of an edit, as `git diff` shows it.

/// Lines of context around each change.
const DIFF_CONTEXT: usize = 3;

fn full_unified_diff(file: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(DIFF_CONTEXT)
        .header(&format!("a/{file}"), &format!("b/{file}"))
        .to_string()
}

/// The unified diff of an edit: only the changed middle of the file (plus
/// context) goes through the diff algorithm, with hunk headers shifted
/// back to whole-file line numbers (diffing all of a 10 MB inventory for
/// a one-line change takes a tenth of a second).
pub fn unified_diff(file: &str, before: &str, after: &str) -> String {
    let (b, a) = (before.as_bytes(), after.as_bytes());
    let same = b.iter().zip(a).take_while(|(x, y)| x == y).count();
    // Back to a line start, then DIFF_CONTEXT lines more.
    let mut start = before[..same].rfind('\n').map_or(0, |i| i + 1);
    for _ in 0..DIFF_CONTEXT {
        if start == 0 {
            break;
        }
        start = before[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let room = (b.len() - start).min(a.len() - start);
    let tail = b
        .iter()
        .rev()
        .zip(a.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    // Forward to a line start, then DIFF_CONTEXT lines more.
    let mut end = b.len() - tail;
    if end > start && b[end - 1] != b'\n' {
        end = before[end..].find('\n').map_or(b.len(), |i| end + i + 1);
    }
    for _ in 0..DIFF_CONTEXT {
        if end >= b.len() {
            break;
        }
        end = before[end..].find('\n').map_or(b.len(), |i| end + i + 1);
    }
    let a_end = a.len() - (b.len() - end);
    if start == 0 && end == b.len() {
        return full_unified_diff(file, before, after);
    }
    let shift = before[..start].matches('\n').count();
    let middle = full_unified_diff(file, &before[start..end], &after[start..a_end]);
    let mut out = String::with_capacity(middle.len());
    for line in middle.split_inclusive('\n') {
        match shift_hunk_header(line, shift) {
            Some(h) => out.push_str(&h),
            None => out.push_str(line),
        }
    }
    out
}

/// `@@ -a,b +c,d @@` with both starts moved down by `shift` lines.
fn shift_hunk_header(line: &str, shift: usize) -> Option<String> {
    let rest = line.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(" +")?;
    let (new, rest) = rest.split_once(" @@")?;
    let move_start = |range: &str| -> Option<String> {
        let (s, len) = match range.split_once(',') {
            Some((s, l)) => (s, Some(l)),
            None => (range, None),
        };
        let s = s.parse::<usize>().ok()? + shift;
        Some(match len {
            Some(l) => format!("{s},{l}"),
            None => s.to_string(),
        })
    };
    Some(format!(
        "@@ -{} +{} @@{rest}",
        move_start(old)?,
        move_start(new)?
    ))
}

#[cfg(test)]
mod tests {
    use super::{full_unified_diff, unified_diff};

    #[test]
    fn windowed_diff_equals_the_whole_file_diff() {
        let base: String = (0..200).map(|i| format!("line {i}\n")).collect();
        type Edit = Box<dyn Fn(&str) -> String>;
        let edits: Vec<Edit> = vec![
            Box::new(|t: &str| t.replacen("line 100\n", "line 100\nnew\n", 1)),
            Box::new(|t: &str| t.replacen("line 0\n", "", 1)),
            Box::new(|t: &str| t.replacen("line 199\n", "line 199", 1)),
            Box::new(|t: &str| format!("{t}tail\n")),
            Box::new(|t: &str| format!("head\n{t}")),
            Box::new(|t: &str| {
                t.replacen("line 10\n", "x\n", 1)
                    .replacen("line 150\n", "", 1)
            }),
            Box::new(|t: &str| t.replacen("line 5", "line 5b", 1)),
            Box::new(|t: &str| t.to_string()),
        ];
        for (i, edit) in edits.iter().enumerate() {
            let after = edit(&base);
            assert_eq!(
                unified_diff("f", &base, &after),
                full_unified_diff("f", &base, &after),
                "edit {i}"
            );
            assert_eq!(
                unified_diff("f", &after, &base),
                full_unified_diff("f", &after, &base),
                "edit {i} reversed"
            );
        }
    }
}
