//! Colours shared by every view (sRGB bytes): the classes, so a class looks the same
//! everywhere, and the background the regions fade into and every camera clears to.

/// The background: the window's clear colour, and what uncertain regions fade into.
pub const BACKGROUND: [u8; 3] = [20, 23, 28];

/// The class colours. The first eight are Okabe and Ito's colour-blind-safe set ("Color
/// Universal Design", 2008), in an order that keeps the first classes apart for every kind
/// of colour vision and on a dark background (their black dropped for a grey, their dark
/// blue moved late). The last four were chosen to stand apart (CIEDE2000 ΔE ≥ 25) from
/// those eight, from each other, from the background, the grid lines and white text; they
/// are not colour-blind safe. Every pair is at least ΔE 20 apart (the test below measures
/// it), so ten digits get ten colours. Classes beyond twelve cycle.
pub const CLASS_COLORS: [[u8; 3]; 12] = [
    [86, 180, 233],  // sky blue
    [230, 159, 0],   // orange
    [0, 158, 115],   // bluish green
    [213, 94, 0],    // vermillion
    [204, 121, 167], // reddish purple
    [240, 228, 66],  // yellow
    [0, 114, 178],   // blue
    [190, 190, 190], // grey
    [0, 244, 80],    // green
    [172, 0, 255],   // violet
    [0, 252, 240],   // cyan
    [204, 12, 60],   // crimson
];

