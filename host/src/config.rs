//! The server's settings from its environment variables, read and checked
//! once at start, by the same names as the Python AWS API MCP Server.

use serde::{Deserialize, Serialize};

/// Where local files may be read and written
/// (`AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileAccessMode {
    /// Only inside the working directory (the default).
    #[default]
    Workdir,
    /// No local files at all.
    NoAccess,
    /// Anywhere the server's user can reach.
    Unrestricted,
}

/// A setting the server cannot start with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("`{variable}` is `{value}`; accepted values: {accepted}")]
    Invalid {
        variable: String,
        value: String,
        accepted: &'static str,
    },
    #[error(
        "`AWS_REGION` is not set: set it to the region commands run in by default, such as `us-east-1`"
    )]
    MissingRegion,
    #[error("`AWS_REGION` is `{0}`, which is not a region name such as `us-east-1` or `eu-west-2`")]
    BadRegion(String),
    #[error("`AWS_API_MCP_WORKING_DIR` is `{0}`; it must be an absolute path")]
    RelativeWorkingDir(String),
    #[error("the working directory `{path}` cannot be used: {message}")]
    WorkingDir { path: String, message: String },
}

/// The server's settings, read once at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// `AWS_REGION`: where commands run unless they say `--region`.
    pub region: String,
    /// `AWS_API_MCP_PROFILE_NAME`.
    pub profile: Option<String>,
    /// `AWS_API_MCP_WORKING_DIR`, created if missing, symlinks resolved.
    pub working_dir: std::path::PathBuf,
    /// `READ_OPERATIONS_ONLY`.
    pub read_only: bool,
    /// `REQUIRE_MUTATION_CONSENT`.
    pub require_consent: bool,
    /// `AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS`.
    pub file_access: FileAccessMode,
    /// `AWS_API_MCP_POLICIES_DIR`.
    pub policies_dir: Option<std::path::PathBuf>,
    /// `AWS_API_MCP_MODELS_DIR`.
    pub models_dir: Option<std::path::PathBuf>,
    /// `AWS_API_MCP_TELEMETRY` (default on): whether AWS calls carry
    /// [`ServerConfig::user_agent_suffix`].
    pub telemetry: bool,
    /// `AWS_API_MCP_MAX_OUTPUT_BYTES` (default 200,000): the longest output
    /// a `call_aws` result carries; longer output is cut, and the result
    /// says so and how to narrow it.
    pub max_output_bytes: usize,
    /// `AWS_API_MCP_MAX_PAGES` (default 100): the most pages one command
    /// fetches; the result then carries a token to resume.
    pub max_pages: usize,
}

/// Default of `AWS_API_MCP_MAX_OUTPUT_BYTES`.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 200_000;
/// Default of `AWS_API_MCP_MAX_PAGES`.
pub const DEFAULT_MAX_PAGES: usize = 100;

impl ServerConfig {
    /// Reads and checks the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let region = var("AWS_REGION").ok_or(ConfigError::MissingRegion)?;
        if !is_region(&region) {
            return Err(ConfigError::BadRegion(region));
        }
        let working_dir = match var("AWS_API_MCP_WORKING_DIR") {
            Some(dir) => {
                let path = std::path::PathBuf::from(&dir);
                if !path.is_absolute() {
                    return Err(ConfigError::RelativeWorkingDir(dir));
                }
                path
            }
            None => default_working_dir(),
        };
        let unusable = |message: String| ConfigError::WorkingDir {
            path: working_dir.display().to_string(),
            message,
        };
        std::fs::create_dir_all(&working_dir).map_err(|e| unusable(e.to_string()))?;
        let working_dir = working_dir
            .canonicalize()
            .map_err(|e| unusable(e.to_string()))?;
        let file_access = match var("AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS") {
            Some(v) => {
                FileAccessMode::parse("AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS", &v)?
            }
            None => FileAccessMode::Workdir,
        };
        Ok(ServerConfig {
            region,
            profile: var("AWS_API_MCP_PROFILE_NAME"),
            working_dir,
            read_only: env_bool("READ_OPERATIONS_ONLY")?,
            require_consent: env_bool("REQUIRE_MUTATION_CONSENT")?,
            telemetry: match std::env::var("AWS_API_MCP_TELEMETRY") {
                Ok(value) if !value.trim().is_empty() => {
                    parse_bool("AWS_API_MCP_TELEMETRY", &value)?
                }
                _ => true,
            },
            file_access,
            policies_dir: var("AWS_API_MCP_POLICIES_DIR").map(Into::into),
            models_dir: var("AWS_API_MCP_MODELS_DIR").map(Into::into),
            max_output_bytes: env_count("AWS_API_MCP_MAX_OUTPUT_BYTES", DEFAULT_MAX_OUTPUT_BYTES)?,
            max_pages: env_count("AWS_API_MCP_MAX_PAGES", DEFAULT_MAX_PAGES)?,
        })
    }
}

