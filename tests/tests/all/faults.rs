//! A faulty AWS: server errors, throttling, garbage bodies, dropped and
//! cut-off connections, stalls and an endpoint that goes away mid-call,
//! each served by a scripted loopback endpoint to the real binary over MCP.
//! Retries must behave as the standard retry mode says (transient faults
//! retried up to `AWS_MAX_ATTEMPTS`, client errors not), the answer must
//! say what went wrong, nothing may hang, and the session must go on
//! answering afterwards.

use std::time::{Duration, Instant};

use aws_api_mcp_tests::{RecordingEndpoint, Reply};
use serde_json::{Value, json};

use crate::session::Session;

const USERS: &str = r#"<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><IsTruncated>false</IsTruncated><Users><member><Path>/</Path><UserName>alice</UserName><UserId>AIDA</UserId><Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></member></Users></ListUsersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>"#;

fn query_error(code: &str) -> String {
    format!(
        "<ErrorResponse><Error><Type>Receiver</Type><Code>{code}</Code><Message>{code} happened</Message></Error><RequestId>r</RequestId></ErrorResponse>"
    )
}

/// A session whose every AWS request goes to `endpoint`, with up to
/// `attempts` attempts per request.
fn session(endpoint: &RecordingEndpoint, attempts: u32) -> Session {
    let attempts = attempts.to_string();
    Session::start(&[
        ("AWS_ENDPOINT_URL", endpoint.url.as_str()),
        ("AWS_MAX_ATTEMPTS", attempts.as_str()),
    ])
}

/// Runs `command` and gives its result, failing the test if the answer
/// takes longer than `limit`.
fn run(session: &mut Session, id: u64, command: &str, limit: Duration) -> Value {
    let started = Instant::now();
    let result = session.call_aws(id, json!(command));
    let took = started.elapsed();
    assert!(
        took < limit,
        "`{command}` took {took:?}, more than {limit:?}"
    );
    result["structuredContent"]["results"][0].clone()
}

/// The session still answers: a refused command comes back at once.
fn still_answers(session: &mut Session) {
    let r = run(session, 999, "aws configure list", Duration::from_secs(5));
    assert_eq!(r["status"], "denied", "{r}");
}

#[test]
fn a_server_error_is_retried_and_the_retry_answers() {
    let endpoint = RecordingEndpoint::scripted(vec![
        Reply::xml(500, &query_error("InternalError")),
        Reply::xml(503, &query_error("ServiceUnavailable")),
        Reply::xml(200, USERS),
    ]);
    let mut s = session(&endpoint, 3);
    let r = run(&mut s, 2, "aws iam list-users", Duration::from_secs(20));
    assert_eq!(r["status"], "succeeded", "{r}");
    assert_eq!(r["output"]["Users"][0]["UserName"], "alice", "{r}");
    assert_eq!(endpoint.count(), 3);
}

#[test]
fn persistent_server_errors_stop_at_the_attempt_limit_with_the_error() {
    let endpoint =
        RecordingEndpoint::scripted(vec![Reply::xml(500, &query_error("InternalError"))]);
    let mut s = session(&endpoint, 3);
    let r = run(&mut s, 2, "aws iam list-users", Duration::from_secs(20));
    assert_eq!(r["status"], "failed", "{r}");
    let error = r["error"].to_string();
    assert!(error.contains("InternalError"), "{error}");
    assert!(error.contains("500"), "{error}");
    assert_eq!(endpoint.count(), 3, "three attempts, no more");
    still_answers(&mut s);
}

#[test]
fn throttling_is_retried_in_every_protocol() {
    let endpoint = RecordingEndpoint::scripted(vec![
        Reply::xml(400, &query_error("Throttling")),
        Reply::xml(200, USERS),
    ]);
    let mut s = session(&endpoint, 3);
    let r = run(&mut s, 2, "aws iam list-users", Duration::from_secs(20));
    assert_eq!(r["status"], "succeeded", "{r}");
    assert_eq!(endpoint.count(), 2);

    let endpoint = RecordingEndpoint::scripted(vec![
        Reply::json(
            400,
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}"#,
        ),
        Reply::json(200, r#"{"TableNames":["t"]}"#),
    ]);
    let mut s = session(&endpoint, 3);
    let r = run(
        &mut s,
        2,
        "aws dynamodb list-tables",
        Duration::from_secs(20),
    );
    assert_eq!(r["status"], "succeeded", "{r}");
    assert_eq!(r["output"]["TableNames"], json!(["t"]), "{r}");
    assert_eq!(endpoint.count(), 2);
}

