//! Ranges checked while a scene, a spec inside it or a lesson is read: each number they carry is finite and within what
//! the program can run, and a value outside is refused by the deserialiser itself, so the error
//! names the value's own line and column and the field's full path (`eval.rtol`), not the first
//! line where a key of that name appears.
//!
//! Each check is a `deserialize_with` function; the types stay plain numbers, so nothing
//! downstream changes and the scene's canonical form (its hash) does not either.

use serde::{de::Error, Deserialize, Deserializer};

/// A bound as people write it: 0, 0.1, 10000 or 1e-14.
fn shown(v: f64) -> String {
    if v.is_finite() && v != 0.0 && (v.abs() < 1e-3 || v.abs() >= 1e6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Reads an `f64` and checks it lies in [lo, hi] (finite by construction).
fn real<'de, D: Deserializer<'de>>(d: D, lo: f64, hi: f64, what: &str) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v >= lo && v <= hi {
        Ok(v)
    } else {
        Err(D::Error::custom(format!(
            "{} is out of range: {what} must be in [{}, {}]",
            shown(v),
            shown(lo),
            shown(hi)
        )))
    }
}

/// Reads an `f64` and checks it lies in (lo, hi] (strictly above lo).
fn real_above<'de, D: Deserializer<'de>>(
    d: D,
    lo: f64,
    hi: f64,
    what: &str,
) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v > lo && v <= hi {
        Ok(v)
    } else {
        Err(D::Error::custom(format!(
            "{} is out of range: {what} must be in ({}, {}]",
            shown(v),
            shown(lo),
            shown(hi)
        )))
    }
}

/// Reads a count and checks it lies in lo..=hi.
fn count<'de, D: Deserializer<'de>>(
    d: D,
    lo: usize,
    hi: usize,
    what: &str,
) -> Result<usize, D::Error> {
    let v = usize::deserialize(d)?;
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(D::Error::custom(format!(
            "{v} is out of range: {what} must be in {lo}..={hi}"
        )))
    }
}

macro_rules! reals {
    ($($name:ident: [$lo:expr, $hi:expr], $what:expr;)*) => {$(
        pub(crate) fn $name<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
            real(d, $lo, $hi, $what)
        }
    )*};
}

macro_rules! reals_above {
    ($($name:ident: above $lo:expr, up to $hi:expr, $what:expr;)*) => {$(
        pub(crate) fn $name<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
            real_above(d, $lo, $hi, $what)
        }
    )*};
}

macro_rules! counts {
    ($($name:ident: $lo:literal..=$hi:expr, $what:expr;)*) => {$(
        pub(crate) fn $name<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
            count(d, $lo, $hi, $what)
        }
    )*};
}

reals! {
    fraction_closed: [0.0, 1.0], "a fraction";
    noise: [0.0, 1e3], "a noise standard deviation";
    weight_decay: [0.0, 1.0], "a weight decay";
    rtol: [1e-14, 0.1], "a relative tolerance";
    max_speed: [0.0, 1e3], "a speed (rad/s)";
    lesson_time: [0.0, 1e6], "a lesson time (s)";
    rate: [0.05, 8.0], "a time rate (simulated seconds per second)";
    energy: [-1e6, 1e6], "an energy";
    friction: [0.0, 100.0], "a friction coefficient (1/s in the system's units)";
    grid_extent: [-1e4, 1e4], "a grid bound";
}

reals_above! {
    duration: above 0.0, up to 1e5, "a time span (s)";
    learning_rate: above 0.0, up to 10.0, "a learning rate";
    physical: above 0.0, up to 1e4, "a physical constant";
    time_step: above 0.0, up to 1.0, "a time step (s)";
    angle: above 0.0, up to std::f64::consts::PI, "an angle (rad)";
    strength: above 0.0, up to 1e4, "a kick, energy step or band";
}

counts! {
    trajectories: 1..=1_000_000, "a number of trajectories";
    points: 2..=1_000_000, "a number of points";
    steps: 1..=100_000_000, "a number of training steps";
    splits: 1..=1_000, "a number of groups";
    substeps: 1..=10_000, "a number of substeps or iterations";
    width: 1..=100_000, "a layer width";
    frames: 3..=100_000, "a number of frames per trial";
    frame_size: 4..=512, "a frame side (pixels)";
    grid_side: 2..=1_000, "a number of grid points per coordinate";
}

/// A minibatch size, when given: 1..=10⁷ rows.
pub(crate) fn batch<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    match Option::<usize>::deserialize(d)? {
        Some(v) if !(1..=10_000_000).contains(&v) => Err(D::Error::custom(format!(
            "{v} is out of range: a batch size must be in 1..=10000000"
        ))),
        v => Ok(v),
    }
}

