//! The MCP stdio server: `call_aws` parses each command, judges it with the
//! policies, asks for consent when a policy wants it, and runs what is
//! allowed with the executor. Stdout carries only JSON-RPC; logs go to
//! stderr and the log file.

mod all_regions;
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
    // Listen for signals before the handshake, so a SIGTERM at any moment
    // ends the server cleanly rather than by the default action.
    let mut shutdown = std::pin::pin!(shutdown_signal());
    let running = tokio::select! {
        started = server.serve(rmcp::transport::stdio()) => match started {
            Ok(running) => running,
            // The client went away before the handshake finished.
            Err(e) => {
                tracing::info!(error = %e, "the client closed the session before it started");
                return Ok(());
            }
        },
        () = &mut shutdown => {
            tracing::info!("stopping on a signal before the session started");
            return Ok(());
        }
    };
    tokio::select! {
        result = running.waiting() => {
            result.map_err(|e| ServeError::Session(e.to_string()))?;
        }
        () = &mut shutdown => {
            tracing::info!("stopping on a signal");
        }
    }
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C. The SIGTERM handler is installed when this
/// is called, not when it is first polled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        #[cfg(unix)]
        {
            match term {
                Some(mut term) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = tokio::signal::ctrl_c() => {}
                    }
                }
                None => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
