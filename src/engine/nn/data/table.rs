//! Reading CSV files into data sets, through the `csv` crate: RFC 4180 quoting, a header
//! (quoted names too), `,` `;` or tab as detected from the header line, blank lines and a
//! UTF-8 byte order mark tolerated. The label column is the last unless named; labels are
//! class numbers, or names that become classes in order of first appearance.

use super::{ColumnProblem, DataError, Dataset};
use crate::limits::{MAX_CLASSES, MAX_POINTS, MAX_WIDTH, echo};
use std::collections::HashMap;

/// Which columns of a CSV file are the features and which the label, by header name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvColumns {
    /// The label column's name; `None`: the last column.
    pub label: Option<String>,
    /// The feature columns' names, in order; empty: every column but the label.
    pub features: Vec<String>,
}

impl CsvColumns {
    /// Columns from `--label NAME` and `--columns a,b` (either may be absent).
    pub fn new(label: Option<&str>, features: Option<&str>) -> CsvColumns {
        CsvColumns {
            label: label.map(|l| l.trim().to_string()),
            features: features
                .map(|f| f.split(',').map(|c| c.trim().to_string()).collect())
                .unwrap_or_default(),
        }
    }
}

/// The column separator: whichever of `,` `;` and tab the header line holds most of outside
/// quotes (a comma when it holds none).
fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
            c.1 += 1;
        }
    }
    // `max_by_key` keeps the last of equals: reversed, a tie goes to the comma.
    counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

/// How the label column reads: decided by its first row.
enum Labels {
    /// Class numbers 0, 1, 2, ...
    Numbers,
    /// Names, each a class in order of first appearance.
    Names(Vec<String>, HashMap<String, u32>),
}

impl Labels {
    /// The class of `label`, a name being added when it is new.
    fn class(&mut self, label: &str) -> Result<u32, String> {
        match self {
            Labels::Numbers => parse_label(label),
            Labels::Names(names, index) => {
                if let Some(&k) = index.get(label) {
                    return Ok(k);
                }
                if names.len() == MAX_CLASSES {
                    return Err(format!(
                        "label `{}` would be class {}, over the limit of {MAX_CLASSES} classes",
                        echo(label, 40),
                        MAX_CLASSES + 1
                    ));
                }
                let k = names.len() as u32;
                names.push(label.to_string());
                index.insert(label.to_string(), k);
                Ok(k)
            }
        }
    }
}

/// The columns a header picks: (the feature indices, the label index).
fn pick_columns(
    header: &[String],
    columns: &CsvColumns,
) -> Result<(Vec<usize>, usize), ColumnProblem> {
    let find = |name: &str, label: bool| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            let known: Vec<String> = header.iter().map(|h| echo(h, 40)).collect();
            let (name, header) = (echo(name, 40), known);
            match label {
                true => ColumnProblem::NoLabel { name, header },
                false => ColumnProblem::NoFeature { name, header },
            }
        })
    };
    let label = match &columns.label {
        Some(name) => find(name, true)?,
        None => header.len() - 1,
    };
    let features: Vec<usize> = if columns.features.is_empty() {
        (0..header.len()).filter(|&c| c != label).collect()
    } else {
        columns
            .features
            .iter()
            .map(|name| find(name, false))
            .collect::<Result<_, _>>()?
    };
    if features.contains(&label) {
        return Err(ColumnProblem::LabelAsFeature(echo(&header[label], 40)));
    }
    Ok((features, label))
}

