//! Loader for the Schmidt & Lipson (2009) trajectory format: a `%`-header naming the state
//! columns, then rows of whitespace-separated floats `trial t <state...> [d<state>...]`,
//! with CRLF or LF line ends.

use std::path::Path;

use anyhow::{bail, Result};

use super::{Dataset, Split};

/// A parsed data file: column names and rows of equal length.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub names: Vec<String>,
    /// How many columns the header names (the state columns, after `trial` and `t`).
    pub state: usize,
    pub rows: Vec<Vec<f64>>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// Reads a file; errors name the file, the line and what is wrong.
pub fn load_table(path: &Path) -> Result<Table> {
    let text = crate::textfile::read_capped(path, crate::textfile::DATA_MAX_BYTES, "data file")?;
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
    Ok(Table {
        names,
        state: state.len(),
        rows,
    })
}

/// The state columns: the named ones (`q` and `p`, one per degree of freedom each), or, when
/// both lists are empty, every column the header names, the first half as q and the second as
/// p. `dof` is the scene's; a file that does not fit it is an error that says so.
pub fn state_columns(table: &Table, q: &[&str], p: &[&str], dof: usize) -> Result<Vec<usize>> {
    let col = |name: &str| {
        table.column(name).ok_or_else(|| {
            anyhow::anyhow!(
                "no column named {name:?} (columns: {})",
                table.names.join(", ")
            )
        })
    };
    if q.is_empty() && p.is_empty() {
        let k = table.state;
        if !k.is_multiple_of(2) {
            bail!(
                "the header names {k} state columns ({}), an odd number: a state is positions then as many momenta",
                table.names[2..2 + k].join(", ")
            );
        }
        if k != 2 * dof {
            bail!(
                "the header names {k} state columns ({}) but the scene's system has {dof} degree(s) of freedom (2·{dof} columns)",
                table.names[2..2 + k].join(", ")
            );
        }
        return Ok((2..2 + k).collect());
    }
    if q.len() != dof || p.len() != dof {
        bail!(
            "{} q and {} p columns named, but the scene's system has {dof} degree(s) of freedom",
            q.len(),
            p.len()
        );
    }
    q.iter().chain(p).map(|n| col(n)).collect()
}

/// Pairs x = (q, p) with forward-difference derivatives (x[i+1] − x[i]) / (t[i+1] − t[i])
/// within each trial, as the reference code forms its real-pendulum targets; `cols` are the
/// state's columns in order (see `state_columns`).
pub fn forward_differences(table: &Table, cols: &[usize]) -> Result<Split> {
    forward_differences_mapped(table, cols, |_| {})
}

/// As `forward_differences`, with each row's state passed through `map` first (e.g. angular
/// velocities to canonical momenta), so the targets are differences of the mapped states.
pub fn forward_differences_mapped(
    table: &Table,
    cols: &[usize],
    map: impl Fn(&mut [f64]),
) -> Result<Split> {
    let mut out = Split::new(cols.len());
    let (mut x, mut dx) = (vec![0.0; cols.len()], vec![0.0; cols.len()]);
    let (mut x1, mut x0) = (vec![0.0; cols.len()], vec![0.0; cols.len()]);
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
        for (k, &c) in cols.iter().enumerate() {
            x0[k] = w[0][c];
            x1[k] = w[1][c];
        }
        map(&mut x0);
        map(&mut x1);
        for k in 0..cols.len() {
            x[k] = x0[k];
            dx[k] = (x1[k] - x0[k]) / dt;
        }
        out.push(&x, &dx, w[0][1]);
    }
    Ok(out)
}

