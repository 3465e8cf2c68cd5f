//! The MCP stdio server, driven as a client drives it: JSON-RPC lines over
//! the real binary's stdin and stdout.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use aws_api_mcp_tests::binary;
use serde_json::{Value, json};

use crate::session::Session;

#[test]
fn tools_list_follows_read_only_mode() {
    for (value, read_only) in [("true", true), ("false", false)] {
        let mut session = Session::start(&[("READ_OPERATIONS_ONLY", value)]);
        let tools = session.request(2, "tools/list", json!({}));
        let list = tools["result"]["tools"].as_array().unwrap();
        let names: Vec<&str> = list.iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"validate_aws_command"), "{names:?}");
        let call_aws = list.iter().find(|t| t["name"] == "call_aws").unwrap();
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
    // Nothing succeeded: the allowed read ran and found no AWS (the
    // endpoint is a closed loopback port).
    assert_eq!(result["isError"], true);
    let results = result["structuredContent"]["results"].as_array().unwrap();
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "denied", "invalid", "invalid"]);
    assert_eq!(results[0]["api_operation"], "DescribeInstances");
    assert_eq!(results[0]["executed"], true);
    assert_eq!(results[0]["error"]["kind"], "network", "{}", results[0]);
    for refused in &results[1..] {
        assert_eq!(refused["executed"], false);
    }
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
    // Still serving: the next command is judged and run.
    let still = session.call_aws(7, json!("aws ec2 describe-regions"));
    assert_eq!(
        still["structuredContent"]["results"][0]["status"], "failed",
        "{still}"
    );
    assert_eq!(still["structuredContent"]["results"][0]["executed"], true);
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
        (
            vec![("AWS_API_MCP_TELEMETRY", "sometimes")],
            "`AWS_API_MCP_TELEMETRY` is `sometimes`",
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

#[test]
fn consent_is_asked_through_elicitation_and_only_yes_runs() {
    let mut session = Session::start_with(
        &[("REQUIRE_MUTATION_CONSENT", "true")],
        json!({"elicitation": {}}),
    );
    session.answer = json!({"action": "accept", "content": {"run": true}});
    let result = session.call_aws(
        2,
        json!(["aws iam create-user --user-name bob", "aws iam list-users"]),
    );
    let results = result["structuredContent"]["results"].as_array().unwrap();
    // Accepted, so it ran (and found the closed loopback endpoint).
    assert_eq!(results[0]["status"], "failed", "{}", results[0]);
    assert_eq!(results[0]["executed"], true);
    assert_eq!(results[0]["consent"], "accepted");
    // Reads are not asked about.
    assert_eq!(results[1]["status"], "failed");
    assert_eq!(results[1]["consent"], Value::Null);
    assert_eq!(session.asked.len(), 1);
    let message = session.asked[0]["message"].as_str().unwrap();
    assert!(
        message.contains("aws iam create-user --user-name bob"),
        "{message}"
    );
    assert!(message.contains("iam:CreateUser"), "{message}");
    assert_eq!(
        session.asked[0]["requestedSchema"]["properties"]["run"]["type"],
        "boolean"
    );

    for (answer, consent) in [
        (json!({"action": "decline"}), "declined"),
        (json!({"action": "cancel"}), "cancelled"),
        (
            json!({"action": "accept", "content": {"run": false}}),
            "declined",
        ),
    ] {
        session.answer = answer;
        let result = session.call_aws(3, json!("aws iam create-user --user-name bob"));
        assert_eq!(result["isError"], true, "{result}");
        let only = &result["structuredContent"]["results"][0];
        assert_eq!(only["status"], "declined", "{only}");
        assert_eq!(only["consent"], consent, "{only}");
        assert!(
            only["reason"].as_str().unwrap().contains("did not run"),
            "{only}"
        );
    }
}

#[test]
fn without_elicitation_a_consent_command_does_not_run() {
    let mut session = Session::start(&[("REQUIRE_MUTATION_CONSENT", "true")]);
    let result = session.call_aws(2, json!("aws iam create-user --user-name bob"));
    assert_eq!(result["isError"], true, "{result}");
    let only = &result["structuredContent"]["results"][0];
    assert_eq!(only["status"], "needs-consent");
    let reason = only["reason"].as_str().unwrap();
    assert!(reason.contains("does not support elicitation"), "{reason}");
    assert!(session.asked.is_empty());
}

#[test]
fn a_client_that_prefers_2026_07_28_is_offered_2025_11_25() {
    // Consent needs server-to-client requests, which 2026-07-28 forbids.
    let mut command = Command::new(binary());
    let workdir = tempfile::tempdir().unwrap();
    command
        .env_clear()
        .env("AWS_REGION", "us-east-1")
        .env("HOME", workdir.path())
        .env("AWS_API_MCP_WORKING_DIR", workdir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(
        stdin,
        "{}",
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2026-07-28", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}}})
    )
    .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let answer: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        answer["result"]["protocolVersion"], "2025-11-25",
        "{answer}"
    );
    drop(stdin);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn each_command_is_logged_to_a_file_without_its_values() {
    let logs = tempfile::tempdir().unwrap();
    let mut session = Session::start(&[
        ("AWS_API_MCP_LOG_DIR", logs.path().to_str().unwrap()),
        ("READ_OPERATIONS_ONLY", "true"),
    ]);
    drop(session.call_aws(2, json!("aws iam create-user --user-name secret-bob")));
    // The file is written by a background thread: wait for the line.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let text = loop {
        let text: String = std::fs::read_dir(logs.path())
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
            .collect();
        if text.contains("judged") || std::time::Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let file = std::fs::read_dir(logs.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert!(
        file.file_name()
            .to_str()
            .unwrap()
            .starts_with("aws-api-mcp-server"),
        "{file:?}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("judged"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("aws iam create-user"), "{line}");
    assert!(
        line.contains("status=\"denied\"") || line.contains("status=denied"),
        "{line}"
    );
    assert!(line.contains("read-only"), "{line}");
    assert!(!text.contains("secret-bob"), "{text}");
}

#[test]
fn validate_aws_command_explains_without_running() {
    let mut session = Session::start(&[("READ_OPERATIONS_ONLY", "true")]);
    let explain = |session: &mut Session, id, command: &str| {
        let result = session.request(
            id,
            "tools/call",
            json!({"name": "validate_aws_command", "arguments": {"cli_command": command}}),
        )["result"]
            .clone();
        assert_eq!(result["isError"], false, "{result}");
        result["structuredContent"].clone()
    };
    let body = explain(
        &mut session,
        2,
        "aws s3api list-objects-v2 --bucket my-bucket --max-keys 5",
    );
    assert_eq!(body["valid"], true);
    assert_eq!(body["call"]["operation"], "ListObjectsV2");
    assert_eq!(body["call"]["parameters"]["MaxKeys"], 5);
    assert_eq!(body["call"]["iam_action"], "s3:ListBucket");
    assert_eq!(body["access"]["class"], "read");
    assert_eq!(body["verdict"]["decision"], "allow");
    assert_eq!(body["policies"].as_array().unwrap().len(), 3);

    let body = explain(&mut session, 3, "aws iam delete-user --user-name bob");
    assert_eq!(body["verdict"]["decision"], "deny");
    assert_eq!(body["verdict"]["decided_by"], "read-only");
    assert_eq!(body["access"]["class"], "write");

    let body = explain(&mut session, 4, "aws s3api list-object --bucket b");
    assert_eq!(body["valid"], false);
    assert!(
        body["error"].as_str().unwrap().contains("list-objects"),
        "{body}"
    );
}

#[test]
fn region_star_refuses_writes_and_says_why_regions_cannot_be_listed() {
    let mut session = Session::start(&[]);
    let result = session.call_aws(
        2,
        json!("aws ec2 create-vpc --cidr-block 10.0.0.0/16 --region *"),
    );
    let r = &result["structuredContent"]["results"][0];
    assert_eq!(r["status"], "denied", "{result}");
    assert_eq!(r["region"], "*");
    assert_eq!(r["executed"], false);
    assert!(r["reason"].as_str().unwrap().contains("--region"), "{r}");

    // A read is judged, then the enabled regions are listed: here the AWS
    // endpoint refuses connections, and the answer says so.
    let result = session.call_aws(3, json!("aws ec2 describe-vpcs --region '*'"));
    let r = &result["structuredContent"]["results"][0];
    assert_eq!(r["status"], "failed", "{result}");
    assert_eq!(r["error"]["kind"], "regions", "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("describe-regions"),
        "{r}"
    );

    // A command the policies refuse is refused as it would be in one region.
    let result = session.call_aws(
        4,
        json!("aws ec2 describe-vpcs --region * --endpoint-url http://evil"),
    );
    let r = &result["structuredContent"]["results"][0];
    assert_eq!(r["status"], "denied", "{result}");
}

#[test]
fn suggest_aws_commands_finds_commands_from_plain_words() {
    let mut session = Session::start(&[]);
    let suggest = |session: &mut Session, id, query: &str| {
        session.request(
            id,
            "tools/call",
            json!({"name": "suggest_aws_commands", "arguments": {"query": query}}),
        )["result"]
            .clone()
    };
    let result = suggest(&mut session, 2, "list my EC2 instances in us-west-2");
    assert_eq!(result["isError"], false, "{result}");
    let body = &result["structuredContent"];
    assert_eq!(body["retriever"], "lexical", "{body}");
    let suggestions = body["suggestions"].as_array().unwrap();
    assert_eq!(suggestions.len(), 5, "{body}");
    let commands: Vec<&str> = suggestions
        .iter()
        .map(|s| s["command"].as_str().unwrap())
        .collect();
    assert!(
        commands.contains(&"aws ec2 describe-instances"),
        "{commands:?}"
    );
    let describe = suggestions
        .iter()
        .find(|s| s["command"] == "aws ec2 describe-instances")
        .unwrap();
    assert!(
        describe["description"]
            .as_str()
            .unwrap()
            .contains("instances")
    );
    let confidence = describe["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&confidence), "{confidence}");
    let ids = describe["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "--instance-ids")
        .unwrap();
    assert_eq!(ids["type"], "list");
    assert_eq!(ids["required"], false);

    // The CLI's own commands are suggested too, with their options.
    let result = suggest(&mut session, 3, "copy a local file to an s3 bucket");
    let first = &result["structuredContent"]["suggestions"][0];
    assert_eq!(first["command"], "aws s3 cp", "{result}");
    assert!(
        first["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "--recursive")
    );

    for (id, query) in [(4, "   ".to_owned()), (5, "x".repeat(2_001))] {
        let result = suggest(&mut session, id, &query);
        assert_eq!(result["isError"], true, "{result}");
        let text = result["content"][0]["text"].as_str().unwrap();
        assert!(text.contains("query"), "{text}");
    }
}

/// With an embedding model installed, suggestions are hybrid. Needs the
/// folder `suggest-index/fetch-test-model.sh` fills and
/// `aws-api-mcp suggest build-index` indexes (`.ci/run` does both).
#[test]
#[ignore = "needs AWS_API_MCP_EMBEDDING_MODEL_DIR with a built index"]
fn suggest_aws_commands_is_hybrid_with_an_embedding_model() {
    let dir = std::env::var("AWS_API_MCP_EMBEDDING_MODEL_DIR")
        .expect("set AWS_API_MCP_EMBEDDING_MODEL_DIR (see suggest-index/fetch-test-model.sh)");
    let mut session = Session::start(&[("AWS_API_MCP_EMBEDDING_MODEL_DIR", dir.as_str())]);
    let result = session.request(
        2,
        "tools/call",
        json!({"name": "suggest_aws_commands", "arguments": {"query": "exec into a running container"}}),
    )["result"]
        .clone();
    assert_eq!(result["isError"], false, "{result}");
    let body = &result["structuredContent"];
    assert_eq!(body["retriever"], "hybrid", "{body}");
    let commands: Vec<&str> = body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["command"].as_str().unwrap())
        .collect();
    // BM25 alone ranks it below five others; the model knows that "exec
    // into" a container is ECS Exec.
    assert!(
        commands.contains(&"aws ecs execute-command"),
        "{commands:?}"
    );
}

/// The tools as clients see them. A change here changes what every model is
/// told: review the diff, then regenerate with `UPDATE_SNAPSHOTS=1`.
#[test]
fn the_tool_schemas_match_the_snapshot() {
    let mut session = Session::start(&[]);
    let tools = session.request(2, "tools/list", json!({}))["result"].clone();
    let path = aws_api_mcp_tests::repo_root().join("tests/snapshots/tools-list.json");
    let text = format!("{}\n", serde_json::to_string_pretty(&tools).unwrap());
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == text,
        "tools/list differs from {}; if the change is intended, run with UPDATE_SNAPSHOTS=1\n{text}",
        path.display()
    );
}

#[test]
fn many_calls_in_flight_all_get_their_answer() {
    let mut session = Session::start(&[("READ_OPERATIONS_ONLY", "true")]);
    // Send them all before reading any answer, as a busy client does.
    for id in 100..140u64 {
        let command = if id % 2 == 0 {
            "aws ec2 describe-instances"
        } else {
            "aws iam delete-user --user-name bob"
        };
        session.send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": "call_aws", "arguments": {"cli_command": command}}}));
    }
    let mut seen = std::collections::BTreeMap::new();
    while seen.len() < 40 {
        let mut line = String::new();
        assert!(
            session.stdout.read_line(&mut line).unwrap() > 0,
            "the server closed stdout"
        );
        let message: Value = serde_json::from_str(&line).unwrap();
        let id = message["id"].as_u64().unwrap();
        let status = message["result"]["structuredContent"]["results"][0]["status"].clone();
        seen.insert(id, status);
    }
    for (id, status) in seen {
        let expected = if id % 2 == 0 { "failed" } else { "denied" };
        assert_eq!(status, expected, "request {id}");
    }
}

#[test]
fn sigterm_and_a_client_that_leaves_mid_session_end_the_server_cleanly() {
    for how in ["sigterm", "close stdin"] {
        let mut session = Session::start(&[]);
        session.send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": "call_aws", "arguments": {"cli_command": "aws s3 ls"}}}));
        if how == "sigterm" {
            let pid = session.child.id().to_string();
            let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
            assert!(killed.success());
        } else {
            drop(session.stdin.take());
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = session.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{how}: the server did not exit"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "{how}: {status:?}");
    }
}
