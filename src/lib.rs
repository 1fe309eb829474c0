//! spacefold: see what a neural network does to space.
//!
//! `nn` is the engine (no Bevy); `cli` is the command line; `app` is the window.

pub mod cli;
pub mod export;
pub mod flow;
pub mod io;
pub mod landscape;
pub mod live;
pub mod nn;
pub mod palette;
pub mod presets;
pub mod progress;
pub mod scene;

#[cfg(feature = "app")]
pub mod app;
