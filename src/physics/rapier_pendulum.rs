//! The ground truth of the pixel pendulum: a uniform rod on a revolute joint to a fixed anchor,
//! simulated by rapier2d.

use rapier2d::prelude::*;
use serde::{Deserialize, Serialize};

use crate::ranges;

/// How the rod is attached to the anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JointKind {
    /// Reduced coordinates: the rod has exactly one degree of freedom (θ). Rapier gives
    /// multibody joints a default angular damping of 0.1, which we set to zero.
    Multibody,
    /// A constraint solved by impulses between two free bodies (rapier's default joint).
    Impulse,
}

/// Physical and numerical settings of the rapier pendulum.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RapierSpec {
    /// Rod mass (kg), length (m) and gravity (m/s²).
    #[serde(deserialize_with = "ranges::physical")]
    pub mass: f64,
    #[serde(deserialize_with = "ranges::physical")]
    pub length: f64,
    #[serde(deserialize_with = "ranges::physical")]
    pub gravity: f64,
    /// Fixed time step of one `step` call (s), split into `substeps` rapier steps.
    #[serde(deserialize_with = "ranges::time_step")]
    pub dt: f64,
    #[serde(deserialize_with = "ranges::substeps")]
    pub substeps: usize,
    pub joint: JointKind,
    /// Rapier solver iterations per substep.
    #[serde(deserialize_with = "ranges::substeps")]
    pub solver_iterations: usize,
    /// Joint friction γ (N·m·s): a torque −γω at the pivot, DeepMind's suite's rule
    /// ṗ = −∂H/∂θ − γ ∂H/∂p in (θ, p = Iω). The multibody joint's own damping (implicit in
    /// rapier's solver), or for the impulse joint a velocity motor towards ω = 0. Not written
    /// when 0, so frictionless scenes keep their hash and cached frames.
    #[serde(deserialize_with = "ranges::friction", skip_serializing_if = "is_zero")]
    pub friction: f64,
}

pub(super) fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl Default for RapierSpec {
    fn default() -> Self {
        Self {
            mass: 1.0,
            length: 1.0,
            gravity: 9.81,
            dt: 1.0 / 60.0,
            substeps: 4,
            joint: JointKind::Multibody,
            solver_iterations: 4,
            friction: 0.0,
        }
    }
}

impl RapierSpec {
    /// Moment of inertia about the pivot, m l² / 3.
    pub fn inertia(&self) -> f64 {
        self.mass * self.length * self.length / 3.0
    }
    /// H = ½ I ω² + m g (l/2)(1 − cos θ), θ from the hanging position.
    pub fn energy(&self, theta: f64, omega: f64) -> f64 {
        let (k, u) = self.energy_parts(theta, omega);
        k + u
    }
    /// (kinetic, potential) — the two parts of `energy`, for energy bars.
    pub fn energy_parts(&self, theta: f64, omega: f64) -> (f64, f64) {
        (
            0.5 * self.inertia() * omega * omega,
            self.mass * self.gravity * 0.5 * self.length * (1.0 - theta.cos()),
        )
    }
}

/// A rapier world holding the anchor and the rod.
pub struct RapierPendulum {
    pub spec: RapierSpec,
    world: PhysicsWorld,
    rod: RigidBodyHandle,
    multibody: Option<MultibodyJointHandle>,
    /// θ unwrapped across full turns (rapier reports the angle in (−π, π]).
    theta_unwrapped: f64,
}

const ANCHOR: Vector = Vector::new(0.0, 0.0);

impl RapierPendulum {
    pub fn new(spec: RapierSpec, theta: f64, omega: f64) -> Self {
        let mut world = PhysicsWorld::new();
        world.gravity = Vector::new(0.0, -spec.gravity as Real);
        world.integration_parameters.dt = (spec.dt / spec.substeps.max(1) as f64) as Real;
        world.integration_parameters.num_solver_iterations = spec.solver_iterations.max(1);
        let anchor = world.insert_body(RigidBodyBuilder::fixed().translation(ANCHOR));
        let half = (spec.length / 2.0) as Real;
        // Rod along its local y axis, centre of mass at the origin; exact uniform-rod inertia.
        let props = MassProperties::new(
            Vector::ZERO,
            spec.mass as Real,
            (spec.mass * spec.length * spec.length / 12.0) as Real,
        );
        let rod = world.insert_body(
            RigidBodyBuilder::dynamic()
                .translation(ANCHOR + Vector::new(0.0, -half))
                .additional_mass_properties(props)
                .angular_damping(0.0)
                .linear_damping(0.0)
                .can_sleep(false),
        );
        let mut joint = RevoluteJointBuilder::new()
            .local_anchor1(ANCHOR)
            .local_anchor2(Vector::new(0.0, half));
        if spec.friction != 0.0 && spec.joint == JointKind::Impulse {
            // Force-based: the factor is the torque per unit of angular velocity itself (the
            // default scales it by the effective inertia).
            joint = joint
                .motor_model(MotorModel::ForceBased)
                .motor_velocity(0.0, spec.friction as Real);
        }
        let joint = joint.build();
        let multibody = match spec.joint {
            JointKind::Impulse => {
                world.insert_impulse_joint(anchor, rod, joint);
                None
            }
            JointKind::Multibody => {
                let h = world
                    .insert_multibody_joint(anchor, rod, joint)
                    .expect("a two-body multibody");
                if let Some((mb, _)) = world.multibody_joints.get_mut(h) {
                    // The generalized force −d·v on the joint's one coordinate: d = γ.
                    mb.damping_mut().fill(spec.friction as Real);
                }
                Some(h)
            }
        };
        let mut p = Self {
            spec,
            world,
            rod,
            multibody,
            theta_unwrapped: 0.0,
        };
        p.set_state(theta, omega);
        p
    }

