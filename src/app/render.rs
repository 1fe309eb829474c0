//! Offline render (`spacefold render`): the scene player without a window or a display.
//! Every camera draws into one image; the loop sets the player's time to each frame's exact
//! time, runs one update and reads the image back. Time is manual and every throttle is off
//! ([`super::ExactFrames`]), so the frames are the same whatever the machine's speed.

use super::AppOptions;
use super::CameraRig;
use super::player::Player;
use super::point_drawing::PointInstances;
use super::points::BlendPoints;
pub use crate::engine::export::Antialias;
use crate::engine::export::{ExportError, Pixels, Sink, frames_line};
use crate::engine::progress::Progress;
use bevy::app::PluginsState;
use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::RenderLayers;
use bevy::camera::{ImageRenderTarget, RenderTarget};
use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::render::gpu_readback::{Readback, ReadbackComplete};
use bevy::render::pipelined_rendering::PipelinedRenderingPlugin;
use bevy::render::render_resource::{PollType, TextureFormat, TextureUsages};
use bevy::render::renderer::RenderDevice;
use bevy::time::TimeUpdateStrategy;
use bevy::window::{ExitCondition, WindowResolution};
use bevy::winit::WinitPlugin;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What to render.
pub struct RenderJob {
    /// The scene's set-up; its `player` holds the scene.
    pub options: AppOptions,
    /// Frame size in pixels.
    pub size: (u32, u32),
    /// Frames per second (the time step of the manual clock).
    pub fps: u32,
    /// The scene time of each frame.
    pub times: Vec<f32>,
    /// For a talk, the scene (its index) of each frame; empty: the scene the player holds.
    pub scenes: Vec<usize>,
    /// Clear to transparent rather than the background colour.
    pub transparent: bool,
    /// How edges are smoothed.
    pub antialias: Antialias,
}

/// How edges are smoothed, as a resource of the render.
#[derive(Resource, Clone, Copy)]
struct Smoothing(Antialias);

/// How a render went.
pub struct RenderReport {
    /// Frames written.
    pub frames: usize,
    /// Seconds from the first frame to the last written (after the start-up).
    pub seconds: f64,
    /// Seconds spent starting the renderer and settling the first frame.
    pub startup: f64,
}

/// The image every camera draws into.
#[derive(Resource, Clone, bevy::render::extract_resource::ExtractResource)]
struct Target(Handle<Image>, f32);

/// Frames read back, by number (warm-up frames count down from `usize::MAX`).
type Captured = Arc<Mutex<BTreeMap<usize, Vec<u8>>>>;

/// Updates run after a talk's render moves to another scene, before its frame is taken.
const SCENE_CHANGE_UPDATES: usize = 6;

/// Raster threads for Mesa's software renderer (lavapipe), unless `LP_NUM_THREADS` says how
/// many: on a machine of fewer than four cores, four. With one a core, the thread that the
/// encoder or the next frame's systems hold up keeps the others waiting at the end of every
/// pass; with smaller shares the work evens out. On 2 cores the benchmark's 720p video
/// (`bench/render_vs_manim.sh`) rendered 3 to 9 % faster in three sets of alternating runs,
/// byte for byte the same file. A GPU's driver ignores the variable.
///
/// # Safety
/// It sets an environment variable: call it before the process starts any other thread.
pub unsafe fn software_raster_threads() {
    const THREADS: usize = 4;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < THREADS && std::env::var_os("LP_NUM_THREADS").is_none() {
        // SAFETY: the caller runs this before any other thread.
        unsafe { std::env::set_var("LP_NUM_THREADS", THREADS.to_string()) };
    }
}

/// Renders `job` into `sink`. Nothing is written where the output goes unless every frame
/// is in (the sink renames into place in `finish`).
pub fn render(job: RenderJob, sink: Box<dyn Sink>) -> Result<RenderReport, ExportError> {
    // Bevy panics when it finds no GPU: report that as an error, not a crash.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render_frames(job, sink))) {
        Ok(result) => result,
        Err(panic) => {
            let said = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(ExportError::Other(format!(
                "the renderer stopped: {said}\nspacefold needs a Vulkan, Metal or DX12 \
                 device; without a GPU install software Vulkan (Debian/Ubuntu: \
                 `sudo apt install mesa-vulkan-drivers`)"
            )))
        }
    }
}

