//! Opening and saving files: dropped on the window, picked in a native dialog (Ctrl+O, the
//! panels' buttons) or from the recent files. A CSV becomes the data, a network file (RON,
//! `.npz`, `.safetensors`) the model, a scene plays and a talk presents. A file that cannot
//! be opened leaves everything as it was and says why; each file opened is remembered
//! (see [`super::recent`]).

use super::Status;
use super::dialogs::{Answer, Ask};
use super::explorer::{Explorer, Link, Published};
use super::player::{Player, SceneShown};
use super::recent::Recent;
use super::ui::Forms;
use bevy::prelude::*;
use bevy::window::{FileDragAndDrop, PrimaryWindow};
use crossbeam_channel::Receiver;
use std::path::{Path, PathBuf};

pub(super) fn plugin(app: &mut App) {
    let dir = super::recent::config_dir();
    let list = dir.as_deref().map(Recent::load_from).unwrap_or_default();
    app.add_message::<OpenFile>()
        .add_message::<AskFile>()
        .insert_resource(RecentFiles { list, dir })
        .init_resource::<Dialog>()
        .add_systems(
            Update,
            (
                (files_from_drops, ask_on_ctrl_o),
                ask_when_wanted,
                take_dialog_answer,
                open_files,
            )
                .chain(),
        );
}

/// A file to open, whatever it is (see [`Dropped`]): dropped, picked in a dialog or from the
/// recent files.
#[derive(Message, Clone, Debug)]
pub struct OpenFile(pub PathBuf);

/// A file dialog asked for (the panels' buttons, Ctrl+O).
#[derive(Message, Clone, Copy, Debug)]
pub struct AskFile(pub Ask);

/// The files opened lately, and where the list is kept.
#[derive(Resource)]
pub struct RecentFiles {
    /// The list.
    pub list: Recent,
    dir: Option<PathBuf>,
}

impl RecentFiles {
    fn remember(&mut self, path: &Path) {
        self.list.remember(path);
        if let Some(dir) = &self.dir
            && let Err(e) = self.list.save_to(dir)
        {
            warn!("cannot keep the recent files in {}: {e}", dir.display());
        }
    }
}

/// The file dialog open now, if one is.
#[derive(Resource, Default)]
struct Dialog(Option<(Ask, Receiver<Answer>)>);

fn files_from_drops(mut drops: MessageReader<FileDragAndDrop>, mut open: MessageWriter<OpenFile>) {
    for drop in drops.read() {
        if let FileDragAndDrop::DroppedFile { path_buf, .. } = drop {
            open.write(OpenFile(path_buf.clone()));
        }
    }
}

fn ask_on_ctrl_o(
    keys: Res<ButtonInput<KeyCode>>,
    typing: super::ViewKeys,
    mut ask: MessageWriter<AskFile>,
) {
    let ctrl = super::held(&keys, [KeyCode::ControlLeft, KeyCode::ControlRight]);
    if ctrl && keys.just_pressed(KeyCode::KeyO) && !typing.blocked() {
        ask.write(AskFile(Ask::Open));
    }
}

/// Opens the dialog the panels (or Ctrl+O) asked for, one at a time.
fn ask_when_wanted(mut asked: MessageReader<AskFile>, mut dialog: ResMut<Dialog>) {
    if let Some(AskFile(what)) = asked.read().last().copied()
        && dialog.0.is_none()
    {
        dialog.0 = Some((what, super::dialogs::ask(what)));
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "a dialog's answer saves the network or the set-up, or opens a file"
)]
fn take_dialog_answer(
    mut dialog: ResMut<Dialog>,
    explorer: Res<Explorer>,
    mut forms: ResMut<Forms>,
    mut status: ResMut<Status>,
    published: Res<Published>,
    view: Res<State<super::Showing>>,
    mut open: MessageWriter<OpenFile>,
) {
    let Some((what, receiver)) = &dialog.0 else {
        return;
    };
    let answer = match receiver.try_recv() {
        Ok(answer) => answer,
        Err(crossbeam_channel::TryRecvError::Empty) => return,
        Err(crossbeam_channel::TryRecvError::Disconnected) => Answer::Cancelled,
    };
    let what = *what;
    dialog.0 = None;
    let path = match answer {
        Answer::Chosen(path) => path,
        Answer::Cancelled => return,
        Answer::NoDialog(why) => {
            status.0 = Some(Err(why));
            return;
        }
    };
    match what {
        Ask::Open => {
            open.write(OpenFile(path));
        }
        Ask::SaveNetwork => {
            forms.network_path = path.display().to_string();
            if let Some(latest) = &published.0 {
                status.0 = Some(explorer.save_network_to(&path, &latest.network));
            }
        }
        Ask::SaveScene => {
            forms.scene_path = path.display().to_string();
            let epoch = published.0.as_ref().map_or(0, |l| l.epoch);
            status.0 = Some(explorer.save_scene_to(&path, epoch, view.get().0));
        }
    }
}

