//! Colours shared by every view (sRGB bytes): the classes, so a class looks the same
//! everywhere, and the background the regions fade into and every camera clears to.

/// The background: the window's clear colour, and what uncertain regions fade into.
pub const BACKGROUND: [u8; 3] = [20, 23, 28];

/// The class colours: Okabe and Ito's colour-blind-safe set ("Color Universal Design",
/// 2008), in an order that keeps the first classes apart for every kind of colour vision
/// and on a dark background (their black dropped, their dark blue moved late). Classes
/// beyond eight cycle.
pub const CLASS_COLORS: [[u8; 3]; 8] = [
    [86, 180, 233],  // sky blue
    [230, 159, 0],   // orange
    [0, 158, 115],   // bluish green
    [213, 94, 0],    // vermillion
    [204, 121, 167], // reddish purple
    [240, 228, 66],  // yellow
    [0, 114, 178],   // blue
    [190, 190, 190], // grey
];

/// The colour of class `k` as sRGB bytes.
pub fn class_rgb(k: u32) -> [u8; 3] {
    CLASS_COLORS[k as usize % CLASS_COLORS.len()]
}