/// Parses CSV text with these columns; `origin` names it in errors.
pub(super) fn parse(text: &str, origin: &str, columns: &CsvColumns) -> Result<Dataset, DataError> {
    let err = |line: u64, message: String| DataError::Csv {
        path: origin.to_string(),
        line: line as usize,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = reader.records().filter_map(|r| match r {
        Ok(rec) if rec.iter().all(str::is_empty) => None,
        Ok(rec) => {
            let line = rec.position().map_or(0, csv::Position::line);
            Some(Ok((line, rec)))
        }
        Err(e) => {
            let line = e.position().map_or(0, csv::Position::line);
            Some(Err(err(line, e.to_string())))
        }
    });
    let (header_line, header) = rows.next().transpose()?.ok_or_else(|| {
        err(
            1,
            "the file is empty; expected a header x1,...,xd,label".into(),
        )
    })?;
    let header: Vec<String> = header.iter().map(str::to_string).collect();
    let width = header.len();
    if width < 2 {
        return Err(err(
            header_line,
            "the header needs at least one feature column and a label column".into(),
        ));
    }
    let (features, label) =
        pick_columns(&header, columns).map_err(|problem| DataError::Columns {
            path: origin.to_string(),
            line: header_line as usize,
            problem,
        })?;
    // A file without a header would lose its first point to it: the features of a header
    // are not all numbers.
    if features.iter().all(|&c| header[c].parse::<f64>().is_ok()) {
        return Err(err(
            header_line,
            "the first line holds numbers; expected a header x1,...,xd,label".into(),
        ));
    }
    let dim = features.len();
    crate::limits::at_most("feature count", dim, MAX_WIDTH)
        .map_err(|e| err(header_line, e.to_string()))?;
    let mut values = Vec::new();
    let mut y = Vec::new();
    let mut labels = None;
    for row in rows {
        let (line, cells) = row?;
        if y.len() == MAX_POINTS {
            return Err(err(
                line,
                format!("more than {MAX_POINTS} points, the limit of a data set"),
            ));
        }
        if cells.len() != width {
            return Err(err(
                line,
                format!("{} columns, the header has {width}", cells.len()),
            ));
        }
        for &c in &features {
            let cell = &cells[c];
            values.push(parse_feature(cell).map_err(|why| {
                err(
                    line,
                    format!("column {}: `{}` {why}", c + 1, echo(cell, 40)),
                )
            })?);
        }
        let cell = &cells[label];
        let labels = labels.get_or_insert_with(|| match cell.parse::<f64>() {
            Ok(_) => Labels::Numbers,
            Err(_) => Labels::Names(vec![], HashMap::new()),
        });
        y.push(labels.class(cell).map_err(|m| err(line, m))?);
    }
    let mut data = match labels {
        None => return Err(err(header_line, "no data rows after the header".into())),
        Some(Labels::Numbers) => Dataset::from_points(dim, values, y, 0),
        Some(Labels::Names(names, _)) => {
            let mut data = Dataset::from_points(dim, values, y, names.len());
            data.names = names;
            data
        }
    };
    data.features = feature_names(&header, &features);
    Ok(data)
}

/// The names of the feature columns picked, in order; none when they are `x1,...,xd` (the
/// names a feature without one gets, and what a data set without names is written with).
fn feature_names(header: &[String], features: &[usize]) -> Vec<String> {
    let names: Vec<String> = features.iter().map(|&c| header[c].clone()).collect();
    let numbered = names
        .iter()
        .enumerate()
        .all(|(i, name)| *name == format!("x{}", i + 1));
    match numbered {
        true => vec![],
        false => names,
    }
}

/// A CSV feature: a finite number that an `f32` holds.
fn parse_feature(cell: &str) -> Result<f32, &'static str> {
    let v: f64 = cell.parse().map_err(|_| "is not a number")?;
    if !v.is_finite() {
        return Err("is not finite");
    }
    if v.abs() > f32::MAX as f64 {
        return Err("is out of range (an f32 holds at most ±3.4e38)");
    }
    Ok(v as f32)
}

