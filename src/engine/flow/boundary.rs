//! The output layer's decision boundaries, in the space of its input: as planes, as lines
//! clipped to a rectangle (two-wide input) and as triangles clipped to a box (three-wide).

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

/// The output layer's decision planes within a box of its (three-wide) input, as triangles:
/// each plane is cut into `cells × cells` squares, and the squares that lie in the box and
/// on a real boundary are kept.
pub fn boundary_triangles(output: &Layer, bounds: &Bounds, cells: usize) -> Vec<[[f32; 3]; 3]> {
    if output.inputs() != 3 {
        return vec![];
    }
    let mut triangles = vec![];
    let center = bounds.center();
    let size = bounds.size();
    let radius = (size[0] * size[0] + size[1] * size[1] + size[2] * size[2]).sqrt() / 2.0;
    let inside = |p: &[f32; 3]| {
        (0..3).all(|k| {
            let slack = 1e-3 * size[k].max(1e-6);
            p[k] >= bounds.min[k] - slack && p[k] <= bounds.max[k] + slack
        })
    };
    for plane in boundary_planes(output) {
        let n = [plane.normal[0], plane.normal[1], plane.normal[2]];
        let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
        if len <= f32::MIN_POSITIVE || !len.is_finite() {
            continue;
        }
        let n = n.map(|v| v / len);
        let offset = plane.offset / len;
        // The box centre dropped onto the plane, and two axes spanning the plane.
        let dist = n[0] * center[0] + n[1] * center[1] + n[2] * center[2] + offset;
        if dist.abs() > radius {
            continue;
        }
        let foot: [f32; 3] = std::array::from_fn(|k| center[k] - dist * n[k]);
        let helper = if n[0].abs() < 0.9 {
            [1.0, 0.0, 0.0]
        } else {
            [0.0, 1.0, 0.0]
        };
        let e1 = normalize(cross(n, helper));
        let e2 = cross(n, e1);
        let cells = cells.max(1);
        let at = |i: usize, j: usize| -> [f32; 3] {
            let (a, b) = (
                mix(-radius, radius, i as f32 / cells as f32),
                mix(-radius, radius, j as f32 / cells as f32),
            );
            std::array::from_fn(|k| foot[k] + a * e1[k] + b * e2[k])
        };
        for i in 0..cells {
            for j in 0..cells {
                let c = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
                let mid: [f32; 3] = std::array::from_fn(|k| (c[0][k] + c[2][k]) / 2.0);
                if c.iter().all(inside) && pair_on_top(output, &mid, plane.classes) {
                    triangles.push([c[0], c[1], c[2]]);
                    triangles.push([c[0], c[2], c[3]]);
                }
            }
        }
    }
    triangles
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
        let tris = boundary_triangles(&w, &bounds, 24);
        assert!(tris.len() > 50);
        for p in tris.iter().flatten() {
            assert!((p[0] + p[1] + p[2] - 1.5).abs() < 1e-4);
            assert!(p.iter().all(|v| (-0.01..=1.01).contains(v)));
        }
        // A plane that misses the box gives nothing.
        w.bias[0] = -10.0;
        assert!(boundary_triangles(&w, &bounds, 24).is_empty());
    }
}
