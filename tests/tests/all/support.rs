//! Loading guests and judging commands in tests.

use std::time::Duration;

use aws_api_mcp::command::Parser;
use aws_api_mcp::harness::{Outcome, judge};
use aws_api_mcp::policy::{LoadOptions, PolicyLoadError, PolicySet, RequestContext};
use aws_api_mcp_tests::policies_dir;

/// Loads exactly `guests` as a policies folder, without a cache.
pub fn load(guests: &[&str]) -> Result<PolicySet, PolicyLoadError> {
    let dir = policies_dir(guests);
    PolicySet::load(&LoadOptions {
        dir: Some(dir.path().to_path_buf()),
        ..LoadOptions::default()
    })
}

/// Loads `guests`, failing the test with the load error.
pub fn loaded(guests: &[&str]) -> PolicySet {
    load(guests).unwrap_or_else(|e| panic!("policies did not load: {e}"))
}

/// A context whose working directory is `/tmp`.
pub fn context() -> RequestContext {
    RequestContext {
        working_dir: std::env::temp_dir(),
        ..RequestContext::default()
    }
}

/// The parser over the built-in command table, loaded once.
pub fn parser() -> &'static Parser {
    static PARSER: std::sync::OnceLock<Parser> = std::sync::OnceLock::new();
    PARSER.get_or_init(|| Parser::load(None).expect("the built-in command table loads"))
}

/// Judges `line` with the default test context.
pub fn check(policies: &PolicySet, line: &str) -> Outcome {
    judge(parser(), policies, line, &context())
}

/// Runs `f` on another thread and fails the test if it takes longer than
/// `limit`: a policy that hangs the host must fail the suite, not stall it.
pub fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(f());
    });
    receive
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}: the host hung"))
}
