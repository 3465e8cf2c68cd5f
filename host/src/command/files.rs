//! Local paths as the operating system will see them.

use std::path::{Component, Path, PathBuf};

use super::{FileAccess, LocalFile, ParseError};
use crate::config::FileAccessMode;

/// Symbolic links followed before giving up, as Linux does.
const MAX_LINKS: usize = 40;

/// Resolves `written` (relative to `working_dir`, `~` and `~/` taken from
/// `HOME`) to `(absolute, resolved, exists)`: the lexically normalized path,
/// and the path with every symbolic link followed in the order the kernel
/// follows them, so that `link/..` goes where the link's target's parent is.
/// The part of the path that does not exist yet is kept as written.
pub fn resolve_path(written: &str, working_dir: &Path) -> Result<(PathBuf, PathBuf, bool), String> {
    if written.is_empty() {
        return Err("the path is empty".to_owned());
    }
    let expanded = if written == "~" {
        home()?
    } else if let Some(rest) = written.strip_prefix("~/") {
        home()?.join(rest)
    } else {
        PathBuf::from(written)
    };
    let joined = std::path::absolute(working_dir.join(expanded))
        .map_err(|e| format!("cannot make it absolute: {e}"))?;
    let absolute = normalize(&joined);
    let (resolved, exists) = follow(&joined)?;
    Ok((absolute, resolved, exists))
}

fn home() -> Result<PathBuf, String> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| "`~` needs HOME to be set; write the full path".to_owned())
}

/// Removes `.` and `..` without looking at the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Walks the path one component at a time, following links like the kernel.
fn follow(path: &Path) -> Result<(PathBuf, bool), String> {
    let mut pending: Vec<std::ffi::OsString> = path
        .components()
        .rev()
        .map(|c| c.as_os_str().to_owned())
        .collect();
    let mut out = PathBuf::from("/");
    let mut links = 0;
    let mut exists = true;
    while let Some(part) = pending.pop() {
        let part_path = Path::new(&part);
        match part_path.components().next() {
            Some(Component::RootDir) | Some(Component::Prefix(_)) => {
                out = PathBuf::from(&part);
                continue;
            }
            Some(Component::CurDir) | None => continue,
            Some(Component::ParentDir) => {
                out.pop();
                continue;
            }
            Some(Component::Normal(_)) => {}
        }
        out.push(&part);
        if !exists {
            continue;
        }
        match std::fs::symlink_metadata(&out) {
            Ok(meta) if meta.file_type().is_symlink() => {
                links += 1;
                if links > MAX_LINKS {
                    return Err("too many levels of symbolic links".to_owned());
                }
                let target = std::fs::read_link(&out)
                    .map_err(|e| format!("cannot read the link `{}`: {e}", out.display()))?;
                out.pop();
                pending.extend(target.components().rev().map(|c| c.as_os_str().to_owned()));
            }
            Ok(_) => {}
            Err(_) => exists = false,
        }
    }
    Ok((out, exists))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_from_the_working_dir() {
        let dir = tempfile::tempdir().unwrap();
        let wd = dir.path().canonicalize().unwrap();
        let (abs, resolved, exists) = resolve_path("a/../b.txt", &wd).unwrap();
        assert_eq!(abs, wd.join("b.txt"));
        assert_eq!(resolved, wd.join("b.txt"));
        assert!(!exists);
        let (_, resolved, _) = resolve_path("../../../../../../../../etc/passwd", &wd).unwrap();
        assert_eq!(resolved, PathBuf::from("/etc/passwd"));
    }

    #[test]
    fn links_are_followed_like_the_kernel() {
        let dir = tempfile::tempdir().unwrap();
        let wd = dir.path().canonicalize().unwrap();
        std::fs::create_dir(wd.join("inside")).unwrap();
        std::os::unix::fs::symlink("/etc", wd.join("out")).unwrap();
        let (abs, resolved, exists) = resolve_path("out/passwd", &wd).unwrap();
        assert_eq!(abs, wd.join("out/passwd"));
        assert_eq!(resolved, PathBuf::from("/etc/passwd"));
        assert!(exists);
        // `link/..` is the target's parent, not the working directory.
        let (abs, resolved, _) = resolve_path("out/../x", &wd).unwrap();
        assert_eq!(abs, wd.join("x"));
        assert_eq!(resolved, PathBuf::from("/x"));
        std::os::unix::fs::symlink("loop", wd.join("loop")).unwrap();
        assert!(
            resolve_path("loop/x", &wd)
                .unwrap_err()
                .contains("symbolic links")
        );
    }
}

/// Largest file a parameter value may be read from.
const MAX_PARAMETER_FILE: u64 = 10 << 20;

/// A parameter's text after `file://` or `fileb://` loading.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// Text as written, or a `file://` file's content.
    Text(String),
    /// A `fileb://` file's bytes.
    Bytes(Vec<u8>),
}

impl Loaded {
    /// The text (empty for bytes).
    pub fn as_text(&self) -> &str {
        match self {
            Loaded::Text(t) => t,
            Loaded::Bytes(_) => "",
        }
    }

    /// Bytes as `{"$blob": "<base64>"}`.
    pub fn as_blob(&self) -> Option<serde_json::Value> {
        match self {
            Loaded::Bytes(bytes) => {
                use base64::Engine as _;
                Some(
                    serde_json::json!({ "$blob": base64::engine::general_purpose::STANDARD.encode(bytes) }),
                )
            }
            Loaded::Text(_) => None,
        }
    }
}

