//! Sleeps for an hour on any command but `describe-instances`.
use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

struct Guest;

impl Policy for Guest {
    fn metadata() -> Metadata {
        Metadata::new(
            "sleeper",
            "1.0.0",
            "Sleeps for an hour on any command but `describe-instances`.",
        )
    }
    fn configure(_config: &str) -> Result<Self, String> {
        Ok(Guest)
    }
    fn evaluate(&self, request: &Request) -> Decision {
        if request.command.cli_operation == "describe-instances" {
            return Decision::Abstain;
        }
        std::thread::sleep(std::time::Duration::from_secs(3600));
        Decision::Allow("woke up".into())
    }
}

export_policy!(Guest);
