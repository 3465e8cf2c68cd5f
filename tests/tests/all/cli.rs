//! The `aws-api-mcp policy ...` harness, run as the real binary.

use std::io::Write;
use std::process::{Command, Stdio};

use aws_api_mcp_tests::{RecordingEndpoint, Reply, binary, guests, policies_dir, repo_root};

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let cache = tempfile::tempdir().unwrap();
    let mut child = Command::new(binary())
        .args(args)
        .env("AWS_API_MCP_CACHE_DIR", cache.path())
        .env_remove("AWS_API_MCP_POLICIES_DIR")
        .env_remove("READ_OPERATIONS_ONLY")
        .env_remove("REQUIRE_MUTATION_CONSENT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn check_prints_each_policy_and_the_verdict() {
    let (code, out, _) = run(
        &[
            "policy",
            "check",
            "--read-only",
            "aws iam create-user --user-name bob",
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("$ aws iam create-user --user-name bob"),
        "{out}"
    );
    for policy in ["denylist", "read-only", "validate"] {
        assert!(out.contains(&format!("  {policy}")), "{out}");
    }
    assert!(out.contains("verdict    deny (by read-only)"), "{out}");
}

#[test]
fn check_reads_stdin_and_prints_json() {
    let (code, out, err) = run(
        &["policy", "check", "--json"],
        "# a comment\naws ec2 describe-instances --instance-ids i-1 i-2\n\naws configure set region x\naws s3 ls | sh\n",
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["verdict"]["decision"], "allow");
    assert_eq!(
        lines[0]["request"]["parameters"]["InstanceIds"],
        serde_json::json!(["i-1", "i-2"])
    );
    assert_eq!(lines[0]["policies"].as_array().unwrap().len(), 3);
    assert_eq!(lines[1]["verdict"]["decided_by"], "denylist");
    assert_eq!(lines[2]["verdict"]["decided_by"], "parser");
    assert!(lines[2]["error"].as_str().unwrap().contains("`|`"));
}

#[test]
fn the_default_policies_pass_their_cases() {
    let folders: Vec<String> = ["validate", "denylist", "read-only"]
        .iter()
        .map(|p| repo_root().join("policies").join(p).display().to_string())
        .collect();
    let mut args = vec!["policy", "test"];
    args.extend(folders.iter().map(String::as_str));
    let (code, out, err) = run(&args, "");
    assert_eq!(code, 0, "{out}{err}");
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 30, "{last}");
}

