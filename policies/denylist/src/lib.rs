//! The `denylist` policy: commands that must never run from an assistant,
//! plus an organization's own deny and consent lists.
//!
//! Settings: the Python AWS API MCP Server's security policy file
//! (`~/.aws/aws-api-mcp/mcp-security-policy.json`), whose entries may use `*`
//! wildcards: `{"version": "1.0", "policy": {"denyList": ["aws iam delete-*"],
//! "elicitList": ["aws s3 rm"]}}`.

mod rules;
mod settings;

use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

pub use rules::{ALWAYS_DENIED, Pattern};
pub use settings::Settings;

/// The policy: the built-in list plus the organization's lists.
#[derive(Debug, Clone, Default)]
pub struct Denylist {
    settings: Settings,
}

impl Policy for Denylist {
    fn metadata() -> Metadata {
        Metadata::new(
            "denylist",
            env!("CARGO_PKG_VERSION"),
            "denies commands that run local programs or change the local AWS configuration, and applies the organization's deny and consent lists",
        )
    }

    fn configure(config: &str) -> Result<Self, String> {
        Ok(Denylist {
            settings: Settings::parse(config)?,
        })
    }

    fn evaluate(&self, request: &Request) -> Decision {
        decide(&self.settings, request)
    }
}

/// The decision, as a plain function for tests.
pub fn decide(settings: &Settings, request: &Request) -> Decision {
    let service = request.command.cli_service.as_str();
    let operation = request.command.cli_operation.as_str();
    let shown = format!("aws {service} {operation}");
    for (pattern, why) in ALWAYS_DENIED {
        if Pattern::new(pattern).matches(service, operation) {
            return Decision::Deny(format!("`{shown}` is never allowed here: {why}"));
        }
    }
    if let Some(entry) = settings.deny.iter().find(|p| p.matches(service, operation)) {
        return Decision::Deny(format!(
            "`{shown}` is on the organization's deny list (entry `{}`); ask an administrator if it must run",
            entry.text()
        ));
    }
    if let Some(entry) = settings
        .consent
        .iter()
        .find(|p| p.matches(service, operation))
    {
        return Decision::NeedsConsent(format!(
            "`{shown}` is on the organization's consent list (entry `{}`)",
            entry.text()
        ));
    }
    Decision::Abstain
}

export_policy!(Denylist);

#[cfg(test)]
mod tests {
    use super::*;
    use aws_mcp_policy_sdk::RequestBuilder;

    #[test]
    fn built_in_entries_deny() {
        let settings = Settings::default();
        for (service, op) in [("deploy", "install"), ("emr", "ssh"), ("configure", "set")] {
            let decision = decide(&settings, &RequestBuilder::new(service, op).build());
            assert!(
                matches!(decision, Decision::Deny(_)),
                "{service} {op}: {decision:?}"
            );
        }
        let decision = decide(&settings, &RequestBuilder::new("s3", "ls").build());
        assert_eq!(decision, Decision::Abstain);
    }

    #[test]
    fn organization_lists_apply_with_wildcards() {
        let settings = Settings::parse(
            r#"{"version":"1.0","policy":{"denyList":["aws iam delete-*"],"elicitList":["aws s3 *"]}}"#,
        )
        .unwrap();
        let deny = decide(
            &settings,
            &RequestBuilder::new("iam", "delete-user").build(),
        );
        assert!(deny.reason().contains("aws iam delete-*"), "{deny:?}");
        assert!(matches!(deny, Decision::Deny(_)));
        let consent = decide(&settings, &RequestBuilder::new("s3", "cp").build());
        assert!(matches!(consent, Decision::NeedsConsent(_)));
        let none = decide(&settings, &RequestBuilder::new("iam", "list-users").build());
        assert_eq!(none, Decision::Abstain);
    }
}
