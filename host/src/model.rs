//! The AWS service models, compacted: every service, operation, shape,
//! paginator and waiter the AWS CLI knows, named as the CLI names them.
//!
//! The host embeds a model file generated from a pinned botocore release
//! (`host/data/models.bin`); `aws-api-mcp models build` regenerates it from
//! any newer botocore, and `AWS_API_MCP_MODELS_DIR` points the host at the
//! result, so new services need no rebuild.

mod botocore;
mod docs;
mod iam;
mod naming;
mod store;
mod types;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub use botocore::{CliArg, CliCommand, CliOverrides, NameOverride};
pub use docs::{first_paragraph, first_sentence};
pub use iam::{
    AccessLevel, IamLevels, IamMap, MappedBy, MappingCounts, ServiceNames, levels_from_iam_data,
};
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
    #[error("cannot read `{}`: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
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

/// What [`build`] wrote.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The botocore release read.
    pub botocore_version: String,
    /// Services written.
    pub services: usize,
    /// Operations written.
    pub operations: usize,
    /// How the operations map to IAM actions (`None` without levels data).
    pub iam: Option<MappingCounts>,
}

/// Reads botocore at `root` and writes the model file to `out`, with each
/// operation's IAM action when `iam_levels` (a levels file, see
/// [`levels_from_iam_data`]) is given.
pub fn build(
    root: &Path,
    out: &Path,
    iam_levels: Option<&Path>,
) -> Result<BuildReport, ModelError> {
    let overrides = cli_overrides()?;
    let (version, mut services) = botocore::read(root, &overrides)?;
    let (iam, iam_source) = match iam_levels {
        Some(path) => {
            let levels = IamLevels::read(path)?;
            let counts = iam::assign(&mut services, &IamMap::built_in()?, &levels);
            (Some(counts), levels.source)
        }
        None => (None, String::new()),
    };
    let bytes = encode(&version, &overrides.awscli_version, &iam_source, &services)?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|source| ModelError::Io {
            path: parent.to_path_buf(),
            error: source,
        })?;
    }
    std::fs::write(out, bytes).map_err(|source| ModelError::Io {
        path: out.to_path_buf(),
        error: source,
    })?;
    Ok(BuildReport {
        botocore_version: version,
        services: services.len(),
        operations: services.iter().map(|s| s.operations.len()).sum(),
        iam,
    })
}