/// Central differences, as the Dissipative HNN's real-pendulum data: each trial's first row
/// is dropped; the others have dx = (x₊ − x₋) / (t₊ − t₋) over their neighbours, and the
/// trial's last row, which has no row after it, the backward difference. States are mapped
/// by `map` first (as in `forward_differences_mapped`).
pub fn central_differences_mapped(
    table: &Table,
    cols: &[usize],
    map: impl Fn(&mut [f64]),
) -> Result<Split> {
    let d = cols.len();
    let mut out = Split::new(d);
    let row = |i: usize| -> Vec<f64> {
        let mut x: Vec<f64> = cols.iter().map(|&c| table.rows[i][c]).collect();
        map(&mut x);
        x
    };
    let n = table.rows.len();
    let same_trial = |a: usize, b: usize| table.rows[a][0] == table.rows[b][0];
    let mut dx = vec![0.0; d];
    for i in 1..n {
        if !same_trial(i - 1, i) {
            continue; // a trial's first row
        }
        let (t0, t) = (table.rows[i - 1][1], table.rows[i][1]);
        let last = i + 1 == n || !same_trial(i, i + 1);
        let (a, b, ta, tb) = if last {
            (row(i - 1), row(i), t0, t)
        } else {
            (row(i - 1), row(i + 1), t0, table.rows[i + 1][1])
        };
        if !(tb > ta && t > t0) {
            bail!(
                "rows {} to {}: time does not increase",
                i + 1,
                i + 2 + usize::from(!last)
            );
        }
        for k in 0..d {
            dx[k] = (b[k] - a[k]) / (tb - ta);
        }
        out.push(&row(i), &dx, t);
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
    let mut train = Split::new(all.dim);
    let mut test = Split::new(all.dim);
    for i in 0..n {
        let s = if (a..b).contains(&i) {
            &mut test
        } else {
            &mut train
        };
        s.push(all.x(i), all.dx(i), all.t[i]);
    }
    Ok(Dataset { train, test })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central differences by hand: x = t² sampled at t = 0, 1, 2, 3 gives rows at t = 1, 2
    /// with dx = 2t exactly, and the last row (t = 3) the backward difference 5.
    #[test]
    fn central_differences_by_hand() {
        let table = parse_table("%q p\n0 0 0 0\n0 1 1 1\n0 2 4 4\n0 3 9 9\n").unwrap();
        let s = central_differences_mapped(&table, &[2, 3], |_| {}).unwrap();
        assert_eq!(s.t, vec![1.0, 2.0, 3.0]);
        assert_eq!(s.dx, vec![2.0, 2.0, 4.0, 4.0, 5.0, 5.0]);
        assert_eq!(s.x(0), &[1.0, 1.0]);
    }

    const SAMPLE: &str =
        "%o v\r\n  0.0 0.0 1.0 2.0 \r\n  0.0 0.5 2.0 1.0 \r\n  0.0 1.5 2.0 3.0 \r\n";

    #[test]
    fn parses_crlf_header_and_forward_differences() {
        let t = parse_table(SAMPLE).unwrap();
        assert_eq!(t.names, vec!["trial", "t", "o", "v"]);
        let cols = state_columns(&t, &["o"], &["v"], 1).unwrap();
        let s = forward_differences(&t, &cols).unwrap();
        assert_eq!(s.x, vec![1.0, 2.0, 2.0, 1.0]);
        assert_eq!(s.dx, vec![2.0, -2.0, 0.0, 2.0]);
    }

    #[test]
    fn extra_columns_named_as_derivatives_and_trials_kept_apart() {
        let t = parse_table("% o v\n0 0 1 2 9 9\n0 1 2 2 9 9\n1 0 5 5 9 9\n1 1 6 5 9 9\n").unwrap();
        assert_eq!(t.names, vec!["trial", "t", "o", "v", "do", "dv"]);
        let s = forward_differences(&t, &state_columns(&t, &["v"], &["do"], 1).unwrap()).unwrap();
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
        assert!(state_columns(&t, &["o"], &["w"], 1)
            .unwrap_err()
            .to_string()
            .contains("\"w\""));
    }

    #[test]
    fn fraction_and_index_splits_of_555_samples() {
        let all = Split {
            dim: 2,
            x: vec![0.0; 2 * 555],
            dx: vec![0.0; 2 * 555],
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
        let s = forward_differences(&t, &state_columns(&t, &["o"], &["v"], 1).unwrap()).unwrap();
        assert_eq!(s.len(), 555);
    }

    /// Four state columns: named, or taken from the header (first half q, second half p);
    /// an odd header or one that does not fit the scene's degrees of freedom is an error.
    #[test]
    fn four_coordinate_file() {
        let text = "%o1 o2 w1 w2\n0 0 1 2 3 4\n0 0.5 2 2 5 4\n0 1.5 2 4 5 7\n";
        let t = parse_table(text).unwrap();
        let named = state_columns(&t, &["o1", "o2"], &["w1", "w2"], 2).unwrap();
        assert_eq!(named, state_columns(&t, &[], &[], 2).unwrap());
        let s = forward_differences(&t, &named).unwrap();
        assert_eq!((s.dim, s.len()), (4, 2));
        assert_eq!(s.x(1), &[2.0, 2.0, 5.0, 4.0]);
        assert_eq!(s.dx(0), &[2.0, 0.0, 4.0, 0.0]);
        assert_eq!(s.dx(1), &[0.0, 2.0, 0.0, 3.0]);
        let e = state_columns(&t, &[], &[], 1).unwrap_err().to_string();
        assert!(
            e.contains("4 state columns") && e.contains("1 degree"),
            "{e}"
        );
        let e = state_columns(&t, &["o1"], &["w1"], 2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("2 degree"), "{e}");
        let odd = parse_table("%a b c\n0 0 1 2 3\n0 1 1 2 3\n").unwrap();
        let e = state_columns(&odd, &[], &[], 1).unwrap_err().to_string();
        assert!(e.contains("odd"), "{e}");
    }

    /// The shipped simulated double pendulum: 10 columns, two trials, 2514 differences.
    #[test]
    fn double_pendulum_file() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data/lipson/double_pend_h_1.txt");
        let t = load_table(&path).unwrap();
        assert_eq!(t.names[2..6], ["o1", "o2", "w1", "w2"]);
        let s = forward_differences(&t, &state_columns(&t, &[], &[], 2).unwrap()).unwrap();
        assert_eq!(s.len(), 2516 - 2);
    }
}