#[test]
fn client_errors_are_not_retried() {
    let endpoint = RecordingEndpoint::scripted(vec![Reply::xml(404, &query_error("NoSuchEntity"))]);
    let mut s = session(&endpoint, 3);
    let r = run(
        &mut s,
        2,
        "aws iam get-user --user-name bob",
        Duration::from_secs(10),
    );
    assert_eq!(r["status"], "failed", "{r}");
    assert!(r["error"].to_string().contains("NoSuchEntity"), "{r}");
    assert_eq!(endpoint.count(), 1);
}

#[test]
fn malformed_bodies_are_a_clear_error() {
    let endpoint = RecordingEndpoint::scripted(vec![Reply::xml(
        200,
        "<ListUsersResponse><ListUsersResult><Users><member><UserName>al",
    )]);
    let mut s = session(&endpoint, 1);
    let r = run(&mut s, 2, "aws iam list-users", Duration::from_secs(10));
    assert_eq!(r["status"], "failed", "{r}");
    assert!(r["error"].to_string().contains("could not be read"), "{r}");

    let endpoint = RecordingEndpoint::scripted(vec![Reply::json(200, r#"{"TableNames": ["t", "#)]);
    let mut s = session(&endpoint, 1);
    let r = run(
        &mut s,
        2,
        "aws dynamodb list-tables",
        Duration::from_secs(10),
    );
    assert_eq!(r["status"], "failed", "{r}");
    assert!(r["error"].to_string().contains("could not be read"), "{r}");

    // An error answer that is not XML still fails with its status.
    let endpoint = RecordingEndpoint::scripted(vec![Reply::xml(403, "<html>gateway says no")]);
    let mut s = session(&endpoint, 1);
    let r = run(&mut s, 2, "aws iam list-users", Duration::from_secs(10));
    assert_eq!(r["status"], "failed", "{r}");
    assert!(r["error"].to_string().contains("403"), "{r}");
    still_answers(&mut s);
}

#[test]
fn dropped_connections_are_retried() {
    let endpoint = RecordingEndpoint::scripted(vec![Reply::Close, Reply::xml(200, USERS)]);
    let mut s = session(&endpoint, 3);
    let r = run(&mut s, 2, "aws iam list-users", Duration::from_secs(20));
    assert_eq!(r["status"], "succeeded", "{r}");
    assert_eq!(endpoint.count(), 2);
}

#[test]
fn a_body_cut_off_is_retried_then_reported() {
    let endpoint = RecordingEndpoint::scripted(vec![Reply::CutBody {
        declared: 4096,
        sent: USERS.as_bytes()[..40].to_vec(),
    }]);
    let mut s = session(&endpoint, 2);
    let r = run(&mut s, 2, "aws iam list-users", Duration::from_secs(20));
    assert_eq!(r["status"], "failed", "{r}");
    let error = r["error"].to_string();
    assert!(
        error.contains("cut off") || error.contains("connection"),
        "{error}"
    );
    assert_eq!(endpoint.count(), 2);
    still_answers(&mut s);
}

#[test]
fn a_stalled_endpoint_times_out_and_the_session_answers_meanwhile() {
    let endpoint = RecordingEndpoint::scripted(vec![Reply::After(
        Duration::from_secs(30),
        Box::new(Reply::xml(200, USERS)),
    )]);
    let mut s = session(&endpoint, 1);
    // Another call made while the stalled one waits is answered first.
    s.send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "call_aws", "arguments": {"cli_command": "aws iam list-users --cli-connect-timeout 1 --cli-read-timeout 2"}}}));
    still_answers(&mut s);
    let started = Instant::now();
    let r = loop {
        let message = s.next_message();
        if message["id"] == json!(2) {
            break message["result"]["structuredContent"]["results"][0].clone();
        }
    };
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the timeout did not stop it"
    );
    assert_eq!(r["status"], "failed", "{r}");
    assert!(
        r["error"].to_string().contains("did not answer within"),
        "{r}"
    );
}

#[test]
fn an_endpoint_that_goes_away_mid_call_is_a_clear_error() {
    let endpoint = RecordingEndpoint::scripted(vec![Reply::Stop]);
    let mut s = session(&endpoint, 3);
    let r = run(&mut s, 2, "aws iam list-users", Duration::from_secs(20));
    assert_eq!(r["status"], "failed", "{r}");
    let error = r["error"].to_string();
    assert!(
        error.contains("could not connect") || error.contains("connection"),
        "{error}"
    );
    assert_eq!(endpoint.count(), 1, "later attempts find nobody listening");
    still_answers(&mut s);
}
