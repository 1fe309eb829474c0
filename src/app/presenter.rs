//! Presenter mode's keys, in either window (the audience's or the speaker view): every key
//! press counts, even two in one slow frame, and every move lands on a stop
//! ([`crate::engine::scene::walk`]). Also `--auto` (a kiosk), blanking, the scene list and
//! typed scene numbers, the help overlay, and exploring the picture live (Esc) and back.

use super::explorer::{Explorer, Link, Live};
use super::player::{Move, Moved, Player, PlayerSet, SceneShown, start_exploring};
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Presenter>().add_systems(
        Update,
        (presenter_keys, take_waiting_move, go_on_unattended)
            .chain()
            .in_set(PlayerSet::Input),
    );
}

/// Presenter mode's own state: what is typed, shown over the frame, or waiting.
#[derive(Resource, Default)]
pub struct Presenter {
    /// Digits typed: a scene's number, taken by Enter.
    pub typed: String,
    /// The list of the talk's scenes shown (G), to pick one.
    pub scene_list: bool,
    /// A scene (from 1) picked in that list, opened at the next frame.
    pub go_to: Option<usize>,
    /// The presenter's keys shown over the frame (H, F1, ?), until the next key.
    pub help: bool,
    /// Seconds to rest at each stop before going on by itself (`--auto`).
    pub auto: Option<f32>,
    /// A move into a scene still being trained: done once it arrives.
    pub waiting: Option<(Move, usize)>,
    /// Moves made so far (a rest at a stop is told from the one before by it).
    pub moves: u64,
    /// Seconds rested at the current stop (for `--auto`).
    rested: f32,
}

impl Presenter {
    /// Presenter mode going on by itself after `auto` seconds at each stop, if given.
    pub fn new(auto: Option<f32>) -> Presenter {
        Presenter {
            auto,
            ..Presenter::default()
        }
    }
}

/// What a presenter's key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Go(Move),
    Digit(char),
    Enter,
    SceneList,
    Escape,
    Blank,
    FullScreen,
    Help,
    LeavePresenting,
    Other,
}

/// The action of a key press.
fn action(key: KeyCode, logical: &Key) -> Action {
    if let Key::Character(c) = logical
        && c.as_str() == "?"
    {
        return Action::Help;
    }
    match key {
        KeyCode::ArrowRight | KeyCode::Space | KeyCode::PageDown | KeyCode::ArrowDown => {
            Action::Go(Move::Forward)
        }
        KeyCode::ArrowLeft | KeyCode::PageUp | KeyCode::ArrowUp | KeyCode::Backspace => {
            Action::Go(Move::Back)
        }
        KeyCode::Home => Action::Go(Move::Home),
        KeyCode::End => Action::Go(Move::End),
        KeyCode::Enter | KeyCode::NumpadEnter => Action::Enter,
        KeyCode::KeyG => Action::SceneList,
        KeyCode::Escape => Action::Escape,
        // Clickers' "blank screen" button sends B or a full stop.
        KeyCode::KeyB | KeyCode::Period => Action::Blank,
        KeyCode::KeyF | KeyCode::F11 => Action::FullScreen,
        KeyCode::KeyH | KeyCode::F1 => Action::Help,
        KeyCode::KeyP => Action::LeavePresenting,
        other => DIGITS
            .iter()
            .find(|(top, pad, _)| *top == other || *pad == other)
            .map_or(Action::Other, |d| Action::Digit(d.2)),
    }
}

/// The digit keys, top row and keypad, and the digit each types.
const DIGITS: [(KeyCode, KeyCode, char); 10] = [
    (KeyCode::Digit0, KeyCode::Numpad0, '0'),
    (KeyCode::Digit1, KeyCode::Numpad1, '1'),
    (KeyCode::Digit2, KeyCode::Numpad2, '2'),
    (KeyCode::Digit3, KeyCode::Numpad3, '3'),
    (KeyCode::Digit4, KeyCode::Numpad4, '4'),
    (KeyCode::Digit5, KeyCode::Numpad5, '5'),
    (KeyCode::Digit6, KeyCode::Numpad6, '6'),
    (KeyCode::Digit7, KeyCode::Numpad7, '7'),
    (KeyCode::Digit8, KeyCode::Numpad8, '8'),
    (KeyCode::Digit9, KeyCode::Numpad9, '9'),
];

