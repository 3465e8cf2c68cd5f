//! Builds a Cargo workspace of Wasm components from a build script. Shared by
//! `host/build.rs` (the default policies) and `tests/build.rs` (the test
//! guests) through `#[path]`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The target every policy is built for.
pub const TARGET: &str = "wasm32-wasip2";

/// Builds `workspace` for [`TARGET`] in release mode inside `target_dir` and
/// returns the folder that holds the `.wasm` files. Fails with a sentence
/// that says how to fix the machine when the target is missing.
pub fn build(workspace: &Path, target_dir: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("build")
        .arg("--release")
        .arg("--locked")
        .arg("--target")
        .arg(TARGET)
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(workspace);
    // The outer build's flags are for the host target; they must not leak
    // into the Wasm build (clippy's wrapper, coverage or sanitizer flags).
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
    ] {
        command.env_remove(var);
    }
    let output = command.output().map_err(|e| {
        format!(
            "could not run cargo to build `{}`: {e}",
            workspace.display()
        )
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint = if stderr.contains("may not be installed")
            || stderr.contains("can't find crate for `core`")
            || stderr.contains("can't find crate for `std`")
        {
            format!("\nthe `{TARGET}` target is missing: run `rustup target add {TARGET}`")
        } else {
            String::new()
        };
        return Err(format!(
            "building the Wasm components in `{}` failed:\n{stderr}{hint}",
            workspace.display()
        ));
    }
    Ok(target_dir.join(TARGET).join("release"))
}

/// Tells Cargo to run the build script again when anything under `path`
/// changes, without descending into `target` folders.
pub fn rerun_if_changed(path: &Path) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        println!("cargo:rerun-if-changed={}", path.display());
        for entry in entries.flatten() {
            let p = entry.path();
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            rerun_if_changed(&p);
        }
    } else {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
