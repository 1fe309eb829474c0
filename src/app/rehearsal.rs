//! The rehearsal record: in presenter mode, the seconds spent at each stop (the step that
//! plays to it counted with it) in this run; the last run's record, read at the start, is
//! what the speaker view compares against. It is the speaker view's: once the speaker view
//! has been open, the record is saved beside the talk (`TALK.timings`) whenever the
//! presenter moves on and when the window closes (a talk only presented writes nothing
//! beside it).

use super::player::Player;
use crate::engine::scene::timings::Timings;
use crate::engine::scene::walk::Pose;
use bevy::prelude::*;
use std::path::PathBuf;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        time_the_stops
            .after(super::player::PlayerSet::Play)
            .run_if(resource_exists::<Rehearsal>.and_then(resource_exists::<Player>)),
    )
    .add_systems(Last, save_on_exit.run_if(resource_exists::<Rehearsal>));
}

/// This run's times and the last run's.
#[derive(Resource, Debug)]
pub struct Rehearsal {
    /// This run's seconds at each stop.
    pub now: Timings,
    /// The last run's, when one was saved for this talk (as it is now: same stops).
    pub last: Option<Timings>,
    /// Where the record is kept; `None`: nowhere (a bundled scene).
    path: Option<PathBuf>,
    /// The stop being timed: (scene, stop).
    at: Option<(usize, usize)>,
    /// Why the record could not be saved, if it could not.
    pub unsaved: Option<String>,
    /// The speaker view has been open: the record is the presenter's, and is kept.
    pub kept: bool,
}

impl Rehearsal {
    /// The record of the talk or scene at `file` (`None`: not a file of the user's), for a
    /// talk of these stop counts; the last run's read from beside it.
    pub fn new(file: Option<PathBuf>, stops: &[usize]) -> Rehearsal {
        let path = file.map(|f| Timings::path_for(&f));
        let last = path
            .as_deref()
            .and_then(Timings::load)
            .filter(|t| t.fits(stops));
        Rehearsal {
            now: Timings::zero(stops),
            last,
            path,
            at: None,
            unsaved: None,
            kept: false,
        }
    }

    fn save(&mut self) {
        let Some(path) = self.path.as_ref().filter(|_| self.kept) else {
            return;
        };
        match self.now.save(path) {
            Ok(()) => self.unsaved = None,
            Err(e) => self.unsaved = Some(format!("{}: {e}", path.display())),
        }
    }

    /// Where the running total stands against the last run: seconds spent so far, and (if
    /// there was a last run) what it had spent by the end of the stop shown.
    pub fn running(&self) -> (f32, Option<f32>) {
        let so_far = self.now.total();
        let last = match (self.at, &self.last) {
            (Some((scene, stop)), Some(last)) => Some(last.up_to(scene, stop)),
            _ => None,
        };
        (so_far, last)
    }
}

/// The stop a walk's place counts toward: the one it rests at or plays to (the talk's start
/// counts toward the first).
fn timed_stop(player: &Player) -> (usize, usize) {
    let place = player.walk.place();
    let stop = match place.pose {
        Pose::Start => 0,
        Pose::At(k) | Pose::Toward { stop: k, .. } => k,
    };
    (place.scene, stop)
}

fn time_the_stops(
    time: Res<Time<Real>>,
    player: Res<Player>,
    speaker: Res<super::speaker::SpeakerView>,
    mut rehearsal: ResMut<Rehearsal>,
) {
    if !player.present || player.exploring || player.driven {
        return;
    }
    rehearsal.kept |= speaker.window().is_some();
    let at = timed_stop(&player);
    if rehearsal.at.is_some_and(|before| before != at) {
        // Moved on: the record so far is kept, whatever happens next.
        rehearsal.save();
    }
    rehearsal.at = Some(at);
    rehearsal.now.add(at.0, at.1, time.delta_secs());
}

fn save_on_exit(mut exit: MessageReader<AppExit>, mut rehearsal: ResMut<Rehearsal>) {
    if exit.read().count() > 0 && rehearsal.at.is_some() {
        rehearsal.save();
    }
}
