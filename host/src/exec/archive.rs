//! Zip files made from local folders (`cloudformation package` artifacts,
//! `deploy push` bundles), and the temporary files that hold them.

use std::path::{Path, PathBuf};

use super::ExecError;

/// Whether the file is a zip archive (`zipfile.is_zipfile`).
pub(super) fn is_zip(path: &Path) -> bool {
    std::fs::File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(f).ok())
        .is_some()
}

/// A file removed when dropped.
#[derive(Debug)]
pub(super) struct TempFile {
    pub(super) path: PathBuf,
}

impl TempFile {
    pub(super) fn write(bytes: &[u8]) -> Result<TempFile, ExecError> {
        let path = std::env::temp_dir().join(format!(
            "aws-api-mcp-{}-{:016x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::write(&path, bytes)
            .map_err(|e| ExecError::Request(format!("a temporary file cannot be written: {e}")))?;
        Ok(TempFile { path })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Every file below `root` zipped (deflated, named by its path below
/// `root`), as `cloudformation package` and `deploy push` zip folders:
/// links are followed only while they stay inside `allowed_root`, and
/// names starting with `.` are left out when `skip_hidden`.
pub(super) fn zip_folder(
    root: &Path,
    allowed_root: &Path,
    skip_hidden: bool,
) -> Result<TempFile, ExecError> {
    let mut files = Vec::new();
    collect(root, root, allowed_root, skip_hidden, &mut files, 0)?;
    zip_entries(&files)
}

/// A lone file zipped as the only entry of a folder.
pub(super) fn zip_single(file: &Path) -> Result<TempFile, ExecError> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    zip_entries(&[(name, file.to_path_buf())])
}

/// The files of `zip_folder`, as (name, path with links followed).
fn collect(
    root: &Path,
    dir: &Path,
    allowed_root: &Path,
    skip_hidden: bool,
    out: &mut Vec<(String, PathBuf)>,
    depth: usize,
) -> Result<(), ExecError> {
    if depth > 64 {
        return Err(ExecError::Request(format!(
            "`{}` is nested too deep (links in a loop?)",
            dir.display()
        )));
    }
    let unreadable =
        |e: std::io::Error| ExecError::Request(format!("`{}` cannot be read: {e}", dir.display()));
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    let mut dirs = Vec::new();
    for entry in entries {
        if skip_hidden && entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let real = path.canonicalize().map_err(unreadable)?;
        if !real.starts_with(allowed_root) {
            return Err(ExecError::Request(format!(
                "`{}` leads outside the working directory; this server does not read it",
                path.display()
            )));
        }
        if real.is_dir() {
            dirs.push(path);
        } else if real.is_file() {
            let rel = path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((rel, real));
        }
    }
    for d in dirs {
        collect(root, &d, allowed_root, skip_hidden, out, depth + 1)?;
    }
    Ok(())
}

fn zip_entries(files: &[(String, PathBuf)]) -> Result<TempFile, ExecError> {
    let failed = |e: String| ExecError::Request(format!("the zip file cannot be made: {e}"));
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, path) in files {
        let mode = std::fs::metadata(path)
            .map(|m| {
                use std::os::unix::fs::PermissionsExt as _;
                m.permissions().mode()
            })
            .unwrap_or(0o644);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(mode);
        writer
            .start_file(name.as_str(), options)
            .map_err(|e| failed(e.to_string()))?;
        let mut source = std::fs::File::open(path).map_err(|e| failed(e.to_string()))?;
        std::io::copy(&mut source, &mut writer).map_err(|e| failed(e.to_string()))?;
    }
    let bytes = writer
        .finish()
        .map_err(|e| failed(e.to_string()))?
        .into_inner();
    TempFile::write(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(zip: &TempFile) -> Vec<String> {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip.path).unwrap()).unwrap();
        let mut names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn folders_zip_with_or_without_hidden_files_and_never_leave_the_root() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().join("app");
        std::fs::create_dir_all(root.join("sub/.git")).unwrap();
        std::fs::write(root.join("a.txt"), "a").unwrap();
        std::fs::write(root.join(".env"), "secret").unwrap();
        std::fs::write(root.join("sub/b.txt"), "b").unwrap();
        std::fs::write(root.join("sub/.git/HEAD"), "ref").unwrap();
        let allowed = base.path().canonicalize().unwrap();
        let all = zip_folder(&root, &allowed, false).unwrap();
        assert_eq!(names(&all), [".env", "a.txt", "sub/.git/HEAD", "sub/b.txt"]);
        let visible = zip_folder(&root, &allowed, true).unwrap();
        assert_eq!(names(&visible), ["a.txt", "sub/b.txt"]);
        assert!(is_zip(&visible.path));
        let path = visible.path.clone();
        drop(visible);
        assert!(!path.exists(), "the temporary zip is removed when dropped");

        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.join("leak")).unwrap();
        let refused = zip_folder(&root, &allowed, false).unwrap_err().to_string();
        assert!(
            refused.contains("outside the working directory"),
            "{refused}"
        );
    }
}
