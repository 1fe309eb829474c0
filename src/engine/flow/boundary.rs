//! The output layer's decision boundaries, in the space of its input: as planes, as lines
//! clipped to a rectangle (two-wide input) and as polygons cut to a box (three-wide).

use super::{Bounds, mix};
use crate::nn::Layer;

/// Where a decision boundary of the output layer lies, in the space of its input (the last
/// hidden layer), as a plane `normal · a + offset = 0` between two classes.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryPlane {
    /// The plane's normal (length = the layer's input width).
    pub normal: Vec<f32>,
    /// Its offset.
    pub offset: f32,
    /// The two classes it separates (for one output: 0 and 1).
    pub classes: (usize, usize),
}

/// The output layer's decision boundaries: where a single output crosses its 0.5 threshold,
/// or, for several outputs, where two of them tie (argmax switches).
pub fn boundary_planes(output: &Layer) -> Vec<BoundaryPlane> {
    let w = &output.weights;
    let k = output.outputs();
    if k == 1 {
        // Decisions threshold the output at 0.5 (see `nn::decide`): find the pre-activation.
        let z0 = output.activation.threshold_preimage();
        return vec![BoundaryPlane {
            normal: w.row(0).iter().copied().collect(),
            offset: output.bias[0] - z0,
            classes: (0, 1),
        }];
    }
    let mut planes = vec![];
    for i in 0..k {
        for j in i + 1..k {
            planes.push(BoundaryPlane {
                normal: (0..w.ncols()).map(|c| w[(i, c)] - w[(j, c)]).collect(),
                offset: output.bias[i] - output.bias[j],
                classes: (i, j),
            });
        }
    }
    planes
}

/// Whether classes `i` and `j` are the two largest outputs at `a` (for a point on their
/// plane: whether that piece of the plane is a real boundary).
fn pair_on_top(output: &Layer, a: &[f32], (i, j): (usize, usize)) -> bool {
    let k = output.outputs();
    if k == 1 {
        return true;
    }
    let z: Vec<f32> = (0..k)
        .map(|r| {
            output.bias[r]
                + a.iter()
                    .enumerate()
                    .map(|(c, v)| output.weights[(r, c)] * v)
                    .sum::<f32>()
        })
        .collect();
    let top = z[i].min(z[j]);
    let tolerance = 1e-4 * (1.0 + top.abs());
    (0..k).all(|r| r == i || r == j || z[r] <= top + tolerance)
}

/// The output layer's decision lines within a rectangle of its (two-wide) input, as
/// polylines; `samples` points along each candidate line.
pub fn boundary_lines(
    output: &Layer,
    min: [f32; 2],
    max: [f32; 2],
    samples: usize,
) -> Vec<Vec<[f32; 2]>> {
    if output.inputs() != 2 {
        return vec![];
    }
    let mut lines = vec![];
    for plane in boundary_planes(output) {
        let n = [plane.normal[0], plane.normal[1]];
        let len2 = n[0] * n[0] + n[1] * n[1];
        if len2 <= f32::MIN_POSITIVE || !len2.is_finite() {
            continue;
        }
        // The line through the foot of the origin, along (-n.y, n.x), clipped to the box.
        let p0 = [-plane.offset * n[0] / len2, -plane.offset * n[1] / len2];
        let len = len2.sqrt();
        let d = [-n[1] / len, n[0] / len];
        let (mut t0, mut t1) = (f32::NEG_INFINITY, f32::INFINITY);
        for k in 0..2 {
            if d[k].abs() < 1e-12 {
                if p0[k] < min[k] || p0[k] > max[k] {
                    t0 = f32::INFINITY;
                }
            } else {
                let (a, b) = ((min[k] - p0[k]) / d[k], (max[k] - p0[k]) / d[k]);
                t0 = t0.max(a.min(b));
                t1 = t1.min(a.max(b));
            }
        }
        if t0 >= t1 || !t0.is_finite() || !t1.is_finite() {
            continue;
        }
        let mut run: Vec<[f32; 2]> = vec![];
        let samples = samples.max(2);
        for s in 0..samples {
            let t = mix(t0, t1, s as f32 / (samples - 1) as f32);
            let p = [p0[0] + t * d[0], p0[1] + t * d[1]];
            if pair_on_top(output, &p, plane.classes) {
                run.push(p);
            } else if run.len() > 1 {
                lines.push(std::mem::take(&mut run));
            } else {
                run.clear();
            }
        }
        if run.len() > 1 {
            lines.push(run);
        }
    }
    lines
}