/// Everything presenter mode changes for a key, beside the player.
#[derive(bevy::ecs::system::SystemParam)]
struct Stage<'w> {
    presenter: ResMut<'w, Presenter>,
    explorer: ResMut<'w, Explorer>,
    link: Res<'w, Link>,
    live: ResMut<'w, Live>,
    shown: MessageWriter<'w, SceneShown>,
    full_screen: ResMut<'w, super::full_screen::FullScreen>,
}

fn presenter_keys(
    mut keys: MessageReader<KeyboardInput>,
    mut player: ResMut<Player>,
    mut stage: Stage,
) {
    if !player.present || player.driven {
        keys.clear();
        return;
    }
    // One action per press, in order: two presses in one slow frame are two moves.
    let actions: Vec<Action> = keys
        .read()
        .filter(|k| k.state == ButtonState::Pressed && !k.repeat)
        .map(|k| action(k.key_code, &k.logical_key))
        .collect();
    for a in actions {
        act(a, &mut player, &mut stage);
    }
    if let Some(number) = stage.presenter.go_to.take() {
        stage.presenter.scene_list = false;
        stage.presenter.typed.clear();
        go(
            &mut player,
            &mut stage,
            Move::Jump(number.saturating_sub(1)),
        );
    }
}

/// Does one key's action.
fn act(a: Action, player: &mut Player, stage: &mut Stage) {
    let presenter = &mut stage.presenter;
    // Any key hides the help (and still does what it does).
    if presenter.help && a != Action::Help {
        presenter.help = false;
    }
    if player.exploring {
        if a == Action::Escape {
            come_back(player, stage);
        }
        return;
    }
    match a {
        Action::Go(m) => go(player, stage, m),
        Action::Digit(d) if presenter.typed.len() < 3 => presenter.typed.push(d),
        Action::Digit(_) | Action::Other => {}
        Action::Enter => {
            let typed = std::mem::take(&mut presenter.typed);
            presenter.scene_list = false;
            if let Ok(number) = typed.parse::<usize>()
                && number >= 1
            {
                go(player, stage, Move::Jump(number - 1));
            }
        }
        Action::SceneList if player.talk.is_some() => {
            presenter.scene_list = !presenter.scene_list;
        }
        Action::SceneList => {}
        Action::Escape if presenter.scene_list || !presenter.typed.is_empty() => {
            presenter.scene_list = false;
            presenter.typed.clear();
        }
        Action::Escape => {
            start_exploring(player, &mut stage.explorer, &stage.link);
            // The worker's publications from before are not this network's.
            stage.live.0 = None;
        }
        Action::Blank => player.blank = !player.blank,
        Action::FullScreen => stage.full_screen.wanted = !stage.full_screen.wanted,
        Action::Help => presenter.help = !presenter.help,
        Action::LeavePresenting => {
            player.set_present(false);
            stage.full_screen.wanted = false;
        }
    }
}

/// Makes a move; a move into a scene still training waits for it.
fn go(player: &mut Player, stage: &mut Stage, m: Move) {
    stage.presenter.rested = 0.0;
    stage.presenter.moves += 1;
    match player.go(m) {
        Moved::Scene => {
            stage.presenter.waiting = None;
            stage.shown.write(SceneShown);
        }
        Moved::Within | Moved::Refused => stage.presenter.waiting = None,
        Moved::Waiting(scene) => stage.presenter.waiting = Some((m, scene)),
    }
}

/// Back from exploring: the worker stops, and the scene shows again exactly at its stop.
fn come_back(player: &mut Player, stage: &mut Stage) {
    player.exploring = false;
    stage.link.0.send(crate::engine::live::Request::Pause);
    stage.shown.write(SceneShown);
}

/// A move that waited for its scene goes once the scene is trained.
fn take_waiting_move(mut player: ResMut<Player>, mut stage: Stage) {
    let Some((m, scene)) = stage.presenter.waiting else {
        return;
    };
    let ready = player
        .talk
        .as_ref()
        .is_some_and(|t| t.scenes[scene].loaded.is_some() || t.scenes[scene].failed.is_some());
    if ready {
        go(&mut player, &mut stage, m);
    }
}

/// `--auto`: after resting at a stop for its seconds, presenter mode goes on by itself (on
/// the wall clock, as it plays).
fn go_on_unattended(time: Res<Time<Real>>, mut player: ResMut<Player>, mut stage: Stage) {
    let Some(secs) = stage.presenter.auto else {
        return;
    };
    if !player.present || player.exploring || player.playing || stage.presenter.waiting.is_some() {
        stage.presenter.rested = 0.0;
        return;
    }
    stage.presenter.rested += time.delta_secs();
    if stage.presenter.rested >= secs {
        go(&mut player, &mut stage, Move::Forward);
    }
}

