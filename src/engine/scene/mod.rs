//! Scene scripts (no Bevy): the RON format users write, its validation with errors that name
//! `file:line:col`, and the timeline it compiles to. `docs/scene-format.md` documents every
//! field; this module is the reference the document follows.
//!
//! - `schema`: the format itself, the types a scene file is read into;
//! - `load`: reading, checking and preparing a scene (data, network, training, timeline);
//! - `hints`: the wording added to RON's own errors;
//! - `save`: a scene written back as RON ([`to_ron`], [`script_for`]);
//! - [`timeline`]: what a scene does over time; [`locate`]: where a value sits in the text;
//! - [`walk`]: a talk walked stop by stop, as presenter mode walks it.

mod bare;
mod hints;
mod load;
pub mod locate;
mod save;
mod schema;
pub mod talk;
pub mod timeline;
pub mod timings;
pub mod verify;
pub mod walk;

use std::fmt;

pub use crate::setup::View;
pub use load::{Loaded, load, load_path_or_name, load_str, parse, referenced_files};
pub use save::{script_for, to_ron};
pub use schema::{
    Claim, EaseKind, NetworkSource, NeuronsSpec, OptimizerKind, Scene, Shot, StageKind, Step,
    SurfaceKind, TrainSpec,
};
pub use timeline::{Frame, TIME_EPSILON, Timeline};

/// Scenes bundled into the binary at build time (`scenes/`, and `SPACEFOLD_SCENES`).
pub mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_scenes.rs"));
}

/// A scene error: where, what, and what to do.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneError {
    /// The scene file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// How to put it right.
    pub hint: Option<String>,
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SceneError {}
