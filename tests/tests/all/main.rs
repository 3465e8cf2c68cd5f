//! End-to-end tests, one binary with a module per area (as wasmtime does).

mod cli;
mod loading;
mod sandbox;
mod support;
mod verdicts;
