//! End-to-end tests, one binary with a module per area (as wasmtime does).

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on any unexpected error"
)]

mod adversarial;
mod cli;
mod cli_table;
mod differential;
mod endpoints;
mod faults;
mod load;
mod loading;
mod mcp;
mod policy_abuse;
mod rmcp_client;
mod sandbox;
mod session;
mod support;
mod verdicts;
