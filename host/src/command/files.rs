//! Local paths as the operating system will see them.

use std::path::{Component, Path, PathBuf};

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
