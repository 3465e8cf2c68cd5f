//! Logs: `tracing` to standard error always (standard output belongs to
//! JSON-RPC), and, for the MCP server, also to a daily-rotated file under
//! `<temp dir>/aws-api-mcp/`, where the Python server keeps its log.
//!
//! `AWS_API_MCP_LOG` sets the level in `RUST_LOG` syntax (`info`,
//! `aws_api_mcp=debug`); `AWS_API_MCP_LOG_DIR` moves the file. Nothing this
//! crate logs carries a parameter value: commands are logged as service and
//! operation. (Raising `rmcp` to debug logs whole requests, values included.)

use std::io::IsTerminal;
use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Log files kept, one per day.
const KEEP_FILES: usize = 7;
/// The file name's prefix (the Python server's name).
const FILE_PREFIX: &str = "aws-api-mcp-server";

/// Where the MCP server writes its log file.
pub fn default_dir() -> PathBuf {
    std::env::var_os("AWS_API_MCP_LOG_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("aws-api-mcp"))
}

/// Starts logging at `default_level` unless `AWS_API_MCP_LOG` says
/// otherwise; with `file`, also into a rotated file in that folder. Keep the
/// guard alive until exit: it flushes the file. A file that cannot be opened
/// is reported on standard error and the server runs without it.
pub fn init(default_level: &str, file: Option<PathBuf>) -> Option<WorkerGuard> {
    // The MCP library's own info lines describe the session, and its debug
    // lines carry requests: keep it at warnings unless asked.
    let filter = || {
        EnvFilter::try_from_env("AWS_API_MCP_LOG")
            .unwrap_or_else(|_| EnvFilter::new(format!("{default_level},rmcp=warn")))
    };
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(filter());
    let appender = file.and_then(|dir| {
        let opened = std::fs::create_dir_all(&dir)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                RollingFileAppender::builder()
                    .rotation(Rotation::DAILY)
                    .filename_prefix(FILE_PREFIX)
                    .filename_suffix("log")
                    .max_log_files(KEEP_FILES)
                    .build(&dir)
                    .map_err(|e| e.to_string())
            });
        match opened {
            Ok(appender) => Some(appender),
            Err(e) => {
                eprintln!(
                    "warning: cannot write logs to {}: {e}; logging to standard error only (set AWS_API_MCP_LOG_DIR to another folder)",
                    dir.display()
                );
                None
            }
        }
    });
    match appender {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file = tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(filter());
            tracing_subscriber::registry()
                .with(stderr)
                .with(file)
                .init();
            Some(guard)
        }
        None => {
            tracing_subscriber::registry().with(stderr).init();
            None
        }
    }
}
