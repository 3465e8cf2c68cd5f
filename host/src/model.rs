//! The AWS service models, compacted: every service, operation, shape,
//! paginator and waiter the AWS CLI knows, named as the CLI names them.
//!
//! The host embeds a model file generated from a pinned botocore release
//! (`host/data/models.bin`); `aws-api-mcp models build` regenerates it from
//! any newer botocore, and `AWS_API_MCP_MODELS_DIR` points the host at the
//! result, so new services need no rebuild.

mod botocore;
mod docs;
mod naming;
mod store;
mod types;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub use botocore::{CliArg, CliCommand, CliOverrides, NameOverride};
pub use docs::{first_paragraph, first_sentence};
pub use naming::{Exceptions, kebab};
pub use store::{Index, ModelStore, ServiceEntry, encode};
pub use types::*;

/// The model file built into the binary (empty when the build had none).
static EMBEDDED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/models.bin"));

/// The CLI's naming overrides, read from the AWS CLI itself by
/// `tests/awscli/overrides.py`.
pub const CLI_OVERRIDES: &str = include_str!("../data/cli-overrides.json");

/// The model file's name in a models folder.
pub const FILE_NAME: &str = "models.bin";

/// Why models could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{}`: {message}", path.display())]
    Source { path: PathBuf, message: String },
    #[error("the models in {origin} are not usable: {message}")]
    Format { origin: String, message: String },
    #[error("encoding the models failed: {0}")]
    Encode(String),
    #[error("the CLI overrides are not valid: {0}")]
    Overrides(String),
    #[error(
        "this build has no embedded models: generate them with `aws-api-mcp models build --botocore DIR` and set AWS_API_MCP_MODELS_DIR"
    )]
    NoEmbedded,
}

impl ModelStore {
    /// The models built into the binary.
    pub fn embedded() -> Result<Self, ModelError> {
        if EMBEDDED.is_empty() {
            return Err(ModelError::NoEmbedded);
        }
        Self::open(Cow::Borrowed(EMBEDDED), "the built-in models".to_owned())
    }

    /// The models of `dir` (its `models.bin`) when given, else the built-in
    /// ones.
    pub fn load(dir: Option<&Path>) -> Result<Self, ModelError> {
        match dir {
            Some(dir) => Self::from_file(&dir.join(FILE_NAME)),
            None => Self::embedded(),
        }
    }
}

/// The CLI's naming overrides built into the binary.
pub fn cli_overrides() -> Result<CliOverrides, ModelError> {
    serde_json::from_str(CLI_OVERRIDES).map_err(|e| ModelError::Overrides(e.to_string()))
}

/// Reads botocore at `root` and writes the model file to `out`; returns the
/// botocore version and how many services and operations it holds.
pub fn build(root: &Path, out: &Path) -> Result<(String, usize, usize), ModelError> {
    let overrides = cli_overrides()?;
    let (version, services) = botocore::read(root, &overrides)?;
    let bytes = encode(&version, &overrides.awscli_version, &services)?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|source| ModelError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(out, bytes).map_err(|source| ModelError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let operations = services.iter().map(|s| s.operations.len()).sum();
    Ok((version, services.len(), operations))
}
