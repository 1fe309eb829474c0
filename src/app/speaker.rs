//! The speaker view (`play --speaker`, or S in presenter mode): a second window for the
//! presenter with the notes at this cue, the frame the next click shows, where the talk
//! stands (scene 3/8, cue 2/4), the time since it started and the clock. It reads the same
//! [`Player`] as the audience's window, so the two never disagree, and keys work in either
//! (Bevy's keyboard input is every window's).
//!
//! The next frames are rendered by `spacefold render` in a child process, scene by scene,
//! at every stop (each cue and the end): the window's own world shows one time only.

use super::player::Player;
use crate::engine::scene::walk::{Stop, stops};
use bevy::camera::RenderTarget;
use bevy::camera::visibility::RenderLayers;
use bevy::ecs::schedule::ScheduleLabel;
use bevy::prelude::*;
use bevy::window::{MonitorSelection, WindowRef, WindowResolution};
use bevy_egui::{EguiContext, EguiSchedule, egui};
use crossbeam_channel::Receiver;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<SpeakerView>()
        .add_systems(
            Update,
            (toggle_speaker_on_s, open_or_close_speaker_window)
                .chain()
                .run_if(resource_exists::<Player>),
        )
        .add_systems(
            SpeakerPass,
            show_speaker_view.run_if(resource_exists::<Player>),
        );
}

/// The egui pass of the speaker window.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct SpeakerPass;

/// The speaker window's camera: it draws nothing of the world (a layer nothing is on),
/// only the clear colour under egui.
#[derive(Component)]
struct SpeakerCamera;

/// Pixels of the previews rendered for the speaker view.
const PREVIEW_SIZE: (u32, u32) = (640, 360);

/// The speaker view: wanted or not, its window, and the frames at each stop.
#[derive(Resource, Default)]
pub struct SpeakerView {
    /// Whether it should be open (`--speaker`, S).
    pub wanted: bool,
    /// The window and the camera that draws into it.
    window: Option<Entity>,
    camera: Option<Entity>,
    /// When the talk started (the speaker view first opened).
    started: Option<Instant>,
    previews: Option<Previews>,
}

impl SpeakerView {
    /// The speaker window, when open.
    pub fn window(&self) -> Option<Entity> {
        self.window
    }

    /// Whether the frame the next click shows is on the speaker view now.
    pub fn next_frame_shown(&self, player: &Player) -> bool {
        let next = player.next_stop();
        self.previews
            .as_ref()
            .is_some_and(|p| next.is_some_and(|stop| p.shown(stop)))
    }

    /// Whether the frame the next click shows is ready to show (or never will be).
    pub fn next_frame_ready(&self, player: &Player) -> bool {
        let Some(previews) = &self.previews else {
            return false;
        };
        player
            .next_stop()
            .is_none_or(|stop| previews.shown(stop) || previews.finished)
    }
}

/// Frames at every stop of every scene, as the child renders arrive: files first, then
/// egui textures once shown.
struct Previews {
    /// Per scene: the stop times and, per stop, the frame's file once rendered.
    scenes: Vec<(Vec<f32>, Vec<Option<PathBuf>>)>,
    arriving: Receiver<(usize, Vec<PathBuf>)>,
    textures: HashMap<(usize, usize), egui::TextureHandle>,
    finished: bool,
    folder: PathBuf,
}

impl Previews {
    /// Starts rendering every scene's stops, the scene shown first, in a child process.
    fn start(player: &Player) -> Previews {
        let sources: Vec<(PathBuf, crate::engine::scene::Timeline)> = match &player.talk {
            Some(t) => t
                .scenes
                .iter()
                .map(|s| (s.source.clone(), s.timeline.clone()))
                .collect(),
            None => vec![(player.path.clone(), player.loaded.timeline.clone())],
        };
        let first = player.scene_index();
        let base = std::env::temp_dir().join("spacefold-speaker");
        crate::engine::io::remove_stale_partials(&base);
        let folder = crate::engine::io::temporary_beside(&base);
        // The renders write their folders in it: it must be there (a render refuses a
        // folder whose parent is missing).
        if let Err(e) = std::fs::create_dir_all(&folder) {
            warn!(
                "the speaker view cannot keep its previews in {}: {e}",
                folder.display()
            );
        }
        let scenes: Vec<_> = sources
            .iter()
            .map(|(_, tl)| {
                let at = stops(tl);
                let files = vec![None; at.len()];
                (at, files)
            })
            .collect();
        let order: Vec<usize> = (first..sources.len()).chain(0..first).collect();
        let jobs: Vec<(usize, PathBuf, Vec<f32>)> = order
            .into_iter()
            .map(|i| (i, sources[i].0.clone(), scenes[i].0.clone()))
            .collect();
        let receive = render_in_background(jobs, folder.clone());
        Previews {
            scenes,
            arriving: receive,
            textures: HashMap::new(),
            finished: false,
            folder,
        }
    }

