//! An MCP client session over the real binary's stdin and stdout, as a
//! client drives it: JSON-RPC lines, elicitation answered as the client's
//! user would, and the server killed when the session ends.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use aws_api_mcp_tests::{REFUSED_ENDPOINT, binary, offline_aws_env};
use serde_json::{Value, json};

/// A server started with the test settings (offline AWS settings, a
/// temporary working directory and cache) plus the `env` given, which win.
pub struct Session {
    pub child: Child,
    /// `None` once the client has hung up.
    pub stdin: Option<ChildStdin>,
    pub stdout: BufReader<ChildStdout>,
    /// How this client answers `elicitation/create`, as the client's user
    /// would.
    pub answer: Value,
    /// The elicitation requests the server sent.
    pub asked: Vec<Value>,
    _workdir: tempfile::TempDir,
    _cache: tempfile::TempDir,
}

impl Session {
    pub fn start(env: &[(&str, &str)]) -> Session {
        Session::start_with(env, json!({}))
    }

    /// A session whose client declares `capabilities` (such as
    /// `{"elicitation": {}}`).
    pub fn start_with(env: &[(&str, &str)], capabilities: Value) -> Session {
        let workdir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let mut command = Command::new(binary());
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", workdir.path())
            .env("AWS_API_MCP_WORKING_DIR", workdir.path())
            .env("AWS_API_MCP_CACHE_DIR", cache.path())
            .env("AWS_REGION", "us-east-1")
            .envs(offline_aws_env(REFUSED_ENDPOINT));
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut session = Session {
            child,
            stdin: Some(stdin),
            stdout,
            answer: json!({"action": "decline"}),
            asked: Vec::new(),
            _workdir: workdir,
            _cache: cache,
        };
        let init = session.request(
            1,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": capabilities, "clientInfo": {"name": "e2e", "version": "1"}}),
        );
        assert_eq!(
            init["result"]["serverInfo"]["name"], "aws-api-mcp",
            "{init}"
        );
        session.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        session
    }

    pub fn send(&mut self, message: Value) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{message}").unwrap();
        stdin.flush().unwrap();
    }

    /// Sends a request and reads lines until its response; every line on
    /// stdout must be JSON-RPC.
    pub fn request(&mut self, id: u64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "the server closed stdout"
            );
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not JSON-RPC on stdout: {line:?}: {e}"));
            assert_eq!(message["jsonrpc"], "2.0");
            if message["method"] == "elicitation/create" {
                self.asked.push(message["params"].clone());
                let reply = json!({"jsonrpc": "2.0", "id": message["id"], "result": self.answer});
                self.send(reply);
                continue;
            }
            if message.get("method").is_none() && message["id"] == json!(id) {
                return message;
            }
        }
    }

    /// The next JSON-RPC message the server sends.
    pub fn next_message(&mut self) -> Value {
        let mut line = String::new();
        assert!(
            self.stdout.read_line(&mut line).unwrap() > 0,
            "the server closed stdout"
        );
        serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("not JSON-RPC on stdout: {line:?}: {e}"))
    }

    pub fn call_aws(&mut self, id: u64, commands: Value) -> Value {
        self.request(
            id,
            "tools/call",
            json!({"name": "call_aws", "arguments": {"cli_command": commands}}),
        )["result"]
            .clone()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
