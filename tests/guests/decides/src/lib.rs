//! A well-behaved policy that decides by the EC2 operation:
//! `start-instances` is allowed, `terminate-instances` denied,
//! `stop-instances` needs consent; anything else abstains.
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
            "start-instances" => Decision::Allow("the operation asked to be allowed".into()),
            "terminate-instances" => Decision::Deny("the operation asked to be denied".into()),
            "stop-instances" => Decision::NeedsConsent("the operation asked for consent".into()),
            _ => Decision::Abstain,
        }
    }
}

export_policy!(Decides);
