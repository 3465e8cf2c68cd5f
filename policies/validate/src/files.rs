//! Local files against the file access mode.

use aws_mcp_policy_sdk::{FileAccess, FileAccessMode, Request};

use crate::Settings;

/// The first file outside what the mode allows, with the reason.
pub fn check(settings: &Settings, request: &Request) -> Option<String> {
    if !settings.check_files {
        return None;
    }
    let context = &request.context;
    for file in &request.files {
        let verb = match file.access {
            FileAccess::Read => "read",
            FileAccess::Write => "write",
        };
        match context.file_access {
            FileAccessMode::Unrestricted => {}
            FileAccessMode::NoAccess => {
                return Some(format!(
                    "`--{}` would {verb} the local file `{}`, and this server allows no local file access (AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS=no-access); pass the content inline instead",
                    file.parameter, file.written
                ));
            }
            FileAccessMode::Workdir => {
                if !inside(&file.resolved, &context.working_dir) {
                    return Some(format!(
                        "`--{}` would {verb} `{}`, which resolves to `{}`, outside the working directory `{}`; use a path inside it",
                        file.parameter, file.written, file.resolved, context.working_dir
                    ));
                }
            }
        }
    }
    None
}

/// Whether `path` is `dir` or below it, comparing whole components.
pub fn inside(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() {
        return path.starts_with('/');
    }
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_mcp_policy_sdk::RequestBuilder;

    #[test]
    fn inside_compares_components() {
        assert!(inside("/work/a.txt", "/work"));
        assert!(inside("/work", "/work/"));
        assert!(!inside("/workshop/a.txt", "/work"));
        assert!(!inside("/etc/passwd", "/work"));
        assert!(inside("/etc/passwd", "/"));
    }

    #[test]
    fn modes() {
        let settings = Settings::parse("").unwrap();
        let outside = RequestBuilder::new("s3api", "put-object")
            .file("body", "/etc/passwd", FileAccess::Read)
            .build();
        assert!(
            check(&settings, &outside)
                .unwrap()
                .contains("outside the working directory")
        );
        let within = RequestBuilder::new("s3api", "put-object")
            .file("body", "/work/a.txt", FileAccess::Read)
            .build();
        assert_eq!(check(&settings, &within), None);
        let none = RequestBuilder::new("s3api", "put-object")
            .file("body", "/work/a.txt", FileAccess::Read)
            .context(|c| c.file_access = FileAccessMode::NoAccess)
            .build();
        assert!(check(&settings, &none).unwrap().contains("no-access"));
        let anywhere = RequestBuilder::new("s3api", "put-object")
            .file("body", "/etc/passwd", FileAccess::Read)
            .context(|c| c.file_access = FileAccessMode::Unrestricted)
            .build();
        assert_eq!(check(&settings, &anywhere), None);
    }
}
