//! Measures of what a figure claims about labelled points: how well a line (a plane, a
//! hyperplane) separates their classes, and how far from flat they lie. Deterministic: the
//! same points give the same figures every time.

use super::{Activation, Dataset, Network, Optimizer, TrainConfig, Trainer, evaluate};
use nalgebra::SymmetricEigen;

/// L-BFGS iterations of the linear fit: plenty for a linear model on a few thousand points.
const FIT_EPOCHS: usize = 300;

/// The fraction of `data`'s points that a linear classifier fitted to them classifies right:
/// 1 when a line (plane, hyperplane) separates the classes, about the largest class's share
/// when nothing linear helps. The fit is a logistic (two classes) or softmax regression on
/// the standardised points, from zero weights, by full-batch L-BFGS with a little L2 so that
/// separable data still converges.
pub fn linear_separability(data: &Dataset) -> f32 {
    if data.is_empty() {
        return 0.0;
    }
    let mut points = data.clone();
    points.fit_standardizer().apply(&mut points);
    let classes = points.classes.max(2);
    let (outputs, head) = if classes == 2 {
        (1, Activation::Sigmoid)
    } else {
        (classes, Activation::Softmax)
    };
    let Ok(mut net) = Network::new(&[points.dim(), outputs], &[], head, 0) else {
        return 0.0;
    };
    // From zero weights: the fit does not depend on a random start.
    {
        let layer = net.layer_mut(0);
        layer.weights.fill(0.0);
        layer.bias.fill(0.0);
    }
    let config = TrainConfig {
        optimizer: Optimizer::Lbfgs { memory: 10 },
        loss: None,
        batch_size: 0,
        l2: 1e-4,
        seed: 0,
        snapshot_every: 0,
    };
    let Ok(mut trainer) = Trainer::new(net, config) else {
        return 0.0;
    };
    for _ in 0..FIT_EPOCHS {
        if trainer.step_epoch(&points).is_err() {
            break;
        }
    }
    evaluate(trainer.network(), &points, None).map_or(0.0, |e| e.accuracy as f32)
}

/// How far from flat `points` lie in the `shown` directions of most spread: the spread
/// (standard deviation) along the `shown`-th principal direction over the spread along the
/// first. 1 for a round cloud, 0 when the points lie on a line (`shown` = 2) or in a plane
/// (`shown` = 3). `shown` is at most the points' dimension.
pub fn flatness(points: &Dataset, shown: usize) -> f32 {
    let shown = shown.min(points.dim());
    if points.len() < 2 || shown < 2 {
        return 0.0;
    }
    let scatter = points.scatter(&points.fit_standardizer().mean);
    if !scatter.iter().all(|v| v.is_finite()) {
        return 0.0;
    }
    let mut values: Vec<f64> = SymmetricEigen::new(scatter)
        .eigenvalues
        .iter()
        .map(|v| v.max(0.0))
        .collect();
    values.sort_by(|a, b| b.total_cmp(a));
    if values[0] <= 0.0 {
        return 0.0;
    }
    (values[shown - 1] / values[0]).sqrt() as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::Mat;

    fn points(xy: &[[f32; 2]], labels: &[u32]) -> Dataset {
        let values = xy.iter().flatten().copied().collect();
        Dataset::from_points(2, values, labels.to_vec(), 2)
    }

    #[test]
    fn a_line_separates_two_blobs_but_not_xor() {
        let mut xy = vec![];
        let mut y = vec![];
        for i in 0..40 {
            let t = i as f32 * 0.37;
            xy.push([-2.0 + 0.3 * t.sin(), 0.3 * t.cos()]);
            y.push(0);
            xy.push([2.0 + 0.3 * t.cos(), 0.3 * t.sin()]);
            y.push(1);
        }
        assert_eq!(linear_separability(&points(&xy, &y)), 1.0);
        let corners = [[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]];
        let mut xy = vec![];
        let mut y = vec![];
        for i in 0..20 {
            for (k, c) in corners.iter().enumerate() {
                let e = 0.05 * (i as f32 * 0.9).sin();
                xy.push([c[0] + e, c[1] - e]);
                y.push((k / 2) as u32);
            }
        }
        let xor = linear_separability(&points(&xy, &y));
        assert!(xor <= 0.8, "xor is not linearly separable: {xor}");
        // The same points, the same figure.
        assert_eq!(xor, linear_separability(&points(&xy, &y)));
    }

    /// Unlabelled points, one column each.
    fn cloud(x: Mat) -> Dataset {
        let n = x.ncols();
        Dataset {
            x,
            y: vec![0; n],
            classes: 1,
            names: vec![],
            features: vec![],
        }
    }

    #[test]
    fn flatness_is_one_for_a_round_cloud_and_zero_on_a_line() {
        let n = 360;
        let circle = Mat::from_fn(2, n, |i, j| {
            let a = j as f32 / n as f32 * std::f32::consts::TAU;
            if i == 0 { a.cos() } else { a.sin() }
        });
        assert!((flatness(&cloud(circle.clone()), 2) - 1.0).abs() < 1e-3);
        let line = Mat::from_fn(2, n, |i, j| if i == 0 { j as f32 } else { 2.0 * j as f32 });
        assert!(flatness(&cloud(line.clone()), 2) < 1e-3);
        let ellipse = Mat::from_fn(2, n, |i, j| {
            let a = j as f32 / n as f32 * std::f32::consts::TAU;
            if i == 0 { 4.0 * a.cos() } else { a.sin() }
        });
        assert!((flatness(&cloud(ellipse.clone()), 2) - 0.25).abs() < 1e-3);
        // A disc in 3D is flat: its third spread is zero.
        let disc = Mat::from_fn(3, n, |i, j| {
            let a = j as f32 / n as f32 * std::f32::consts::TAU;
            [a.cos(), a.sin(), 0.0][i]
        });
        assert!(flatness(&cloud(disc.clone()), 3) < 1e-3);
        assert!((flatness(&cloud(disc.clone()), 2) - 1.0).abs() < 1e-3);
    }
}
