//! Recurses without end on any command but `describe-instances`.
use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

struct Guest;

impl Policy for Guest {
    fn metadata() -> Metadata {
        Metadata::new(
            "recursion",
            "1.0.0",
            "Recurses without end on any command but `describe-instances`.",
        )
    }
    fn configure(_config: &str) -> Result<Self, String> {
        Ok(Guest)
    }
    fn evaluate(&self, request: &Request) -> Decision {
        if request.command.cli_operation == "describe-instances" {
            return Decision::Abstain;
        }
        #[allow(unconditional_recursion)]
        fn deeper(n: u64) -> u64 {
            std::hint::black_box(deeper(std::hint::black_box(n + 1))) + 1
        }
        Decision::Allow(deeper(0).to_string())
    }
}

export_policy!(Guest);