/// The colour of class `k` as sRGB bytes.
pub fn class_rgb(k: u32) -> [u8; 3] {
    CLASS_COLORS[k as usize % CLASS_COLORS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CIELAB (D65) of an sRGB colour.
    fn lab([r, g, b]: [u8; 3]) -> [f64; 3] {
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let (r, g, b) = (lin(r), lin(g), lin(b));
        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
        let f = |t: f64| {
            if t > 216.0 / 24389.0 {
                t.cbrt()
            } else {
                (24389.0 / 27.0 * t + 16.0) / 116.0
            }
        };
        let (fx, fy, fz) = (f(x), f(y), f(z));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    /// CIEDE2000 colour difference (Sharma, Wu and Dalal's formulation): about 1 is just
    /// noticeable side by side, 20 and more tells two classes apart at a glance.
    fn delta_e(p: [u8; 3], q: [u8; 3]) -> f64 {
        delta_e_lab(lab(p), lab(q))
    }

    /// CIEDE2000 between two CIELAB colours.
    fn delta_e_lab([l1, a1, b1]: [f64; 3], [l2, a2, b2]: [f64; 3]) -> f64 {
        let pow7 = |c: f64| c.powi(7) / (c.powi(7) + 25f64.powi(7));
        let c_bar = (a1.hypot(b1) + a2.hypot(b2)) / 2.0;
        let g = 0.5 * (1.0 - pow7(c_bar).sqrt());
        let (a1, a2) = (a1 * (1.0 + g), a2 * (1.0 + g));
        let (c1, c2) = (a1.hypot(b1), a2.hypot(b2));
        let hue = |b: f64, a: f64| {
            if a == 0.0 && b == 0.0 {
                0.0
            } else {
                b.atan2(a).to_degrees().rem_euclid(360.0)
            }
        };
        let (h1, h2) = (hue(b1, a1), hue(b2, a2));
        let chromatic = c1 * c2 != 0.0;
        let mut dh = h2 - h1;
        if dh > 180.0 {
            dh -= 360.0;
        } else if dh < -180.0 {
            dh += 360.0;
        }
        let dh = if chromatic { dh } else { 0.0 };
        let d_big_h = 2.0 * (c1 * c2).sqrt() * (dh / 2.0).to_radians().sin();
        let l_bar = (l1 + l2) / 2.0;
        let c_bar = (c1 + c2) / 2.0;
        let h_bar = if !chromatic {
            h1 + h2
        } else if (h1 - h2).abs() <= 180.0 {
            (h1 + h2) / 2.0
        } else if h1 + h2 < 360.0 {
            (h1 + h2 + 360.0) / 2.0
        } else {
            (h1 + h2 - 360.0) / 2.0
        };
        let cos = |deg: f64| deg.to_radians().cos();
        let t = 1.0 - 0.17 * cos(h_bar - 30.0)
            + 0.24 * cos(2.0 * h_bar)
            + 0.32 * cos(3.0 * h_bar + 6.0)
            - 0.20 * cos(4.0 * h_bar - 63.0);
        let d_theta = 30.0 * (-((h_bar - 275.0) / 25.0).powi(2)).exp();
        let r_c = 2.0 * pow7(c_bar).sqrt();
        let s_l = 1.0 + 0.015 * (l_bar - 50.0).powi(2) / (20.0 + (l_bar - 50.0).powi(2)).sqrt();
        let s_c = 1.0 + 0.045 * c_bar;
        let s_h = 1.0 + 0.015 * c_bar * t;
        let r_t = -(2.0 * d_theta).to_radians().sin() * r_c;
        let (dl, dc, dh) = ((l2 - l1) / s_l, (c2 - c1) / s_c, d_big_h / s_h);
        (dl * dl + dc * dc + dh * dh + r_t * dc * dh).sqrt()
    }

    /// A colour drawn at `alpha` over the background, as the grid lines are.
    fn over_background(rgb: [f64; 3], alpha: f64) -> [u8; 3] {
        std::array::from_fn(|i| {
            (rgb[i] * 255.0 * alpha + BACKGROUND[i] as f64 * (1.0 - alpha)).round() as u8
        })
    }

    #[test]
    fn delta_e_matches_sharmas_reference_pairs() {
        // Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 13 (hues across 0°), 17, 19, 25.
        let pairs = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.49, -0.001], [50.0, -2.49, 0.0009], 7.1792),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
            ([50.0, 2.5, 0.0], [56.0, -27.0, -3.0], 31.9030),
            (
                [60.2574, -34.0099, 36.2677],
                [60.4626, -34.1751, 39.4387],
                1.2644,
            ),
        ];
        for (p, q, expected) in pairs {
            let d = delta_e_lab(p, q);
            assert!(
                (d - expected).abs() < 1e-3,
                "{p:?} {q:?}: {d} vs {expected}"
            );
            assert!((delta_e_lab(q, p) - d).abs() < 1e-9, "symmetric");
        }
        assert!((delta_e([0, 0, 0], [255, 255, 255]) - 100.0).abs() < 0.01);
    }

    /// Every class colour tells itself apart from every other, and from what it is drawn
    /// among: ΔE2000 ≥ 20 between any two classes (Okabe and Ito's closest pair, sky blue
    /// and grey, is 21.3), ≥ 30 from the background; the four beyond Okabe and Ito's ≥ 20
    /// from the grid lines, the axes and white text too (Okabe and Ito's blue is 15.5 from
    /// the vertical grid lines and their grey 14.6 from white: kept, as the first eight are
    /// theirs).
    #[test]
    fn class_colours_are_distinct_on_the_background() {
        let grid = [
            over_background([0.46, 0.58, 0.76], 0.5),
            over_background([0.72, 0.65, 0.49], 0.5),
        ];
        let axis = over_background([0.85, 0.85, 0.9], 0.45);
        let white = [255, 255, 255];
        assert!(CLASS_COLORS.len() >= 12);
        for (i, &p) in CLASS_COLORS.iter().enumerate() {
            let bg = delta_e(p, BACKGROUND);
            assert!(bg >= 30.0, "class {i} {p:?} is {bg:.1} from the background");
            for (j, &q) in CLASS_COLORS.iter().enumerate().skip(i + 1) {
                let d = delta_e(p, q);
                assert!(
                    d >= 20.0,
                    "classes {i} {p:?} and {j} {q:?} are {d:.1} apart"
                );
            }
            if i >= 8 {
                for r in grid.into_iter().chain([axis, white]) {
                    let d = delta_e(p, r);
                    assert!(d >= 20.0, "class {i} {p:?} is {d:.1} from {r:?}");
                }
            }
        }
        assert_eq!(class_rgb(12), class_rgb(0), "beyond the palette, cycling");
    }
}
