//! What the truth obeys, as the app compares it with what the twins learned: the system's
//! constants and the friction in effect.

use crate::physics::Friction;
use crate::scene::SystemSpec;

/// What the truth obeys: the system's constants and the scene's friction (the rapier rod's
/// friction is in its system's spec).
#[derive(Clone, Debug, PartialEq)]
pub struct Physics {
    pub system: SystemSpec,
    pub friction: Friction,
}

impl Physics {
    /// The friction in effect (the scene's, or the system's own).
    pub fn total_friction(&self) -> Friction {
        self.system.total_friction(self.friction)
    }

    /// In words, for the panel.
    pub fn describe(&self) -> String {
        let f = self.total_friction();
        if f.is_none() {
            format!("{} without friction", self.system.describe())
        } else {
            format!("{}, friction {:.3}", self.system.describe(), f.strength())
        }
    }
}
