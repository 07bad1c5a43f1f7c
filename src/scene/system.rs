//! The system a scene simulates or records: which Hamiltonian, with which constants, and so how
//! many degrees of freedom every state of the scene has.

use serde::{Deserialize, Serialize};

use crate::ranges;

use crate::physics::{
    DoublePendulum, Gravity, Hamiltonian, Pendulum, RapierDoubleSpec, RapierSpec, Spring,
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
