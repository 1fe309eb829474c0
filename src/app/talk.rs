//! A talk's scenes, for the player: the first trained before the window opens, the others
//! trained on a thread of their own, in order, while the talk plays. Nothing waits for them:
//! a move to a scene not trained yet waits in the player (the audience keeps the stop it
//! sees) and goes on when the scene arrives.

use crate::engine::scene::talk::LoadedTalk;
use crate::engine::scene::{Loaded, SceneError, Timeline};
use crossbeam_channel::Receiver;
use std::path::PathBuf;

/// A talk being played: its title and its scenes.
pub struct TalkStage {
    /// The talk's title.
    pub title: String,
    /// The scenes in order.
    pub scenes: Vec<TalkSlot>,
    /// Scenes as the background trains them.
    arriving: Option<Receiver<Arrived>>,
}

/// A scene trained in the background, or why it could not be.
struct Arrived {
    /// Its index in the talk.
    index: usize,
    /// The scene, or the error.
    scene: Result<Loaded, String>,
}

/// One scene of a talk.
pub struct TalkSlot {
    /// Where it came from (a path, or the bundled name).
    pub source: PathBuf,
    /// The speaker's notes for the whole scene.
    pub notes: String,
    /// The scene's title.
    pub title: String,
    /// Its timeline (known before it is trained: the speaker view and handouts need it).
    pub timeline: Timeline,
    /// The scene, trained; `None` while the background still trains it.
    pub loaded: Option<Loaded>,
    /// Why it could not be trained.
    pub failed: Option<String>,
}

/// Whether a talk's scene can be shown.
#[derive(Debug)]
pub enum Readiness {
    /// Trained: here it is.
    Ready(Box<Loaded>),
    /// The background is still training it.
    Training,
    /// It could not be trained: why.
    Failed(String),
}

impl TalkStage {
    /// The talk's stage; `trained` says whether its scenes were loaded trained. If not, the
    /// first is trained now and the others on a thread, in order. Returns the stage and
    /// the first scene.
    pub fn new(talk: LoadedTalk, trained: bool) -> Result<(TalkStage, Loaded), SceneError> {
        let notes = talk.talk.scenes.iter().map(|s| s.notes().to_string());
        let mut scenes: Vec<TalkSlot> = talk
            .scenes
            .into_iter()
            .zip(notes)
            .map(|((source, loaded), notes)| TalkSlot {
                source,
                notes,
                title: loaded.scene.title.clone(),
                timeline: loaded.timeline.clone(),
                loaded: trained.then_some(loaded),
                failed: None,
            })
            .collect();
        let arriving = if trained {
            None
        } else {
            let first = crate::engine::scene::load_path_or_name(&scenes[0].source, true)?;
            scenes[0].loaded = Some(first);
            let rest: Vec<_> = scenes.iter().map(|s| s.source.clone()).skip(1).collect();
            Some(train_in_background(rest))
        };
        let first = scenes[0]
            .loaded
            .clone()
            .expect("the first scene is trained");
        let stage = TalkStage {
            title: talk.talk.title,
            scenes,
            arriving,
        };
        Ok((stage, first))
    }

    /// Takes the scenes the background has trained so far (never waits).
    pub fn take_arrived(&mut self) {
        let Some(arriving) = &self.arriving else {
            return;
        };
        let got: Vec<Arrived> = arriving.try_iter().collect();
        for Arrived { index, scene } in got {
            let slot = &mut self.scenes[index];
            match scene {
                Ok(loaded) => slot.loaded = Some(loaded),
                Err(e) => slot.failed = Some(e),
            }
        }
    }

    /// Whether scene `index` can be shown now.
    pub fn readiness(&mut self, index: usize) -> Readiness {
        self.take_arrived();
        let slot = &self.scenes[index];
        match (&slot.loaded, &slot.failed) {
            (Some(loaded), _) => Readiness::Ready(Box::new(loaded.clone())),
            (None, Some(e)) => Readiness::Failed(e.clone()),
            (None, None) if self.arriving.is_some() => Readiness::Training,
            (None, None) => Readiness::Failed("it was never trained".into()),
        }
    }
}

/// Trains `sources` one after another on a thread of their own, sending each (numbered
/// from 1: the first scene is trained already) as it is ready.
fn train_in_background(sources: Vec<PathBuf>) -> Receiver<Arrived> {
    let (send, receive) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        for (i, source) in sources.iter().enumerate() {
            let scene =
                crate::engine::scene::load_path_or_name(source, true).map_err(|e| e.to_string());
            if send
                .send(Arrived {
                    index: i + 1,
                    scene,
                })
                .is_err()
            {
                return;
            }
        }
    });
    receive
}
