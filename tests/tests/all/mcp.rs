//! The MCP stdio server, driven as a client drives it: JSON-RPC lines over
//! the real binary's stdin and stdout.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use aws_api_mcp_tests::binary;
use serde_json::{Value, json};

struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    _workdir: tempfile::TempDir,
    _cache: tempfile::TempDir,
}

impl Session {
    fn start(env: &[(&str, &str)]) -> Session {
        let workdir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let mut command = Command::new(binary());
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", workdir.path())
            .env("AWS_API_MCP_WORKING_DIR", workdir.path())
            .env("AWS_API_MCP_CACHE_DIR", cache.path())
            .env("AWS_REGION", "us-east-1");
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
            stdin,
            stdout,
            _workdir: workdir,
            _cache: cache,
        };
        let init = session.request(
            1,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}}),
        );
        assert_eq!(
            init["result"]["serverInfo"]["name"], "aws-api-mcp",
            "{init}"
        );
        session.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        session
    }

    fn send(&mut self, message: Value) {
        writeln!(self.stdin, "{message}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends a request and reads lines until its response; every line on
    /// stdout must be JSON-RPC.
    fn request(&mut self, id: u64, method: &str, params: Value) -> Value {
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
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    fn call_aws(&mut self, id: u64, commands: Value) -> Value {
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

#[test]
fn tools_list_follows_read_only_mode() {
    for (value, read_only) in [("true", true), ("false", false)] {
        let mut session = Session::start(&[("READ_OPERATIONS_ONLY", value)]);
        let tools = session.request(2, "tools/list", json!({}));
        let call_aws = &tools["result"]["tools"][0];
        assert_eq!(call_aws["name"], "call_aws");
        assert_eq!(call_aws["annotations"]["readOnlyHint"], read_only);
        assert_eq!(call_aws["annotations"]["destructiveHint"], !read_only);
        assert_eq!(call_aws["annotations"]["openWorldHint"], true);
        assert_eq!(call_aws["inputSchema"]["required"], json!(["cli_command"]));
    }
}

#[test]
fn call_aws_judges_each_command_of_a_batch() {
    let mut session = Session::start(&[("READ_OPERATIONS_ONLY", "true")]);
    let result = session.call_aws(
        2,
        json!([
            "aws ec2 describe-instances",
            "aws iam create-user --user-name bob",
            "aws ec3 ls",
            "aws s3 ls; rm -rf /"
        ]),
    );
    assert_eq!(result["isError"], false);
    let results = result["structuredContent"]["results"].as_array().unwrap();
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["allowed", "denied", "invalid", "invalid"]);
    assert_eq!(results[0]["api_operation"], "DescribeInstances");
    assert_eq!(results[0]["executed"], false);
    assert_eq!(results[1]["decided_by"], "read-only");
    // Each parsed command says whether it reads or writes, and why.
    assert_eq!(results[0]["access"]["class"], "read");
    assert_eq!(results[1]["access"]["class"], "write");
    assert!(
        results[1]["access"]["basis"]
            .as_str()
            .unwrap()
            .contains("iam:CreateUser"),
        "{}",
        results[1]
    );
    assert_eq!(results[2]["access"], Value::Null);
    assert!(results[2]["reason"].as_str().unwrap().contains("`ec2`"));
    assert!(results[3]["reason"].as_str().unwrap().contains("`;`"));
}

#[test]
fn a_single_refused_command_is_a_tool_error() {
    let mut session = Session::start(&[]);
    let result = session.call_aws(2, json!("aws configure set region us-west-2"));
    assert_eq!(result["isError"], true);
    assert_eq!(
        result["structuredContent"]["results"][0]["decided_by"],
        "denylist"
    );
}

#[test]
fn whole_call_problems_are_tool_errors() {
    let mut session = Session::start(&[]);
    let many: Vec<String> = (0..21).map(|_| "aws s3 ls".to_owned()).collect();
    let result = session.call_aws(2, json!(many));
    assert_eq!(result["isError"], true);
    assert!(
        result["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("at most 20")
    );
    let result = session.call_aws(3, json!([]));
    assert_eq!(result["isError"], true);
    let long = format!("aws s3 ls {}", "x".repeat(70_000));
    let result = session.call_aws(4, json!(long));
    assert!(
        result["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("KiB")
    );
    // A wrong argument type is answered, and the session goes on.
    let wrong = session.request(
        5,
        "tools/call",
        json!({"name": "call_aws", "arguments": {"cli_command": 5}}),
    );
    assert!(
        wrong.get("error").is_some() || wrong["result"]["isError"] == true,
        "{wrong}"
    );
    let unknown = session.request(
        6,
        "tools/call",
        json!({"name": "no_such_tool", "arguments": {}}),
    );
    assert!(
        unknown.get("error").is_some() || unknown["result"]["isError"] == true,
        "{unknown}"
    );
    let still = session.call_aws(7, json!("aws s3 ls"));
    assert_eq!(still["isError"], false);
}

#[test]
fn bad_settings_stop_start_up_with_the_variable_named() {
    for (env, needle) in [
        (vec![("AWS_REGION", "")], "`AWS_REGION` is not set"),
        (vec![("AWS_REGION", "moon-1")], "`AWS_REGION` is `moon-1`"),
        (
            vec![("READ_OPERATIONS_ONLY", "maybe")],
            "`READ_OPERATIONS_ONLY` is `maybe`",
        ),
        (
            vec![("AWS_API_MCP_WORKING_DIR", "relative/dir")],
            "must be an absolute path",
        ),
        (
            vec![(
                "AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS",
                "sometimes",
            )],
            "accepted values: workdir",
        ),
    ] {
        let mut command = Command::new(binary());
        command.env("AWS_REGION", "us-east-1");
        for (k, v) in &env {
            command.env(k, v);
        }
        let output = command.stdin(Stdio::null()).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{env:?}");
        assert!(output.stdout.is_empty(), "stdout must carry only JSON-RPC");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(needle), "{env:?}: {stderr}");
    }
}

#[test]
fn a_client_that_leaves_before_the_handshake_ends_the_server_cleanly() {
    let workdir = tempfile::tempdir().unwrap();
    let mut child = Command::new(binary())
        .env("AWS_REGION", "us-east-1")
        .env("AWS_API_MCP_WORKING_DIR", workdir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the server did not exit"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
