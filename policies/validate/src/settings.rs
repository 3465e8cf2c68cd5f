//! The policy's settings: every safety rule can be switched.

use serde::Deserialize;

/// Where `--endpoint-url` may point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointRule {
    /// Never.
    #[default]
    Deny,
    /// Only to this machine (`localhost`, `127.0.0.0/8`, `[::1]`): local
    /// emulators and tunnels.
    Loopback,
    /// Anywhere.
    Allow,
}

/// The settings, as JSON: `{"endpoint-url": "loopback", "allow-profile":
/// true}`. Every key is optional; the defaults are the safe choice.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// `--endpoint-url`.
    pub endpoint_url: EndpointRule,
    /// Allow `--profile` to switch away from the server's profile.
    pub allow_profile: bool,
    /// Allow `--debug`, which would log request and response bodies.
    pub allow_debug: bool,
    /// Allow `--no-verify-ssl`.
    pub allow_no_verify_ssl: bool,
    /// Allow `--ca-bundle`.
    pub allow_ca_bundle: bool,
    /// Allow `--no-sign-request`.
    pub allow_no_sign_request: bool,
    /// Check local file paths against the file access mode.
    #[serde(default = "yes")]
    pub check_files: bool,
}

fn yes() -> bool {
    true
}

impl Settings {
    /// Reads the settings' JSON; empty text means the defaults.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(Settings {
                check_files: true,
                ..Settings::default()
            });
        }
        serde_json::from_str(text)
            .map_err(|e| format!("the validate policy's settings are not valid: {e}"))
    }
}
