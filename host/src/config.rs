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

/// A variable whose value is not one of those accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{variable}` is `{value}`; accepted values: {accepted}")]
pub struct ConfigError {
    /// The variable.
    pub variable: String,
    /// Its value.
    pub value: String,
    /// What it accepts.
    pub accepted: &'static str,
}

impl FileAccessMode {
    /// Reads the variable's value as the Python server does: `workdir`,
    /// `no-access`, or `true`/`unrestricted`/`yes`/`1` for anywhere.
    pub fn parse(variable: &str, value: &str) -> Result<Self, ConfigError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "workdir" | "false" | "no" | "0" => Ok(FileAccessMode::Workdir),
            "no-access" => Ok(FileAccessMode::NoAccess),
            "true" | "unrestricted" | "yes" | "1" => Ok(FileAccessMode::Unrestricted),
            _ => Err(ConfigError {
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
        _ => Err(ConfigError {
            variable: variable.to_owned(),
            value: value.to_owned(),
            accepted: "true, yes, 1, false, no, 0",
        }),
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
}
