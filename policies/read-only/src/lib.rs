//! The `read-only` policy: classifies each command as a read or a write, and
//! in read-only mode (`READ_OPERATIONS_ONLY`) denies writes; in consent mode
//! (`REQUIRE_MUTATION_CONSENT`) asks the user before a write.

mod classify;

use aws_mcp_policy_sdk::{Classification, Decision, Metadata, Policy, Request, export_policy};

pub use classify::{Access, Basis, Class, LEVELS_SOURCE, classify, level, level_count};

/// The policy; it has no settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOnly;

impl Policy for ReadOnly {
    fn metadata() -> Metadata {
        Metadata::new(
            "read-only",
            env!("CARGO_PKG_VERSION"),
            "classifies commands as reads or writes; denies writes in read-only mode and asks for consent in consent mode",
        )
    }

    fn configure(config: &str) -> Result<Self, String> {
        if config.trim().is_empty() {
            Ok(ReadOnly)
        } else {
            Err("the read-only policy takes no settings; remove its configuration file".to_owned())
        }
    }

    fn evaluate(&self, request: &Request) -> Decision {
        decide(request)
    }

    fn classify(&self, request: &Request) -> Option<Classification> {
        let class = classify(request);
        let access = match class.access {
            Access::Read => aws_mcp_policy_sdk::Access::Read,
            Access::Write => aws_mcp_policy_sdk::Access::Write,
        };
        Some(Classification::new(access, class.describe()))
    }
}

/// The decision, as a plain function for tests.
pub fn decide(request: &Request) -> Decision {
    let class = classify(request);
    let why = class.describe();
    let access = class.access;
    let shown = format!(
        "aws {} {}",
        request.command.cli_service, request.command.cli_operation
    );
    match access {
        Access::Read => Decision::Abstain,
        Access::Write if request.context.read_only => Decision::Deny(format!(
            "the server is in read-only mode (READ_OPERATIONS_ONLY=true) and `{shown}` is a write ({why}); use a read such as a describe, get or list command, or ask the user to turn read-only mode off"
        )),
        Access::Write if request.context.require_consent => {
            Decision::NeedsConsent(format!("`{shown}` changes your AWS resources ({why})"))
        }
        Access::Write => Decision::Abstain,
    }
}

export_policy!(ReadOnly);

#[cfg(test)]
mod tests {
    use super::*;
    use aws_mcp_policy_sdk::RequestBuilder;

    fn read_only() -> impl FnOnce(&mut aws_mcp_policy_sdk::Context) {
        |c| c.read_only = true
    }

    #[test]
    fn reads_pass_in_read_only_mode() {
        let request = RequestBuilder::new("ec2", "describe-instances")
            .context(read_only())
            .build();
        assert_eq!(decide(&request), Decision::Abstain);
    }

    #[test]
    fn writes_are_denied_in_read_only_mode() {
        let request = RequestBuilder::new("iam", "create-user")
            .context(read_only())
            .build();
        let decision = decide(&request);
        assert!(matches!(decision, Decision::Deny(_)), "{decision:?}");
        assert!(decision.reason().contains("READ_OPERATIONS_ONLY"));
    }

    #[test]
    fn writes_need_consent_in_consent_mode() {
        let request = RequestBuilder::new("s3", "rb")
            .customization()
            .context(|c| c.require_consent = true)
            .build();
        assert!(matches!(decide(&request), Decision::NeedsConsent(_)));
    }

    #[test]
    fn writes_pass_when_no_mode_is_on() {
        let request = RequestBuilder::new("iam", "create-user").build();
        assert_eq!(decide(&request), Decision::Abstain);
    }
}