    /// Advances by `spec.dt` in `spec.substeps` rapier steps.
    pub fn step(&mut self) {
        for _ in 0..self.spec.substeps.max(1) {
            self.world.step();
            self.track_unwrap();
        }
    }

    fn raw_angle(&self) -> f64 {
        self.world.bodies[self.rod].rotation().angle() as f64
    }

    fn track_unwrap(&mut self) {
        let raw = self.raw_angle();
        let two_pi = std::f64::consts::TAU;
        let k = ((self.theta_unwrapped - raw) / two_pi).round();
        self.theta_unwrapped = raw + k * two_pi;
    }

    /// θ (rad, from hanging, counter-clockwise positive, unwrapped) and ω (rad/s).
    pub fn state(&self) -> (f64, f64) {
        (
            self.theta_unwrapped,
            self.world.bodies[self.rod].angvel() as f64,
        )
    }

    pub fn energy(&self) -> f64 {
        let (t, w) = self.state();
        self.spec.energy(t, w)
    }

    /// Places the rod at angle θ with angular velocity ω (body pose and velocity consistent
    /// with the joint).
    pub fn set_state(&mut self, theta: f64, omega: f64) {
        let half = self.spec.length / 2.0;
        let com = Vector::new((half * theta.sin()) as Real, (-half * theta.cos()) as Real) + ANCHOR;
        let v = Vector::new(
            (omega * half * theta.cos()) as Real,
            (omega * half * theta.sin()) as Real,
        );
        if let Some(h) = self.multibody {
            let (mb, _) = self
                .world
                .multibody_joints
                .get_mut(h)
                .expect("multibody exists");
            // Forward kinematics first: it settles the root (fixed) before the displacement.
            mb.forward_kinematics(&self.world.bodies, true);
            let current = mb.link(1).map(|l| l.joint().coords()).unwrap_or_default();
            let dof_now = current[DIM] as f64;
            mb.apply_displacements(&[(theta - dof_now) as Real]);
            mb.generalized_velocity_mut().fill(omega as Real);
            mb.forward_kinematics(&self.world.bodies, true);
            mb.update_rigid_bodies(&mut self.world.bodies, true);
        }
        let body = &mut self.world.bodies[self.rod];
        body.set_position(Pose::new(com, theta as Real), true);
        body.set_linvel(v, true);
        body.set_angvel(omega as Real, true);
        self.theta_unwrapped = theta;
    }

    /// An angular impulse J (N·m·s) about the pivot: ω jumps by J / I.
    pub fn kick(&mut self, impulse: f64) {
        let (t, w) = self.state();
        self.set_state(t, w + impulse / self.spec.inertia());
    }
}

/// The angles the pendulum had over the `steps` physics steps before it reached (θ, ω), oldest
/// first and ending with θ: the pendulum is time-reversible, so this runs it forward from
/// (θ, −ω) (with friction, reversed time turns the drag into a push: −γ).
pub fn past_angles(spec: RapierSpec, theta: f64, omega: f64, steps: usize) -> Vec<f64> {
    let reversed = RapierSpec {
        friction: -spec.friction,
        ..spec
    };
    let mut back = RapierPendulum::new(reversed, theta, -omega);
    let mut past = vec![theta];
    for _ in 0..steps {
        back.step();
        past.push(back.state().0);
    }
    past.reverse();
    past
}

/// Relative energy change (H(T) − H(0)) / H(0) and the largest relative excursion over
/// `seconds` of simulated time from rest at `theta0`.
pub fn energy_drift(spec: RapierSpec, theta0: f64, seconds: f64) -> (f64, f64) {
    let mut p = RapierPendulum::new(spec, theta0, 0.0);
    let steps = (seconds / spec.dt).round() as usize;
    super::energy_drift_of(&mut p, steps, RapierPendulum::step, RapierPendulum::energy)
}

/// Energy (J) the rod loses to joint friction over `seconds` from rest at `theta0`: rapier's,
/// and the damped ODE's I ω̇ = −m g (l/2) sin θ − γ ω (DoPri5, rtol 1e-10): how faithfully the
/// solver's damping follows the physics it stands for.
pub fn friction_loss(spec: RapierSpec, theta0: f64, seconds: f64) -> (f64, f64) {
    use crate::integrate::{dopri5, linspace, Tolerance};
    use crate::physics::{with_friction, Friction, Pendulum};
    let mut p = RapierPendulum::new(spec, theta0, 0.0);
    let e0 = p.energy();
    for _ in 0..(seconds / spec.dt).round() as usize {
        p.step();
    }
    let lost_rapier = e0 - p.energy();
    // The ODE in canonical (θ, p = Iω).
    let ode = with_friction(
        Box::new(Pendulum {
            k: spec.mass * spec.gravity * spec.length / 2.0,
            m: 1.0 / (2.0 * spec.inertia()),
        }),
        Friction::momentum(spec.friction),
    );
    let mut f = |x: &[f64], dx: &mut [f64]| ode.field(x, dx);
    let tol = Tolerance {
        rtol: 1e-10,
        atol: 1e-10,
    };
    let lost_ode = match dopri5(&mut f, &[theta0, 0.0], &linspace(0.0, seconds, 2), tol) {
        Ok(sol) => ode.energy(&[theta0, 0.0]) - ode.energy(&sol.states[1]),
        Err(_) => f64::NAN,
    };
    (lost_rapier, lost_ode)
}

#[cfg(test)]
#[path = "rapier_pendulum_tests.rs"]
mod tests;
