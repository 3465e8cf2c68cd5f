//! Policies that misbehave under load, through the real server: a policy
//! that loops forever, allocates without end, recurses without end,
//! answers with a megabyte of text or panics on every command but
//! `ec2 describe-instances`, with many calls in flight at once. Each
//! affected command must be denied (fail closed) with the reason, the calls
//! the policies leave alone must run meanwhile, and the server's memory
//! must stay bounded by the sandbox's limits rather than grow with load.

use std::collections::BTreeMap;

use aws_api_mcp_tests::{RecordingEndpoint, guests, policies_dir};
use serde_json::json;

use crate::session::Session;

const INSTANCES: &str = "<DescribeInstancesResponse><requestId>r</requestId><reservationSet/></DescribeInstancesResponse>";

/// Peak resident memory of process `pid`, in bytes.
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .unwrap();
    line.trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .unwrap()
        * 1024
}

/// Runs `CALLS` calls in flight at once on a server whose only policy is
/// `guest`, and checks the answers and the server's peak memory.
fn under_load(guest: &str, failure: &[&str]) {
    const CALLS: u64 = 200;
    let dir = policies_dir(&[guest]);
    let endpoint = RecordingEndpoint::start(200, INSTANCES);
    let policies = dir.path().to_str().unwrap();
    let mut session = Session::start(&[
        ("AWS_ENDPOINT_URL", endpoint.url.as_str()),
        ("AWS_API_MCP_POLICIES_DIR", policies),
    ]);
    let pid = session.child.id();
    let command = |i: u64| {
        if i.is_multiple_of(2) {
            "aws ec2 describe-instances"
        } else {
            "aws ec2 describe-vpcs"
        }
    };
    for i in 0..CALLS {
        session.send(
            json!({"jsonrpc": "2.0", "id": 100 + i, "method": "tools/call",
            "params": {"name": "call_aws", "arguments": {"cli_command": command(i)}}}),
        );
    }
    let mut answers = BTreeMap::new();
    while answers.len() < CALLS as usize {
        let message = session.next_message();
        let Some(id) = message["id"].as_u64() else {
            continue;
        };
        answers.insert(
            id - 100,
            message["result"]["structuredContent"]["results"][0].clone(),
        );
    }
    for (i, result) in &answers {
        if i.is_multiple_of(2) {
            assert_eq!(result["status"], "succeeded", "{guest}: {result}");
        } else {
            assert_eq!(result["status"], "denied", "{guest}: {result}");
            let reason = result["reason"].as_str().unwrap_or_default();
            assert!(
                failure.iter().any(|f| reason.contains(f)),
                "{guest}: the denial names the failure ({failure:?}): {reason}"
            );
            assert!(
                reason.len() < 4096,
                "{guest}: a bounded reason: {} bytes",
                reason.len()
            );
        }
    }
    assert_eq!(
        endpoint.count(),
        CALLS as usize / 2,
        "{guest}: only the allowed calls ran"
    );
    // Instances of at most 64 MiB, eight at once, and each service model
    // decoded once however many calls need it at the same moment: memory
    // stays within a bound that does not grow with the number of calls.
    let peak = peak_memory(pid);
    assert!(
        peak < 1 << 30,
        "{guest}: the server peaked at {} MiB",
        peak >> 20
    );
    // And it still answers.
    let r = session.call_aws(9_999, json!("aws ec2 describe-instances"));
    assert_eq!(r["structuredContent"]["results"][0]["status"], "succeeded");
}

#[test]
fn a_policy_that_loops_forever_under_load() {
    under_load(guests::LOOPING, &["fuel"]);
}

#[test]
fn a_policy_that_allocates_without_end_under_load() {
    under_load(guests::MEMORY_BOMB, &["memory"]);
}

#[test]
fn a_policy_that_recurses_without_end_under_load() {
    under_load(guests::RECURSION, &["stack"]);
}

#[test]
fn a_policy_that_answers_a_megabyte_under_load() {
    under_load(guests::OVERSIZED, &["long", "large", "bytes"]);
}

#[test]
fn a_policy_that_panics_under_load() {
    under_load(guests::PANICS, &["panic"]);
}
