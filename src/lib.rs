//! spacefold: see what a neural network does to space.
//!
//! Three layers, and dependencies run one way: `cli` → `app` → `engine`.

/// The engine (`src/engine`, a crate of its own with neither Bevy nor clap): networks, data,
/// training, the views' geometry, scenes and timelines, export, handouts, packing, limits.
pub use spacefold_engine as engine;

/// The window: Bevy plugins that turn the engine's data and networks into entities.
#[cfg(feature = "app")]
pub mod app;

/// The command line: its arguments, and one file per command.
pub mod cli;
