//! One value per learned model — twin, trainer view, portrait, shipped status — indexed one
//! way, by the model's kind, in the order the app shows them (the scene's `model.kinds`: the
//! HNN and the baseline, and on damped scenes the D-HNN first).

use std::ops::{Index, IndexMut};

use crate::nn::ModelKind;

/// The HNN, by its kind (short for indexing).
pub const HNN: ModelKind = ModelKind::Hnn;
/// The baseline, by its kind.
pub const BASELINE: ModelKind = ModelKind::Baseline;

/// A value for each learned model of the scene, in column order.
#[derive(Clone, Debug, PartialEq)]
pub struct PerModel<T>(pub Vec<(ModelKind, T)>);

/// No models (filled from the scene's kinds when the app starts).
impl<T> Default for PerModel<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'a, T> IntoIterator for &'a PerModel<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (ModelKind, T)>, fn(&(ModelKind, T)) -> &T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(_, v)| v)
    }
}

impl<'a, T> IntoIterator for &'a mut PerModel<T> {
    type Item = &'a mut T;
    type IntoIter =
        std::iter::Map<std::slice::IterMut<'a, (ModelKind, T)>, fn(&mut (ModelKind, T)) -> &mut T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

impl<T> PerModel<T> {
    /// The value `f` gives for each of `kinds`, in that order.
    pub fn from_fn(kinds: &[ModelKind], mut f: impl FnMut(ModelKind) -> T) -> Self {
        Self(kinds.iter().map(|&k| (k, f(k))).collect())
    }
    /// The same kinds with the values `f` makes of these.
    pub fn map<U>(&self, mut f: impl FnMut(ModelKind, &T) -> U) -> PerModel<U> {
        PerModel(self.0.iter().map(|(k, v)| (*k, f(*k, v))).collect())
    }
    /// The kinds, in column order.
    pub fn kinds(&self) -> Vec<ModelKind> {
        self.0.iter().map(|(k, _)| *k).collect()
    }
    /// How many models.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Whether `kind` is one of the models.
    pub fn has(&self, kind: ModelKind) -> bool {
        self.0.iter().any(|(k, _)| *k == kind)
    }
    /// The value of `kind`, if the scene has that model.
    pub fn get(&self, kind: ModelKind) -> Option<&T> {
        self.0.iter().find(|(k, _)| *k == kind).map(|(_, v)| v)
    }
    pub fn get_mut(&mut self, kind: ModelKind) -> Option<&mut T> {
        self.0.iter_mut().find(|(k, _)| *k == kind).map(|(_, v)| v)
    }
    /// The value in column position `i` (0 = the first twin).
    pub fn at(&self, i: usize) -> &T {
        &self.0[i].1
    }
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter().map(|(_, v)| v)
    }
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.0.iter_mut().map(|(_, v)| v)
    }
    /// Each kind with its value.
    pub fn each(&self) -> impl Iterator<Item = (ModelKind, &T)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
    /// Each kind with its value, mutably.
    pub fn each_mut(&mut self) -> impl Iterator<Item = (ModelKind, &mut T)> {
        self.0.iter_mut().map(|(k, v)| (*k, v))
    }
}

impl<T> Index<ModelKind> for PerModel<T> {
    type Output = T;
    /// The value of `kind`; a scene without that model has none (a caller asks with `get`
    /// where the model may be absent).
    fn index(&self, kind: ModelKind) -> &T {
        self.get(kind)
            .unwrap_or_else(|| panic!("this scene shows no {} model", kind.name()))
    }
}

impl<T> IndexMut<ModelKind> for PerModel<T> {
    fn index_mut(&mut self, kind: ModelKind) -> &mut T {
        self.get_mut(kind)
            .unwrap_or_else(|| panic!("this scene shows no {} model", kind.name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_by_kind_in_column_order() {
        let kinds = [ModelKind::Dhnn, ModelKind::Hnn, ModelKind::Baseline];
        let mut p = PerModel::from_fn(&kinds, |k| k.name().len());
        assert_eq!(p[ModelKind::Hnn], 3);
        assert_eq!(*p.at(0), 4);
        p[ModelKind::Baseline] += 1;
        assert_eq!(p.iter().copied().collect::<Vec<_>>(), vec![4, 3, 9]);
        assert_eq!(p.kinds(), kinds.to_vec());
        let two = PerModel::from_fn(&kinds[1..], |_| ());
        assert!(!two.has(ModelKind::Dhnn) && two.get(ModelKind::Dhnn).is_none());
    }
}
