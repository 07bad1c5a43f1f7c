//! What the app shows of a scene and how it starts: the truth's start state, the time rate,
//! the kick and add-energy sizes, the energy game's rules. Every number is range-checked as
//! the file is read (`ranges`), so an error names its own line and field path.

use serde::{Deserialize, Serialize};

use crate::ranges;

/// The app's view of a scene.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ViewSpec {
    /// The truth's start (and reset) state: (θ, ω) for the rapier pendulum, (q, p) otherwise;
    /// `None`: the app's default for the system.
    #[serde(deserialize_with = "ranges::state")]
    pub start: Option<Vec<f64>>,
    /// Simulated seconds per real second at start (¼, ½, 1 or 2 are the buttons' rates).
    #[serde(deserialize_with = "ranges::rate")]
    pub time_rate: f64,
    /// Strength of a kick: N·m·s for the rapier pendulum, Δp otherwise.
    #[serde(deserialize_with = "ranges::strength")]
    pub kick: f64,
    /// How much learned H the add-energy button adds to the HNN twin, in the learned H's
    /// units; worth sizing against the learned H's range over the data (printed on screen).
    #[serde(deserialize_with = "ranges::strength")]
    pub add_energy: f64,
    /// The energy-target game's rules (`None`: the app's defaults for the system).
    pub game: Option<GameSpec>,
}

impl Default for ViewSpec {
    fn default() -> Self {
        Self {
            start: None,
            time_rate: 1.0,
            kick: 0.3,
            add_energy: 0.05,
            game: None,
        }
    }
}

/// The energy-target game: swing the truth to a target amplitude with a few fixed kicks and
/// hold it there.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct GameSpec {
    /// Target amplitudes, one per round in turn: degrees for a pendulum, q for a spring.
    #[serde(deserialize_with = "ranges::targets")]
    pub targets: Vec<f64>,
    /// Half-width of the band around the target, in the same unit.
    #[serde(deserialize_with = "ranges::strength")]
    pub band: f64,
    /// Strength of each kick (the scene's kick units).
    #[serde(deserialize_with = "ranges::strength")]
    pub kick: f64,
    #[serde(deserialize_with = "ranges::kicks")]
    pub kicks: u32,
    /// Seconds to hold the band.
    #[serde(deserialize_with = "ranges::duration")]
    pub hold: f64,
}

impl Default for GameSpec {
    /// A pendulum's: 0.2 N·m·s kicks swing the 1 m rod to 9° from rest, so a 25° target takes
    /// three kicks in step with the swing (the pixel models learned swings up to 30°).
    fn default() -> Self {
        Self {
            targets: vec![25.0, 20.0, 28.0],
            band: 2.5,
            kick: 0.2,
            kicks: 6,
            hold: 5.0,
        }
    }
}
