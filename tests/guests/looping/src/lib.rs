//! Loops forever on any command but `describe-instances`.
use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

struct Guest;

impl Policy for Guest {
    fn metadata() -> Metadata {
        Metadata::new(
            "looping",
            "1.0.0",
            "Loops forever on any command but `describe-instances`.",
        )
    }
    fn configure(_config: &str) -> Result<Self, String> {
        Ok(Guest)
    }
    fn evaluate(&self, request: &Request) -> Decision {
        if request.command.cli_operation == "describe-instances" {
            return Decision::Abstain;
        }
        let mut n: u64 = 0;
        loop {
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }
}

export_policy!(Guest);
