//! spacefold's engine: everything that needs neither a window nor a command line. It depends
//! on neither Bevy nor clap (its own crate, so the compiler keeps that true); the window
//! (`spacefold::app`) and the command line (`spacefold::cli`) are built on it.

/// Networks: layers, activations, losses, optimizers, data sets, training.
pub mod nn;

/// The layers view's geometry: data and a grid carried through a network, stage by stage.
pub mod flow;
/// The landscape view's geometry: a neuron's or the outputs' values as surfaces.
pub mod landscape;
/// The training worker the window talks to.
pub mod live;

/// Ready-made set-ups for the reference figures.
pub mod presets;
/// Scene scripts, talks, and the timelines they compile to.
pub mod scene;
/// The set-up the command line, presets, scenes and the window share.
pub mod setup;

/// Frames out: PNG folders, GIFs, videos through ffmpeg, handouts.
pub mod export;
/// The handout PDF's layout.
pub mod handout;
/// A talk packed into an executable: the payload's format.
pub mod pack;

/// Ctrl+C, SIGTERM and SIGHUP as a flag that long work polls.
pub mod interrupt;
/// Reading and writing files safely: bounded reads, atomic writes.
pub mod io;
/// The bounds every loader applies.
pub mod limits;
/// Class and sign colours shared by the window and the renders.
pub mod palette;
/// Progress lines for long work.
pub mod progress;
