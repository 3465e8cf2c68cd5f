//! A policy built for interface 0.3.0, which this host does not speak.

wit_bindgen::generate!({
    path: "wit",
    world: "policy",
});

use aws_mcp::policy::types::{Decision, Request};
use exports::aws_mcp::policy::evaluator::Guest;

struct Future;

impl Guest for Future {
    fn evaluate(_request: Request) -> Decision {
        Decision::Allow("from the future".into())
    }
}

export!(Future);
