//! A talk walked stop by stop, as presenter mode walks it (no Bevy, no clock of its own).
//!
//! A scene's stops are its cues and its end ([`stops`]). Forward at a stop plays on to the
//! next one (at a scene's last stop, into the next scene, played from its start to its first
//! stop); forward while a step still plays completes it at once, on the stop it was playing
//! to, as manim-slides and PowerPoint do: a click never passes a stop and never lands between
//! two. Back shows the stop before the one shown (or the one a step left) at once. The only
//! place to rest that is not a stop is the talk's start, before its first stop plays: where a
//! walk begins, and where Back from the talk's first stop goes. Home and a jump open a scene
//! from its start, playing to its first stop, as the talk opens.
//!
//! The window's player, the speaker view and `--auto` all read one [`Walk`]: they cannot
//! disagree about where the talk is.

use super::timeline::{TIME_EPSILON, Timeline};

/// Where presenter mode stops in a scene: each cue, then the end (once, if the last cue is
/// at the end). Never empty.
pub fn stops(timeline: &Timeline) -> Vec<f32> {
    stops_of(&timeline.cues(), timeline.duration())
}

/// [`stops`] from the cue times and the scene's length.
pub fn stops_of(cues: &[f32], end: f32) -> Vec<f32> {
    let mut stops: Vec<f32> = cues.iter().copied().filter(|&c| c <= end).collect();
    if stops.last().is_none_or(|&c| c < end - TIME_EPSILON) {
        stops.push(end);
    }
    stops
}

/// What the walk is doing in the scene shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pose {
    /// At the scene's start (time 0), before its first stop has played.
    Start,
    /// Resting at stop `k`.
    At(usize),
    /// Playing toward stop `k`; now at `time`.
    Toward {
        /// The stop it plays to.
        stop: usize,
        /// The scene time now.
        time: f32,
    },
}

/// Where a talk stands: the scene shown and what it is doing there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    /// The scene, from 0.
    pub scene: usize,
    /// What it is doing.
    pub pose: Pose,
}

/// A stop: a scene (from 0), a stop of it (from 0) and its time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stop {
    /// The scene, from 0.
    pub scene: usize,
    /// The stop in the scene, from 0.
    pub index: usize,
    /// Its scene time, seconds.
    pub time: f32,
}

/// A talk's stops and where presenter mode stands among them.
#[derive(Clone, Debug, PartialEq)]
pub struct Walk {
    /// Each scene's stops, in order.
    stops: Vec<Vec<f32>>,
    /// Where it stands.
    place: Place,
    /// After the last stop of the last scene, forward goes to the first scene's start again
    /// (`--loop`).
    pub looping: bool,
}

impl Walk {
    /// A walk of scenes with these stops (each from [`stops`]), at the first scene's start.
    pub fn new(stops: Vec<Vec<f32>>) -> Walk {
        assert!(
            !stops.is_empty() && stops.iter().all(|s| !s.is_empty()),
            "a talk has scenes, and every scene a stop (its end)"
        );
        Walk {
            stops,
            place: Place {
                scene: 0,
                pose: Pose::Start,
            },
            looping: false,
        }
    }

    /// A walk of these timelines' stops.
    pub fn of(timelines: &[&Timeline]) -> Walk {
        Walk::new(timelines.iter().map(|t| stops(t)).collect())
    }

    /// Where it stands.
    pub fn place(&self) -> Place {
        self.place
    }

    /// The scene shown, from 0.
    pub fn scene(&self) -> usize {
        self.place.scene
    }

    /// The number of scenes.
    pub fn scenes(&self) -> usize {
        self.stops.len()
    }

    /// The stops of scene `scene`.
    pub fn stops_of(&self, scene: usize) -> &[f32] {
        &self.stops[scene]
    }

    /// The scene time shown.
    pub fn time(&self) -> f32 {
        match self.place.pose {
            Pose::Start => 0.0,
            Pose::At(k) => self.stops[self.place.scene][k],
            Pose::Toward { time, .. } => time,
        }
    }

    /// Whether a step is playing.
    pub fn is_playing(&self) -> bool {
        matches!(self.place.pose, Pose::Toward { .. })
    }

    /// The stop it rests at, if it rests at one.
    pub fn resting_at(&self) -> Option<Stop> {
        match self.place.pose {
            Pose::At(k) => Some(self.stop(self.place.scene, k)),
            _ => None,
        }
    }

    /// Stops of the scene shown that have been reached: those at or before the time shown
    /// (the one played toward counts once it is reached).
    pub fn reached(&self) -> usize {
        match self.place.pose {
            Pose::Start => 0,
            Pose::At(k) => k + 1,
            Pose::Toward { stop, .. } => stop,
        }
    }

    fn stop(&self, scene: usize, index: usize) -> Stop {
        Stop {
            scene,
            index,
            time: self.stops[scene][index],
        }
    }

    fn last(&self, scene: usize) -> usize {
        self.stops[scene].len() - 1
    }

