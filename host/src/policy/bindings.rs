//! The host side of `wit/policy.wit`; the only place `bindgen!` runs.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "policy",
});

pub use aws_mcp::policy::types;

/// The optional `classifier` export, from the `classifying-policy` world;
/// a policy's `classifier` is looked up after loading, so policies without
/// it load as before.
pub mod classifying {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "classifying-policy",
        with: {
            "aws-mcp:policy/types": super::aws_mcp::policy::types,
        },
    });
}

pub use classifying::exports::aws_mcp::policy::classifier;

/// The interface a policy must export, and the version this host speaks.
pub const EVALUATOR_INTERFACE: &str = "aws-mcp:policy/evaluator";
/// The WIT package version this host was built against.
pub const INTERFACE_VERSION: &str = "0.2.0";
