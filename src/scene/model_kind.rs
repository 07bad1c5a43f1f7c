//! Which kinds of model a scene names (a spec type: the networks themselves live in `nn`).

use serde::{Deserialize, Deserializer, Serialize};

/// Which model: the paper's two, and the Dissipative HNN (Sosanya & Greydanus 2022).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum ModelKind {
    /// MLP → scalar H, field J∇H.
    Hnn,
    /// MLP → ẋ directly.
    Baseline,
    /// Two MLPs → scalars H and D, field J∇H + ∇D: a conserving and a dissipating part (a
    /// Helmholtz split), so it can lose energy where an HNN cannot.
    Dhnn,
}

impl ModelKind {
    /// The three kinds, in the order the app's columns and the tables show them.
    pub const ALL: [ModelKind; 3] = [ModelKind::Dhnn, ModelKind::Hnn, ModelKind::Baseline];

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Hnn => "hnn",
            ModelKind::Baseline => "baseline",
            ModelKind::Dhnn => "dhnn",
        }
    }
    /// How people write it.
    pub fn label(self) -> &'static str {
        match self {
            ModelKind::Hnn => "HNN",
            ModelKind::Baseline => "baseline",
            ModelKind::Dhnn => "D-HNN",
        }
    }
    /// Layer sizes for a state of dimension `dim` and the given hidden widths (a D-HNN's H
    /// and D networks each have these).
    pub fn sizes(self, dim: usize, hidden: &[usize]) -> Vec<usize> {
        let mut s = vec![dim];
        s.extend(hidden);
        s.push(match self {
            ModelKind::Hnn | ModelKind::Dhnn => 1,
            ModelKind::Baseline => dim,
        });
        s
    }
    /// Whether the model has a learned energy H.
    pub fn has_energy(self) -> bool {
        matches!(self, ModelKind::Hnn | ModelKind::Dhnn)
    }
}

/// The models of a scene: one to three distinct kinds.
pub(crate) fn checked_kinds<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ModelKind>, D::Error> {
    let v = Vec::<ModelKind>::deserialize(d)?;
    let distinct: std::collections::BTreeSet<_> = v.iter().collect();
    if v.is_empty() || distinct.len() != v.len() {
        return Err(serde::de::Error::custom(format!(
            "{v:?}: list one to three distinct models of Hnn, Baseline, Dhnn"
        )));
    }
    Ok(v)
}
