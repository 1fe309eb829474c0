//! A rehearsal's record: how long the presenter spent at each stop of a talk (the step that
//! plays to a stop counted with it), kept beside the talk as `TALK.timings` (RON, but not
//! named `.ron`: a folder of scenes must not take it for one) so that the next run shows
//! where the time goes against the last.

use crate::io::write_atomic;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Seconds spent at each stop, per scene, in the talk's order.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Serialize)]
pub struct Timings {
    /// Per scene, per stop: seconds.
    pub scenes: Vec<Vec<f32>>,
}

impl Timings {
    /// No time yet at stops of these counts (one count per scene).
    pub fn zero(stops: &[usize]) -> Timings {
        Timings {
            scenes: stops.iter().map(|&n| vec![0.0; n]).collect(),
        }
    }

    /// Whether it is a record of a talk with these stop counts.
    pub fn fits(&self, stops: &[usize]) -> bool {
        self.scenes.len() == stops.len()
            && self.scenes.iter().zip(stops).all(|(s, &n)| s.len() == n)
    }

    /// Counts `seconds` at stop `stop` of scene `scene` (nothing out of range).
    pub fn add(&mut self, scene: usize, stop: usize, seconds: f32) {
        if let Some(s) = self.scenes.get_mut(scene).and_then(|s| s.get_mut(stop)) {
            *s += seconds.max(0.0);
        }
    }

    /// Seconds at stop `stop` of scene `scene`.
    pub fn at(&self, scene: usize, stop: usize) -> f32 {
        self.scenes
            .get(scene)
            .and_then(|s| s.get(stop))
            .copied()
            .unwrap_or(0.0)
    }

    /// Seconds in scene `scene`.
    pub fn scene(&self, scene: usize) -> f32 {
        self.scenes.get(scene).map_or(0.0, |s| s.iter().sum())
    }

    /// Seconds in the whole talk.
    pub fn total(&self) -> f32 {
        self.scenes.iter().flatten().sum()
    }

    /// Seconds spent up to stop `stop` of scene `scene`, that stop included, in the talk's
    /// order: where the running total stood when the presenter left it.
    pub fn up_to(&self, scene: usize, stop: usize) -> f32 {
        let before: f32 = self.scenes.iter().take(scene).flatten().sum();
        let here: f32 = self
            .scenes
            .get(scene)
            .map_or(0.0, |s| s.iter().take(stop + 1).sum());
        before + here
    }

    /// The record's file beside `talk`: `talk.ron` keeps `talk.timings`.
    pub fn path_for(talk: &Path) -> PathBuf {
        let stem = talk.file_stem().unwrap_or_default().to_string_lossy();
        talk.with_file_name(format!("{stem}.timings"))
    }

    /// The record saved at `path`, if there is one that reads.
    pub fn load(path: &Path) -> Option<Timings> {
        let text = crate::io::read_text(path).ok()?;
        let timings: Timings = ron::from_str(&text).ok()?;
        let finite = timings
            .scenes
            .iter()
            .flatten()
            .all(|s| s.is_finite() && *s >= 0.0);
        let bounded = timings.scenes.len() <= crate::limits::MAX_STEPS
            && timings
                .scenes
                .iter()
                .all(|s| s.len() <= crate::limits::MAX_STEPS);
        (finite && bounded).then_some(timings)
    }

    /// Writes the record to `path`, atomically.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(std::io::Error::other)?;
        let text = format!(
            "// Seconds at each stop of the talk, per scene, as spacefold's presenter mode last \
             timed them.\n{text}\n"
        );
        write_atomic(path, text.as_bytes())
    }
}

/// Seconds as `m:ss` (`h:mm:ss` past an hour).
pub fn clock(seconds: f32) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s / 3600 {
        0 => format!("{}:{:02}", s / 60, s % 60),
        h => format!("{h}:{:02}:{:02}", s / 60 % 60, s % 60),
    }
}

/// A difference of seconds, signed: `+0:14`, `-1:02`.
pub fn lead(seconds: f32) -> String {
    let sign = if seconds < 0.0 { '-' } else { '+' };
    format!("{sign}{}", clock(seconds.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_add_up_in_the_talks_order_and_save_and_load() {
        let mut t = Timings::zero(&[2, 1, 3]);
        t.add(0, 1, 5.0);
        t.add(1, 0, 2.5);
        t.add(2, 2, 1.0);
        t.add(7, 0, 9.0);
        assert_eq!(t.total(), 8.5);
        assert_eq!(t.up_to(1, 0), 7.5);
        assert_eq!(t.up_to(0, 0), 0.0);
        assert_eq!(t.scene(2), 1.0);
        assert!(t.fits(&[2, 1, 3]) && !t.fits(&[2, 1]));
        let dir = std::env::temp_dir().join(format!("spacefold-timings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = Timings::path_for(&dir.join("talk.ron"));
        assert_eq!(path.file_name().unwrap(), "talk.timings");
        t.save(&path).unwrap();
        assert_eq!(Timings::load(&path), Some(t));
        std::fs::write(&path, "Timings(scenes: [[NaN]])").unwrap();
        assert_eq!(Timings::load(&path), None, "a damaged record is not read");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn clocks_read_as_minutes_and_seconds() {
        assert_eq!(clock(5.4), "0:05");
        assert_eq!(clock(754.0), "12:34");
        assert_eq!(clock(3725.0), "1:02:05");
        assert_eq!(lead(-62.0), "-1:02");
        assert_eq!(lead(14.0), "+0:14");
    }
}