/// Resolves and reads the local files a command names, recording each.
///
/// Files read while parsing (`file://`, `fileb://`, `--cli-input-json`) are
/// read only when the file access mode allows their resolved path, so no
/// policy ever receives the content of a file the server may not read.
/// Files the command would touch later (an upload's source, a download's
/// destination) are only recorded; the policies judge them.
#[derive(Debug)]
pub struct FileReader<'a> {
    working_dir: &'a Path,
    mode: FileAccessMode,
    /// Every file recorded so far.
    pub files: Vec<LocalFile>,
}

impl<'a> FileReader<'a> {
    /// A reader for commands run from `working_dir` under `mode`.
    pub fn new(working_dir: &'a Path, mode: FileAccessMode) -> Self {
        FileReader {
            working_dir,
            mode,
            files: Vec::new(),
        }
    }

    /// Records a file the command would touch, without reading it.
    pub fn record(
        &mut self,
        parameter: &str,
        written: &str,
        access: FileAccess,
    ) -> Result<&LocalFile, ParseError> {
        if written == "-" {
            return Err(ParseError::BadPath {
                path: written.to_owned(),
                reason: "`-` means standard input or output, and this server has no terminal; name a file".to_owned(),
            });
        }
        let (absolute, resolved, exists) =
            resolve_path(written, self.working_dir).map_err(|reason| ParseError::BadPath {
                path: written.to_owned(),
                reason,
            })?;
        self.files.push(LocalFile {
            parameter: parameter.to_owned(),
            written: written.to_owned(),
            absolute,
            resolved,
            access,
            exists,
        });
        Ok(&self.files[self.files.len() - 1])
    }

    /// The value as written, or the content of the file a `file://` or
    /// `fileb://` value names.
    pub fn load(&mut self, parameter: &str, value: &str) -> Result<Loaded, ParseError> {
        let (path, binary) = if let Some(p) = value.strip_prefix("file://") {
            (p, false)
        } else if let Some(p) = value.strip_prefix("fileb://") {
            (p, true)
        } else {
            return Ok(Loaded::Text(value.to_owned()));
        };
        let bytes = self.read(parameter, path)?;
        if binary {
            return Ok(Loaded::Bytes(bytes));
        }
        String::from_utf8(bytes)
            .map(Loaded::Text)
            .map_err(|_| ParseError::BadPath {
                path: path.to_owned(),
                reason: "it is not UTF-8 text; use `fileb://` for binary files".to_owned(),
            })
    }

    /// Reads a file the mode allows.
    pub fn read(&mut self, parameter: &str, path: &str) -> Result<Vec<u8>, ParseError> {
        let file = self.record(parameter, path, FileAccess::Read)?.clone();
        if !self.allowed(&file.resolved) {
            return Err(ParseError::FileAccess {
                parameter: parameter.to_owned(),
                path: path.to_owned(),
                resolved: file.resolved.display().to_string(),
                rule: match self.mode {
                    FileAccessMode::NoAccess => "this server reads no local files (AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS=no-access); pass the value inline".to_owned(),
                    _ => format!("it is outside the working directory `{}`; use a path inside it", self.working_dir.display()),
                },
            });
        }
        let bad = |reason: String| ParseError::BadPath {
            path: path.to_owned(),
            reason,
        };
        let meta = std::fs::metadata(&file.resolved)
            .map_err(|e| bad(format!("it cannot be read: {e}")))?;
        if !meta.is_file() {
            return Err(bad("it is not a regular file".to_owned()));
        }
        if meta.len() > MAX_PARAMETER_FILE {
            return Err(bad(format!(
                "it is larger than {} MiB",
                MAX_PARAMETER_FILE >> 20
            )));
        }
        std::fs::read(&file.resolved).map_err(|e| bad(format!("it cannot be read: {e}")))
    }

    /// A streaming upload's source (`s3api put-object --body PATH`): recorded,
    /// given as `{"$file": "<resolved path>"}`.
    pub fn stream(&mut self, parameter: &str, path: &str) -> Result<serde_json::Value, ParseError> {
        let file = self.record(parameter, path, FileAccess::Read)?;
        if !file.exists {
            return Err(ParseError::BadPath {
                path: path.to_owned(),
                reason: "it does not exist; a streaming parameter takes the path of a file to send"
                    .to_owned(),
            });
        }
        Ok(serde_json::json!({ "$file": file.resolved.display().to_string() }))
    }

    /// Replaces shorthand `Key@=file://path` values with the file's content.
    pub fn resolve_shorthand_files(
        &mut self,
        parameter: &str,
        value: &mut serde_json::Value,
    ) -> Result<(), ParseError> {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(reference)) =
                    map.get(super::shorthand::FILE_VALUE_KEY)
                {
                    let reference = reference.clone();
                    let loaded = self.load(parameter, &reference)?;
                    *value = loaded
                        .as_blob()
                        .unwrap_or_else(|| serde_json::Value::String(loaded.as_text().to_owned()));
                    return Ok(());
                }
                for v in map.values_mut() {
                    self.resolve_shorthand_files(parameter, v)?;
                }
            }
            serde_json::Value::Array(items) => {
                for v in items {
                    self.resolve_shorthand_files(parameter, v)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn allowed(&self, resolved: &Path) -> bool {
        allowed(self.working_dir, self.mode, resolved)
    }
}

/// Whether `mode` lets the server touch `resolved` (a path with its links
/// followed): anything, nothing, or what is inside `working_dir`.
pub fn allowed(working_dir: &Path, mode: FileAccessMode, resolved: &Path) -> bool {
    match mode {
        FileAccessMode::Unrestricted => true,
        FileAccessMode::NoAccess => false,
        FileAccessMode::Workdir => {
            let base = working_dir
                .canonicalize()
                .unwrap_or_else(|_| working_dir.to_path_buf());
            resolved.starts_with(base)
        }
    }
}
