//! `SPACEFOLD_SHOTS=DIR`: in presenter mode, a screenshot of the window each time the talk
//! comes to rest at a stop (`DIR/rest-001.png`), and beside it where (`DIR/rest-001.json`:
//! the scene, the stop, the scene time), written once the picture is. Tests walk a talk
//! with real keys and compare each with the frame `render --cues` makes for that stop; a
//! presenter can keep a rehearsal's frames the same way.

use super::player::Player;
use super::presenter::Presenter;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use std::path::PathBuf;

pub(super) fn plugin(app: &mut App) {
    if let Some(dir) = std::env::var_os("SPACEFOLD_SHOTS") {
        app.insert_resource(RestShots {
            dir: dir.into(),
            ..default()
        })
        .add_systems(Last, shoot_each_rest.run_if(resource_exists::<Player>));
    }
}

/// Where the shots go, and the rest last shot.
#[derive(Resource, Default)]
struct RestShots {
    dir: PathBuf,
    taken: u32,
    /// The rest being waited on: (scene, stop, moves), and since when (seconds, frames).
    rest: Option<((usize, usize, u64), f64, u32)>,
    /// The rest last shot.
    shot: Option<(usize, usize, u64)>,
}

/// Seconds and frames a rest lasts before its shot: the views settle (a scene's flow and
/// surfaces rebuilt, its text laid out).
const SETTLE: (f64, u32) = (1.0, 8);

fn shoot_each_rest(
    mut commands: Commands,
    time: Res<Time<Real>>,
    player: Res<Player>,
    presenter: Res<Presenter>,
    mut shots: ResMut<RestShots>,
) {
    let resting = player
        .walk
        .resting_at()
        .filter(|_| player.present && !player.exploring && presenter.waiting.is_none());
    let Some(stop) = resting else {
        shots.rest = None;
        return;
    };
    let key = (stop.scene, stop.index, presenter.moves);
    let now = time.elapsed_secs_f64();
    let (since, frames) = match shots.rest {
        Some((k, since, frames)) if k == key => (since, frames + 1),
        _ => (now, 0),
    };
    shots.rest = Some((key, since, frames));
    if shots.shot == Some(key) || now - since < SETTLE.0 || frames < SETTLE.1 {
        return;
    }
    shots.shot = Some(key);
    shots.taken += 1;
    let png = shots.dir.join(format!("rest-{:03}.png", shots.taken));
    let report = serde_json::json!({
        "scene": stop.scene,
        "stop": stop.index,
        "time": stop.time,
    });
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>| match super::capture::save_whole(
            &captured.image,
            &png,
        ) {
            Ok(()) => {
                let json = png.with_extension("json");
                if let Err(e) =
                    crate::engine::io::write_atomic(&json, report.to_string().as_bytes())
                {
                    error!("cannot write {}: {e}", json.display());
                }
            }
            Err(e) => error!("cannot save {}: {e}", png.display()),
        },
    );
}