fn headless_app(
    mut options: AppOptions,
    (w, h): (u32, u32),
    fps: u32,
    transparent: bool,
    antialias: Antialias,
) -> (App, Handle<Image>) {
    let scale = super::frame_scale(h);
    if let Some(player) = options.player.as_mut() {
        // Presenter mode's screen (no timeline bar); time moves only when the loop sets it.
        player.playing = false;
        player.present = true;
        player.driven = true;
        player.looping = false;
    }
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                // A window that no system opens: the views size themselves by it.
                primary_window: Some(Window {
                    resolution: WindowResolution::new(w, h).with_scale_factor_override(scale),
                    ..default()
                }),
                exit_condition: ExitCondition::DontExit,
                close_when_requested: false,
                ..default()
            })
            .set(RenderPlugin {
                synchronous_pipeline_compilation: true,
                ..default()
            })
            .set(bevy::log::LogPlugin {
                level: bevy::log::Level::WARN,
                ..default()
            })
            .disable::<WinitPlugin>()
            .disable::<PipelinedRenderingPlugin>(),
    );
    super::configure(&mut app, options);
    if transparent {
        app.insert_resource(ClearColor(super::BACKGROUND.with_alpha(0.0)));
    }
    let mut image = Image::new_target_texture(w, h, TextureFormat::Rgba8UnormSrgb, None);
    image.texture_descriptor.usage |= TextureUsages::COPY_SRC;
    image.asset_usage = RenderAssetUsages::RENDER_WORLD;
    let handle = app.world_mut().resource_mut::<Assets<Image>>().add(image);
    app.insert_resource(super::ExactFrames)
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(
            1.0 / fps.max(1) as f64,
        )))
        .insert_resource(Target(handle.clone(), scale))
        .insert_resource(Smoothing(antialias))
        .insert_resource(BlendPoints(antialias == Antialias::Smooth))
        .add_observer(draw_into_target);
    if antialias == Antialias::Auto {
        app.add_systems(Last, multisample_only_in_3d);
    }
    app.add_plugins(bevy::render::extract_resource::ExtractResourcePlugin::<
        Target,
    >::default());
    if let Some(render_app) = app.get_sub_app_mut(bevy::render::RenderApp) {
        render_app.add_systems(
            bevy::render::Render,
            copy_when_alone
                .after(bevy::render::view::prepare_view_targets)
                .before(bevy::render::RenderSystems::Render),
        );
        render_app.add_systems(
            bevy::core_pipeline::Core3d,
            copy_picture.after(bevy::core_pipeline::upscaling::upscaling),
        );
    }
    // With SPACEFOLD_HIDE_POINTS set, the data points are on a layer no camera sees; with
    // SPACEFOLD_POINTS_ONLY, on the one layer the cameras see: a test compares such frames
    // with the whole ones to read what lies under each point.
    if std::env::var_os("SPACEFOLD_HIDE_POINTS").is_some() {
        app.add_observer(|add: On<Add, PointInstances>, mut commands: Commands| {
            commands
                .entity(add.entity)
                .insert(RenderLayers::layer(HIDDEN_LAYER));
        });
    } else if std::env::var_os("SPACEFOLD_POINTS_ONLY").is_some() {
        app.add_observer(|add: On<Add, PointInstances>, mut commands: Commands| {
            commands
                .entity(add.entity)
                .insert(RenderLayers::layer(POINTS_ONLY_LAYER));
        });
    }
    (app, handle)
}

/// A render layer nothing of the picture is on (see `SPACEFOLD_ANNOTATION_ONLY`).
const ANNOTATION_ONLY_LAYER: usize = 31;

/// A render layer no camera sees (see `SPACEFOLD_HIDE_POINTS`).
const HIDDEN_LAYER: usize = 30;
/// The layer of the points alone (see `SPACEFOLD_POINTS_ONLY`).
const POINTS_ONLY_LAYER: usize = 29;

