//! Tests of the fused pixel step against candle's autograd.

use super::*;
use crate::nn::PixelModel;
use crate::rng::Rng;
use crate::scene::LatentStep;
use crate::train::fused::pixel_step_flops;
use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};

#[test]
fn pixel_flop_count_by_hand() {
    // Per sample: encoder 2×(1568·200 + 2·200² + 2·200) forward, decoder the same once,
    // backward 2×(that + 2·200² + 2·200) for the encoder and (that + 1568·200 + 2·200² +
    // 2·200) for the decoder: 2 918 800 multiply–adds; plus the latent HNN.
    let f = pixel_step_flops(ModelKind::Hnn, 1568, 200, &[200, 200], 200);
    let ae = 2.0 * 200.0 * 2_918_800.0;
    let hnn = crate::train::fused::step_flops(ModelKind::Hnn, &[2, 200, 200, 1], 200)
        + 2.0 * 200.0 * 2.0 * 200.0;
    assert!((f - ae - hnn).abs() < 1.0, "{f} vs {}", ae + hnn);
    assert!((f / 1e9 - 1.265).abs() < 0.01, "{f}");
}

/// Every parameter's gradient of ae + cc + 0.1·hnn against candle's autograd (f64), for
/// every kind (the D-HNN's D network included) and both latent steps (Euler, midpoint), with
/// the batch split across threads.
#[test]
fn fused_pixel_gradient_matches_candle_autograd() {
    for (kind, step) in ModelKind::ALL
        .into_iter()
        .flat_map(|k| [(k, LatentStep::Euler), (k, LatentStep::Midpoint)])
    {
        let mut vm = VarMap::new();
        let vb = VarBuilder::from_varmap(&vm, DType::F64, &Device::Cpu);
        let mut model =
            PixelModel::new(kind, &mut vm, vb, 40, 24, &[16, 16], &mut Rng::new(2)).unwrap();
        model.latent_step = step;
        let mut rng = Rng::new(4);
        let b = 2 * super::MIN_PAIRS_PER_SLICE + 8;
        let x: Vec<f64> = (0..b * 40).map(|_| rng.uniform()).collect();
        let xn: Vec<f64> = (0..b * 40).map(|_| rng.uniform()).collect();
        let t = |v: &[f64]| Tensor::from_slice(v, (b, 40), &Device::Cpu).unwrap();
        let l = model.losses(&t(&x), &t(&xn)).unwrap();
        let grads = l.total.backward().unwrap();
        let tensors = crate::nn::named_tensors(&vm);
        let snap = PixelSnapshot::from_tensors(kind, &tensors).unwrap();
        let mut fused = FusedPixel::new(&snap, b, 1e-3, 0.0).with_latent_step(step);
        assert!(fused.chunks.len() >= 2);
        let f32s = |v: &[f64]| v.iter().map(|&a| a as f32).collect::<Vec<_>>();
        let (lv, named) = fused.named_gradient(&f32s(&x), &f32s(&xn));
        let want = l.total.to_scalar::<f64>().unwrap();
        assert!(
            (lv.total - want).abs() < 1e-5 * want,
            "{kind:?} {step:?}: loss {} vs {want}",
            lv.total
        );
        let data = vm.data().lock().unwrap();
        assert_eq!(named.len(), data.len());
        for (name, ours) in named {
            let label = format!("{kind:?} {step:?} {name}");
            crate::train::fused::assert_matches_autograd(
                &grads,
                &data[&name],
                &ours[..],
                1e-9,
                1e-3,
                &label,
            );
        }
    }
}

/// Gradient buffers are reused across steps: the same batch twice gives the same gradient
/// (nothing stale accumulates).
#[test]
fn repeated_gradient_calls_do_not_accumulate() {
    let mut vm = VarMap::new();
    let vb = VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu);
    PixelModel::new(
        ModelKind::Hnn,
        &mut vm,
        vb,
        40,
        24,
        &[16, 16],
        &mut Rng::new(5),
    )
    .unwrap();
    let snap = PixelSnapshot::from_tensors(ModelKind::Hnn, &crate::nn::named_tensors(&vm)).unwrap();
    let mut fused = FusedPixel::new(&snap, 32, 1e-3, 0.0);
    let mut rng = Rng::new(6);
    let x: Vec<f32> = (0..32 * 40).map(|_| rng.uniform() as f32).collect();
    let xn: Vec<f32> = (0..32 * 40).map(|_| rng.uniform() as f32).collect();
    let (_, a) = fused.named_gradient(&x, &xn);
    let (_, b) = fused.named_gradient(&x, &xn);
    assert_eq!(a, b);
}

/// The encoder's sparse first layer equals the dense product on real frames: the loss and
/// every gradient of one step on rendered pendulum pairs, to f32 round-off.
#[test]
fn sparse_first_layer_equals_the_dense_one_on_real_frames() {
    let spec = crate::data::PixelDataSpec {
        trials: 2,
        steps: 120,
        ..Default::default()
    };
    let data = crate::data::pixel::generate(&crate::physics::RapierSpec::default(), &spec).unwrap();
    let idx: Vec<(usize, usize)> = (0..2).flat_map(|t| (0..100).map(move |i| (t, i))).collect();
    let d = 2 * data.pixels();
    let (mut x, mut xn) = (Vec::new(), Vec::new());
    for &(t, i) in &idx {
        x.extend_from_slice(data.pair(t, i));
        xn.extend_from_slice(data.pair(t, i + 1));
    }
    let lit = x.iter().filter(|v| **v != 0.0).count() as f64 / x.len() as f64;
    assert!(lit < 0.1, "frames are mostly dark: {lit}");
    let mut vm = VarMap::new();
    let vb = VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu);
    PixelModel::new(
        ModelKind::Dhnn,
        &mut vm,
        vb,
        d,
        32,
        &[16, 16],
        &mut Rng::new(9),
    )
    .unwrap();
    let snap =
        PixelSnapshot::from_tensors(ModelKind::Dhnn, &crate::nn::named_tensors(&vm)).unwrap();
    let mut sparse = FusedPixel::new(&snap, idx.len(), 1e-3, 0.0);
    let mut dense = FusedPixel::new(&snap, idx.len(), 1e-3, 0.0);
    dense.sparse_inputs = false;
    let (ls, gs) = sparse.named_gradient(&x, &xn);
    let (ld, gd) = dense.named_gradient(&x, &xn);
    assert!(
        (ls.total - ld.total).abs() < 1e-6 * ld.total,
        "{ls:?} vs {ld:?}"
    );
    for ((name, a), (_, b)) in gs.iter().zip(&gd) {
        let scale = b.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-12);
        for (u, v) in a.iter().zip(b) {
            assert!(
                (u - v).abs() <= 1e-4 * scale,
                "{name}: {u} vs {v} (scale {scale})"
            );
        }
    }
}
