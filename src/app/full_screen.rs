//! Presenter mode's full screen: the window covers one whole monitor and draws at its real
//! size, with or without a window manager. On Linux the window is made borderless, put at
//! the monitor's corner and given the monitor's size: an X server with no window manager (a
//! kiosk, a bare session on a venue's PC) ignores the "full screen" hint, which left the
//! window at its first size, drawn as if it were the screen's. Elsewhere the system's
//! borderless full screen does it. F toggles; `--screen N` picks the monitor.

use bevy::prelude::*;
use bevy::window::{Monitor, MonitorSelection, PrimaryMonitor, PrimaryWindow, WindowMode};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<FullScreen>()
        .add_systems(PostUpdate, (cover_the_screen, lay_out_as_a_render).chain());
}

/// While a scene is presented, the window lays its frame out as a render of its size does
/// (as in a 720-line window, scaled), so the audience sees the rendered frame whatever the
/// screen; otherwise the system's own scale.
fn lay_out_as_a_render(
    player: Option<Res<super::player::Player>>,
    mut window: Single<&mut Window, With<PrimaryWindow>>,
) {
    let presenting = player.is_some_and(|p| p.present && !p.exploring);
    let wanted = presenting.then(|| super::frame_scale(window.resolution.physical_height()));
    if window.resolution.scale_factor_override() != wanted {
        window.resolution.set_scale_factor_override(wanted);
    }
}

/// Whether the presenter's window is to cover a monitor, and which.
#[derive(Resource, Debug, Default)]
pub struct FullScreen {
    /// Cover a monitor (presenter mode's default; F toggles).
    pub wanted: bool,
    /// The monitor, from 1 in the order they stand left to right (`--screen N`); `None`:
    /// the primary one.
    pub screen: Option<usize>,
    /// What was last applied: full or not.
    applied: Option<bool>,
    /// The window's size (physical pixels) and place before it covered the monitor, to go
    /// back to.
    windowed: Option<(UVec2, WindowPosition)>,
}

impl FullScreen {
    /// Full screen on monitor `screen` (from 1; `None`: the primary), or not.
    pub fn new(wanted: bool, screen: Option<usize>) -> FullScreen {
        FullScreen {
            wanted,
            screen,
            ..FullScreen::default()
        }
    }
}

/// The monitors, left to right then top to bottom, the primary one marked.
pub fn monitors_in_order<'a>(
    monitors: impl Iterator<Item = (Entity, &'a Monitor, bool)>,
) -> Vec<(Entity, &'a Monitor, bool)> {
    let mut list: Vec<_> = monitors.collect();
    list.sort_by_key(|(_, m, _)| (m.physical_position.x, m.physical_position.y));
    list
}

/// The monitor `screen` (from 1) picks, else the primary one, else the first.
pub fn pick<'a>(
    list: &[(Entity, &'a Monitor, bool)],
    screen: Option<usize>,
) -> Option<(Entity, &'a Monitor)> {
    let chosen = screen
        .and_then(|n| list.get(n.checked_sub(1)?))
        .or_else(|| list.iter().find(|(_, _, primary)| *primary))
        .or_else(|| list.first());
    chosen.map(|(e, m, _)| (*e, *m))
}

fn cover_the_screen(
    mut full: ResMut<FullScreen>,
    mut window: Single<&mut Window, With<PrimaryWindow>>,
    monitors: Query<(Entity, &Monitor, Has<PrimaryMonitor>)>,
) {
    if full.applied == Some(full.wanted) {
        return;
    }
    if !full.wanted {
        if full.applied.is_some() {
            window.mode = WindowMode::Windowed;
            window.decorations = true;
            if let Some((size, position)) = full.windowed.take() {
                window.resolution.set_physical_resolution(size.x, size.y);
                window.position = position;
            }
        }
        full.applied = Some(false);
        return;
    }
    let list = monitors_in_order(monitors.iter());
    // The monitors are known a frame or two after the window opens.
    let Some((entity, monitor)) = pick(&list, full.screen) else {
        return;
    };
    if full.windowed.is_none() {
        full.windowed = Some((window.physical_size(), window.position));
    }
    if cfg!(target_os = "linux") {
        window.mode = WindowMode::Windowed;
        window.decorations = false;
        window.position = WindowPosition::At(monitor.physical_position);
        window
            .resolution
            .set_physical_resolution(monitor.physical_width, monitor.physical_height);
    } else {
        window.mode = WindowMode::BorderlessFullscreen(MonitorSelection::Entity(entity));
    }
    full.applied = Some(true);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monitor(x: i32) -> Monitor {
        Monitor {
            name: None,
            physical_height: 1080,
            physical_width: 1920,
            physical_position: IVec2::new(x, 0),
            refresh_rate_millihertz: None,
            scale_factor: 1.0,
            video_modes: vec![],
        }
    }

    /// `--screen N` counts monitors from 1, left to right; without it, the primary one.
    #[test]
    fn screens_count_from_one_left_to_right_else_the_primary() {
        let (a, b, c) = (monitor(1920), monitor(0), monitor(3840));
        let (ea, eb, ec) = (
            Entity::from_raw_u32(1),
            Entity::from_raw_u32(2),
            Entity::from_raw_u32(3),
        );
        let list = monitors_in_order(
            [
                (ea.unwrap(), &a, true),
                (eb.unwrap(), &b, false),
                (ec.unwrap(), &c, false),
            ]
            .into_iter(),
        );
        let picked = |screen| pick(&list, screen).map(|(_, m)| m.physical_position.x);
        assert_eq!(picked(Some(1)), Some(0), "the leftmost");
        assert_eq!(picked(Some(3)), Some(3840));
        assert_eq!(picked(None), Some(1920), "the primary");
        assert_eq!(picked(Some(4)), Some(1920), "no such screen: the primary");
        assert_eq!(pick(&[], None).map(|p| p.0), None);
    }
}