/// Every camera, as it is spawned, draws into the target image, smoothed as asked.
fn draw_into_target(
    add: On<Add, Camera>,
    target: Res<Target>,
    smoothing: Res<Smoothing>,
    mut commands: Commands,
) {
    let mut camera = commands.entity(add.entity);
    camera.insert(RenderTarget::Image(ImageRenderTarget {
        handle: target.0.clone(),
        scale_factor: target.1,
    }));
    if smoothing.0 == Antialias::Smooth {
        camera.insert(Msaa::Off);
    }
    // With SPACEFOLD_ANNOTATION_ONLY set, the cameras see no layer of the picture (grid,
    // points, lines, planes, surfaces) and only the annotation (heading, captions, titles,
    // legends, ticks) is drawn over the background: a test compares such frames with the
    // full ones to prove that nothing of the picture crosses a text.
    if std::env::var_os("SPACEFOLD_ANNOTATION_ONLY").is_some() {
        camera.insert(RenderLayers::layer(ANNOTATION_ONLY_LAYER));
    } else if std::env::var_os("SPACEFOLD_POINTS_ONLY").is_some() {
        camera.insert(RenderLayers::layer(POINTS_ONLY_LAYER));
    }
    // No dithering pass: the frames are 8-bit already (and a GIF re-quantizes them); on a
    // software renderer it costs an eighth of the frame.
    camera.insert(bevy::core_pipeline::tonemapping::DebandDither::Disabled);
}

/// A camera that draws the whole picture alone (every view but the landscape's split
/// screen) skips Bevy's last pass, which draws its finished picture (egui's text included)
/// into the image through a shader: [`copy_picture`] copies it instead. Decided in the render
/// world once the camera's textures are made, since a camera marked to skip that pass
/// before then gets no textures at all. The frames are the same; under the software
/// renderer the shader pass was a fifth of a 1280x720 frame.
fn copy_when_alone(
    mut cameras: Query<(
        &mut bevy::render::camera::ExtractedCamera,
        &bevy::render::view::ViewTarget,
    )>,
    target: Res<Target>,
    images: Res<bevy::render::render_asset::RenderAssets<bevy::render::texture::GpuImage>>,
) {
    if cameras.iter().count() != 1 {
        return;
    }
    let Some(image) = images.get(&target.0) else {
        return;
    };
    for (mut camera, view_target) in &mut cameras {
        let source = view_target.main_texture();
        if camera.viewport.is_none()
            && source.size() == image.texture.size()
            && source.format() == image.texture.format()
        {
            camera.output_mode = bevy::camera::CameraOutputMode::Skip;
        }
    }
}

/// Copies a camera's finished picture into the render's image (see [`copy_when_alone`]).
fn copy_picture(
    view: bevy::render::renderer::ViewQuery<(
        &bevy::render::view::ViewTarget,
        &bevy::render::camera::ExtractedCamera,
    )>,
    target: Res<Target>,
    images: Res<bevy::render::render_asset::RenderAssets<bevy::render::texture::GpuImage>>,
    mut ctx: bevy::render::renderer::RenderContext,
) {
    let (view_target, camera) = view.into_inner();
    if !matches!(camera.output_mode, bevy::camera::CameraOutputMode::Skip) {
        return;
    }
    let Some(image) = images.get(&target.0) else {
        return;
    };
    ctx.command_encoder().copy_texture_to_texture(
        view_target.main_texture().as_image_copy(),
        image.texture.as_image_copy(),
        image.texture.size(),
    );
}

/// `--antialias auto`: lines and points smooth their own edges; only 3D views, whose
/// surfaces have edges nothing else smooths, pay for multisampling.
fn multisample_only_in_3d(
    rig: Res<CameraRig>,
    mut cameras: Query<&mut Msaa, With<Camera>>,
    mut blend: ResMut<BlendPoints>,
) {
    let flat = *rig == CameraRig::Plane;
    let msaa = if flat { Msaa::Off } else { Msaa::Sample4 };
    for mut camera in &mut cameras {
        camera.set_if_neq(msaa);
    }
    blend.set_if_neq(BlendPoints(flat));
}

/// Runs one update and waits for the GPU to finish it (read-backs then arrive).
fn step(app: &mut App) {
    app.update();
    let device = app.world().resource::<RenderDevice>().wgpu_device();
    let _ = device.poll(PollType::Wait {
        submission_index: None,
        timeout: None,
    });
}

