//! spacefold: see what a neural network does to space.
//!
//! Dependencies run one way: `cli` → `app` → the engine. The engine is Bevy-free: `nn` (networks,
//! data, training), `flow` and `landscape` (the views' geometry), `live` (the training
//! worker), `scene` (scripts and their timelines), `setup` (what the command line, presets,
//! scenes and the window share), `limits` (the bounds every loader applies), `presets`,
//! `export`, `handout` (PDF handouts). `app` is the window; `cli` the command line on top of
//! everything.

pub mod cli;
pub mod export;
pub mod flow;
pub mod handout;
pub mod interrupt;
pub mod io;
pub mod landscape;
pub mod limits;
pub mod live;
pub mod nn;
pub mod pack;
pub mod palette;
pub mod presets;
pub mod progress;
pub mod recent;
pub mod scene;
pub mod setup;

#[cfg(feature = "app")]
pub mod app;
