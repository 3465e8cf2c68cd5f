//! The `validate` policy: checks a command's parameters against the
//! operation's input shape, and its safety: local files, endpoints, TLS,
//! debugging output and profile switches.

mod files;
mod options;
mod settings;
mod shape;

use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

pub use settings::{EndpointRule, Settings};

/// The policy and its settings.
#[derive(Debug, Clone, Default)]
pub struct Validate {
    settings: Settings,
}

impl Policy for Validate {
    fn metadata() -> Metadata {
        Metadata::new(
            "validate",
            env!("CARGO_PKG_VERSION"),
            "checks parameters against the service model, and refuses unsafe options and local files outside the allowed area",
        )
    }

    fn configure(config: &str) -> Result<Self, String> {
        Ok(Validate {
            settings: Settings::parse(config)?,
        })
    }

    fn evaluate(&self, request: &Request) -> Decision {
        decide(&self.settings, request)
    }
}

/// The decision, as a plain function for tests: the first problem found
/// denies, in the order options, files, parameters.
pub fn decide(settings: &Settings, request: &Request) -> Decision {
    let problem = options::check(settings, request)
        .or_else(|| files::check(settings, request))
        .or_else(|| shape::check(request));
    match problem {
        Some(reason) => Decision::Deny(reason),
        None => Decision::Allow(String::new()),
    }
}

export_policy!(Validate);