/// Asks for the image as the next update draws it, filed under `key` when it comes back
/// (an update or two later). Returns the request, to be withdrawn after that update.
fn capture(app: &mut App, image: &Handle<Image>, key: usize, into: &Captured) -> Entity {
    let into = into.clone();
    app.world_mut()
        .spawn(Readback::texture(image.clone()))
        .observe(
            move |mut done: On<ReadbackComplete>, mut commands: Commands| {
                // Taken, not copied: a 1280x720 frame is 3.7 MB.
                let data = std::mem::take(&mut done.data);
                into.lock()
                    .expect("not poisoned")
                    .entry(key)
                    .or_insert(data);
                commands.entity(done.entity).despawn();
            },
        )
        .id()
}

/// One update that reads the image back: without the request withdrawn it would read every
/// frame.
fn step_and_capture(app: &mut App, image: &Handle<Image>, key: usize, into: &Captured) {
    let request = capture(app, image, key, into);
    step(app);
    withdraw(app, request);
}

fn withdraw(app: &mut App, request: Entity) {
    if let Ok(mut e) = app.world_mut().get_entity_mut(request) {
        e.remove::<Readback>();
    }
}

/// Rows of a read-back image are padded to 256 bytes: the bare RGBA rows.
fn unpad(data: Vec<u8>, width: u32, height: u32) -> Vec<u8> {
    let row = width as usize * 4;
    let padded = row.div_ceil(256) * 256;
    if padded == row {
        return data;
    }
    data.chunks(padded)
        .take(height as usize)
        .flat_map(|r| &r[..row])
        .copied()
        .collect()
}

fn set_time(app: &mut App, t: f32) {
    app.world_mut().resource_mut::<Player>().time = t;
}

/// Shows the talk's scene `index` as the window's player shows it (every view started
/// over); true if it was not shown already.
fn show_scene(app: &mut App, index: usize) -> bool {
    let world = app.world_mut();
    let mut player = world.resource_mut::<Player>();
    if player.talk.is_none() || player.scene_index() == index {
        return false;
    }
    if let Err(e) = player.show_scene(index) {
        warn!("scene {} could not be shown: {e:?}", index + 1);
        return false;
    }
    player.walk.jump(index);
    world.write_message(super::player::SceneShown);
    true
}

fn render_frames(job: RenderJob, sink: Box<dyn Sink>) -> Result<RenderReport, ExportError> {
    let started = std::time::Instant::now();
    let RenderJob {
        options,
        size: (w, h),
        fps,
        times,
        scenes,
        transparent,
        antialias,
    } = job;
    if options.player.is_none() {
        return Err(ExportError::Other("no scene to render".into()));
    }
    let (mut app, image) = headless_app(options, (w, h), fps, transparent, antialias);
    while app.plugins_state() == PluginsState::Adding {
        bevy::tasks::tick_global_task_pools_on_main_thread();
    }
    app.finish();
    app.cleanup();
    // One fixed order: the frames are the same whatever the machine (and come faster).
    super::one_system_at_a_time(&mut app);
    let captured: Captured = Default::default();
    if let Some(&first) = scenes.first() {
        show_scene(&mut app, first);
    }
    settle(
        &mut app,
        &image,
        &captured,
        times.first().copied().unwrap_or(0.0),
    )?;
    let startup = started.elapsed().as_secs_f64();

    let total = times.len();
    let (send, writer) = spawn_writer(sink, total, (w, h), transparent);
    let interrupted = render_times(&mut app, &image, &captured, (&times, &scenes, fps), &send);
    drop(send);
    let (seconds, frames) = writer
        .join()
        .map_err(|_| ExportError::Other("the frame writer stopped".into()))??;
    if interrupted {
        return Err(ExportError::Other(format!(
            "interrupted after {frames} of {total} frames; nothing was written"
        )));
    }
    if frames != total {
        return Err(ExportError::Other(format!(
            "only {frames} of {total} frames came back from the renderer; nothing was written"
        )));
    }
    Ok(RenderReport {
        frames,
        seconds,
        startup,
    })
}

