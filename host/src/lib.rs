//! Policy-gated AWS access for AI assistants.
//!
//! The binary `aws-api-mcp` is a thin `main` over this library: [`command`]
//! parses AWS CLI command lines, [`policy`] runs the sandboxed Wasm policies
//! that judge them, and [`harness`] is the `aws-api-mcp policy ...` tool for
//! testing policies in isolation.

pub mod command;
pub mod config;
pub mod endpoint;
pub mod exec;
#[doc(hidden)]
pub mod fuzzing;
pub mod harness;
pub mod logging;
pub mod model;
pub mod policy;
pub mod server;
pub mod suggest;
