//! The cache of compiled policies.
//!
//! Compiling a policy takes tens of milliseconds (seconds for Python or JS
//! guests); loading its compiled form takes well under one. Compiled code
//! is trusted as machine code, so it is only ever read from a directory the
//! host owns (mode 0700), never from the policies folder, under a name made
//! of the `.wasm` file's SHA-256 and the engine's configuration, and each
//! entry's own SHA-256 is checked before it is used.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// A folder of compiled policies.
#[derive(Debug, Clone)]
pub struct CompiledCache {
    dir: PathBuf,
}

impl CompiledCache {
    /// The cache in `dir`, created (mode 0700) if missing; `None` when it
    /// cannot be created, and policies are compiled on every start.
    pub fn open(dir: &Path) -> Option<Self> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(dir) {
            Ok(()) => Some(CompiledCache {
                dir: dir.to_path_buf(),
            }),
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "policy cache unavailable; compiling every policy at start");
                None
            }
        }
    }

    /// The default place: `<user cache dir>/aws-api-mcp/policies`.
    pub fn default_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("aws-api-mcp").join("policies"))
    }

    /// The compiled component for `wasm` (whose SHA-256 is `sha256`), from
    /// the cache when a valid entry exists, else compiled and stored.
    pub fn component(
        &self,
        engine: &Engine,
        wasm: &[u8],
        sha256: &str,
    ) -> wasmtime::Result<Component> {
        let path = self.entry(engine, sha256);
        if let Some(component) = self.read(engine, &path) {
            return Ok(component);
        }
        let compiled = engine.precompile_component(wasm)?;
        self.write(&path, &compiled);
        deserialize(engine, &compiled)
    }

    fn entry(&self, engine: &Engine, sha256: &str) -> PathBuf {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        self.dir
            .join(format!("{sha256}-{:016x}.cwasm", hasher.finish()))
    }

    fn read(&self, engine: &Engine, path: &Path) -> Option<Component> {
        let bytes = std::fs::read(path).ok()?;
        let expected = std::fs::read_to_string(path.with_extension("sha256")).ok()?;
        if hex::encode(Sha256::digest(&bytes)) != expected.trim() {
            tracing::warn!(entry = %path.display(), "policy cache entry does not match its checksum; recompiling");
            return None;
        }
        match deserialize(engine, &bytes) {
            Ok(component) => Some(component),
            Err(e) => {
                tracing::warn!(entry = %path.display(), error = %e, "policy cache entry unusable; recompiling");
                None
            }
        }
    }

    /// Stores an entry; failures only cost a recompilation next time.
    fn write(&self, path: &Path, compiled: &[u8]) {
        let checksum = hex::encode(Sha256::digest(compiled));
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let result = std::fs::write(&tmp, compiled)
            .and_then(|()| std::fs::write(path.with_extension("sha256"), &checksum))
            .and_then(|()| std::fs::rename(&tmp, path));
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            tracing::warn!(entry = %path.display(), error = %e, "could not store a compiled policy");
        }
    }
}

/// Loads compiled code.
#[expect(
    unsafe_code,
    reason = "compiled code is machine code; it comes only from this host's own compiler output, in memory or from the host-owned cache after its checksum matched"
)]
fn deserialize(engine: &Engine, compiled: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: `compiled` is output of `Engine::precompile_component` for an
    // engine of the same configuration, read back from a folder only this
    // user can write and checked against the checksum stored with it.
    unsafe { Component::deserialize(engine, compiled) }
}