/// Settles the app at the first frame's time: assets load, meshes build, egui sizes its
/// captions. Ready when two frames in a row at that time are the same.
fn settle(
    app: &mut App,
    image: &Handle<Image>,
    captured: &Captured,
    first: f32,
) -> Result<(), ExportError> {
    set_time(app, first);
    for _ in 0..3 {
        step(app);
    }
    // Now that egui knows the screen's size: forget the areas it sized before it did, and
    // lay out every text.
    let world = app.world_mut();
    let mut contexts = world.query::<&mut bevy_egui::EguiContext>();
    for mut context in contexts.iter_mut(world) {
        context.get_mut().memory_mut(|m| m.reset_areas());
    }
    world.resource_mut::<Player>().warm_text = true;
    let mut previous: Option<Vec<u8>> = None;
    let mut settled = false;
    for k in 0..120 {
        step_and_capture(app, image, usize::MAX - k, captured);
        let mut got = captured.lock().expect("not poisoned");
        if let Some((_, latest)) = got.pop_last() {
            got.clear();
            if previous.as_ref() == Some(&latest) {
                settled = true;
                break;
            }
            previous = Some(latest);
        }
    }
    if !settled {
        return Err(ExportError::Other(
            "the first frame never settled (the renderer kept drawing it differently)".into(),
        ));
    }
    app.world_mut().resource_mut::<Player>().warm_text = false;
    // Read-backs still on their way from the settling frames.
    for _ in 0..3 {
        step(app);
    }
    captured.lock().expect("not poisoned").clear();
    Ok(())
}

/// What the frame writer returns: seconds spent and frames written.
type Written = std::thread::JoinHandle<Result<(f64, usize), ExportError>>;

/// A writer thread, so that encoding overlaps rendering: it takes `total` padded frames in
/// order and finishes the sink when all came.
fn spawn_writer(
    sink: Box<dyn Sink>,
    total: usize,
    (w, h): (u32, u32),
    transparent: bool,
) -> (std::sync::mpsc::SyncSender<Vec<u8>>, Written) {
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
    let writer = std::thread::spawn(move || -> Result<(f64, usize), ExportError> {
        let mut sink = sink;
        let mut progress = Progress::new(total);
        let mut done = 0;
        for rgba in receive {
            let mut rgba = unpad(rgba, w, h);
            if !transparent && sink.keeps_alpha() {
                for p in rgba.chunks_exact_mut(4) {
                    p[3] = 255;
                }
            }
            sink.frame(Pixels {
                width: w,
                height: h,
                rgba: &rgba,
            })?;
            done += 1;
            progress.update(done, |_, elapsed| frames_line(done, total, elapsed));
        }
        if done != total {
            // The renderer stopped early: drop the sink, which removes what it wrote.
            return Ok((progress.elapsed(), done));
        }
        sink.finish()?;
        Ok((progress.elapsed(), done))
    });
    (send, writer)
}

/// Renders a frame at each time and sends the frames, in order, as they come back. Returns
/// whether Ctrl-C stopped the run.
fn render_times(
    app: &mut App,
    image: &Handle<Image>,
    captured: &Captured,
    (times, scenes, fps): (&[f32], &[usize], u32),
    send: &std::sync::mpsc::SyncSender<Vec<u8>>,
) -> bool {
    let total = times.len();
    let mut next = 0;
    let send_ready = |next: &mut usize| -> bool {
        let mut got = captured.lock().expect("not poisoned");
        while let Some(rgba) = got.remove(next) {
            if send.send(rgba).is_err() {
                return false;
            }
            *next += 1;
        }
        true
    };
    let mut writing = true;
    let mut interrupted = false;
    let mut last: Option<f32> = None;
    for (i, &t) in times.iter().enumerate() {
        // Another of the talk's scenes: a few updates for its points, meshes and text.
        if scenes.get(i).is_some_and(|&s| show_scene(app, s)) {
            for _ in 0..SCENE_CHANGE_UPDATES {
                set_time(app, t);
                step(app);
            }
        }
        set_time(app, t);
        // A jump in time (stills, `--at`): one update first, so that what follows the
        // frame's state by a frame (the camera framing the points, egui's text) is there.
        let step_of = |a: f32| (t - a) * fps as f32;
        if last.is_some_and(|a| (step_of(a) - 1.0).abs() > 0.01) {
            step(app);
            set_time(app, t);
        }
        last = Some(t);
        step_and_capture(app, image, i, captured);
        if !send_ready(&mut next) {
            writing = false;
            break;
        }
        // Ctrl-C: Bevy's handler asks the app to exit; stop, and write nothing.
        if app.should_exit().is_some() {
            interrupted = true;
            writing = false;
            break;
        }
    }
    // The last read-backs arrive an update or two later.
    let mut spare = 0;
    while writing && next < total && spare < 30 {
        step(app);
        spare += 1;
        writing = send_ready(&mut next);
    }
    interrupted
}
