//! The host side of `wit/policy.wit`; the only place `bindgen!` runs.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "policy",
});

pub use aws_mcp::policy::types;

/// The interface a policy must export, and the version this host speaks.
pub const EVALUATOR_INTERFACE: &str = "aws-mcp:policy/evaluator";
/// The WIT package version this host was built against.
pub const INTERFACE_VERSION: &str = "0.1.0";
