//! `W·a` as 3Blue1Brown draws it: the input space's basis vectors as arrows that move with
//! the layer's `W·a` (to `W`'s columns) and `+ b` (by `b`), in the coordinates the layers
//! view shows; for layers at most three wide each way, whose spaces are shown whole.

use super::stage_at;
use crate::nn::{Layer, Stage};

/// The arrows at one moment: where they start (the origin, moved by `+ b`) and each basis
/// vector's tip, in the shown coordinates (padded with zeros to three).
#[derive(Clone, Debug, PartialEq)]
pub struct BasisArrows {
    /// The layer (0-based) whose map they show.
    pub layer: usize,
    /// Where every arrow starts.
    pub origin: [f32; 3],
    /// Each arrow's tip: one per input dimension (column of `W`).
    pub tips: Vec<[f32; 3]>,
}

/// Whether `layer`'s map can be drawn as arrows: at most three inputs and three outputs.
pub fn shows_whole(layer: &Layer) -> bool {
    layer.inputs() <= 3 && layer.outputs() <= 3
}

/// The arrows of the layer playing at position `u` (stage positions, as the layers view's):
/// during `W·a` they turn from the basis to `W`'s columns; during `+ b` they ride along by
/// `b`; at the start of the next stage they stand where `+ b` left them. `path(a, b)` is
/// where the view shows a point that goes from `a` to `b` over the stage playing (the
/// points' own path: [`super::Flow::place`]), so the arrows move as the space does. `None`
/// during an activation, and for a layer too wide.
pub fn basis_arrows(
    layers: &[Layer],
    u: f32,
    path: impl Fn([f32; 3], [f32; 3]) -> [f32; 3],
) -> Option<BasisArrows> {
    let at = stage_at(u, layers.len());
    let index = match at.stage {
        Stage::Activation if at.t > 0.0 => return None,
        _ => at.layer,
    };
    let layer = &layers[index];
    if !shows_whole(layer) {
        return None;
    }
    let column = |c: usize| -> [f32; 3] {
        std::array::from_fn(|r| {
            if r < layer.outputs() {
                layer.weights[(r, c)]
            } else {
                0.0
            }
        })
    };
    let unit = |c: usize| -> [f32; 3] { std::array::from_fn(|r| if r == c { 1.0 } else { 0.0 }) };
    let bias: [f32; 3] = std::array::from_fn(|r| {
        if r < layer.outputs() {
            layer.bias[r]
        } else {
            0.0
        }
    });
    let plus = |a: [f32; 3], b: [f32; 3]| -> [f32; 3] { std::array::from_fn(|k| a[k] + b[k]) };
    let (origin, tips) = match at.stage {
        Stage::Linear => (
            path([0.0; 3], [0.0; 3]),
            (0..layer.inputs())
                .map(|c| path(unit(c), column(c)))
                .collect(),
        ),
        Stage::Bias => (
            path([0.0; 3], bias),
            (0..layer.inputs())
                .map(|c| path(column(c), plus(column(c), bias)))
                .collect(),
        ),
        Stage::Activation => (
            bias,
            (0..layer.inputs()).map(|c| plus(column(c), bias)).collect(),
        ),
    };
    Some(BasisArrows {
        layer: index,
        origin,
        tips,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Activation, Mat};

    fn layer() -> Layer {
        Layer {
            weights: Mat::from_row_slice(2, 2, &[2.0, 1.0, 0.0, 3.0]),
            bias: nalgebra::DVector::from_vec(vec![0.5, -1.0]),
            activation: Activation::Tanh,
        }
    }

    /// Before `W·a` the arrows are the basis; after it, `W`'s columns; after `+ b`, moved by
    /// `b`; during the activation, none.
    #[test]
    fn the_arrows_turn_into_ws_columns_then_ride_along_b() {
        let layers = [layer()];
        // Straight paths at the stage's linear progress, as an unsplit, uneased stage plays.
        let at = |u: f32, _eased: f32| {
            let t = u - u.floor();
            basis_arrows(&layers, u, |a, b| {
                std::array::from_fn(|k| a[k] + (b[k] - a[k]) * t)
            })
        };
        let start = at(0.0, 0.0).unwrap();
        assert_eq!(start.tips, vec![[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]);
        let half = at(0.5, 0.5).unwrap();
        assert_eq!(half.tips[0], [1.5, 0.0, 0.0]);
        let after_w = at(1.0, 0.0).unwrap();
        assert_eq!(
            after_w.tips,
            vec![[2.0, 0.0, 0.0], [1.0, 3.0, 0.0]],
            "W's columns"
        );
        assert_eq!(after_w.origin, [0.0; 3]);
        let after_b = at(2.0, 0.0).unwrap();
        assert_eq!(after_b.origin, [0.5, -1.0, 0.0]);
        assert_eq!(after_b.tips[1], [1.5, 2.0, 0.0]);
        assert_eq!(at(2.5, 0.5), None, "the activation bends: no arrows");
    }

    #[test]
    fn a_layer_wider_than_three_has_no_arrows() {
        let wide = Layer {
            weights: Mat::zeros(4, 2),
            bias: nalgebra::DVector::zeros(4),
            activation: Activation::Relu,
        };
        assert!(!shows_whole(&wide));
        assert_eq!(basis_arrows(&[wide], 0.5, |a, _| a), None);
    }
}
