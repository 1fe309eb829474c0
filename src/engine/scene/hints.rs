//! The wording RON's own errors get in a scene: what to write instead.

/// A hint for one of RON's errors, where there is one to give.
pub(super) fn hint_for(error: &ron::Error) -> Option<String> {
    match error {
        ron::Error::NoSuchStructField {
            expected, found, ..
        } => Some(closest_hint(
            expected,
            found,
            "Fields here:",
            "fields here:",
        )),
        ron::Error::NoSuchEnumVariant {
            expected, found, ..
        } => Some(closest_hint(expected, found, "One of:", "one of:")),
        ron::Error::MissingStructField { field, .. } => Some(format!("add `{field}: ...`")),
        ron::Error::ExpectedComma => {
            Some("a comma is missing before this (at the end of the line above?)".into())
        }
        ron::Error::ExpectedInteger => Some("a whole number here, like 10".into()),
        ron::Error::ExpectedFloat => Some("a number here, like 1.5".into()),
        ron::Error::ExpectedString | ron::Error::ExpectedStringEnd => {
            Some("text in double quotes here".into())
        }
        ron::Error::ExpectedBoolean => Some("true or false here".into()),
        ron::Error::ExpectedArray | ron::Error::ExpectedArrayEnd => {
            Some("a list in square brackets here: [a, b]".into())
        }
        _ => None,
    }
}

/// "did you mean `x`?" when a known name is within three edits of `found`, then the list.
fn closest_hint(expected: &[&str], found: &str, after: &str, alone: &str) -> String {
    let best = expected
        .iter()
        .min_by_key(|e| edit_distance(e, found))
        .filter(|e| edit_distance(e, found) <= 3);
    match best {
        Some(b) => format!("did you mean `{b}`? {after} {}", expected.join(", ")),
        None => format!("{alone} {}", expected.join(", ")),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut prev = row[0];
        row[0] = i;
        for j in 1..=b.len() {
            let cur = row[j];
            row[j] = (row[j] + 1)
                .min(row[j - 1] + 1)
                .min(prev + usize::from(a[i - 1] != b[j - 1]));
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested_far_ones_only_listed() {
        assert_eq!(edit_distance("secs", "sec"), 1);
        assert_eq!(edit_distance("Linear", "Lienar"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        let fields = ["layer", "stage", "secs", "ease"];
        assert_eq!(
            closest_hint(&fields, "sec", "Fields here:", "fields here:"),
            "did you mean `secs`? Fields here: layer, stage, secs, ease"
        );
        assert_eq!(
            closest_hint(&fields, "qqqqqqqq", "Fields here:", "fields here:"),
            "fields here: layer, stage, secs, ease"
        );
    }
}
