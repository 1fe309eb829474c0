//! Class colours as Bevy colours.

use bevy::prelude::*;

/// The colour of class `k`.
pub fn class_color(k: u32) -> Color {
    let [r, g, b] = crate::engine::palette::class_rgb(k);
    Color::srgb_u8(r, g, b)
}
