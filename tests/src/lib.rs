//! Helpers shared by the end-to-end tests: the test guests, policy folders
//! made of them, and the `aws-api-mcp` binary.

use std::path::{Path, PathBuf};

/// Paths of the test guests built from `guests/`, one constant per guest
/// (`guests::LOOPING`, `guests::DECIDES`, ...).
pub mod guests {
    include!(concat!(env!("OUT_DIR"), "/guests.rs"));
}

/// A temporary policies folder holding copies of `files` (paths to `.wasm`
/// files, or `(name, bytes)` written as given).
pub fn policies_dir(guests: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for guest in guests {
        let path = Path::new(guest);
        let name = path.file_name().expect("a guest path has a file name");
        std::fs::copy(path, dir.path().join(name)).expect("copying a guest");
    }
    dir
}

/// The `aws-api-mcp` binary that Cargo built next to this test binary.
pub fn binary() -> PathBuf {
    let mut dir = std::env::current_exe().expect("the test binary's path");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(format!("aws-api-mcp{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "`{}` is missing: build it with `cargo build -p aws-api-mcp` (cargo test --workspace does)",
        path.display()
    );
    path
}

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}