/// The read-only classification over every operation of the command table,
/// compared with the Service Authorization Reference's access levels.
#[test]
fn classify_covers_the_table_and_agrees_with_the_reference() {
    let levels = repo_root().join("policies/read-only/data/iam-access-levels.txt");
    let levels = levels.to_str().unwrap();
    let (code, out, err) = run(
        &[
            "policy",
            "classify",
            "--json",
            "--iam-levels",
            levels,
            "--min-mapped",
            "94",
        ],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let operations = report["operations"].as_u64().unwrap();
    let mapped = report["mapped"].as_u64().unwrap();
    assert!(operations > 19_000, "{operations}");
    assert_eq!(report["unclassified"], 0);
    assert_eq!(
        report["reads"].as_u64().unwrap() + report["writes"].as_u64().unwrap(),
        operations
    );
    assert_eq!(
        report["agree"].as_u64().unwrap() + report["disagree"].as_u64().unwrap(),
        mapped
    );
    println!(
        "{mapped} of {operations} operations mapped to a listed IAM action ({:.2}%), {} by the fallback",
        100.0 * mapped as f64 / operations as f64,
        report["fallback"]
    );
    // The only disagreements are the documented exceptions: operations that
    // hand out credentials or secrets are writes although IAM calls them
    // reads.
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, report["disagree"].as_u64().unwrap());
    for row in rows {
        assert_eq!(row["disagrees"], true, "{row}");
        assert_eq!(row["access"], "write", "{row}");
        assert_eq!(row["basis"], "it hands out credentials or secrets", "{row}");
    }
    assert!(
        rows.iter()
            .any(|r| r["command"] == "aws secretsmanager get-secret-value")
    );
    // The check fails when too little maps.
    let (code, _, err) = run(
        &[
            "policy",
            "classify",
            "--iam-levels",
            levels,
            "--min-mapped",
            "99.9",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("at least 99.9% expected"), "{err}");
}

#[test]
fn a_failing_case_fails_the_run_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wrong.toml");
    std::fs::write(
        &file,
        r#"
[[case]]
name = "s3 ls is allowed"
command = "aws s3 ls"
expect = "allow"

[[case]]
name = "wrongly expects a deny"
command = "aws s3 ls"
expect = "deny"
"#,
    )
    .unwrap();
    let (code, out, _) = run(&["policy", "test", file.to_str().unwrap()], "");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL"), "{out}");
    assert!(
        out.contains("expected deny, got allow by no policy"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("1 passed, 1 failed"), "{out}");
    let (_, json, _) = run(
        &[
            "policy",
            "test",
            "--format",
            "json",
            "--filter",
            "wrongly",
            file.to_str().unwrap(),
        ],
        "",
    );
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(first["passed"], false);
    assert!(json.trim_end().ends_with("0 passed, 1 failed"), "{json}");
}

#[test]
fn export_writes_the_defaults_and_they_load_from_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("policies");
    let (code, out, err) = run(&["policy", "export", target.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("read-only.wasm"), "{out}");
    let (code, _, err) = run(&["policy", "export", target.to_str().unwrap()], "");
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    let (code, out, _) = run(
        &["policy", "list", "--policies-dir", target.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains(&target.join("validate.wasm").display().to_string()),
        "{out}"
    );
}

#[test]
fn swapping_a_policy_file_changes_the_verdict_without_rebuilding() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = run(&["policy", "export", dir.path().to_str().unwrap()], "");
    assert_eq!(code, 0);
    let folder = dir.path().to_str().unwrap();
    let line = "aws iam create-user --user-name bob";
    let (_, before, _) = run(
        &[
            "policy",
            "check",
            "--read-only",
            "--policies-dir",
            folder,
            line,
        ],
        "",
    );
    assert!(
        before.contains("verdict    deny (by read-only)"),
        "{before}"
    );
    std::fs::copy(guests::DECIDES, dir.path().join("read-only.wasm")).unwrap();
    let (_, after, _) = run(
        &[
            "policy",
            "check",
            "--read-only",
            "--policies-dir",
            folder,
            line,
        ],
        "",
    );
    assert!(after.contains("  decides"), "{after}");
    assert!(!after.contains("  read-only"), "{after}");
    assert!(
        after.contains("verdict   allow: no policy objected"),
        "{after}"
    );
}

#[test]
fn a_bad_policies_folder_stops_with_a_clear_message() {
    let dir = policies_dir(&[guests::FUTURE_VERSION]);
    let (code, _, err) = run(
        &[
            "policy",
            "check",
            "--policies-dir",
            dir.path().to_str().unwrap(),
            "aws s3 ls",
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.starts_with("error: policy `"), "{err}");
    assert!(err.contains("targets policy interface 0.3.0"), "{err}");
}

#[test]
fn download_model_refuses_a_file_that_is_not_the_pinned_one() {
    // A mirror on loopback that answers every file with bytes of the right
    // length for the model graph but the wrong content.
    let mirror = RecordingEndpoint::scripted(vec![Reply::Answer {
        status: 200,
        content_type: "application/octet-stream",
        headers: Vec::new(),
        body: vec![0u8; 724_923],
    }]);
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("bge-m3");
    let (code, out, err) = run(
        &[
            "suggest",
            "download-model",
            "--model-dir",
            folder.to_str().unwrap(),
            "--base-url",
            &format!("{}/mirror/", mirror.url),
        ],
        "",
    );
    assert_ne!(code, 0, "{out}{err}");
    assert!(out.contains("downloading BAAI/bge-m3"), "{out}");
    assert!(err.contains("model.onnx is pinned at f8425123"), "{err}");
    assert!(err.contains("nothing was kept"), "{err}");
    let asked = mirror.received();
    assert_eq!(asked.len(), 1, "it stops at the first bad file");
    assert!(
        asked[0]
            .head
            .starts_with("GET /mirror/onnx/model.onnx HTTP/1.1"),
        "{}",
        asked[0].head
    );
    // Nothing the server would load was written.
    let left: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}