/// The output layer's decision boundaries within a box of its (three-wide) input, each as
/// one convex polygon in the plane (its corners in order): the plane cut to the box, and
/// for several outputs to where its two classes are the two largest outputs. Exact: the
/// edges are straight, where the box or another class's plane cuts them.
pub fn boundary_polygons(output: &Layer, bounds: &Bounds) -> Vec<Vec<[f32; 3]>> {
    if output.inputs() != 3 {
        return vec![];
    }
    let z = |r: usize, a: &[f32; 3]| -> f32 {
        output.bias[r] + (0..3).map(|c| output.weights[(r, c)] * a[c]).sum::<f32>()
    };
    let mut polygons = vec![];
    for plane in boundary_planes(output) {
        let n = [plane.normal[0], plane.normal[1], plane.normal[2]];
        let mut polygon = plane_in_box(n, plane.offset, bounds);
        // Where another class outscores both, this piece of the plane decides nothing.
        let (i, j) = plane.classes;
        for r in (0..output.outputs()).filter(|&r| output.outputs() > 1 && r != i && r != j) {
            polygon = clip(&polygon, |a| z(i, a) - z(r, a));
        }
        if polygon.len() >= 3 {
            polygons.push(polygon);
        }
    }
    polygons
}

/// The polygon where the plane `n · a + offset = 0` cuts the box, its corners in order
/// around the plane; empty where it misses the box.
fn plane_in_box(n: [f32; 3], offset: f32, bounds: &Bounds) -> Vec<[f32; 3]> {
    let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
    if len <= f32::MIN_POSITIVE || !len.is_finite() {
        return vec![];
    }
    let corner = |m: usize| -> [f32; 3] {
        std::array::from_fn(|k| {
            if m >> k & 1 == 1 {
                bounds.max[k]
            } else {
                bounds.min[k]
            }
        })
    };
    let side = |p: [f32; 3]| n[0] * p[0] + n[1] * p[1] + n[2] * p[2] + offset;
    // Where the plane crosses each of the box's twelve edges.
    let mut points: Vec<[f32; 3]> = vec![];
    for a in 0..8usize {
        for k in 0..3 {
            let b = a | 1 << k;
            if b == a {
                continue;
            }
            let (pa, pb) = (corner(a), corner(b));
            let (sa, sb) = (side(pa), side(pb));
            if (sa <= 0.0) != (sb <= 0.0) {
                let t = sa / (sa - sb);
                points.push(std::array::from_fn(|c| mix(pa[c], pb[c], t)));
            }
        }
    }
    if points.len() < 3 {
        return vec![];
    }
    // In order around their centre, in the plane.
    let count = points.len() as f32;
    let centre: [f32; 3] =
        std::array::from_fn(|c| points.iter().map(|p| p[c]).sum::<f32>() / count);
    let n = normalize(n);
    let helper = if n[0].abs() < 0.9 {
        [1.0, 0.0, 0.0]
    } else {
        [0.0, 1.0, 0.0]
    };
    let e1 = normalize(cross(n, helper));
    let e2 = cross(n, e1);
    let angle = |p: &[f32; 3]| {
        let d: [f32; 3] = std::array::from_fn(|c| p[c] - centre[c]);
        let dot = |e: [f32; 3]| d[0] * e[0] + d[1] * e[1] + d[2] * e[2];
        dot(e2).atan2(dot(e1))
    };
    points.sort_by(|a, b| angle(a).total_cmp(&angle(b)));
    points.dedup_by(|a, b| (0..3).all(|c| (a[c] - b[c]).abs() <= 1e-6 * (1.0 + b[c].abs())));
    points
}

/// The part of a convex polygon where `keep(a) >= 0` (one half-space): still convex, its
/// corners in order.
fn clip(polygon: &[[f32; 3]], keep: impl Fn(&[f32; 3]) -> f32) -> Vec<[f32; 3]> {
    let mut out = vec![];
    for (k, a) in polygon.iter().enumerate() {
        let b = &polygon[(k + 1) % polygon.len()];
        let (ka, kb) = (keep(a), keep(b));
        if ka >= 0.0 {
            out.push(*a);
        }
        if (ka >= 0.0) != (kb >= 0.0) {
            let t = ka / (ka - kb);
            out.push(std::array::from_fn(|c| mix(a[c], b[c], t)));
        }
    }
    out
}

