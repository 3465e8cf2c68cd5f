//! The endpoint rule-set interpreter against botocore's own engine, on the
//! same rule sets (the host's models) and partitions: every service in a
//! spread of regions with FIPS and dual-stack on and off, custom endpoints,
//! and S3's buckets, path style, acceleration and access points. `.ci/run`
//! provides the AWS CLI's venv; run with `AWS_API_MCP_DIFFERENTIAL=<folder>`
//! and `-- --ignored`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use aws_api_mcp::endpoint::{self, EndpointError};
use serde_json::{Map, Value, json};

use crate::support::parser;

const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "eu-central-1",
    "ap-southeast-2",
    "cn-north-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "eusc-de-east-1",
];

/// The cases for one rule set: only the parameters it declares.
fn cases(rules: &Value) -> Vec<Map<String, Value>> {
    let declared = rules["parameters"].as_object().cloned().unwrap_or_default();
    let has = |name: &str| declared.contains_key(name);
    let mut out = Vec::new();
    let mut push = |pairs: Vec<(&str, Value)>| {
        let case: Map<String, Value> = pairs
            .into_iter()
            .filter(|(k, _)| has(k))
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        out.push(case);
    };
    for region in REGIONS {
        for (fips, dual) in [(false, false), (true, false), (false, true), (true, true)] {
            push(vec![
                ("Region", json!(region)),
                ("UseFIPS", json!(fips)),
                ("UseDualStack", json!(dual)),
            ]);
        }
        push(vec![
            ("Region", json!(region)),
            ("Endpoint", json!("https://example.com/base")),
        ]);
    }
    push(vec![
        ("Region", json!("us-east-1")),
        ("Endpoint", json!("http://127.0.0.1:4566")),
    ]);
    push(vec![("Region", json!("not a region!"))]);
    push(vec![]);
    if has("Bucket") {
        for region in ["us-east-1", "eu-west-1", "cn-north-1"] {
            for bucket in [
                "my-bucket",
                "my.bucket",
                "MyBucket",
                "ab",
                "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap",
                "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/my-olap",
                "arn:aws:s3:::not-an-access-point",
                "my-bucket--use1-az4--x-s3",
            ] {
                push(vec![("Region", json!(region)), ("Bucket", json!(bucket))]);
                push(vec![
                    ("Region", json!(region)),
                    ("Bucket", json!(bucket)),
                    ("ForcePathStyle", json!(true)),
                ]);
                push(vec![
                    ("Region", json!(region)),
                    ("Bucket", json!(bucket)),
                    ("Accelerate", json!(true)),
                    ("UseDualStack", json!(true)),
                ]);
                push(vec![
                    ("Region", json!(region)),
                    ("Bucket", json!(bucket)),
                    ("Endpoint", json!("http://127.0.0.1:9000")),
                ]);
            }
        }
        push(vec![
            ("Region", json!("us-east-1")),
            ("Bucket", json!("my-bucket")),
            ("UseGlobalEndpoint", json!(true)),
        ]);
    }
    if has("AccountId") {
        for region in ["us-east-1", "us-gov-west-1"] {
            push(vec![
                ("Region", json!(region)),
                ("AccountId", json!("123456789012")),
                ("RequiresAccountId", json!(true)),
            ]);
            push(vec![
                ("Region", json!(region)),
                ("AccountId", json!("not-an-account")),
                ("RequiresAccountId", json!(true)),
            ]);
        }
    }
    if has("UseGlobalEndpoint") {
        push(vec![
            ("Region", json!("us-west-2")),
            ("UseGlobalEndpoint", json!(true)),
        ]);
    }
    out
}

#[test]
#[ignore = "needs the AWS CLI's venv (botocore), which .ci/run prepares"]
fn endpoint_rules_resolve_as_botocore_resolves_them() {
    let dir = PathBuf::from(
        std::env::var("AWS_API_MCP_DIFFERENTIAL")
            .expect("AWS_API_MCP_DIFFERENTIAL names the prepared folder"),
    );
    let models = parser().models();
    let mut rules = Map::new();
    let mut all: Vec<(String, Value, Map<String, Value>)> = Vec::new();
    for entry in &models.index().services {
        let service = models.service(&entry.cli_name).unwrap().unwrap();
        let Some(text) = service.endpoint_rules.as_deref() else {
            continue;
        };
        let set: Value = serde_json::from_str(text).unwrap();
        for case in cases(&set) {
            all.push((service.api_name.clone(), set.clone(), case));
        }
        rules.insert(service.api_name.clone(), set);
    }
    let rules_file = dir.join("endpoint-rules.json");
    std::fs::write(&rules_file, serde_json::to_vec(&rules).unwrap()).unwrap();
    let partitions_file = dir.join("partitions.json");
    std::fs::write(&partitions_file, endpoint::PARTITIONS).unwrap();
    let script = aws_api_mcp_tests::repo_root().join("tests/awscli/endpoints.py");
    let mut child = Command::new(dir.join("venv/bin/python"))
        .args([
            script.as_os_str(),
            rules_file.as_os_str(),
            partitions_file.as_os_str(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = String::new();
    for (service, _, case) in &all {
        input.push_str(&json!({"service": service, "params": case}).to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success(), "endpoints.py failed");
    let answers: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), all.len());
    let mut differ = Vec::new();
    let (mut endpoints, mut errors) = (0, 0);
    for ((service, set, case), expected) in all.iter().zip(&answers) {
        let params: BTreeMap<String, Value> = case.clone().into_iter().collect();
        let ours = endpoint::resolve(set, &params);
        let agree = match (&ours, expected.get("error")) {
            (Ok(e), None) => {
                endpoints += 1;
                json!({"url": e.url, "properties": e.properties, "headers": e.headers}) == *expected
            }
            (Err(EndpointError::Rule(message)), Some(Value::String(theirs))) => {
                errors += 1;
                message == theirs
            }
            (Err(EndpointError::Parameter(_)), Some(Value::String(theirs))) => {
                errors += 1;
                theirs.starts_with("Cannot find value for required parameter")
                    || theirs.contains("is the wrong type")
            }
            (Err(EndpointError::Type(_)), Some(Value::String(theirs))) => {
                errors += 1;
                theirs.starts_with("Both values must be") || theirs.starts_with("Input must be")
            }
            (Err(EndpointError::NoMatch(_)), Some(Value::String(theirs))) => {
                errors += 1;
                theirs == "no endpoint found"
            }
            _ => false,
        };
        if !agree {
            differ.push(format!(
                "{service} {case:?}: ours {ours:?}, botocore {expected}"
            ));
        }
    }
    println!(
        "endpoints: {} cases over {} services: {endpoints} endpoints and {errors} errors agree, {} differ",
        all.len(),
        rules.len(),
        differ.len()
    );
    assert!(
        differ.is_empty(),
        "{} of {} cases differ:\n{}",
        differ.len(),
        all.len(),
        differ
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