/// Hidden layer widths: 1 to 16 layers of 1..=100 000 units.
pub(crate) fn widths<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<usize>, D::Error> {
    let v = Vec::<usize>::deserialize(d)?;
    if v.is_empty() || v.len() > 16 || v.iter().any(|w| !(1..=100_000).contains(w)) {
        return Err(D::Error::custom(format!(
            "{v:?}: needs 1 to 16 hidden layers, each of 1..=100000 units"
        )));
    }
    Ok(v)
}

/// A range (lo, hi) with 0 <= lo <= hi, both finite and at most 10⁴.
pub(crate) fn radius<'de, D: Deserializer<'de>>(d: D) -> Result<(f64, f64), D::Error> {
    let (lo, hi) = <(f64, f64)>::deserialize(d)?;
    if lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi && hi <= 1e4 {
        Ok((lo, hi))
    } else {
        Err(D::Error::custom(format!(
            "({lo}, {hi}) is out of range: needs 0 <= lo <= hi <= 1e4, both finite"
        )))
    }
}

/// A start state, when given: written `(θ, ω)` / `(q, p)` for one degree of freedom or
/// `[q₁, …, qₙ, p₁, …, pₙ]` for any n; 2..=64 numbers, each finite and within ±10⁶. (That it
/// fits the scene's system is checked where both are known.)
pub(crate) fn state<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<f64>>, D::Error> {
    let Some(AnyState(v)) = Option::<AnyState>::deserialize(d)? else {
        return Ok(None);
    };
    check_state(&v).map_err(D::Error::custom)?;
    Ok(Some(v))
}

/// Numbers written as a tuple `(a, b)` or a list `[a, b, …]`.
struct AnyState(Vec<f64>);

impl<'de> Deserialize<'de> for AnyState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Numbers;
        impl<'de> serde::de::Visitor<'de> for Numbers {
            type Value = AnyState;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a state: (a, b) or [a, b, ...]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<AnyState, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = seq.next_element::<f64>()? {
                    if v.len() == 64 {
                        return Err(A::Error::custom(
                            "a state of more than 64 numbers is out of range",
                        ));
                    }
                    v.push(x);
                }
                Ok(AnyState(v))
            }
        }
        d.deserialize_any(Numbers)
    }
}

/// A body number in a lesson: 1..=16 (whether the scene has it is checked when the lesson
/// is read with its scene).
pub(crate) fn body<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let v = usize::deserialize(d)?;
    if (1..=16).contains(&v) {
        Ok(v)
    } else {
        Err(D::Error::custom(format!(
            "{v} is out of range: bodies are numbered 1..=16"
        )))
    }
}

/// A full state (q₁…qₙ, p₁…pₙ): 2 to 64 numbers, each finite and within ±10⁶.
pub(crate) fn full_state<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    let v = Vec::<f64>::deserialize(d)?;
    check_state(&v).map_err(D::Error::custom)?;
    Ok(v)
}

fn check_state(v: &[f64]) -> Result<(), String> {
    if v.len() < 2 || v.len() > 64 || !v.len().is_multiple_of(2) {
        return Err(format!(
            "a state of {} numbers is out of range: it needs an even count, 2..=64",
            v.len()
        ));
    }
    match v.iter().find(|a| !(a.is_finite() && a.abs() <= 1e6)) {
        Some(a) => Err(format!(
            "{} is out of range: a state's numbers must be finite, within ±1e6",
            shown(*a)
        )),
        None => Ok(()),
    }
}

/// One number of a state set by a lesson: finite, within ±10⁶.
pub(crate) fn coordinate<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    real(d, -1e6, 1e6, "a state's number")
}

/// A kick's impulse: non-zero, finite, within ±10⁴ (its sign is its direction).
pub(crate) fn impulse<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v != 0.0 && v.abs() <= 1e4 {
        Ok(v)
    } else {
        Err(D::Error::custom(format!(
            "{} is out of range: a kick must be non-zero and within ±1e4",
            shown(v)
        )))
    }
}

/// Physics steps per twin step: 1..=24.
pub(crate) fn twin_step<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if (1..=24).contains(&v) {
        Ok(v)
    } else {
        Err(D::Error::custom(format!(
            "{v} is out of range: a twin step must be in 1..=24 physics steps"
        )))
    }
}

/// Kicks per game round: 1..=1000.
pub(crate) fn kicks<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if (1..=1000).contains(&v) {
        Ok(v)
    } else {
        Err(D::Error::custom(format!(
            "{v} is out of range: a number of kicks must be in 1..=1000"
        )))
    }
}

/// A game's target amplitudes: 1 to 100 of them, each in (0, 10⁴].
pub(crate) fn targets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    let v = Vec::<f64>::deserialize(d)?;
    if v.is_empty() || v.len() > 100 || !v.iter().all(|t| t.is_finite() && *t > 0.0 && *t <= 1e4) {
        return Err(D::Error::custom(format!(
            "{v:?} is out of range: needs 1 to 100 targets, each in (0, 1e4]"
        )));
    }
    Ok(v)
}