    fn take_arrived(&mut self) {
        let got: Vec<_> = self.arriving.try_iter().collect();
        for (scene, files) in got {
            if scene == usize::MAX {
                self.finished = true;
                continue;
            }
            for (slot, file) in self.scenes[scene].1.iter_mut().zip(files) {
                *slot = Some(file);
            }
        }
    }

    /// Whether the frame at `stop` has been shown.
    fn shown(&self, stop: Stop) -> bool {
        self.textures.contains_key(&(stop.scene, stop.index))
    }

    /// The frame at `stop`, as a texture of `ctx` (read on first use).
    fn texture(&mut self, ctx: &egui::Context, stop: Stop) -> Option<egui::TextureId> {
        let key = (stop.scene, stop.index);
        if let Some(tex) = self.textures.get(&key) {
            return Some(tex.id());
        }
        let file = self.scenes.get(stop.scene)?.1.get(stop.index)?.clone()?;
        let image = read_rgba(&file)?;
        let tex = ctx.load_texture(
            format!("next-{}-{}", stop.scene, stop.index),
            image,
            egui::TextureOptions::LINEAR,
        );
        let id = tex.id();
        self.textures.insert(key, tex);
        Some(id)
    }
}

impl Drop for Previews {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// A PNG as an egui image.
fn read_rgba(path: &Path) -> Option<egui::ColorImage> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).ok()?));
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    let size = [info.width as usize, info.height as usize];
    let pixels = &buf[..info.buffer_size()];
    match (info.color_type, info.bit_depth) {
        (png::ColorType::Rgb, png::BitDepth::Eight) => {
            Some(egui::ColorImage::from_rgb(size, pixels))
        }
        (png::ColorType::Rgba, png::BitDepth::Eight) => {
            Some(egui::ColorImage::from_rgba_unmultiplied(size, pixels))
        }
        _ => None,
    }
}

/// Renders each job's stops (`spacefold render SOURCE --at ...`) one scene after another;
/// sends each scene's frame files as they are written, then `usize::MAX` when all are done.
fn render_in_background(
    jobs: Vec<(usize, PathBuf, Vec<f32>)>,
    folder: PathBuf,
) -> Receiver<(usize, Vec<PathBuf>)> {
    let (send, receive) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        let Ok(exe) = std::env::current_exe() else {
            let _ = send.send((usize::MAX, vec![]));
            return;
        };
        for (scene, source, times) in jobs {
            let out = folder.join(format!("scene-{scene}"));
            let at: Vec<String> = times.iter().map(|t| t.to_string()).collect();
            let (w, h) = PREVIEW_SIZE;
            let status = std::process::Command::new(&exe)
                .arg("render")
                .arg(&source)
                .args(["--at", &at.join(","), "--size", &format!("{w}x{h}")])
                .arg("--out")
                .arg(format!("{}/", out.display()))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
            if !status.is_ok_and(|s| s.success()) {
                warn!("the speaker view could not render {}", source.display());
                continue;
            }
            let files = (0..times.len())
                .map(|i| out.join(crate::engine::export::png_name(i)))
                .collect();
            if send.send((scene, files)).is_err() {
                return;
            }
        }
        let _ = send.send((usize::MAX, vec![]));
    });
    receive
}

/// S in presenter mode opens or closes the speaker view.
fn toggle_speaker_on_s(
    keys: Res<ButtonInput<KeyCode>>,
    player: Res<Player>,
    mut speaker: ResMut<SpeakerView>,
) {
    if player.present && !player.exploring && keys.just_pressed(KeyCode::KeyS) {
        speaker.wanted = !speaker.wanted;
    }
}