/// What a dropped file is, by its name and (for RON) its first word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    /// A CSV of points.
    Data,
    /// A network's weights.
    Network,
    /// A scene script.
    Scene,
    /// A talk.
    Talk,
}

impl Dropped {
    /// What the file at `path` is; an error says why it is none of them.
    pub fn of(path: &Path) -> Result<Dropped, String> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv") => Ok(Dropped::Data),
            Some("npz" | "safetensors") => Ok(Dropped::Network),
            Some("ron") => {
                let text = crate::engine::io::read_text(path)?;
                Ok(match first_word(&text) {
                    "Talk" => Dropped::Talk,
                    "Scene" => Dropped::Scene,
                    _ => Dropped::Network,
                })
            }
            _ => Err(format!(
                "{}: spacefold opens a CSV, a network (.ron, .npz, .safetensors), a scene \
                 or a talk",
                path.display()
            )),
        }
    }
}

/// The first word of RON text, past white space and line comments.
fn first_word(text: &str) -> &str {
    let code = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .unwrap_or("");
    let end = code
        .find(|c: char| !c.is_alphanumeric() && c != '_')
        .unwrap_or(code.len());
    &code[..end]
}

#[allow(
    clippy::too_many_arguments,
    reason = "a file opened becomes the data, the network, a scene or a talk"
)]
fn open_files(
    mut files: MessageReader<OpenFile>,
    mut commands: Commands,
    mut explorer: ResMut<Explorer>,
    mut status: ResMut<Status>,
    mut forms: ResMut<Forms>,
    link: Res<Link>,
    player: Option<Res<Player>>,
    mut window: Single<&mut Window, With<PrimaryWindow>>,
    mut recent: ResMut<RecentFiles>,
    mut shown: MessageWriter<SceneShown>,
) {
    for OpenFile(path) in files.read() {
        let kind = match Dropped::of(path) {
            Ok(kind) => kind,
            Err(e) => {
                status.0 = Some(Err(e));
                continue;
            }
        };
        match kind {
            Dropped::Data | Dropped::Network => {
                // Out of a scene into the explorer, on the scene's data and network.
                if player.is_some() {
                    commands.remove_resource::<Player>();
                    window.title = "spacefold".into();
                }
                let opened = if kind == Dropped::Data {
                    forms.csv_path = path.display().to_string();
                    explorer.open_csv(&link, path)
                } else {
                    explorer.open_network(&link, path)
                };
                if opened.is_ok() {
                    recent.remember(path);
                }
                status.0 = Some(opened);
            }
            Dropped::Scene | Dropped::Talk => match scene_player(path, kind) {
                Ok(player) => {
                    link.0.send(crate::engine::live::Request::Pause);
                    window.title = format!("{} - spacefold", player.loaded.scene.title);
                    commands.insert_resource(player);
                    // Every view starts over on the scene (the explorer takes its data).
                    shown.write(SceneShown);
                    recent.remember(path);
                }
                Err(e) => status.0 = Some(Err(e)),
            },
        }
    }
}

/// A player for a dropped scene (playing) or talk (presenting, in the window).
fn scene_player(path: &Path, kind: Dropped) -> Result<Player, String> {
    if kind == Dropped::Talk {
        let talk = crate::engine::scene::talk::load_talk(path, false).map_err(|e| e.to_string())?;
        return Player::for_talk(talk, true, None, false).map_err(|e| e.to_string());
    }
    let loaded = crate::engine::scene::load(path, true).map_err(|e| e.to_string())?;
    Ok(Player::new(path.to_path_buf(), loaded, false, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_file_is_known_by_its_name_and_first_word() {
        let dir = std::env::temp_dir().join(format!("spacefold-drop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let kind = |p: &Path| Dropped::of(p);
        assert_eq!(kind(&file("a.CSV", "x,y,label\n")), Ok(Dropped::Data));
        assert_eq!(kind(&file("n.npz", "")), Ok(Dropped::Network));
        assert_eq!(kind(&file("n.safetensors", "")), Ok(Dropped::Network));
        assert_eq!(
            kind(&file("s.ron", "// a scene\nScene(dataset: \"xor\")")),
            Ok(Dropped::Scene)
        );
        assert_eq!(
            kind(&file("t.ron", "Talk(title: \"t\")")),
            Ok(Dropped::Talk)
        );
        assert_eq!(kind(&file("n.ron", "(layers: [])")), Ok(Dropped::Network));
        assert!(
            kind(&file("x.txt", ""))
                .unwrap_err()
                .contains("opens a CSV")
        );
        assert!(kind(&dir.join("gone.ron")).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
