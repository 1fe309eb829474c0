//! A bare `Cue` step. `Cue` may carry notes (`Cue(notes: "...")`), which makes it a struct
//! variant, and RON reads a struct variant only with its brackets. Scenes were written with
//! bare `Cue` long before notes existed, so the text is read with `()` added after every
//! bare `Cue` (outside strings and comments), error columns are moved back to the text as
//! written, and a written scene drops the empty brackets again.

use std::borrow::Cow;

/// Where `()` went in: the line (from 1) and the column (from 1, in characters) of the
/// rewritten text at which the two characters start.
pub(super) type Inserted = Vec<(usize, usize)>;

/// `text` with `()` after each bare `Cue`, and where they went.
pub(super) fn with_brackets(text: &str) -> (Cow<'_, str>, Inserted) {
    if !text.contains("Cue") {
        return (Cow::Borrowed(text), Vec::new());
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut inserted = Vec::new();
    let (mut line, mut col) = (1, 1);
    let mut i = 0;
    while i < b.len() {
        let end = token_end(b, i);
        let token = &text[i..end];
        if token == "Cue" && (i == 0 || !is_ident(b[i - 1])) && next_code(b, end) != Some(b'(') {
            out.push_str(token);
            col += 3;
            inserted.push((line, col));
            out.push_str("()");
            col += 2;
        } else {
            out.push_str(token);
            for &c in token.as_bytes() {
                if c == b'\n' {
                    (line, col) = (line + 1, 1);
                } else if c & 0xC0 != 0x80 {
                    col += 1;
                }
            }
        }
        i = end;
    }
    (Cow::Owned(out), inserted)
}

/// A column of the rewritten text on `line` as a column of the text as written.
pub(super) fn written_col(inserted: &Inserted, line: usize, col: usize) -> usize {
    let before = inserted
        .iter()
        .filter(|&&(l, c)| l == line && c < col)
        .count();
    col.saturating_sub(2 * before).max(1)
}

/// Written scene text with `Cue()` (a cue without notes) back to a bare `Cue`.
pub(super) fn without_brackets(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let end = token_end(b, i);
        out.push_str(&text[i..end]);
        if &text[i..end] == "Cue" && text[end..].starts_with("()") {
            i = end + 2;
        } else {
            i = end;
        }
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The end of the token at `i`: a string, a comment, an identifier, or one byte (a whole
/// character, so that slicing stays on character boundaries).
fn token_end(b: &[u8], i: usize) -> usize {
    match b[i] {
        b'"' => quoted_end(b, i + 1, b'"'),
        b'\'' if b.get(i + 2) == Some(&b'\'') || b.get(i + 1) == Some(&b'\\') => {
            quoted_end(b, i + 1, b'\'')
        }
        b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) => raw_end(b, i + 1),
        b'/' if b.get(i + 1) == Some(&b'/') => b[i..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| i + p),
        b'/' if b.get(i + 1) == Some(&b'*') => block_comment_end(b, i),
        c if is_ident(c) => b[i..]
            .iter()
            .position(|&c| !is_ident(c))
            .map_or(b.len(), |p| i + p),
        c => {
            let len = match c {
                0xF0.. => 4,
                0xE0.. => 3,
                0xC0.. => 2,
                _ => 1,
            };
            (i + len).min(b.len())
        }
    }
}

/// Past the closing `quote` of a string or character whose text starts at `i`.
fn quoted_end(b: &[u8], mut i: usize, quote: u8) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// Past a raw string `r#"..."#` whose hashes start at `i`.
fn raw_end(b: &[u8], i: usize) -> usize {
    let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
    let open = i + hashes;
    if b.get(open) != Some(&b'"') {
        return i;
    }
    let mut j = open + 1;
    while j < b.len() {
        if b[j] == b'"'
            && b[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == b'#')
                .count()
                == hashes
        {
            return j + 1 + hashes;
        }
        j += 1;
    }
    b.len()
}

/// Past a block comment starting at `i`; RON's block comments nest.
fn block_comment_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// The first byte at or after `i` that is not white space or inside a comment.
fn next_code(b: &[u8], mut i: usize) -> Option<u8> {
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() => i += 1,
            b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => i = token_end(b, i),
            c => return Some(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_cues_get_brackets_outside_strings_and_comments() {
        let text = "[Cue, Cue(notes: \"Cue\"), Caption(\"a Cue\"), // Cue\n Cue /* x */ (), Cues, MyCue, Cue]";
        let (out, inserted) = with_brackets(text);
        assert_eq!(
            out,
            "[Cue(), Cue(notes: \"Cue\"), Caption(\"a Cue\"), // Cue\n Cue /* x */ (), Cues, MyCue, Cue()]"
        );
        assert_eq!(inserted, vec![(1, 5), (2, 34)]);
        assert_eq!(written_col(&inserted, 2, 40), 38);
        assert_eq!(written_col(&inserted, 2, 10), 10);
        assert_eq!(written_col(&inserted, 1, 3), 3);
    }

    #[test]
    fn strings_with_escapes_raw_strings_and_non_ascii_are_kept_whole() {
        let text = "[Caption(\"é \\\" Cue\"), Caption(r#\"Cue \" Cue\"#), Cue]";
        let (out, inserted) = with_brackets(text);
        assert_eq!(
            out,
            "[Caption(\"é \\\" Cue\"), Caption(r#\"Cue \" Cue\"#), Cue()]"
        );
        assert_eq!(inserted, vec![(1, 51)]);
        assert_eq!(without_brackets(&out), text);
    }

    #[test]
    fn unterminated_text_does_not_panic() {
        for text in ["\"Cue", "r#\"Cue", "/* Cue", "'", "Cue", "é", "r", "r#"] {
            let _ = with_brackets(text);
            let _ = without_brackets(text);
        }
        assert_eq!(with_brackets("Cue").0, "Cue()");
    }
}
