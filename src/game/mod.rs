//! The energy-target challenge: bring the truth into a band of energy ("swing to 25°") with a
//! limited number of fixed kicks and hold it there; the twins get the same kicks and are
//! scored on how closely they tracked the truth meanwhile. The rules and the scores live
//! here, Bevy-free and tested; the app only feeds them the truth's energy and the twins'
//! angle errors each frame.

mod scores;

pub use scores::{BestScores, ScoreEntry};

/// The rules of one round.
#[derive(Clone, Debug, PartialEq)]
pub struct Challenge {
    /// Target amplitude (rad for a pendulum, q units for a spring).
    pub target: f64,
    /// Half-width of the band around the target amplitude.
    pub band: f64,
    pub kicks: u32,
    /// Strength of every kick (the scene's kick units).
    pub kick: f64,
    /// Seconds the truth must stay in the band.
    pub hold: f64,
    /// Seconds of simulated time before the round ends anyway.
    pub time_limit: f64,
    /// After the last kick, seconds allowed to settle into the band before the round is lost.
    pub settle: f64,
}

impl Challenge {
    /// A round for the scene: `target` and `band` as amplitudes, the rest the defaults
    /// (6 kicks, hold 5 s, 60 s).
    pub fn new(target: f64, band: f64, kick: f64) -> Self {
        Self {
            target,
            band,
            kicks: 6,
            kick,
            hold: 5.0,
            time_limit: 60.0,
            settle: 1.5,
        }
    }
}

/// How a round ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// Held the band for the whole hold time.
    Held,
    OutOfKicks,
    TimeUp,
    /// Stopped by the player (or a reset).
    Abandoned,
}

/// A twin's tracking error over a round: mean of |θ_twin − θ_truth| per frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tracking {
    pub sum: f64,
    pub frames: u32,
}

impl Tracking {
    pub fn mean(&self) -> Option<f64> {
        (self.frames > 0).then(|| self.sum / self.frames as f64)
    }
}

/// Who the round's scores are for, in the order shown.
pub const PLAYERS: [&str; 3] = ["Player", "HNN twin", "Baseline twin"];

/// A round's end: what happened and the three scores (0–100).
#[derive(Clone, Debug, PartialEq)]
pub struct RoundResult {
    pub outcome: Outcome,
    pub seconds: f64,
    pub kicks_used: u32,
    /// Mean angle error of each twin (None: no twin).
    pub tracking: [Option<f64>; 2],
    /// Player, HNN twin, baseline twin.
    pub scores: [u32; 3],
    /// Index into `PLAYERS` of the highest score (the player wins ties).
    pub winner: usize,
}

/// A round in progress.
#[derive(Clone, Debug)]
pub struct Round {
    pub rules: Challenge,
    /// The band as energies (J or H units): [E(target − band), E(target + band)].
    pub energy_band: (f64, f64),
    pub kicks_left: u32,
    /// Simulated seconds since the start.
    pub elapsed: f64,
    /// Seconds in the band without leaving it.
    pub held: f64,
    /// The longest hold so far (a lost round still earns part of the score for it).
    pub best_hold: f64,
    last_kick: Option<f64>,
    pub tracking: [Tracking; 2],
    pub result: Option<RoundResult>,
}

/// A twin's error that counts as no tracking at all (its score reaches zero here).
pub const ERROR_SCALE: f64 = 0.5;

impl Round {
    /// `rest_energy(a)` is the energy of the system at rest at amplitude `a`.
    pub fn new(rules: Challenge, rest_energy: impl Fn(f64) -> f64) -> Self {
        let lo = rest_energy((rules.target - rules.band).max(0.0));
        let hi = rest_energy(rules.target + rules.band);
        Self {
            kicks_left: rules.kicks,
            rules,
            energy_band: (lo.min(hi), lo.max(hi)),
            elapsed: 0.0,
            held: 0.0,
            best_hold: 0.0,
            last_kick: None,
            tracking: Default::default(),
            result: None,
        }
    }

    pub fn over(&self) -> bool {
        self.result.is_some()
    }

    /// Spends a kick; false (and nothing spent) when none is left or the round is over.
    pub fn take_kick(&mut self) -> bool {
        if self.over() || self.kicks_left == 0 {
            return false;
        }
        self.kicks_left -= 1;
        self.last_kick = Some(self.elapsed);
        true
    }

    pub fn in_band(&self, energy: f64) -> bool {
        (self.energy_band.0..=self.energy_band.1).contains(&energy)
    }

    /// One frame of `dt` simulated seconds: the truth's energy and each twin's angle error
    /// (None: no twin; `Some(None)`: a twin whose frame could not be read, counted as the
    /// worst error). Returns the result when this frame ends the round.
    pub fn tick(
        &mut self,
        dt: f64,
        energy: f64,
        errors: [Option<Option<f64>>; 2],
    ) -> Option<&RoundResult> {
        if self.over() || dt <= 0.0 {
            return None;
        }
        self.elapsed += dt;
        for (t, e) in self.tracking.iter_mut().zip(errors) {
            if let Some(e) = e {
                t.sum += e.map_or(ERROR_SCALE, f64::abs).min(ERROR_SCALE * 4.0);
                t.frames += 1;
            }
        }
        if self.in_band(energy) {
            self.held += dt;
        } else {
            self.held = 0.0;
        }
        self.best_hold = self.best_hold.max(self.held);
        let settled = self
            .last_kick
            .is_some_and(|t| self.elapsed - t >= self.rules.settle - 1e-9);
        let outcome = if self.held >= self.rules.hold - 1e-9 {
            Some(Outcome::Held)
        } else if self.kicks_left == 0 && settled && self.held == 0.0 {
            Some(Outcome::OutOfKicks)
        } else if self.elapsed >= self.rules.time_limit {
            Some(Outcome::TimeUp)
        } else {
            None
        };
        outcome.map(|o| self.finish(o))
    }

    /// Ends the round now with this outcome (or returns the result it already had).
    pub fn finish(&mut self, outcome: Outcome) -> &RoundResult {
        if self.result.is_none() {
            self.result = Some(self.score(outcome));
        }
        self.result.as_ref().expect("just set")
    }

    /// The scores: the player earns 100 for holding the band, less 2 per second the round
    /// took beyond the hold itself (never below 10), or, short of it, up to 50 for the
    /// longest hold; a twin earns 100 × (1 − mean angle error / 0.5 rad), at least 0.
    fn score(&self, outcome: Outcome) -> RoundResult {
        let player = match outcome {
            Outcome::Held => (100.0 - 2.0 * (self.elapsed - self.rules.hold).max(0.0)).max(10.0),
            _ => 50.0 * (self.best_hold / self.rules.hold).min(1.0),
        };
        let tracking = self.tracking.map(|t| t.mean());
        let twin = |e: Option<f64>| e.map_or(0.0, |e| 100.0 * (1.0 - e / ERROR_SCALE).max(0.0));
        let scores = [
            player.round() as u32,
            twin(tracking[0]).round() as u32,
            twin(tracking[1]).round() as u32,
        ];
        let winner = (0..3).fold(0, |best, i| if scores[i] > scores[best] { i } else { best });
        RoundResult {
            outcome,
            seconds: self.elapsed,
            kicks_used: self.rules.kicks - self.kicks_left,
            tracking,
            scores,
            winner,
        }
    }
}

#[cfg(test)]
mod tests;
