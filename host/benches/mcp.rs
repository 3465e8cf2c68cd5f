//! The MCP server as a client sees it: cold start to the answer of
//! `tools/list` (policies already compiled in the cache), and the round trip
//! of a `call_aws` that the policies deny. Run with
//! `cargo bench -p aws-api-mcp --bench mcp`.

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Session {
    fn start(workdir: &std::path::Path, cache: &std::path::Path) -> anyhow::Result<Session> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aws-api-mcp"))
            .env("AWS_REGION", "us-east-1")
            .env("READ_OPERATIONS_ONLY", "true")
            .env("AWS_API_MCP_WORKING_DIR", workdir)
            .env("AWS_API_MCP_CACHE_DIR", cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdin"))?;
        let stdout = BufReader::new(
            child
                .stdout
                .take()
                .ok_or_else(|| anyhow::anyhow!("no stdout"))?,
        );
        Ok(Session {
            child,
            stdin,
            stdout,
        })
    }

    fn request(&mut self, id: u64, method: &str, params: Value) -> anyhow::Result<Value> {
        writeln!(
            self.stdin,
            "{}",
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
        )?;
        self.stdin.flush()?;
        loop {
            let mut line = String::new();
            anyhow::ensure!(
                self.stdout.read_line(&mut line)? > 0,
                "the server closed stdout"
            );
            let message: Value = serde_json::from_str(&line)?;
            if message["id"] == json!(id) {
                return Ok(message);
            }
        }
    }

    fn handshake(&mut self) -> anyhow::Result<()> {
        self.request(
            1,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}),
        )?;
        writeln!(
            self.stdin,
            "{}",
            json!({"jsonrpc": "2.0", "method": "notifications/initialized"})
        )?;
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn show(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p99 = samples[(samples.len() * 99 / 100).min(samples.len() - 1)];
    println!(
        "{label:<56} median {median:>10.3?}   p99 {p99:>10.3?}   ({} runs)",
        samples.len()
    );
}

fn main() -> anyhow::Result<()> {
    let workdir = tempfile::tempdir()?;
    let cache = tempfile::tempdir()?;
    // Fill the compiled-policy cache once, as a first start does.
    let mut warm = Session::start(workdir.path(), cache.path())?;
    warm.handshake()?;
    warm.request(2, "tools/list", json!({}))?;
    drop(warm);

    let mut starts = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let mut session = Session::start(workdir.path(), cache.path())?;
        session.handshake()?;
        let tools = session.request(2, "tools/list", json!({}))?;
        starts.push(start.elapsed());
        anyhow::ensure!(
            tools["result"]["tools"][0]["name"] == "call_aws",
            "unexpected tools/list answer"
        );
    }
    show(
        "cold start to the tools/list answer (policies cached)",
        starts,
    );

    let mut session = Session::start(workdir.path(), cache.path())?;
    session.handshake()?;
    let mut trips = Vec::new();
    for id in 10..1010u64 {
        let start = Instant::now();
        let answer = session.request(
            id,
            "tools/call",
            json!({"name": "call_aws", "arguments": {"cli_command": "aws iam create-user --user-name bob"}}),
        )?;
        trips.push(start.elapsed());
        anyhow::ensure!(
            answer["result"]["structuredContent"]["results"][0]["status"] == "denied",
            "not denied: {answer}"
        );
    }
    show("call_aws round trip, denied by read-only mode", trips);
    Ok(())
}
