//! Builds the test guests in `guests/` for wasm32-wasip2 and hands their
//! paths to the tests as constants.

#[path = "../host/build-support/wasm_workspace.rs"]
mod wasm_workspace;

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let guests = manifest_dir.join("guests");
    wasm_workspace::rerun_if_changed(&guests);
    wasm_workspace::rerun_if_changed(&manifest_dir.join("../wit"));
    wasm_workspace::rerun_if_changed(&manifest_dir.join("../policies/sdk"));
    let built = match wasm_workspace::build(&guests, &out_dir.join("guests-target")) {
        Ok(dir) => dir,
        Err(message) => panic!("{message}"),
    };
    let mut code = String::new();
    let entries = std::fs::read_dir(&built).expect("the guest build made its output folder");
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".wasm"))
        .collect();
    names.sort();
    for name in names {
        let constant = name.trim_end_matches(".wasm").to_uppercase();
        writeln!(
            code,
            "/// The `{name}` test guest.\npub const {constant}: &str = {:?};",
            built.join(&name).display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    std::fs::write(out_dir.join("guests.rs"), code).expect("OUT_DIR is writable");
}
