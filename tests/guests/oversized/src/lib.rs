//! Answers with a 1 MiB reason on any command but `describe-instances`.
use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

struct Guest;

impl Policy for Guest {
    fn metadata() -> Metadata {
        Metadata::new(
            "oversized",
            "1.0.0",
            "Answers with a 1 MiB reason on any command but `describe-instances`.",
        )
    }
    fn configure(_config: &str) -> Result<Self, String> {
        Ok(Guest)
    }
    fn evaluate(&self, request: &Request) -> Decision {
        if request.command.cli_operation == "describe-instances" {
            return Decision::Abstain;
        }
        Decision::Deny("x".repeat(1 << 20))
    }
}

export_policy!(Guest);
