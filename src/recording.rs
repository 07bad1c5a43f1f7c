//! The recent past as a table: the truth's and the twins' states and energies, one row per
//! reading, over a sliding window (the app's "export CSV"). Bevy-free, with its own reader
//! so a written file can be checked value for value.

use std::collections::VecDeque;

use anyhow::{bail, Result};

/// Rows of named columns, the first being the time t (s); rows older than `span` seconds
/// before the newest are dropped, and a time that goes back (a reset) starts the table anew.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    pub columns: Vec<String>,
    rows: VecDeque<Vec<f64>>,
    pub span: f64,
}

impl Recording {
    /// An empty table; `columns[0]` is the time.
    pub fn new(columns: Vec<String>, span: f64) -> Self {
        Self {
            columns,
            rows: VecDeque::new(),
            span,
        }
    }

    /// Adds a row (missing values as NaN, written as empty cells). A row of the wrong length
    /// is ignored; one at the newest row's time replaces it (a paused truth moved by hand).
    pub fn push(&mut self, row: Vec<f64>) {
        if row.len() != self.columns.len() || !row[0].is_finite() {
            return;
        }
        let t = row[0];
        match self.rows.back() {
            Some(last) if last[0] > t => self.rows.clear(),
            Some(last) if last[0] == t => {
                self.rows.pop_back();
            }
            _ => {}
        }
        self.rows.push_back(row);
        while self.rows.front().is_some_and(|r| r[0] < t - self.span) {
            self.rows.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    pub fn rows(&self) -> impl Iterator<Item = &Vec<f64>> {
        self.rows.iter()
    }

    /// Comma-separated values with a header line; each number in the shortest form that reads
    /// back to the same f64, a missing one as an empty cell.
    pub fn to_csv(&self) -> String {
        let mut out = self.columns.join(",");
        out.push('\n');
        for r in &self.rows {
            let cells: Vec<String> = r
                .iter()
                .map(|v| {
                    if v.is_nan() {
                        String::new()
                    } else {
                        format!("{v}")
                    }
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    /// Reads `to_csv`'s output back (the span is not stored: it is taken as the table's).
    pub fn from_csv(text: &str) -> Result<Self> {
        let mut lines = text.lines();
        let Some(head) = lines.next() else {
            bail!("an empty CSV: no header line");
        };
        let columns: Vec<String> = head.split(',').map(str::to_string).collect();
        let mut rec = Recording::new(columns, f64::INFINITY);
        for (i, line) in lines.enumerate() {
            let row = line
                .split(',')
                .map(|c| {
                    if c.is_empty() {
                        Ok(f64::NAN)
                    } else {
                        c.parse::<f64>()
                            .map_err(|e| anyhow::anyhow!("line {}: {c:?}: {e}", i + 2))
                    }
                })
                .collect::<Result<Vec<f64>>>()?;
            if row.len() != rec.columns.len() {
                bail!(
                    "line {}: {} cells for {} columns",
                    i + 2,
                    row.len(),
                    rec.columns.len()
                );
            }
            rec.rows.push_back(row);
        }
        Ok(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trip_keeps_every_value() {
        let mut r = Recording::new(vec!["t".into(), "q".into(), "E".into()], 60.0);
        r.push(vec![0.0, 0.1, 1.0 / 3.0]);
        r.push(vec![0.5, -2.5e-17, f64::NAN]);
        r.push(vec![1.0, 1e300, -0.0]);
        let back = Recording::from_csv(&r.to_csv()).unwrap();
        assert_eq!(back.columns, r.columns);
        for (a, b) in back.rows().zip(r.rows()) {
            for (x, y) in a.iter().zip(b) {
                assert!(
                    x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
                    "{x} {y}"
                );
            }
        }
        assert!(Recording::from_csv("t,q\n1,2,3\n").is_err());
        assert!(Recording::from_csv("t,q\n1,x\n").is_err());
    }

    #[test]
    fn keeps_the_last_span_and_restarts_on_a_reset() {
        let mut r = Recording::new(vec!["t".into()], 60.0);
        for i in 0..=1000 {
            r.push(vec![i as f64 * 0.1]);
        }
        // t from 40 to 100: 601 rows.
        assert_eq!(r.len(), 601);
        assert_eq!(r.rows().next().unwrap()[0], 40.0);
        r.push(vec![100.0]); // same time: replaced
        assert_eq!(r.len(), 601);
        r.push(vec![1.0]); // back in time: a reset
        assert_eq!(r.len(), 1);
        r.push(vec![2.0, 3.0]); // wrong length: ignored
        assert_eq!(r.len(), 1);
    }
}
