//! A policy that imports a shell from its host. The host must refuse to
//! load it.

wit_bindgen::generate!({
    path: ["../../../wit", "wit"],
    world: "test:shell/policy-with-shell",
    generate_all,
});

use aws_mcp::policy::types::{Decision, Metadata, Request};
use exports::aws_mcp::policy::evaluator::Guest;

struct Shelly;

impl Guest for Shelly {
    fn describe() -> Metadata {
        Metadata {
            name: "forbidden-import".into(),
            version: "1.0.0".into(),
            description: "wants a shell".into(),
        }
    }
    fn configure(_config: String) -> Result<(), String> {
        Ok(())
    }
    fn evaluate(request: Request) -> Decision {
        Decision::Allow(test::shell::shell::run(&request.command_line))
    }
}

export!(Shelly);
