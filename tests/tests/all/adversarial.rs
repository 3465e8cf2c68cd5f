//! The adversarial corpus (`tests/adversarial/cases.toml`): `call_aws`
//! inputs a prompt-injected model might send, each of which must never
//! execute. Every case goes to the real server over MCP, with every AWS
//! endpoint pointed at a loopback endpoint that counts requests, in a
//! working directory with links that lead out of it and a home folder
//! outside it. A case passes when the call is a tool error whose result
//! neither succeeded nor executed, says what was wrong (the case's `error`
//! words when it gives them), and not one request reached the endpoint.
//! `python3 tests/adversarial/check_corpus.py` runs the same corpus through
//! `aws-api-mcp call`, one command at a time, for working on the corpus.

use std::path::Path;

use aws_api_mcp_tests::{RecordingEndpoint, repo_root};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::session::Session;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    command: String,
    reason: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    error: Option<String>,
    /// Appended `repeat` times to `command` (overlong inputs).
    #[serde(default)]
    tail: Option<String>,
    #[serde(default)]
    repeat: Option<usize>,
    /// Only for the Python checker, which cannot send these through argv.
    #[serde(default)]
    #[allow(dead_code, reason = "read so that the file's keys are checked")]
    mcp_only: bool,
}

impl Case {
    fn line(&self) -> String {
        let mut line = self.command.clone();
        if let (Some(tail), Some(n)) = (&self.tail, self.repeat) {
            line.push_str(&tail.repeat(n));
        }
        line
    }
}

/// The working directory `W` (with `escape.json -> ../outside/secret.json`
/// and `outdir -> ../outside`), `outside/` and `home/` next to it.
fn fixture(base: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let work = base.join("W");
    let outside = base.join("outside");
    let home = base.join("home");
    for dir in [&work, &outside, &home, &work.join("sub")] {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(work.join("ok.json"), "{}").unwrap();
    std::fs::write(outside.join("secret.json"), "{}").unwrap();
    std::fs::write(outside.join("secret.txt"), "top secret\n").unwrap();
    std::fs::write(home.join("secret.json"), "{}").unwrap();
    std::os::unix::fs::symlink("../outside/secret.json", work.join("escape.json")).unwrap();
    std::os::unix::fs::symlink("../outside", work.join("outdir")).unwrap();
    // Templates inside W whose artifacts lead out of it
    // (`cloudformation package` must refuse them before uploading).
    for (name, text) in [
        (
            "leaky.yaml",
            "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: ../outside/secret.txt\n",
        ),
        (
            "leaky-link.yaml",
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: outdir\n",
        ),
        (
            "leaky-zip.yaml",
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: code\n",
        ),
        (
            "leaky-include.yaml",
            "Resources: {}\nOutputs:\n  Fn::Transform:\n    Name: AWS::Include\n    Parameters:\n      Location: ../outside/secret.txt\n",
        ),
        (
            "leaky-nested.yaml",
            "Resources:\n  N:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: /etc/passwd\n",
        ),
    ] {
        std::fs::write(work.join(name), text).unwrap();
    }
    std::fs::create_dir_all(work.join("code")).unwrap();
    std::fs::write(work.join("code").join("index.py"), "x = 1\n").unwrap();
    std::fs::write(work.join("code").join("appspec.yml"), "version: 0.0\n").unwrap();
    std::os::unix::fs::symlink(
        "../../outside/secret.txt",
        work.join("code").join("leak.txt"),
    )
    .unwrap();
    (work, home)
}

/// What is wrong with the answer to `case`, if anything.
fn problems(case: &Case, answer: &Value, sent: usize) -> Vec<String> {
    let mut problems = Vec::new();
    if sent > 0 {
        problems.push(format!("{sent} request(s) reached the endpoint"));
    }
    let text = answer.to_string();
    let result = &answer["result"];
    if answer.get("error").is_none() {
        if result["isError"] != json!(true) {
            problems.push("the tool result is not an error".to_owned());
        }
        for item in result["structuredContent"]["results"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if item["status"] == "succeeded" || item["executed"] == json!(true) {
                problems.push(format!(
                    "status {}, executed {}",
                    item["status"], item["executed"]
                ));
            }
        }
        let words: String = result["content"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["text"].as_str())
            .collect();
        if words.trim().is_empty() {
            problems.push("no error text".to_owned());
        }
    }
    if let Some(want) = &case.error
        && !text.to_lowercase().contains(&want.to_lowercase())
    {
        problems.push(format!("the error does not say {want:?}"));
    }
    problems
}

#[test]
fn no_adversarial_input_executes() {
    let path = repo_root().join("tests/adversarial/cases.toml");
    let corpus: Corpus = toml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        corpus.case.len() >= 300,
        "the corpus has {} cases",
        corpus.case.len()
    );
    let base = tempfile::tempdir().unwrap();
    let (work, home) = fixture(base.path());
    let endpoint = RecordingEndpoint::start(200, "<ok/>");
    let start = |read_only: bool| {
        let mut env = vec![
            ("AWS_ENDPOINT_URL", endpoint.url.as_str()),
            ("AWS_API_MCP_WORKING_DIR", work.to_str().unwrap()),
            ("HOME", home.to_str().unwrap()),
        ];
        if read_only {
            env.push(("READ_OPERATIONS_ONLY", "true"));
        }
        Session::start(&env)
    };
    let mut normal = start(false);
    let mut read_only = start(true);
    let mut failures = Vec::new();
    for (i, case) in corpus.case.iter().enumerate() {
        assert!(!case.reason.trim().is_empty(), "case {i} gives no reason");
        let session = match case.mode.as_deref() {
            None | Some("normal") => &mut normal,
            Some("read-only") => &mut read_only,
            Some(other) => panic!("case {i}: unknown mode {other:?}"),
        };
        let before = endpoint.count();
        let answer = session.request(
            1_000 + i as u64,
            "tools/call",
            json!({"name": "call_aws", "arguments": {"cli_command": case.line()}}),
        );
        let found = problems(case, &answer, endpoint.count() - before);
        if !found.is_empty() {
            let mut command = case.command.clone();
            command.truncate(200);
            failures.push(format!(
                "case {i} `{command}` ({}): {}\n    answer: {:.400}",
                case.reason,
                found.join("; "),
                answer.to_string()
            ));
        }
    }
    assert_eq!(endpoint.count(), 0, "requests reached the endpoint");
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        corpus.case.len(),
        failures.join("\n")
    );
    // Nothing outside the working directory was touched.
    let outside = base.path().join("outside");
    let mut names: Vec<_> = std::fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["secret.json", "secret.txt"]);
}

