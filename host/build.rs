//! Builds the default policies in `../policies` for wasm32-wasip2 and embeds
//! them, so that a plain `cargo build` gives a server with working policies.

#[path = "build-support/wasm_workspace.rs"]
mod wasm_workspace;

use std::fmt::Write as _;
use std::path::PathBuf;

/// The default policies: (crate folder, artifact name, file name users see).
const POLICIES: &[(&str, &str, &str)] = &[
    ("denylist", "denylist.wasm", "denylist.wasm"),
    ("read-only", "read_only.wasm", "read-only.wasm"),
    ("validate", "validate.wasm", "validate.wasm"),
];

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let root = manifest_dir
        .parent()
        .expect("host/ has a parent")
        .to_path_buf();
    let policies = root.join("policies");
    wasm_workspace::rerun_if_changed(&root.join("wit"));
    for file in ["Cargo.toml", "Cargo.lock", "sdk"] {
        wasm_workspace::rerun_if_changed(&policies.join(file));
    }
    for (folder, _, _) in POLICIES {
        wasm_workspace::rerun_if_changed(&policies.join(folder));
    }
    let built = match wasm_workspace::build(&policies, &out_dir.join("policies-target")) {
        Ok(dir) => dir,
        Err(message) => panic!("{message}"),
    };
    let mut code = String::from(
        "/// The default policies, built from `policies/`: (file name, component bytes).\npub const DEFAULT_POLICIES: &[(&str, &[u8])] = &[\n",
    );
    for (_, artifact, name) in POLICIES {
        let path = built.join(artifact);
        assert!(
            path.exists(),
            "the policy build did not produce `{}`",
            path.display()
        );
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("default_policies.rs"), code).expect("OUT_DIR is writable");

    // The committed model file, if this checkout has one; an empty file
    // makes the host say how to generate it.
    let models = manifest_dir.join("data").join("models.bin");
    println!("cargo:rerun-if-changed={}", models.display());
    let bytes = std::fs::read(&models).unwrap_or_default();
    std::fs::write(out_dir.join("models.bin"), bytes).expect("OUT_DIR is writable");
}
