//! The root package's build script: links the release executable for size (README, "Binary
//! size and build time"). On x86-64 Linux with Rust's own linker (LLD, the default there
//! since Rust 1.90) the executable is not position-independent, which drops 8 MB of
//! relocations (the executable itself loses address randomisation; its libraries keep
//! it), and identical functions and read-only data are stored once (`--icf=all`). 75.7 MB
//! became 56.6 MB with the same code and no longer a build. SPACEFOLD_PLAIN_LINK=1 links
//! as Cargo would; a linker of one's own (Cargo's `linker` setting) is left alone.

fn main() {
    println!("cargo:rerun-if-changed=src/build.rs");
    println!("cargo:rerun-if-env-changed=SPACEFOLD_PLAIN_LINK");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let release = var("PROFILE") == "release";
    let own_linker = std::env::var_os("RUSTC_LINKER").is_some()
        || var("CARGO_ENCODED_RUSTFLAGS").contains("link");
    if release
        && var("TARGET") == "x86_64-unknown-linux-gnu"
        && !own_linker
        && std::env::var_os("SPACEFOLD_PLAIN_LINK").is_none()
    {
        for arg in [
            "-no-pie",
            "-Wl,--icf=all",
            "-Wl,--ignore-data-address-equality",
        ] {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}
