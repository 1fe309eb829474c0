//! Files dropped on the window: a CSV becomes the data, a network file (RON, `.npz`,
//! `.safetensors`) the model, a scene plays and a talk presents. A file that cannot be
//! opened leaves everything as it was and says why.

use super::explorer::{Explorer, Link};
use super::player::{Player, explorer_for};
use bevy::prelude::*;
use bevy::window::{FileDragAndDrop, PrimaryWindow};
use std::path::Path;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, open_dropped_files);
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
                let text = crate::io::read_text(path)?;
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

fn open_dropped_files(
    mut drops: MessageReader<FileDragAndDrop>,
    mut commands: Commands,
    mut explorer: ResMut<Explorer>,
    link: Res<Link>,
    player: Option<Res<Player>>,
    mut window: Single<&mut Window, With<PrimaryWindow>>,
) {
    for drop in drops.read() {
        let FileDragAndDrop::DroppedFile { path_buf: path, .. } = drop else {
            continue;
        };
        let kind = match Dropped::of(path) {
            Ok(kind) => kind,
            Err(e) => {
                explorer.message = Some(Err(e));
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
                if kind == Dropped::Data {
                    explorer.open_csv(&link, path);
                } else {
                    explorer.open_network(&link, path);
                }
            }
            Dropped::Scene | Dropped::Talk => match scene_player(path, kind) {
                Ok(player) => {
                    link.0.send(crate::live::Command::Pause);
                    explorer.replace_with(explorer_for(&player.loaded));
                    window.title = format!("{} - spacefold", player.loaded.scene.title);
                    commands.insert_resource(player);
                }
                Err(e) => explorer.message = Some(Err(e)),
            },
        }
    }
}

/// A player for a dropped scene (playing) or talk (presenting, in the window).
fn scene_player(path: &Path, kind: Dropped) -> Result<Player, String> {
    if kind == Dropped::Talk {
        let talk = crate::scene::talk::load_talk(path, false).map_err(|e| e.to_string())?;
        return Player::for_talk(talk, true, None, false).map_err(|e| e.to_string());
    }
    let loaded = crate::scene::load(path, true).map_err(|e| e.to_string())?;
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
