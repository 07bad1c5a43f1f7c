//! One value per learned model — twin, trainer view, portrait, shipped status — indexed one
//! way, by the model's kind, in the order the app shows them (the HNN first).

use std::ops::{Index, IndexMut};

use crate::nn::ModelKind;

/// The learned models, in the order the app shows them.
pub const KINDS: [ModelKind; 2] = [ModelKind::Hnn, ModelKind::Baseline];
/// The HNN, by its kind (short for indexing).
pub const HNN: ModelKind = ModelKind::Hnn;
/// The baseline, by its kind.
pub const BASELINE: ModelKind = ModelKind::Baseline;

fn slot(kind: ModelKind) -> usize {
    match kind {
        ModelKind::Hnn => 0,
        ModelKind::Baseline => 1,
        // The app's columns are the HNN's and the baseline's: `KINDS` never holds a D-HNN.
        ModelKind::Dhnn => unreachable!("the app shows no D-HNN column"),
    }
}

/// A value for each learned model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PerModel<T>(pub [T; 2]);

impl<T> PerModel<T> {
    /// The value `f` gives for each kind.
    pub fn from_fn(mut f: impl FnMut(ModelKind) -> T) -> Self {
        Self([f(KINDS[0]), f(KINDS[1])])
    }
    /// References to both values, in `KINDS` order.
    pub fn each_ref(&self) -> [&T; 2] {
        self.0.each_ref()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.0.iter_mut()
    }
    /// Each kind with its value.
    pub fn each(&self) -> impl Iterator<Item = (ModelKind, &T)> {
        KINDS.into_iter().zip(self.0.iter())
    }
    /// Each kind with its value, mutably.
    pub fn each_mut(&mut self) -> impl Iterator<Item = (ModelKind, &mut T)> {
        KINDS.into_iter().zip(self.0.iter_mut())
    }
}

impl<T> Index<ModelKind> for PerModel<T> {
    type Output = T;
    fn index(&self, kind: ModelKind) -> &T {
        &self.0[slot(kind)]
    }
}

impl<T> IndexMut<ModelKind> for PerModel<T> {
    fn index_mut(&mut self, kind: ModelKind) -> &mut T {
        &mut self.0[slot(kind)]
    }
}

impl<'a, T> IntoIterator for &'a PerModel<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut PerModel<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}
