//! The system a scene simulates or records: which Hamiltonian, with which constants, and so how
//! many degrees of freedom every state of the scene has.

use serde::{Deserialize, Serialize};

use crate::ranges;

use crate::physics::{
    DoublePendulum, Friction, Gravity, Hamiltonian, Pendulum, RapierDoubleSpec, RapierSpec, Spring,
};

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub enum SystemSpec {
    /// H = k q² + m p².
    Spring {
        #[serde(deserialize_with = "ranges::physical")]
        k: f64,
        #[serde(deserialize_with = "ranges::physical")]
        m: f64,
    },
    /// H = k (1 − cos q) + m p².
    Pendulum {
        #[serde(deserialize_with = "ranges::physical")]
        k: f64,
        #[serde(deserialize_with = "ranges::physical")]
        m: f64,
    },
    /// A rod on a revolute joint simulated by rapier2d (the pixel task's ground truth).
    RapierPendulum(RapierSpec),
    /// Two point masses (kg) on massless rods (m) under gravity g (m/s²), in canonical
    /// (θ₁, θ₂, p₁, p₂): n = 2.
    DoublePendulum {
        #[serde(deserialize_with = "ranges::physical")]
        m1: f64,
        #[serde(deserialize_with = "ranges::physical")]
        m2: f64,
        #[serde(deserialize_with = "ranges::physical")]
        l1: f64,
        #[serde(deserialize_with = "ranges::physical")]
        l2: f64,
        #[serde(deserialize_with = "ranges::physical")]
        g: f64,
    },
    /// Two uniform rods on a chain of multibody revolute joints simulated by rapier2d, in
    /// canonical (θ₁, θ₂, p₁, p₂): n = 2. Synthetic data step rapier itself.
    RapierDoublePendulum(RapierDoubleSpec),
    /// Bodies in a plane under Newtonian gravity (constant `g`), state
    /// (x₁…x_N, y₁…y_N, pˣ₁…pˣ_N, pʸ₁…pʸ_N): n = 2N.
    Gravity {
        masses: Vec<f64>,
        #[serde(deserialize_with = "ranges::physical")]
        g: f64,
    },
}

impl SystemSpec {
    /// Degrees of freedom n: the system's states have 2n numbers.
    pub fn dof(&self) -> usize {
        match self {
            SystemSpec::Spring { .. }
            | SystemSpec::Pendulum { .. }
            | SystemSpec::RapierPendulum(_) => 1,
            SystemSpec::DoublePendulum { .. } | SystemSpec::RapierDoublePendulum(_) => 2,
            SystemSpec::Gravity { masses, .. } => 2 * masses.len(),
        }
    }

    /// For a one-degree-of-freedom system, the momentum for a rate of change dq/dt (the app's
    /// drag): p = (dq/dt) / 2m for H = V(q) + m p²; the rapier pendulum's state holds ω
    /// itself. None for n > 1, where p depends on every velocity.
    pub fn momentum_for(&self, q_rate: f64) -> Option<f64> {
        match *self {
            SystemSpec::Spring { m, .. } | SystemSpec::Pendulum { m, .. } => {
                Some(q_rate / (2.0 * m))
            }
            SystemSpec::RapierPendulum(_) => Some(q_rate),
            SystemSpec::DoublePendulum { .. }
            | SystemSpec::RapierDoublePendulum(_)
            | SystemSpec::Gravity { .. } => None,
        }
    }

