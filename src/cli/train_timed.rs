//! `train --seconds S`: every model of the scene trains at once for S seconds of wall time,
//! each on its own thread with a one-thread pool, as the app's trainers do; then each is
//! saved. What a from-scratch twin reaches in the app's time is then measured by `eval`.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use hnn_lab::nn::ModelKind;
use hnn_lab::train::divergence::Watch;
use hnn_lab::train::thread::Steppable;
use hnn_lab::train::LossValues;

/// The longest `--seconds` (a day).
pub const MAX_SECONDS: f64 = 86_400.0;

/// `--seconds`: a number of seconds in (0, 86400].
pub fn parse_seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if v.is_finite() && v > 0.0 && v <= MAX_SECONDS {
        Ok(v)
    } else {
        Err(format!("{v} is not in (0, {MAX_SECONDS}] seconds"))
    }
}

/// What one model did in its time.
struct Done {
    kind: ModelKind,
    steps: usize,
    seconds: f64,
    last: LossValues,
}

/// Trains every kind at once for `seconds` (from its thread's start, its construction
/// included), each built by `make` in its own one-thread pool, and saves each to `out`.
pub fn train_for<T: Steppable>(
    kinds: &[ModelKind],
    seconds: f64,
    out: &Path,
    make: impl Fn(ModelKind) -> Result<T> + Sync,
) -> Result<()> {
    let results: Vec<Result<Done>> = std::thread::scope(|scope| {
        let handles: Vec<_> = kinds
            .iter()
            .map(|&kind| {
                let make = &make;
                scope.spawn(move || -> Result<Done> {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(1)
                        .start_handler(|_| hnn_lab::device::flush_denormals())
                        .build()?;
                    pool.install(|| {
                        let start = Instant::now();
                        let mut t = make(kind)?;
                        let mut watch = Watch::<()>::new();
                        let mut last = LossValues::default();
                        let mut steps = 0;
                        while start.elapsed().as_secs_f64() < seconds {
                            last = t.train_step()?;
                            watch.ensure_healthy(last.total, kind.name(), steps)?;
                            steps += 1;
                        }
                        let secs = start.elapsed().as_secs_f64();
                        // The last update is judged on held-out data before anything is written.
                        watch.ensure_healthy(t.probe_loss()?, kind.name(), steps)?;
                        t.save(out, last, secs)?;
                        Ok(Done {
                            kind,
                            steps,
                            seconds: secs,
                            last,
                        })
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a training thread panicked")))
            })
            .collect()
    });
    for r in results {
        let d = r?;
        eprintln!(
            "{}: {} steps in {:.1} s ({:.2} ms/step, one thread), last batch loss {:.4e}; saved {}/{}.safetensors",
            d.kind.name(),
            d.steps,
            d.seconds,
            1e3 * d.seconds / d.steps.max(1) as f64,
            d.last.total,
            out.display(),
            d.kind.name()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_range_checked() {
        assert_eq!(parse_seconds("60"), Ok(60.0));
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        for bad in ["0", "-3", "nan", "inf", "86401", "ten"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }
}