/// The presenter's keys, for the help overlay: (keys, what they do).
pub const HELP: [(&str, &str); 14] = [
    (
        "Right, Space, PageDown, Down",
        "next stop (a step playing: its stop at once)",
    ),
    ("Left, PageUp, Up", "the stop before, at once"),
    ("Home / End", "the talk from its start / its last stop"),
    ("a number, Enter", "that scene, from its start"),
    ("G", "the list of the talk's scenes (click one)"),
    ("B or .", "blank the screen / show it again"),
    ("F or F11", "full screen / a window"),
    ("S", "the speaker view: notes, next frame, times"),
    ("Esc", "explore this picture live; Esc again comes back"),
    ("P", "leave presenter mode (the timeline bar)"),
    ("H, F1 or ?", "this help (any key hides it)"),
    ("", ""),
    ("Stops", "each cue of a scene, and its end"),
    ("Clicks", "each press counts, even two quick ones"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The player and presenter systems in a headless app, 0.1 s a frame, presenting the
    /// scene of `script`.
    fn app(name: &str, script: &str, auto: Option<f32>) -> (App, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("spacefold-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.ron");
        std::fs::write(&path, script).unwrap();
        let loaded = crate::engine::scene::load(&path, true).unwrap();
        let player = Player::new(path, loaded, true, None);
        let mut app = crate::app::player::tests::app_with(player);
        app.insert_resource(Presenter::new(auto))
            .init_resource::<Live>()
            .init_resource::<crate::app::full_screen::FullScreen>()
            .add_message::<KeyboardInput>()
            .add_systems(
                Update,
                (presenter_keys, take_waiting_move, go_on_unattended)
                    .chain()
                    .in_set(PlayerSet::Input),
            );
        (app, dir)
    }

    /// Two cues a second apart, then a second more.
    const TWO_CUES: &str = "Scene(dataset: \"xor\", network: Train(arch: [2, 3, 1], epochs: 5), \
                            timeline: [Cue, Wait(1.0), Cue, Wait(1.0)])";

    fn press(app: &mut App, key: KeyCode) {
        let window = Entity::PLACEHOLDER;
        app.world_mut().write_message(KeyboardInput {
            key_code: key,
            logical_key: Key::Unidentified(bevy::input::keyboard::NativeKey::Unidentified),
            state: ButtonState::Pressed,
            text: None,
            repeat: false,
            window,
        });
    }

    fn time(app: &App) -> f32 {
        app.world().resource::<Player>().time
    }

    #[test]
    fn auto_rests_at_each_stop_for_its_seconds_then_goes_on() {
        let (mut app, dir) = app("auto", TWO_CUES, Some(0.5));
        let times: Vec<f32> = (0..40)
            .map(|_| {
                app.update();
                time(&app)
            })
            .collect();
        // Frames of 0.1 s: rests at the first cue (0 s) about half a second, then plays to
        // the second (1 s), rests there, then on to the end (2 s).
        let rested_at = |t: f32| times.iter().filter(|&&x| (x - t).abs() < 1e-4).count();
        assert!((4..=7).contains(&rested_at(0.0)), "{times:?}");
        assert!((4..=7).contains(&rested_at(1.0)), "{times:?}");
        assert_eq!(times.last().copied(), Some(2.0), "{times:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_click_while_a_step_plays_completes_it_and_two_in_a_frame_are_two_moves() {
        let (mut app, dir) = app("clicks", TWO_CUES, None);
        for _ in 0..3 {
            app.update();
        }
        assert_eq!(time(&app), 0.0, "rests at the first cue");
        press(&mut app, KeyCode::ArrowRight);
        for _ in 0..3 {
            app.update();
        }
        assert!(time(&app) > 0.0 && time(&app) < 1.0, "{}", time(&app));
        // A click while it plays: the stop it plays to, at once, and no further.
        press(&mut app, KeyCode::PageDown);
        app.update();
        assert_eq!(time(&app), 1.0);
        for _ in 0..5 {
            app.update();
        }
        assert_eq!(time(&app), 1.0, "it rests there");
        // Two presses in one frame: two moves (play on, then complete at once).
        press(&mut app, KeyCode::Space);
        press(&mut app, KeyCode::ArrowRight);
        app.update();
        assert_eq!(time(&app), 2.0, "the end, at once");
        // Back: the stop before, at once.
        press(&mut app, KeyCode::ArrowLeft);
        app.update();
        assert_eq!(time(&app), 1.0);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