/// Opens the speaker window when wanted, closes it when not (or when its own close button
/// was pressed: Bevy despawns the window).
fn open_or_close_speaker_window(
    mut commands: Commands,
    mut speaker: ResMut<SpeakerView>,
    player: Res<Player>,
    windows: Query<(), With<Window>>,
    monitors: Query<(
        Entity,
        &bevy::window::Monitor,
        Has<bevy::window::PrimaryMonitor>,
    )>,
    full_screen: Res<super::full_screen::FullScreen>,
) {
    if let Some(w) = speaker.window
        && windows.get(w).is_err()
    {
        // Closed by its own button: its camera goes too.
        speaker.window = None;
        speaker.wanted = false;
        if let Some(camera) = speaker.camera.take() {
            commands.entity(camera).despawn();
        }
    }
    match (speaker.wanted, speaker.window) {
        (true, None) => {
            let title = player
                .talk
                .as_ref()
                .map_or_else(|| player.loaded.scene.title.clone(), |t| t.title.clone());
            // On another monitor than the audience's, where there is one.
            let list = super::full_screen::monitors_in_order(monitors.iter());
            let audience = super::full_screen::pick(&list, full_screen.screen).map(|m| m.0);
            let position = list
                .iter()
                .find(|(e, _, _)| Some(*e) != audience && list.len() > 1)
                .map_or(WindowPosition::Automatic, |(e, _, _)| {
                    WindowPosition::Centered(MonitorSelection::Entity(*e))
                });
            let window = commands
                .spawn(Window {
                    title: format!("{title} - speaker view"),
                    resolution: WindowResolution::new(1100, 700),
                    position,
                    ..default()
                })
                .id();
            let camera = commands
                .spawn((
                    SpeakerCamera,
                    Camera2d,
                    RenderTarget::Window(WindowRef::Entity(window)),
                    RenderLayers::layer(31),
                    EguiSchedule::new(SpeakerPass),
                ))
                .id();
            speaker.window = Some(window);
            speaker.camera = Some(camera);
            // Textures belong to the egui context of the window they were shown in.
            if let Some(previews) = speaker.previews.as_mut() {
                previews.textures.clear();
            }
            speaker.started.get_or_insert_with(Instant::now);
            if speaker.previews.is_none() {
                speaker.previews = Some(Previews::start(&player));
            }
        }
        (false, Some(w)) => {
            commands.entity(w).despawn();
            speaker.window = None;
            if let Some(camera) = speaker.camera.take() {
                commands.entity(camera).despawn();
            }
        }
        _ => {}
    }
}

fn show_speaker_view(
    mut context: Single<&mut EguiContext, With<SpeakerCamera>>,
    player: Res<Player>,
    mut speaker: ResMut<SpeakerView>,
    rehearsal: Option<Res<super::rehearsal::Rehearsal>>,
) {
    let ctx = context.get_mut().clone();
    let elapsed = speaker.started.map_or(0, |s| s.elapsed().as_secs());
    let next = player.next_stop();
    let texture = speaker.previews.as_mut().and_then(|p| {
        p.take_arrived();
        next.and_then(|stop| p.texture(&ctx, stop))
    });
    let finished = speaker.previews.as_ref().is_some_and(|p| p.finished);
    let mut root = egui::Ui::new(
        ctx.clone(),
        "speaker-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::CentralPanel::default().show(&mut root, |ui| {
        place_line(ui, &player, elapsed);
        if let Some(rehearsal) = &rehearsal {
            running_line(ui, rehearsal);
        }
        ui.separator();
        ui.columns(2, |columns| {
            notes_column(&mut columns[0], &player);
            next_column(&mut columns[1], &player, next, texture, finished);
            talk_outline(&mut columns[1], &player, rehearsal.as_deref());
        });
    });
}

/// Scene and cue, elapsed time, the clock.
fn place_line(ui: &mut egui::Ui, player: &Player, elapsed: u64) {
    let place = player.place();
    let title = &player.loaded.scene.title;
    ui.horizontal(|ui| {
        ui.heading(format!(
            "Scene {}/{} · cue {}/{}",
            place.scene, place.scenes, place.cue, place.cues
        ));
        ui.label(egui::RichText::new(title).weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.heading(format!("clock {}", clock()));
            ui.heading(format!(
                "{:02}:{:02}:{:02}",
                elapsed / 3600,
                elapsed / 60 % 60,
                elapsed % 60
            ))
            .on_hover_text("Time since the talk started");
        });
    });
}

/// The time of day on the presenter's clock, hours and minutes.
fn clock() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let day = (secs + local_offset(secs)).rem_euclid(86_400);
    format!("{:02}:{:02}", day / 3600, day / 60 % 60)
}

/// Seconds east of UTC of the local time zone at `secs` past the epoch (the C library
/// knows the zone; no time-zone database is carried for one clock).
#[cfg(unix)]
fn local_offset(secs: i64) -> i64 {
    let t = secs as libc::time_t;
    // SAFETY: `tm` is plain data that `localtime_r` fills in; it keeps no pointer to either
    // argument, and is the thread-safe form of `localtime`.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return 0;
    }
    tm.tm_gmtoff as i64
}

/// Elsewhere the clock shows UTC.
#[cfg(not(unix))]
fn local_offset(_: i64) -> i64 {
    0
}

