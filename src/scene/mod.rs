//! Scene scripts (no Bevy): the RON format users write, its validation with errors that name
//! `file:line:col`, and the timeline it compiles to. `docs/scene-format.md` documents every
//! field; this module is the reference the document follows.
//!
//! - `schema`: the format itself, the types a scene file is read into;
//! - `load`: reading, checking and preparing a scene (data, network, training, timeline);
//! - `hints`: the wording added to RON's own errors;
//! - `save`: a scene written back as RON ([`to_ron`], [`script_for`]);
//! - [`timeline`]: what a scene does over time; [`locate`]: where a value sits in the text.

mod hints;
mod load;
pub mod locate;
mod save;
mod schema;
pub mod timeline;

use std::fmt;

pub use load::{Loaded, load, load_path_or_name, load_str, parse};
pub use save::to_ron;
pub use schema::{
    EaseKind, NetworkSource, NeuronsSpec, OptimizerKind, Scene, Shot, StageKind, Step, SurfaceKind,
    TrainSpec, ViewKind,
};
pub use timeline::{Frame, Timeline};

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

/// A scene script for a set-up made in the explorer: its data, its network trained as it
/// was, and a timeline that plays every layer, with a cue before each.
pub fn script_for(title: &str, dataset: &str, spec: &TrainSpec, view: ViewKind) -> String {
    let list = |v: &[String]| v.join(", ");
    let arch: Vec<String> = spec.arch.iter().map(ToString::to_string).collect();
    let acts: Vec<String> = spec.activation.iter().map(|a| format!("{a:?}")).collect();
    let mut network = format!(
        "Train(\n        arch: [{}],\n        activation: [{}],\n",
        list(&arch),
        list(&acts)
    );
    if let Some(o) = spec.output {
        network += &format!("        output: Some({o:?}),\n");
    }
    if let Some(l) = spec.loss {
        network += &format!("        loss: Some({l:?}),\n");
    }
    network += &format!(
        "        optimizer: {:?},\n        lr: {:?},\n        batch: {},\n        l2: {:?},\n        epochs: {},\n        seed: {},\n    )",
        spec.optimizer, spec.lr, spec.batch, spec.l2, spec.epochs, spec.seed
    );
    let layers = spec.arch.len() - 1;
    let mut steps = vec![format!("        Title(text: {title:?}, secs: 2.5),")];
    for l in 1..=layers {
        steps.push("        Cue,".into());
        steps.push(format!("        Stage(layer: {l}, secs: 3.0),"));
    }
    format!(
        "// Saved from the spacefold explorer.\nScene(\n    title: {title:?},\n    dataset: {dataset:?},\n    network: {network},\n    view: {view:?},\n    timeline: [\n{}\n    ],\n)\n",
        steps.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Activation, Loss};

    #[test]
    fn a_saved_set_up_reads_back_as_the_same_scene() {
        let spec = TrainSpec {
            arch: vec![2, 5, 3],
            activation: vec![Activation::Tanh],
            output: Some(Activation::Softmax),
            loss: Some(Loss::CategoricalCrossEntropy),
            optimizer: OptimizerKind::Sgd,
            lr: 0.05,
            batch: 32,
            l2: 0.001,
            epochs: 120,
            seed: 4,
            snapshot_every: None,
        };
        let text = script_for(
            "My \"set-up\"",
            "spiral:arms=3,n=90",
            &spec,
            ViewKind::Regions,
        );
        let loaded = load_str(&text, "saved.ron", None, false).unwrap();
        assert_eq!(loaded.scene.network, NetworkSource::Train(spec));
        assert_eq!(loaded.scene.title, "My \"set-up\"");
        assert_eq!(loaded.scene.view, ViewKind::Regions);
        assert_eq!(loaded.timeline.cues().len(), 2);
    }
}
