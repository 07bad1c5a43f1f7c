//! When a trainer has diverged. A non-finite loss has; so has a finite one that has blown up
//! far above the lowest loss this trainer reached: a learning rate pushed to 10 throws the
//! weights to huge but finite values, whose loss is ~10⁶× the last healthy one, and a twin
//! given those weights shows noise. Minibatch noise and a modest change of learning rate move
//! the loss by far less than [`BLOWN_UP`].
//!
//! The training threads and `hnn-lab train` use the same rule.
//!
//! A weight snapshot is judged by the loss of the step after it (that loss is computed with
//! those weights), so snapshots are held back one step and dropped if that loss says diverged.

/// How far above its lowest loss a trainer's loss may go before it counts as diverged.
pub const BLOWN_UP: f64 = 1e4;

/// The lowest loss so far and the snapshot waiting for its verdict.
pub struct Watch<S> {
    best: f64,
    pending: Option<S>,
}

impl<S> Default for Watch<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> Watch<S> {
    pub fn new() -> Self {
        Self {
            best: f64::INFINITY,
            pending: None,
        }
    }

    /// Training starts over (fresh weights): the old lowest loss says nothing any more.
    pub fn restart(&mut self) {
        self.best = f64::INFINITY;
        self.pending = None;
    }

    /// Why this step's loss says training diverged, if it does; else it is recorded.
    pub fn verdict(&mut self, loss: f64) -> Option<String> {
        if !loss.is_finite() {
            return Some(format!("loss {loss}"));
        }
        // (A lowest loss of exactly 0 judges nothing: any loss would be "infinitely" above it.)
        if self.best > 0.0 && loss > BLOWN_UP * self.best {
            return Some(format!(
                "loss {loss:.3e}, over {BLOWN_UP:.0e} times its lowest, {:.3e}",
                self.best
            ));
        }
        self.best = self.best.min(loss);
        None
    }

    /// For the CLI's loops: an error if `loss` (of `model` at `step`) says diverged.
    pub fn ensure_healthy(&mut self, loss: f64, model: &str, step: usize) -> anyhow::Result<()> {
        match self.verdict(loss) {
            Some(why) => anyhow::bail!(
                "{model}: training diverged at step {step} ({why}); this model was not saved: lower the scene's train.learning_rate"
            ),
            None => Ok(()),
        }
    }

    /// Holds `s` until the next step's loss vouches for it.
    pub fn hold(&mut self, s: S) {
        self.pending = Some(s);
    }

    /// The held snapshot, once vouched for.
    pub fn release(&mut self) -> Option<S> {
        self.pending.take()
    }

    /// Drops the held snapshot (its weights diverged).
    pub fn drop_pending(&mut self) {
        self.pending = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_passes_a_blow_up_and_non_finite_losses_do_not() {
        let mut w = Watch::<()>::new();
        for l in [1.0, 0.5, 0.1, 0.3, 0.05, 0.2, 40.0] {
            assert_eq!(w.verdict(l), None, "{l}");
        }
        // 0.05 × 10⁴ = 500: just below passes, above is diverged.
        assert_eq!(w.verdict(499.0), None);
        let why = w.verdict(501.0).unwrap();
        assert!(why.contains("5.010e2") && why.contains("5.000e-2"), "{why}");
        assert!(w.verdict(f64::NAN).unwrap().contains("NaN"));
        assert!(w.verdict(f64::INFINITY).is_some());
        // After a restart the lowest loss is forgotten.
        w.restart();
        assert_eq!(w.verdict(1e6), None);
    }
}