    /// Where the bodies are (m, or the system's length unit) at coordinates `q` (the first n
    /// numbers of a state), for drawing: a pendulum's bob(s) below a pivot at the origin, the
    /// end of each rod in turn (point masses and rods alike); a spring's mass at (q, 0); the
    /// orbiting bodies relative to their centre of mass, so the picture stays put even if the
    /// total momentum is not zero.
    pub fn body_positions(&self, q: &[f64]) -> Vec<[f64; 2]> {
        let bob =
            |at: [f64; 2], theta: f64, l: f64| [at[0] + l * theta.sin(), at[1] - l * theta.cos()];
        match self {
            SystemSpec::Spring { .. } => vec![[q[0], 0.0]],
            SystemSpec::Pendulum { .. } => vec![bob([0.0, 0.0], q[0], 1.0)],
            SystemSpec::RapierPendulum(r) => vec![bob([0.0, 0.0], q[0], r.length)],
            &SystemSpec::DoublePendulum { l1, l2, .. } => {
                let a = bob([0.0, 0.0], q[0], l1);
                vec![a, bob(a, q[1], l2)]
            }
            SystemSpec::RapierDoublePendulum(r) => {
                let a = bob([0.0, 0.0], q[0], r.l1);
                vec![a, bob(a, q[1], r.l2)]
            }
            SystemSpec::Gravity { masses, .. } => {
                let nb = masses.len();
                let total: f64 = masses.iter().sum();
                let centre = |off: usize| -> f64 {
                    (0..nb).map(|i| masses[i] * q[off + i]).sum::<f64>() / total
                };
                let (cx, cy) = (centre(0), centre(nb));
                (0..nb).map(|i| [q[i] - cx, q[nb + i] - cy]).collect()
            }
        }
    }

    /// Whether the bodies hang from a pivot, each on a rod from the one before (pendulums),
    /// rather than move freely (a spring's mass, orbiting bodies).
    pub fn is_chain(&self) -> bool {
        matches!(
            self,
            SystemSpec::Pendulum { .. }
                | SystemSpec::RapierPendulum(_)
                | SystemSpec::DoublePendulum { .. }
                | SystemSpec::RapierDoublePendulum(_)
        )
    }

    /// The total rod length of a chain (the reach of its last bob), 1 for the others.
    pub fn reach(&self) -> f64 {
        match self {
            SystemSpec::Pendulum { .. } => 1.0,
            SystemSpec::RapierPendulum(r) => r.length,
            SystemSpec::DoublePendulum { l1, l2, .. } => l1 + l2,
            SystemSpec::RapierDoublePendulum(r) => r.l1 + r.l2,
            _ => 1.0,
        }
    }

    /// Coordinates for the inverse of `body_positions` on a chain: the angles that put bob
    /// `body` at `at`, the other joints kept where they are in `q` (dragging a bob swings its
    /// own rod about the joint above it). None for systems that are not chains.
    pub fn chain_angles_to(&self, q: &[f64], body: usize, at: [f64; 2]) -> Option<Vec<f64>> {
        if !self.is_chain() || body >= self.dof() {
            return None;
        }
        let joint = if body == 0 {
            [0.0, 0.0]
        } else {
            self.body_positions(q)[body - 1]
        };
        let (dx, dy) = (at[0] - joint[0], at[1] - joint[1]);
        let raw = dx.atan2(-dy);
        let mut out = q[..self.dof()].to_vec();
        // Continuous with the current angle (across the top, a turn is kept).
        let now = out[body];
        let diff = (raw - now + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU)
            - std::f64::consts::PI;
        out[body] = now + diff;
        Some(out)
    }

    /// The constants a user can change, in words (the status line).
    pub fn describe(&self) -> String {
        match self {
            SystemSpec::Spring { k, m } => format!("k = {k:.2}, m = {m:.2}"),
            SystemSpec::Pendulum { k, m } => format!("k = {k:.2}, m = {m:.2}"),
            SystemSpec::RapierPendulum(r) => format!(
                "g = {:.2} m/s², l = {:.2} m, m = {:.2} kg",
                r.gravity, r.length, r.mass
            ),
            SystemSpec::DoublePendulum { m1, m2, l1, l2, g } => {
                format!("g = {g:.2} m/s², l = {l1:.2}, {l2:.2} m, m = {m1:.2}, {m2:.2} kg")
            }
            SystemSpec::RapierDoublePendulum(r) => format!(
                "g = {:.2} m/s², l = {:.2}, {:.2} m, m = {:.2}, {:.2} kg",
                r.gravity, r.l1, r.l2, r.m1, r.m2
            ),
            SystemSpec::Gravity { masses, g } => {
                let m: Vec<String> = masses.iter().map(|m| format!("{m:.2}")).collect();
                format!("G = {g:.2}, masses {}", m.join(", "))
            }
        }
    }

