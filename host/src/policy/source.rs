//! Where policies and their settings come from: the defaults built into the
//! binary, or exactly the `*.wasm` files of a policies folder.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::PolicyLoadError;

include!(concat!(env!("OUT_DIR"), "/default_policies.rs"));

/// A policy's bytes and where they came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file name (`read-only.wasm`); its stem names the settings file.
    pub file_name: String,
    /// The path, or `None` for a built-in policy.
    pub path: Option<PathBuf>,
    /// The component.
    pub bytes: Cow<'static, [u8]>,
}

impl Source {
    /// The file name without `.wasm`.
    pub fn stem(&self) -> &str {
        self.file_name
            .strip_suffix(".wasm")
            .unwrap_or(&self.file_name)
    }

    /// The path for messages: the file's path or `built-in <name>`.
    pub fn display(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
            None => format!("built-in {}", self.file_name),
        }
    }
}

/// The built-in policies.
pub fn defaults() -> Vec<Source> {
    DEFAULT_POLICIES
        .iter()
        .map(|(name, bytes)| Source {
            file_name: (*name).to_owned(),
            path: None,
            bytes: Cow::Borrowed(*bytes),
        })
        .collect()
}

/// Every `*.wasm` file in `dir`, by file name.
pub fn folder(dir: &Path) -> Result<Vec<Source>, PolicyLoadError> {
    let io = |source| PolicyLoadError::Io {
        path: dir.to_path_buf(),
        error: source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm") && p.is_file())
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(PolicyLoadError::EmptyFolder {
            dir: dir.to_path_buf(),
        });
    }
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).map_err(|source| PolicyLoadError::Io {
                path: path.clone(),
                error: source,
            })?;
            Ok(Source {
                file_name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path: Some(path),
                bytes: Cow::Owned(bytes),
            })
        })
        .collect()
}

/// The settings file names looked for, in order, for a policy whose file
/// stem is `stem`.
fn settings_names(stem: &str) -> Vec<String> {
    let mut names = vec![
        format!("{stem}.json"),
        format!("{stem}.toml"),
        format!("{stem}.yaml"),
    ];
    // The Python AWS API MCP Server's security policy file configures the
    // deny list, so existing deny and consent lists keep working.
    if stem == "denylist" {
        names.push("mcp-security-policy.json".to_owned());
    }
    names
}

/// The settings text for a policy: an explicit file from `overrides` (by
/// stem), else the first settings file found in `dir`, else empty.
pub fn settings(
    stem: &str,
    overrides: &BTreeMap<String, PathBuf>,
    dir: Option<&Path>,
) -> Result<String, PolicyLoadError> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| PolicyLoadError::Io {
            path: path.to_path_buf(),
            error: source,
        })
    };
    if let Some(path) = overrides.get(stem) {
        return read(path);
    }
    if let Some(dir) = dir {
        for name in settings_names(stem) {
            let path = dir.join(name);
            if path.is_file() {
                return read(&path);
            }
        }
    }
    Ok(String::new())
}