fn notes_column(ui: &mut egui::Ui, player: &Player) {
    ui.label(egui::RichText::new("Notes").strong());
    let notes = player.notes_now();
    egui::ScrollArea::vertical()
        .id_salt("notes")
        .show(ui, |ui| {
            if notes.is_empty() {
                ui.label(egui::RichText::new("(no notes here)").weak());
            } else {
                ui.label(egui::RichText::new(notes).size(22.0));
            }
        });
}

/// The talk's scenes, the one shown marked, each with its cues.
fn talk_outline(
    ui: &mut egui::Ui,
    player: &Player,
    rehearsal: Option<&super::rehearsal::Rehearsal>,
) {
    use crate::engine::scene::timings::clock;
    ui.add_space(12.0);
    ui.label(egui::RichText::new("The talk").strong())
        .on_hover_text("Each scene's time in this run, then in the last run (when there was one)");
    let here = player.scene_index();
    let times = |scene: usize, stop: Option<usize>| {
        let Some(r) = rehearsal else {
            return String::new();
        };
        let of = |t: &crate::engine::scene::timings::Timings| match stop {
            Some(k) => t.at(scene, k),
            None => t.scene(scene),
        };
        match &r.last {
            Some(last) => format!("  {} / last {}", clock(of(&r.now)), clock(of(last))),
            None => format!("  {}", clock(of(&r.now))),
        }
    };
    egui::ScrollArea::vertical()
        .id_salt("outline")
        .show(ui, |ui| {
            let titles: Vec<String> = match &player.talk {
                Some(talk) => talk.scenes.iter().map(|s| s.title.clone()).collect(),
                None => vec![player.loaded.scene.title.clone()],
            };
            for (i, title) in titles.iter().enumerate() {
                let text = format!("{:>2}  {title}{}", i + 1, times(i, None));
                if i != here {
                    ui.label(egui::RichText::new(format!("·  {text}")).weak());
                    continue;
                }
                ui.label(egui::RichText::new(format!("▶ {text}")).strong());
                // The stops of the scene shown, with their times.
                let stops = player.walk.stops_of(i).len();
                let cues = player.loaded.timeline.cues().len();
                for k in 0..stops {
                    let name = if k < cues {
                        format!("cue {}", k + 1)
                    } else {
                        "end".into()
                    };
                    ui.label(
                        egui::RichText::new(format!("      {name}{}", times(i, Some(k)))).small(),
                    );
                }
            }
        });
}

/// This run's time so far against where the last run stood at the end of the stop shown.
fn running_line(ui: &mut egui::Ui, rehearsal: &super::rehearsal::Rehearsal) {
    use crate::engine::scene::timings::{clock, lead};
    let (so_far, last) = rehearsal.running();
    let text = match last {
        Some(last) => format!(
            "this run {} · the last run {} by the end of this stop ({})",
            clock(so_far),
            clock(last),
            lead(so_far - last)
        ),
        None => format!(
            "this run {} · no earlier run of this talk to compare",
            clock(so_far)
        ),
    };
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(text).size(16.0));
        if let Some(why) = &rehearsal.unsaved {
            ui.label(egui::RichText::new("(times not saved)").weak())
                .on_hover_text(why);
        }
    });
}

fn next_column(
    ui: &mut egui::Ui,
    player: &Player,
    next: Option<Stop>,
    texture: Option<egui::TextureId>,
    finished: bool,
) {
    let Some(Stop { scene, index, .. }) = next else {
        ui.label(egui::RichText::new("Next: the end of the talk").strong());
        return;
    };
    let here = player.scene_index();
    let timeline = player
        .talk
        .as_ref()
        .map_or(&player.loaded.timeline, |tk| &tk.scenes[scene].timeline);
    let cues = timeline.cues().len();
    let at = if index < cues {
        format!("cue {}/{cues}", index + 1)
    } else {
        "the end of the scene".into()
    };
    let what = match &player.talk {
        Some(tk) if scene != here => {
            format!(
                "Next: scene {} “{}”, {at}",
                scene + 1,
                tk.scenes[scene].title
            )
        }
        _ => format!("Next: {at}"),
    };
    ui.label(egui::RichText::new(what).strong());
    let width = ui.available_width();
    let size = egui::vec2(width, width * PREVIEW_SIZE.1 as f32 / PREVIEW_SIZE.0 as f32);
    match texture {
        Some(id) => {
            ui.image(egui::load::SizedTexture::new(id, size));
        }
        None => {
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 4.0, egui::Color32::from_gray(40));
            let why = if finished {
                "no preview"
            } else {
                "rendering the preview…"
            };
            ui.painter().text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                why,
                egui::FontId::proportional(18.0),
                egui::Color32::GRAY,
            );
        }
    }
}