    /// How many bodies can be kicked or dragged: the pendulums' bobs, the orbits' bodies.
    pub fn bodies(&self) -> usize {
        match self {
            SystemSpec::Gravity { masses, .. } => masses.len(),
            s => s.dof(),
        }
    }

    /// Gravity g (m/s²) of a system that has a gravity setting (see `with_gravity`).
    pub fn gravity(&self) -> Option<f64> {
        match self {
            SystemSpec::RapierPendulum(r) => Some(r.gravity),
            SystemSpec::DoublePendulum { g, .. } => Some(*g),
            SystemSpec::RapierDoublePendulum(r) => Some(r.gravity),
            _ => None,
        }
    }

    /// The same system under gravity `g` (m/s²); None for systems without a gravity setting
    /// (springs, the (k, m) pendulum, orbits, whose G is a unit choice).
    pub fn with_gravity(&self, g: f64) -> Option<SystemSpec> {
        let mut s = self.clone();
        match &mut s {
            SystemSpec::RapierPendulum(r) => r.gravity = g,
            SystemSpec::DoublePendulum { g: old, .. } => *old = g,
            SystemSpec::RapierDoublePendulum(r) => r.gravity = g,
            _ => return None,
        }
        Some(s)
    }

    /// Friction that is part of the system itself: the rapier rod's joint friction γ, which
    /// is the suite's rule in (θ, p = Iω). None for the others (their friction is the scene's).
    pub fn own_friction(&self) -> Friction {
        match self {
            SystemSpec::RapierPendulum(r) => Friction::momentum(r.friction),
            SystemSpec::RapierDoublePendulum(r) => Friction::joints(r.friction),
            _ => Friction::default(),
        }
    }

    /// The same system with its own joint friction at `s` (the rapier rods, whose friction is
    /// part of their physics); None for the systems whose friction is the scene's.
    pub fn with_own_friction(&self, s: f64) -> Option<SystemSpec> {
        match self {
            SystemSpec::RapierPendulum(r) => {
                Some(SystemSpec::RapierPendulum(RapierSpec { friction: s, ..*r }))
            }
            SystemSpec::RapierDoublePendulum(r) => {
                Some(SystemSpec::RapierDoublePendulum(RapierDoubleSpec {
                    friction: s,
                    ..*r
                }))
            }
            _ => None,
        }
    }

    /// The friction the truth runs with under a scene friction `scene`: the system's own
    /// where it has one (the rapier rod's joint), else the scene's.
    pub fn total_friction(&self, scene: Friction) -> Friction {
        let own = self.own_friction();
        if own.is_none() {
            scene
        } else {
            own
        }
    }

    pub fn hamiltonian(&self) -> Box<dyn Hamiltonian> {
        match self {
            &SystemSpec::Spring { k, m } => Box::new(Spring { k, m }),
            &SystemSpec::Pendulum { k, m } => Box::new(Pendulum { k, m }),
            // In canonical (θ, p = Iω): H = p² / 2I + m g (l/2)(1 − cos θ).
            SystemSpec::RapierPendulum(r) => Box::new(Pendulum {
                k: r.mass * r.gravity * r.length / 2.0,
                m: 1.0 / (2.0 * r.inertia()),
            }),
            &SystemSpec::DoublePendulum { m1, m2, l1, l2, g } => {
                Box::new(DoublePendulum::point_masses(m1, m2, l1, l2, g))
            }
            SystemSpec::RapierDoublePendulum(r) => Box::new(r.hamiltonian()),
            SystemSpec::Gravity { masses, g } => Box::new(Gravity {
                masses: masses.clone(),
                g: *g,
            }),
        }
    }
}
