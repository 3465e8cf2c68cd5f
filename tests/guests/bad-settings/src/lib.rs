//! Refuses any settings but `{"ok": true}`.
use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};

struct Picky;

impl Policy for Picky {
    fn metadata() -> Metadata {
        Metadata::new("bad-settings", "1.0.0", "refuses its settings")
    }
    fn configure(config: &str) -> Result<Self, String> {
        if config.trim() == r#"{"ok": true}"# {
            Ok(Picky)
        } else {
            Err(format!("setting `ok` must be true, got {config:?}"))
        }
    }
    fn evaluate(&self, _request: &Request) -> Decision {
        Decision::Abstain
    }
}

export_policy!(Picky);
