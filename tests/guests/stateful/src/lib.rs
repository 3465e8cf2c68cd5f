//! Counts the commands its instance has seen, to show instances are reused
//! and replaced after a failure; panics on `reboot-instances`.
use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

struct Counter {
    seen: std::cell::Cell<u64>,
}

impl Policy for Counter {
    fn metadata() -> Metadata {
        Metadata::new("stateful", "1.0.0", "counts commands")
    }
    fn configure(_config: &str) -> Result<Self, String> {
        Ok(Counter {
            seen: std::cell::Cell::new(0),
        })
    }
    fn evaluate(&self, request: &Request) -> Decision {
        self.seen.set(self.seen.get() + 1);
        if request.command.cli_operation == "reboot-instances" {
            panic!("asked to crash");
        }
        Decision::Allow(format!("seen={}", self.seen.get()))
    }
}

export_policy!(Counter);
