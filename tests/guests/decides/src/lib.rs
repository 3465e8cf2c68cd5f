//! A well-behaved policy whose decision is named by the operation:
//! `allow-me`, `deny-me`, `ask-me`; anything else abstains.
use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

struct Decides;

impl Policy for Decides {
    fn metadata() -> Metadata {
        Metadata::new("decides", "1.0.0", "decides by the operation's name")
    }
    fn configure(_config: &str) -> Result<Self, String> {
        Ok(Decides)
    }
    fn evaluate(&self, request: &Request) -> Decision {
        match request.command.cli_operation.as_str() {
            "allow-me" => Decision::Allow("the operation asked to be allowed".into()),
            "deny-me" => Decision::Deny("the operation asked to be denied".into()),
            "ask-me" => Decision::NeedsConsent("the operation asked for consent".into()),
            _ => Decision::Abstain,
        }
    }
}

export_policy!(Decides);
