//! Loader for the Schmidt & Lipson (2009) trajectory format: a `%`-header naming the state
//! columns, then rows of whitespace-separated floats `trial t <state...> [d<state>...]`,
//! with CRLF or LF line ends.

use std::path::Path;

use anyhow::{bail, Context, Result};

use super::{Dataset, Split};

/// A parsed data file: column names and rows of equal length.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub names: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// Reads a file; errors name the file, the line and what is wrong.
pub fn load_table(path: &Path) -> Result<Table> {
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read data file {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{}: not a text file", path.display()))?;
    parse_table(&text).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))
}

/// Column names follow the HNN code's `str2array`: `trial, t`, the header's names, then
/// `d<name>` for each further column.
pub fn parse_table(text: &str) -> Result<Table> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        bail!("1: empty file (expected a header line like `% o v`)");
    };
    let header = header.trim();
    let Some(names) = header.strip_prefix('%') else {
        bail!("1: header must start with `%` and name the state columns, found {header:?}");
    };
    let state: Vec<String> = names.split_whitespace().map(str::to_string).collect();
    if state.is_empty() {
        bail!("1: header names no columns");
    }
    let mut rows = Vec::new();
    let mut width = None;
    for (i, line) in lines {
        let row: Vec<f64> = line
            .split_whitespace()
            .enumerate()
            .map(|(c, tok)| {
                tok.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "{}: column {}: {tok:?} is not a finite number",
                            i + 1,
                            c + 1
                        )
                    })
            })
            .collect::<Result<_>>()?;
        let w = *width.get_or_insert(row.len());
        if row.len() != w {
            bail!(
                "{}: has {} columns, earlier rows have {w} (truncated file?)",
                i + 1,
                row.len()
            );
        }
        rows.push(row);
    }
    let w = width.unwrap_or(0);
    if rows.len() < 2 {
        bail!(" needs at least 2 data rows, found {}", rows.len());
    }
    if w < 2 + state.len() {
        bail!(
            " rows have {w} columns but the header needs 2 + {} (trial, t, {})",
            state.len(),
            state.join(", ")
        );
    }
    let mut names = vec!["trial".to_string(), "t".to_string()];
    names.extend(state.iter().cloned());
    for k in names.len()..w {
        names.push(format!(
            "d{}",
            state
                .get(k - 2 - state.len())
                .map(String::as_str)
                .unwrap_or("x")
        ));
    }
    Ok(Table { names, rows })
}

/// Pairs x = (q, p) with forward-difference derivatives (x[i+1] − x[i]) / (t[i+1] − t[i])
/// within each trial, as the reference code forms its real-pendulum targets.
pub fn forward_differences(table: &Table, q: &str, p: &str) -> Result<Split> {
    let col = |name: &str| {
        table.column(name).ok_or_else(|| {
            anyhow::anyhow!(
                "no column named {name:?} (columns: {})",
                table.names.join(", ")
            )
        })
    };
    let (iq, ip) = (col(q)?, col(p)?);
    let mut out = Split::default();
    for (i, w) in table.rows.windows(2).enumerate() {
        if w[0][0] != w[1][0] {
            continue; // a new trial starts
        }
        let dt = w[1][1] - w[0][1];
        if !(dt > 0.0) {
            bail!(
                "rows {} and {}: time does not increase ({} then {})",
                i + 2,
                i + 3,
                w[0][1],
                w[1][1]
            );
        }
        out.x.push([w[0][iq], w[0][ip]]);
        out.dx
            .push([(w[1][iq] - w[0][iq]) / dt, (w[1][ip] - w[0][ip]) / dt]);
        out.t.push(w[0][1]);
    }
    Ok(out)
}

/// Test = samples [floor(start·N), floor(start·N) + floor(fraction·N)), or the explicit
/// range `indices`; train = the rest.
pub fn split_recorded(
    all: Split,
    start: f64,
    fraction: f64,
    indices: Option<(usize, usize)>,
) -> Result<Dataset> {
    let n = all.len();
    let (a, b) = match indices {
        Some((a, b)) => {
            if b > n {
                bail!("test_indices ({a}, {b}) reach past the {n} samples");
            }
            (a, b)
        }
        None => {
            let a = (start * n as f64).floor() as usize;
            (a, (a + (fraction * n as f64).floor() as usize).min(n))
        }
    };
    if b <= a || b - a == n {
        bail!("split [{a}, {b}) of {n} samples leaves an empty train or test set");
    }
    let mut train = Split::default();
    let mut test = Split::default();
    for i in 0..n {
        let s = if (a..b).contains(&i) {
            &mut test
        } else {
            &mut train
        };
        s.x.push(all.x[i]);
        s.dx.push(all.dx[i]);
        s.t.push(all.t[i]);
    }
    Ok(Dataset { train, test })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "%o v\r\n  0.0 0.0 1.0 2.0 \r\n  0.0 0.5 2.0 1.0 \r\n  0.0 1.5 2.0 3.0 \r\n";

    #[test]
    fn parses_crlf_header_and_forward_differences() {
        let t = parse_table(SAMPLE).unwrap();
        assert_eq!(t.names, vec!["trial", "t", "o", "v"]);
        let s = forward_differences(&t, "o", "v").unwrap();
        assert_eq!(s.x, vec![[1.0, 2.0], [2.0, 1.0]]);
        assert_eq!(s.dx, vec![[2.0, -2.0], [0.0, 2.0]]);
    }

    #[test]
    fn extra_columns_named_as_derivatives_and_trials_kept_apart() {
        let t = parse_table("% o v\n0 0 1 2 9 9\n0 1 2 2 9 9\n1 0 5 5 9 9\n1 1 6 5 9 9\n").unwrap();
        assert_eq!(t.names, vec!["trial", "t", "o", "v", "do", "dv"]);
        let s = forward_differences(&t, "v", "do").unwrap();
        assert_eq!(s.len(), 2, "no difference across the trial boundary");
    }

    #[test]
    fn bad_files_name_the_line() {
        let e = parse_table("%o v\n0 0 1 2\n0 0.5 x 2\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("3:") && e.contains("\"x\""), "{e}");
        let e = parse_table("%o v\n0 0 1 2\n0 0.5 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("3:") && e.contains("truncated"), "{e}");
        let e = parse_table("0 0 1 2\n").unwrap_err().to_string();
        assert!(e.contains("header"), "{e}");
        let t = parse_table(SAMPLE).unwrap();
        assert!(forward_differences(&t, "o", "w")
            .unwrap_err()
            .to_string()
            .contains("\"w\""));
    }

    #[test]
    fn fraction_and_index_splits_of_555_samples() {
        let all = Split {
            x: vec![[0.0; 2]; 555],
            dx: vec![[0.0; 2]; 555],
            t: (0..555).map(|i| i as f64).collect(),
        };
        let d = split_recorded(all.clone(), 0.8, 0.2, None).unwrap();
        assert_eq!((d.test.len(), d.test.t[0]), (111, 444.0));
        // The reference code's split, pinned by indices.
        let d = split_recorded(all, 0.8, 0.2, Some((444, 554))).unwrap();
        assert_eq!(d.test.len(), 110);
        assert_eq!(d.test.t[0], 444.0);
        assert_eq!(d.train.len(), 445);
        assert_eq!(*d.train.t.last().unwrap(), 554.0);
    }

    #[test]
    fn shipped_real_pendulum_file() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data/lipson/real_pend_h_1.txt");
        let t = load_table(&path).unwrap();
        assert_eq!(t.rows.len(), 556);
        let s = forward_differences(&t, "o", "v").unwrap();
        assert_eq!(s.len(), 555);
    }
}
