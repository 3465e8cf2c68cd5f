//! Load: 1,000 `call_aws` calls in flight at once over one stdio session,
//! a mix of commands that run (against a loopback endpoint standing in for
//! AWS), commands the policies deny and commands that do not parse. Every
//! call must get its own, correct answer, and exactly the commands that
//! may run must reach the endpoint. (Throughput and latency against moto
//! are in `cargo bench -p aws-api-mcp --bench exec`.)

use std::collections::BTreeMap;

use aws_api_mcp_tests::RecordingEndpoint;
use serde_json::json;

use crate::session::Session;

const USERS: &str = r#"<ListUsersResponse><ListUsersResult><IsTruncated>false</IsTruncated><Users><member><Path>/</Path><UserName>alice</UserName><UserId>AIDA</UserId><Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></member></Users></ListUsersResult></ListUsersResponse>"#;

/// What call `i` sends and the status its answer must have.
fn call(i: u64) -> (String, &'static str) {
    match i % 4 {
        0 | 1 => (
            format!("aws iam list-users --path-prefix /p{i}/"),
            "succeeded",
        ),
        2 => ("aws configure list".to_owned(), "denied"),
        _ => (format!("aws iam list-userz --n {i}"), "invalid"),
    }
}

#[test]
fn a_thousand_calls_in_flight_each_get_their_answer() {
    const CALLS: u64 = 1_000;
    let endpoint = RecordingEndpoint::start(200, USERS);
    let mut session = Session::start(&[("AWS_ENDPOINT_URL", endpoint.url.as_str())]);
    for i in 0..CALLS {
        let (command, _) = call(i);
        session.send(
            json!({"jsonrpc": "2.0", "id": 10_000 + i, "method": "tools/call",
            "params": {"name": "call_aws", "arguments": {"cli_command": command}}}),
        );
    }
    let mut answers = BTreeMap::new();
    while answers.len() < CALLS as usize {
        let message = session.next_message();
        let Some(id) = message["id"].as_u64() else {
            continue;
        };
        let result = message["result"]["structuredContent"]["results"][0].clone();
        assert!(
            answers.insert(id - 10_000, result).is_none(),
            "two answers to {id}"
        );
    }
    for (i, result) in answers {
        let (command, status) = call(i);
        assert_eq!(result["status"], status, "call {i}: {result}");
        assert_eq!(
            result["command"],
            command.as_str(),
            "call {i} got another's answer"
        );
        if status == "succeeded" {
            assert_eq!(
                result["output"]["Users"][0]["UserName"], "alice",
                "{result}"
            );
        }
    }
    // Exactly the calls that may run reached the endpoint, each with its
    // own parameters.
    let received = endpoint.received();
    assert_eq!(received.len(), CALLS as usize / 2);
    let mut prefixes: Vec<u64> = received
        .iter()
        .filter_map(|r| {
            let at = r.body.find("PathPrefix=%2Fp")? + "PathPrefix=%2Fp".len();
            r.body[at..].split('%').next()?.parse().ok()
        })
        .collect();
    prefixes.sort_unstable();
    let expected: Vec<u64> = (0..CALLS).filter(|i| i % 4 < 2).collect();
    assert_eq!(prefixes, expected);
}