impl ServerConfig {
    /// What AWS calls add to their User-Agent when telemetry is on: this
    /// server's name and version and whether read-only mode is on; nothing
    /// else is ever sent. `None` with `AWS_API_MCP_TELEMETRY=false`.
    pub fn user_agent_suffix(&self) -> Option<String> {
        self.telemetry.then(|| {
            format!(
                "md/aws-api-mcp#{} cfg/read-only#{}",
                env!("CARGO_PKG_VERSION"),
                self.read_only
            )
        })
    }
}

/// `<XDG_RUNTIME_DIR or TMPDIR or /tmp>/aws-api-mcp/workdir`, the Python
/// server's default.
fn default_working_dir() -> std::path::PathBuf {
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    base.join("aws-api-mcp").join("workdir")
}

/// `us-east-1`, `eu-west-2`, `us-gov-west-1`, `cn-north-1`, `il-central-1`...
fn is_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

impl FileAccessMode {
    /// Reads the variable's value as the Python server does: `workdir`,
    /// `no-access`, or `true`/`unrestricted`/`yes`/`1` for anywhere.
    pub fn parse(variable: &str, value: &str) -> Result<Self, ConfigError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "workdir" | "false" | "no" | "0" => Ok(FileAccessMode::Workdir),
            "no-access" => Ok(FileAccessMode::NoAccess),
            "true" | "unrestricted" | "yes" | "1" => Ok(FileAccessMode::Unrestricted),
            _ => Err(ConfigError::Invalid {
                variable: variable.to_owned(),
                value: value.to_owned(),
                accepted: "workdir, no-access, unrestricted (or true)",
            }),
        }
    }
}

/// Reads a yes/no variable: `true`, `yes`, `1` or `false`, `no`, `0`, in any
/// case; empty is no.
pub fn parse_bool(variable: &str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "" | "false" | "no" | "0" => Ok(false),
        _ => Err(ConfigError::Invalid {
            variable: variable.to_owned(),
            value: value.to_owned(),
            accepted: "true, yes, 1, false, no, 0",
        }),
    }
}

/// A positive whole number from `variable`, or `default` when unset.
pub fn env_count(variable: &str, default: usize) -> Result<usize, ConfigError> {
    match std::env::var(variable) {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .replace('_', "")
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| ConfigError::Invalid {
                variable: variable.to_owned(),
                value: value.clone(),
                accepted: "a whole number greater than 0",
            }),
        _ => Ok(default),
    }
}

/// The yes/no variable's value, or `false` when it is not set.
pub fn env_bool(variable: &str) -> Result<bool, ConfigError> {
    match std::env::var(variable) {
        Ok(value) => parse_bool(variable, &value),
        Err(_) => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_says_only_the_server_and_its_mode() {
        let config = ServerConfig {
            region: "us-east-1".into(),
            profile: Some("secret-profile".into()),
            working_dir: "/".into(),
            read_only: true,
            require_consent: false,
            file_access: FileAccessMode::Workdir,
            policies_dir: None,
            models_dir: None,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
            telemetry: true,
        };
        assert_eq!(
            config.user_agent_suffix().unwrap(),
            format!(
                "md/aws-api-mcp#{} cfg/read-only#true",
                env!("CARGO_PKG_VERSION")
            )
        );
        let off = ServerConfig {
            telemetry: false,
            ..config
        };
        assert_eq!(off.user_agent_suffix(), None);
    }

    #[test]
    fn booleans_and_modes() {
        assert!(parse_bool("X", "TRUE").unwrap());
        assert!(!parse_bool("X", "no").unwrap());
        let err = parse_bool("READ_OPERATIONS_ONLY", "maybe").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`READ_OPERATIONS_ONLY` is `maybe`; accepted values: true, yes, 1, false, no, 0"
        );
        assert_eq!(
            FileAccessMode::parse("X", "Yes").unwrap(),
            FileAccessMode::Unrestricted
        );
        assert_eq!(
            FileAccessMode::parse("X", "no-access").unwrap(),
            FileAccessMode::NoAccess
        );
        assert!(FileAccessMode::parse("X", "anywhere").is_err());
    }

    #[test]
    fn region_names() {
        for ok in [
            "us-east-1",
            "eu-west-2",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-5",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us_east_1",
            "us-east-1; rm",
            "*",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }
}
