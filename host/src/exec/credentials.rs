//! Credentials and configuration from `aws-config`, as the AWS SDKs find
//! them: environment, shared config and credentials files, SSO, web
//! identity, ECS and IMDS, `credential_process`. One configuration per
//! profile, loaded on first use; credentials are cached until five minutes
//! before they expire.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use tokio::sync::{Mutex, OnceCell};

use super::ExecError;

/// Refresh credentials this long before they expire.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

#[derive(Default)]
struct Profile {
    config: OnceCell<SdkConfig>,
    credentials: Mutex<Option<Credentials>>,
}

/// Configurations and credentials by profile.
#[derive(Default)]
pub struct CredentialStore {
    profiles: std::sync::Mutex<HashMap<Option<String>, Arc<Profile>>>,
}

impl CredentialStore {
    fn profile(&self, name: Option<&str>) -> Arc<Profile> {
        let mut profiles = self.profiles.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(profiles.entry(name.map(str::to_owned)).or_default())
    }

    /// The SDK configuration of `profile` (the default chain's when `None`).
    pub async fn config(&self, profile: Option<&str>) -> SdkConfig {
        let state = self.profile(profile);
        state
            .config
            .get_or_init(|| async {
                let mut loader = aws_config::defaults(BehaviorVersion::latest());
                if let Some(p) = profile {
                    loader = loader.profile_name(p);
                }
                loader.load().await
            })
            .await
            .clone()
    }

    /// Credentials for `profile`, from the cache while they are fresh.
    pub async fn credentials(&self, profile: Option<&str>) -> Result<Credentials, ExecError> {
        let state = self.profile(profile);
        let mut cached = state.credentials.lock().await;
        if let Some(c) = cached.as_ref()
            && c.expiry()
                .is_none_or(|e| e > SystemTime::now() + REFRESH_MARGIN)
        {
            return Ok(c.clone());
        }
        let config = self.config(profile).await;
        let who = match profile {
            Some(p) => format!("profile `{p}`"),
            None => "the default profile".to_owned(),
        };
        let Some(provider) = config.credentials_provider() else {
            return Err(ExecError::Credentials(format!(
                "no credential source is configured for {who}"
            )));
        };
        let credentials = provider.provide_credentials().await.map_err(|e| {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                message = format!("{message}: {s}");
                source = s.source();
            }
            ExecError::Credentials(format!(
                "no usable AWS credentials for {who} ({message}). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure the profile in ~/.aws/config and ~/.aws/credentials (for SSO, run `aws sso login --profile NAME` outside the assistant), and name it with AWS_API_MCP_PROFILE_NAME"
            ))
        })?;
        if credentials.expiry().is_some_and(|e| e <= SystemTime::now()) {
            return Err(ExecError::Credentials(format!(
                "the AWS credentials for {who} have expired; refresh them (for SSO, run `aws sso login`) and try again"
            )));
        }
        *cached = Some(credentials.clone());
        Ok(credentials)
    }
}