/// A numeric CSV label: a whole number from 0, under [`MAX_CLASSES`].
fn parse_label(label: &str) -> Result<u32, String> {
    let not_a_class = || {
        format!(
            "label `{}` is not a class number 0, 1, 2, ... (the first row's label is a number, \
             so every label must be one)",
            echo(label, 40)
        )
    };
    let parsed: f64 = label.parse().map_err(|_| not_a_class())?;
    if !parsed.is_finite() || parsed < 0.0 || parsed.fract() != 0.0 {
        return Err(not_a_class());
    }
    if parsed >= MAX_CLASSES as f64 {
        return Err(format!(
            "label {} is over the limit of {} (at most {MAX_CLASSES} classes, 0 to {})",
            echo(label, 40),
            MAX_CLASSES - 1,
            MAX_CLASSES - 1
        ));
    }
    Ok(parsed as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(text: &str, label: Option<&str>, features: Option<&str>) -> Dataset {
        parse(text, "f.csv", &CsvColumns::new(label, features)).unwrap()
    }

    #[test]
    fn quoted_headers_names_and_fields_read_as_rfc_4180() {
        let text = "\"sepal, length\",\"width\",\"species\"\n\
                    5.1,3.5,\"setosa\"\n\
                    \"7.0\",3.2,\"versi\"\"color\"\n\
                    4.9,3.0,setosa\n";
        let data = parse_with(text, None, None);
        assert_eq!(data.dim(), 2);
        assert_eq!(data.point(1), &[7.0, 3.2]);
        assert_eq!(data.y, vec![0, 1, 0]);
        assert_eq!(data.names, vec!["setosa", "versi\"color"]);
        assert_eq!(data.classes, 2);
        assert_eq!(data.class_name(1), "versi\"color");
        assert_eq!(data.class_name(7), "class 7");
    }

    #[test]
    fn string_labels_are_classes_in_order_of_first_appearance() {
        let text = "a,b,kind\n1,2,virginica\n3,4,setosa\n5,6,virginica\n7,8,versicolor\n";
        let data = parse_with(text, None, None);
        assert_eq!(data.names, vec!["virginica", "setosa", "versicolor"]);
        assert_eq!(data.y, vec![0, 1, 0, 2]);
    }

    #[test]
    fn semicolons_tabs_a_bom_and_blank_lines_are_tolerated() {
        let mut expected = Dataset::from_points(2, vec![1.5, 2.0, 3.0, 4.0], vec![0, 1], 0);
        expected.features = vec!["x".into(), "y".into()];
        for text in [
            "x;y;label\n1.5;2;0\n\n3;4;1\n",
            "x\ty\tlabel\n1.5\t2\t0\n3\t4\t1\n\n",
            "\u{feff}x,y,label\r\n\r\n1.5,2,0\r\n3,4,1\r\n",
        ] {
            assert_eq!(parse_with(text, None, None), expected, "{text:?}");
        }
        // A quoted name keeps the delimiter it holds.
        expected.features[0] = "x;1".into();
        let text = "\n\n\"x;1\",y,label\n 1.5 , 2 ,0\n3,4,1";
        assert_eq!(parse_with(text, None, None), expected, "{text:?}");
    }

    #[test]
    fn label_and_columns_pick_by_header_name() {
        let text = "species,a,b,c\ncat,1,2,3\ndog,4,5,6\n";
        let data = parse_with(text, Some("species"), None);
        assert_eq!((data.dim(), data.point(1)), (3, &[4.0, 5.0, 6.0][..]));
        assert_eq!(data.names, vec!["cat", "dog"]);
        let data = parse_with(text, Some("species"), Some("c,a"));
        assert_eq!(data.point(0), &[3.0, 1.0]);
        let data = parse_with("a,b,c\n1,2,3\n4,5,0\n", None, Some("b"));
        assert_eq!((data.dim(), data.y.clone()), (1, vec![3, 0]));
        let e = |label, features| {
            parse(text, "f.csv", &CsvColumns::new(label, features))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e(Some("kind"), None),
            "f.csv:1: the label column `kind` is not in the header (it has `species`, `a`, \
             `b`, `c`)"
        );
        assert!(e(Some("species"), Some("a,z")).contains("the feature column `z` is not"));
        assert!(e(Some("a"), Some("a,b")).contains("`a` is the label column"));
    }

    #[test]
    fn errors_name_the_line_and_the_file_column() {
        let text = "\"a\";\"b\";\"c\"\n\n1;2;x\n3;oops;y\n";
        let e = parse(text, "f.csv", &CsvColumns::default()).unwrap_err();
        assert_eq!(e.to_string(), "f.csv:4: column 2: `oops` is not a number");
        // Numeric labels stay numbers: a name after them is an error, not a class.
        let e = parse("a,b\n1,0\n2,cat\n", "f.csv", &CsvColumns::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f.csv:3: label `cat` is not a class number")
        );
        // A header-less file of string labels is refused, not read with a point lost.
        let e = parse("1,2,cat\n3,4,dog\n", "f.csv", &CsvColumns::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("f.csv:1: the first line holds numbers")
        );
    }

    #[test]
    fn more_names_than_the_class_limit_are_refused() {
        let mut text = String::from("x,label\n");
        for i in 0..=MAX_CLASSES {
            text.push_str(&format!("{i},name{i}\n"));
        }
        let e = parse(&text, "f.csv", &CsvColumns::default()).unwrap_err();
        assert!(
            e.to_string().starts_with(&format!(
                "f.csv:{}: label `name{MAX_CLASSES}`",
                MAX_CLASSES + 2
            )),
            "{e}"
        );
    }
}