    /// The stop the next forward shows (completing a step, or playing to it); `None` at the
    /// talk's last stop (unless it loops).
    pub fn next_stop(&self) -> Option<Stop> {
        let scene = self.place.scene;
        match self.place.pose {
            Pose::Start => Some(self.stop(scene, 0)),
            Pose::Toward { stop, .. } => Some(self.stop(scene, stop)),
            Pose::At(k) if k < self.last(scene) => Some(self.stop(scene, k + 1)),
            Pose::At(_) if scene + 1 < self.scenes() => Some(self.stop(scene + 1, 0)),
            Pose::At(_) if self.looping => Some(self.stop(0, 0)),
            Pose::At(_) => None,
        }
    }

    /// Forward (Right, Space, PageDown, a clicker): completes a playing step at its stop, or
    /// plays on from a stop to the next (into the next scene from its start). True when
    /// the scene shown changed.
    pub fn forward(&mut self) -> bool {
        let scene = self.place.scene;
        let pose = match self.place.pose {
            Pose::Start => Pose::Toward { stop: 0, time: 0.0 },
            Pose::Toward { stop, .. } => Pose::At(stop),
            Pose::At(k) if k < self.last(scene) => Pose::Toward {
                stop: k + 1,
                time: self.stops[scene][k],
            },
            Pose::At(_) if scene + 1 < self.scenes() => return self.open(scene + 1),
            Pose::At(_) if self.looping => return self.open(0),
            Pose::At(_) => return false,
        };
        self.place.pose = pose;
        false
    }

    /// Back (Left, PageUp): the stop before the one shown, at once; from a playing step, the
    /// stop it left. From a scene's first stop, the scene before at its last stop; from the
    /// talk's first stop, the talk's start. True when the scene shown changed.
    pub fn back(&mut self) -> bool {
        let scene = self.place.scene;
        let before = match self.place.pose {
            Pose::Start => return false,
            Pose::At(k) => k.checked_sub(1),
            Pose::Toward { stop, .. } => stop.checked_sub(1),
        };
        match before {
            Some(k) => {
                self.place.pose = Pose::At(k);
                false
            }
            None if scene > 0 => {
                self.place = Place {
                    scene: scene - 1,
                    pose: Pose::At(self.last(scene - 1)),
                };
                true
            }
            None => {
                self.place.pose = Pose::Start;
                false
            }
        }
    }

    /// Home: the talk from its start, played to its first stop as when it opened. True when
    /// the scene shown changed.
    pub fn home(&mut self) -> bool {
        self.open(0)
    }

    /// End: the talk's last stop, at once. True when the scene shown changed.
    pub fn end(&mut self) -> bool {
        let scene = self.scenes() - 1;
        let changed = scene != self.place.scene;
        self.place = Place {
            scene,
            pose: Pose::At(self.last(scene)),
        };
        changed
    }

    /// A jump (a number and Enter, the scene list): scene `scene` played from its start to
    /// its first stop. True when the scene shown changed; out of range, nothing.
    pub fn jump(&mut self, scene: usize) -> bool {
        if scene >= self.scenes() {
            return false;
        }
        self.open(scene)
    }

    /// Rests at stop `index` of the scene shown (`--cue`); out of range, nothing.
    pub fn rest_at(&mut self, index: usize) {
        if index <= self.last(self.place.scene) {
            self.place.pose = Pose::At(index);
        }
    }

    /// Stands at `time` in the scene shown: resting at a stop if `time` is one, else playing
    /// from `time` to the next stop (presenter mode turned on at some moment of a scene).
    pub fn stand_at(&mut self, time: f32) {
        let stops = &self.stops[self.place.scene];
        let time = time.max(0.0);
        self.place.pose = match stops.iter().position(|&s| s >= time - TIME_EPSILON) {
            Some(k) if stops[k] - time <= TIME_EPSILON => Pose::At(k),
            Some(k) => Pose::Toward { stop: k, time },
            None => Pose::At(stops.len() - 1),
        };
    }

    /// Plays `seconds` of the step playing: it rests at its stop when it gets there.
    pub fn advance(&mut self, seconds: f32) {
        let scene = self.place.scene;
        if let Pose::Toward { stop, time } = self.place.pose {
            let at = self.stops[scene][stop];
            let time = time + seconds.max(0.0);
            self.place.pose = if time >= at - TIME_EPSILON {
                Pose::At(stop)
            } else {
                Pose::Toward { stop, time }
            };
        }
    }

