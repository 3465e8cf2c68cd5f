//! The MCP stdio server: `call_aws` judges commands with the policies.
//!
//! Execution arrives with the executor; until then `call_aws` parses and
//! judges each command and says, in its result, that nothing was sent to
//! AWS. Stdout carries only JSON-RPC; logs go to stderr.

mod tools;

use std::sync::Arc;

use rmcp::ServiceExt;

pub use tools::{AwsApiServer, CallAwsParams, CliCommands};

use crate::command::Parser;
use crate::config::ServerConfig;
use crate::policy::PolicySet;

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the MCP session failed: {0}")]
    Session(String),
}

/// Serves MCP over stdin and stdout until the client disconnects or the
/// process is asked to stop.
pub async fn serve_stdio(
    config: ServerConfig,
    parser: Parser,
    policies: PolicySet,
) -> Result<(), ServeError> {
    let server = AwsApiServer::new(Arc::new(tools::State::new(config, parser, policies)));
    let running = match server.serve(rmcp::transport::stdio()).await {
        Ok(running) => running,
        // The client went away before the handshake finished: nothing to do.
        Err(e) => {
            tracing::info!(error = %e, "the client closed the session before it started");
            return Ok(());
        }
    };
    tokio::select! {
        result = running.waiting() => {
            result.map_err(|e| ServeError::Session(e.to_string()))?;
        }
        _ = shutdown_signal() => {
            tracing::info!("stopping on a signal");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