/// Keys of a recursive download are names chosen by whoever wrote the
/// bucket: one that passes through a link in the working directory must not
/// be written through it (the parser checked only the destination folder).
#[test]
fn recursive_downloads_do_not_write_through_links() {
    const LISTING: &str = r#"<ListBucketResult><Name>b</Name><KeyCount>3</KeyCount><IsTruncated>false</IsTruncated><Contents><Key>escape.json</Key><Size>6</Size><LastModified>2020-01-01T00:00:00.000Z</LastModified></Contents><Contents><Key>outdir/pwned.txt</Key><Size>6</Size><LastModified>2020-01-01T00:00:00.000Z</LastModified></Contents><Contents><Key>sub/fine.txt</Key><Size>6</Size><LastModified>2020-01-01T00:00:00.000Z</LastModified></Contents></ListBucketResult>"#;
    let base = tempfile::tempdir().unwrap();
    let (work, home) = fixture(base.path());
    for command in ["aws s3 cp s3://b/ . --recursive", "aws s3 sync s3://b/ ."] {
        let endpoint = RecordingEndpoint::scripted(vec![
            aws_api_mcp_tests::Reply::xml(200, LISTING),
            aws_api_mcp_tests::Reply::xml(200, "pwned!"),
        ]);
        let mut session = Session::start(&[
            ("AWS_ENDPOINT_URL", endpoint.url.as_str()),
            ("AWS_API_MCP_WORKING_DIR", work.to_str().unwrap()),
            ("HOME", home.to_str().unwrap()),
        ]);
        let answer = session.call_aws(2, json!(command));
        let text = answer.to_string();
        assert!(text.contains("symbolic link"), "{command}: {text}");
        assert_eq!(
            std::fs::read_to_string(base.path().join("outside/secret.json")).unwrap(),
            "{}",
            "{command} wrote through escape.json"
        );
        assert!(
            !base.path().join("outside/pwned.txt").exists(),
            "{command} wrote through outdir/"
        );
        // The key with no link on its way was downloaded.
        assert_eq!(
            std::fs::read_to_string(work.join("sub/fine.txt")).unwrap(),
            "pwned!"
        );
        std::fs::remove_file(work.join("sub/fine.txt")).unwrap();
    }
}
