//! Colours shared by every view (sRGB bytes): the classes, so a class looks the same
//! everywhere, and the background the regions fade into and every camera clears to.

/// The background: the window's clear colour, and what uncertain regions fade into.
pub const BACKGROUND: [u8; 3] = [20, 23, 28];

/// Well-separated hues (after the Tableau 10 palette); classes beyond ten cycle.
pub const CLASS_COLORS: [[u8; 3]; 10] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [127, 127, 127],
    [188, 189, 34],
    [23, 190, 207],
];

/// The colour of class `k` as sRGB bytes.
pub fn class_rgb(k: u32) -> [u8; 3] {
    CLASS_COLORS[k as usize % CLASS_COLORS.len()]
}
