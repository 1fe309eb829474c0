//! Finds where a value sits in a RON text, by its path (`timeline[3].secs`), so that errors
//! found after parsing (a layer that does not exist, a negative duration) can still name the
//! line and column. A small scanner: it knows strings, comments and brackets, not types.

/// One step of a path into a RON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A named field of a struct (or struct-like enum variant).
    Field(&'static str),
    /// The n-th element of a list, or the n-th positional value of a tuple.
    Index(usize),
}

/// A 1-based line and column.
pub type LineCol = (usize, usize);

/// The brackets that open a group (a struct, a tuple, a list, a map)...
const OPEN: &[u8] = b"([{";
/// ... and those that close one.
const CLOSE: &[u8] = b")]}";

struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn skip_blank(&mut self) {
        loop {
            while self.at < self.text.len() && self.text[self.at].is_ascii_whitespace() {
                self.at += 1;
            }
            if self.text[self.at..].starts_with(b"//") {
                while self.at < self.text.len() && self.text[self.at] != b'\n' {
                    self.at += 1;
                }
            } else if self.text[self.at..].starts_with(b"/*") {
                let mut depth = 0;
                while self.at < self.text.len() {
                    if self.text[self.at..].starts_with(b"/*") {
                        depth += 1;
                        self.at += 2;
                    } else if self.text[self.at..].starts_with(b"*/") {
                        depth -= 1;
                        self.at += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        self.at += 1;
                    }
                }
            } else {
                return;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn ident(&mut self) -> &'a [u8] {
        let start = self.at;
        while self.at < self.text.len()
            && (self.text[self.at].is_ascii_alphanumeric() || self.text[self.at] == b'_')
        {
            self.at += 1;
        }
        &self.text[start..self.at]
    }

    /// Skips one whole value (any kind).
    fn skip_value(&mut self) {
        self.skip_blank();
        match self.peek() {
            Some(b'"') => {
                self.at += 1;
                while let Some(c) = self.peek() {
                    self.at += 1;
                    if c == b'\\' {
                        self.at += 1;
                    } else if c == b'"' {
                        break;
                    }
                }
            }
            Some(c) if OPEN.contains(&c) => self.skip_group(),
            Some(_) => {
                // A number, an identifier, or an identifier followed by a group.
                let start = self.at;
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || b"_.+-".contains(&c) {
                        self.at += 1;
                    } else {
                        break;
                    }
                }
                let save = self.at;
                self.skip_blank();
                if self.peek() == Some(b'(') && self.at > start {
                    self.skip_group();
                } else {
                    self.at = save;
                }
            }
            None => {}
        }
    }

    fn skip_group(&mut self) {
        let mut depth = 0;
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.skip_value();
                    continue;
                }
                c if OPEN.contains(&c) => depth += 1,
                c if CLOSE.contains(&c) => {
                    depth -= 1;
                    if depth == 0 {
                        self.at += 1;
                        return;
                    }
                }
                b'/' if self.text[self.at..].starts_with(b"//")
                    || self.text[self.at..].starts_with(b"/*") =>
                {
                    self.skip_blank();
                    continue;
                }
                _ => {}
            }
            self.at += 1;
        }
    }

    /// With the scanner at a value, moves into the element that `seg` names; returns false
    /// if there is none.
    fn enter(&mut self, seg: &Seg) -> bool {
        self.skip_blank();
        // An optional name before a group: `Scene(`, `Stage(`, `Some(`.
        if self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            let save = self.at;
            self.ident();
            self.skip_blank();
            if self.peek() != Some(b'(') {
                self.at = save;
                return false;
            }
        }
        let Some(open) = self.peek() else {
            return false;
        };
        if !OPEN.contains(&open) {
            return false;
        }
        self.at += 1;
        let mut index = 0;
        loop {
            self.skip_blank();
            match self.peek() {
                None => return false,
                Some(c) if CLOSE.contains(&c) => return false,
                _ => {}
            }
            // A field `name: value`, or a positional value.
            let save = self.at;
            let name = self.ident();
            self.skip_blank();
            let named = !name.is_empty() && self.peek() == Some(b':');
            if named {
                self.at += 1;
                self.skip_blank();
            } else {
                self.at = save;
            }
            let hit = match seg {
                Seg::Field(f) => named && name == f.as_bytes(),
                Seg::Index(i) => !named && index == *i,
            };
            if hit {
                return true;
            }
            self.skip_value();
            index += 1;
            self.skip_blank();
            if self.peek() == Some(b',') {
                self.at += 1;
            }
        }
    }
}

/// Where the value at `path` starts in `text`, or where the deepest part of the path that
/// exists starts (so an error lands as near its cause as the text allows).
pub fn locate(text: &str, path: &[Seg]) -> LineCol {
    let mut s = Scanner {
        text: text.as_bytes(),
        at: 0,
    };
    s.skip_blank();
    let mut found = s.at;
    for seg in path {
        if !s.enter(seg) {
            break;
        }
        s.skip_blank();
        found = s.at;
    }
    line_col(text, found)
}

fn line_col(text: &str, offset: usize) -> LineCol {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"// a scene
Scene(
    title: "a (tricky) \"title\"",
    network: Train(arch: [2, 3, 2], epochs: 10),
    timeline: [
        Caption(text: "hi", secs: 2.0),
        /* a comment ( */ Stage(layer: 4, stage: Linear),
        Cue,
        Wait(secs: -1.0),
    ],
)
"#;

    #[test]
    fn paths_land_on_their_values() {
        use Seg::*;
        assert_eq!(locate(TEXT, &[Field("title")]), (3, 12));
        assert_eq!(
            locate(TEXT, &[Field("network"), Field("arch"), Index(2)]),
            (4, 33)
        );
        assert_eq!(
            locate(TEXT, &[Field("timeline"), Index(1), Field("layer")]),
            (7, 40)
        );
        assert_eq!(locate(TEXT, &[Field("timeline"), Index(2)]), (8, 9));
        assert_eq!(
            locate(TEXT, &[Field("timeline"), Index(3), Field("secs")]),
            (9, 20)
        );
        // A path that goes further than the text: the deepest part that exists.
        assert_eq!(
            locate(TEXT, &[Field("timeline"), Index(1), Field("secs")]),
            (7, 27)
        );
        assert_eq!(locate(TEXT, &[Field("nothing")]), (2, 1));
    }
}
