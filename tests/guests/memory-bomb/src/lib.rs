//! Allocates without end on any command but `describe-instances`.
use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

struct Guest;

impl Policy for Guest {
    fn metadata() -> Metadata {
        Metadata::new(
            "memory-bomb",
            "1.0.0",
            "Allocates without end on any command but `describe-instances`.",
        )
    }
    fn configure(_config: &str) -> Result<Self, String> {
        Ok(Guest)
    }
    fn evaluate(&self, request: &Request) -> Decision {
        if request.command.cli_operation == "describe-instances" {
            return Decision::Abstain;
        }
        let mut chunks: Vec<Vec<u8>> = Vec::new();
        loop {
            let mut chunk = vec![0u8; 16 << 20];
            chunk[0] = 1;
            chunks.push(std::hint::black_box(chunk));
        }
    }
}

export_policy!(Guest);