    /// Opens `scene` playing from its start to its first stop. True when it is another.
    fn open(&mut self, scene: usize) -> bool {
        let changed = scene != self.place.scene;
        self.place = Place {
            scene,
            pose: Pose::Toward { stop: 0, time: 0.0 },
        };
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three scenes: cues at 1 and 2 of 3 s; no cue, 2 s; a cue at its end, 4 s.
    fn talk() -> Walk {
        Walk::new(vec![
            stops_of(&[1.0, 2.0], 3.0),
            stops_of(&[], 2.0),
            stops_of(&[4.0], 4.0),
        ])
    }

    #[test]
    fn stops_are_the_cues_then_the_end_once() {
        assert_eq!(stops_of(&[1.0, 2.0], 3.0), vec![1.0, 2.0, 3.0]);
        assert_eq!(stops_of(&[], 2.0), vec![2.0]);
        assert_eq!(stops_of(&[0.0, 4.0], 4.0), vec![0.0, 4.0]);
    }

    #[test]
    fn forward_plays_to_a_stop_and_completes_a_playing_step() {
        let mut w = talk();
        assert_eq!(w.time(), 0.0);
        w.forward();
        assert!(w.is_playing());
        w.advance(0.4);
        assert_eq!(w.time(), 0.4);
        // A click while it plays: the stop it was playing to, at once, and no further.
        w.forward();
        assert_eq!((w.time(), w.is_playing()), (1.0, false));
        // A click at a stop plays on to the next one, and no further.
        w.forward();
        w.advance(5.0);
        assert_eq!((w.time(), w.is_playing()), (2.0, false));
        w.forward();
        w.forward();
        assert_eq!(
            w.resting_at().map(|s| s.index),
            Some(2),
            "the end is a stop"
        );
        // At the scene's last stop: the next scene, played from its start.
        assert!(w.forward());
        assert_eq!((w.scene(), w.time(), w.is_playing()), (1, 0.0, true));
        assert_eq!(w.next_stop().map(|s| (s.scene, s.time)), Some((1, 2.0)));
    }

    #[test]
    fn back_shows_the_stop_before_at_once_across_scenes() {
        let mut w = talk();
        w.forward();
        w.forward(); // at 1.0
        w.forward();
        w.advance(0.5); // playing from 1.0 to 2.0
        w.back();
        assert_eq!((w.time(), w.is_playing()), (1.0, false), "the stop it left");
        w.back();
        assert_eq!(w.place().pose, Pose::Start, "the talk's start");
        assert!(!w.back());
        w.jump(1);
        w.forward(); // scene 2 at its only stop
        assert!(w.back(), "back across the scene boundary");
        assert_eq!(
            (w.scene(), w.time()),
            (0, 3.0),
            "the scene before, at its end"
        );
        w.jump(2);
        assert!(w.home());
        assert_eq!((w.scene(), w.time(), w.is_playing()), (0, 0.0, true));
    }

    #[test]
    fn the_talks_end_stays_unless_it_loops() {
        let mut w = talk();
        w.jump(2);
        w.forward();
        assert_eq!(w.next_stop(), None);
        assert!(!w.forward());
        assert_eq!((w.scene(), w.time()), (2, 4.0));
        w.looping = true;
        assert!(w.forward());
        assert_eq!((w.scene(), w.time(), w.is_playing()), (0, 0.0, true));
    }

    /// A tiny deterministic generator for the property test.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    /// Any inputs at any times: the walk rests only on stops, a playing step only runs
    /// between a stop (or a scene's start) and the next stop, forward never moves on more
    /// than one stop, and the stop the next forward shows is where forward then goes.
    #[test]
    fn any_inputs_at_any_times_land_only_on_stops_in_order() {
        let mut rng = Lcg(7);
        for _ in 0..200 {
            let mut w = talk();
            w.looping = rng.next(2) == 0;
            for _ in 0..200 {
                let before = w.clone();
                let promised = w.next_stop();
                match rng.next(6) {
                    0 | 1 => {
                        w.forward();
                        if let Some(next) = promised {
                            // Completed at once, or playing to it.
                            let lands = w.resting_at() == Some(next)
                                || (w.is_playing()
                                    && w.scene() == next.scene
                                    && w.next_stop() == Some(next));
                            assert!(lands, "{before:?} -> {w:?}, promised {next:?}");
                        } else {
                            assert_eq!(w, before, "nothing after the talk's end");
                        }
                    }
                    2 => {
                        w.back();
                    }
                    3 => {
                        w.jump(rng.next(4) as usize);
                    }
                    4 => {
                        let r = rng.next(3);
                        if r == 0 {
                            w.home();
                        } else if r == 1 {
                            w.end();
                            assert_eq!(w.next_stop().is_none(), !w.looping);
                        } else {
                            w.stand_at(rng.next(50) as f32 / 10.0 - 0.5);
                        }
                    }
                    _ => w.advance(rng.next(30) as f32 / 10.0),
                }
                let stops = w.stops_of(w.scene()).to_vec();
                match w.place().pose {
                    Pose::Start => assert_eq!(w.time(), 0.0),
                    Pose::At(k) => assert_eq!(w.time(), stops[k]),
                    Pose::Toward { stop, time } => {
                        let from = if stop == 0 { 0.0 } else { stops[stop - 1] };
                        assert!(
                            (from..stops[stop]).contains(&time),
                            "{w:?} plays outside its step"
                        );
                    }
                }
            }
        }
    }
}