fn cross(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn normalize(v: [f32; 3]) -> [f32; 3] {
    let len = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
        .sqrt()
        .max(f32::MIN_POSITIVE);
    v.map(|x| x / len)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One sigmoid output over a unit cube, deciding by x > 0.5: its boundary is the square
    /// x = 0.5, exactly, corners in order.
    #[test]
    fn a_plane_through_a_box_is_its_exact_polygon() {
        let output = Layer {
            weights: Mat::from_row_slice(1, 3, &[4.0, 0.0, 0.0]),
            bias: nalgebra::DVector::from_vec(vec![-2.0]),
            activation: Activation::Sigmoid,
        };
        let cube = Bounds {
            min: [0.0; 3],
            max: [1.0; 3],
        };
        let polygons = boundary_polygons(&output, &cube);
        assert_eq!(polygons.len(), 1);
        let square = &polygons[0];
        assert_eq!(square.len(), 4, "{square:?}");
        for p in square {
            assert!((p[0] - 0.5).abs() < 1e-5, "{p:?} is on the plane");
            assert!(p[1] == 0.0 || p[1] == 1.0);
            assert!(p[2] == 0.0 || p[2] == 1.0);
        }
        // In order: neighbours share a face of the cube (one of y, z the same).
        for k in 0..4 {
            let (a, b) = (square[k], square[(k + 1) % 4]);
            assert!(a[1] == b[1] || a[2] == b[2], "{a:?} then {b:?}");
        }
        // A plane that misses the box has no polygon.
        let far = Bounds {
            min: [2.0; 3],
            max: [3.0; 3],
        };
        assert!(boundary_polygons(&output, &far).is_empty());
    }

    /// Three classes: each pair's plane is cut where the third class wins, so the pieces
    /// meet along one line and every corner is a point where the pair ties on top.
    #[test]
    fn three_classes_keep_only_the_pieces_where_the_pair_is_on_top() {
        let output = Layer {
            weights: Mat::from_row_slice(3, 3, &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]),
            bias: nalgebra::DVector::from_vec(vec![0.0, 0.0, 0.0]),
            activation: Activation::Softmax,
        };
        let cube = Bounds {
            min: [0.0; 3],
            max: [1.0; 3],
        };
        let polygons = boundary_polygons(&output, &cube);
        assert_eq!(polygons.len(), 3);
        for (polygon, (i, j)) in polygons.iter().zip([(0, 1), (0, 2), (1, 2)]) {
            for p in polygon {
                assert!((p[i] - p[j]).abs() < 1e-5, "{p:?} ties {i} and {j}");
                let other = 3 - i - j;
                assert!(p[other] <= p[i] + 1e-5, "{p:?}: class {other} does not win");
            }
        }
    }
    use crate::nn::{Activation, Mat, Network};

    fn net(sizes: &[usize], hidden: Activation, head: Activation, seed: u64) -> Network {
        Network::new(sizes, &[hidden], head, seed).unwrap()
    }

    #[test]
    fn decision_lines_separate_the_classes_where_the_output_decides() {
        let network = net(&[2, 2, 3], Activation::Tanh, Activation::Softmax, 8);
        let output = &network.layers()[1];
        let lines = boundary_lines(output, [-1.0, -1.0], [1.0, 1.0], 200);
        assert!(!lines.is_empty());
        for line in &lines {
            for p in line {
                // On a boundary, the top two outputs tie.
                let x = Mat::from_column_slice(2, 1, p);
                let z = &output.weights * &x + &output.bias;
                let mut v: Vec<f32> = z.iter().copied().collect();
                v.sort_by(|a, b| b.total_cmp(a));
                assert!((v[0] - v[1]).abs() < 1e-3, "{v:?}");
                assert!(p.iter().all(|c| (-1.0001..=1.0001).contains(c)));
            }
        }
        // One sigmoid output: the line where the output is one half.
        let network = net(&[2, 2, 1], Activation::Tanh, Activation::Sigmoid, 8);
        let output = &network.layers()[1];
        let lines = boundary_lines(output, [-5.0, -5.0], [5.0, 5.0], 50);
        for p in lines.iter().flatten() {
            let x = Mat::from_column_slice(2, 1, p);
            let out = network.layers()[1].weights.clone() * x + &output.bias;
            assert!(out[0].abs() < 1e-4);
        }
    }

    #[test]
    fn decision_planes_lie_in_the_box_and_on_the_boundary() {
        let network = net(&[2, 3, 1], Activation::Sigmoid, Activation::Sigmoid, 5);
        let output = &network.layers()[1];
        let bounds = Bounds {
            min: [0.0; 3],
            max: [1.0; 3],
        };
        let mut w = output.clone();
        // A plane through the cube's centre.
        w.weights = Mat::from_row_slice(1, 3, &[1.0, 1.0, 1.0]);
        w.bias[0] = -1.5;
        let polygons = boundary_polygons(&w, &bounds);
        assert_eq!(polygons.len(), 1);
        assert_eq!(polygons[0].len(), 6, "a hexagon through the cube's centre");
        for p in polygons.iter().flatten() {
            assert!((p[0] + p[1] + p[2] - 1.5).abs() < 1e-4);
            assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
        }
        // A plane that misses the box gives nothing.
        w.bias[0] = -10.0;
        assert!(boundary_polygons(&w, &bounds).is_empty());
    }
}
