//! Drawing data by hand: a left click adds a training point of the brush's class under the
//! cursor; Shift (or Ctrl) + click erases the nearest point.

use super::Showing;
use super::View;
use super::camera::{PanelInsets, View2d, window_to_world};
use super::explorer::{Explorer, Link};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        edit_points_with_mouse
            .run_if(super::pointer_on_view)
            .run_if(in_state(Showing(View::Regions))),
    );
}

/// The class a click adds (picked in the data panel).
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Brush(pub u32);

/// How far from a point (in logical pixels) an erasing click still takes it.
const ERASE_RADIUS_PX: f32 = 10.0;

fn edit_points_with_mouse(
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    (window, view, insets): (
        Single<&Window, With<PrimaryWindow>>,
        Res<View2d>,
        Res<PanelInsets>,
    ),
    mut explorer: ResMut<Explorer>,
    link: Res<Link>,
    brush: Res<Brush>,
    mut status: ResMut<super::Status>,
) {
    if !buttons.just_pressed(MouseButton::Left) {
        return;
    }
    let Some(cursor) = window.cursor_position() else {
        return;
    };
    let at = window_to_world(&view, *insets, window.size(), cursor);
    let erase = super::held(&keys, [KeyCode::ShiftLeft, KeyCode::ShiftRight])
        || super::held(&keys, [KeyCode::ControlLeft, KeyCode::ControlRight]);
    if erase {
        explorer.erase_point(&link, at, ERASE_RADIUS_PX * view.units_per_px);
    } else {
        status.unless(explorer.add_point(&link, at, brush.0));
    }
}
