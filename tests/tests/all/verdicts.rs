//! A well-behaved policy's decisions reach the combined verdict.

use aws_api_mcp_tests::guests;

use crate::support::{check, loaded};

#[test]
fn allow_deny_and_consent_reach_the_verdict() {
    let policies = loaded(&[guests::DECIDES]);
    let verdict = |line: &str| check(&policies, line).verdict;
    let allow = verdict("aws ec2 start-instances --instance-ids i-1");
    assert_eq!(allow.decision.kind(), "allow");
    assert_eq!(allow.decision.reason(), "the operation asked to be allowed");
    assert_eq!(allow.decided_by.as_deref(), Some("decides"));
    let deny = verdict("aws ec2 terminate-instances --instance-ids i-1");
    assert_eq!(deny.decision.kind(), "deny");
    assert_eq!(deny.decided_by.as_deref(), Some("decides"));
    assert!(!deny.evaluations[0].failed);
    let consent = verdict("aws ec2 stop-instances --instance-ids i-1");
    assert_eq!(consent.decision.kind(), "needs-consent");
    assert_eq!(consent.decision.reason(), "the operation asked for consent");
    let abstain = verdict("aws ec2 describe-instances");
    assert_eq!(abstain.decision.kind(), "allow");
    assert_eq!(abstain.decided_by, None);
}

#[test]
fn deny_from_any_policy_beats_consent_from_another() {
    let policies = loaded(&[guests::DECIDES, guests::PROBE]);
    // `probe` allows everything; `decides` denies this one.
    let verdict = check(&policies, "aws ec2 terminate-instances --instance-ids i-1").verdict;
    assert_eq!(verdict.decision.kind(), "deny");
    assert_eq!(verdict.evaluations.len(), 2);
    assert_eq!(verdict.evaluations[0].policy, "decides");
    assert_eq!(verdict.evaluations[1].policy, "probe");
}

#[test]
fn a_command_that_does_not_parse_reaches_no_policy() {
    let policies = loaded(&[guests::PROBE]);
    let outcome = check(&policies, "aws s3 ls; rm -rf /");
    assert_eq!(outcome.verdict.decision.kind(), "deny");
    assert_eq!(outcome.verdict.decided_by.as_deref(), Some("parser"));
    assert!(outcome.verdict.evaluations.is_empty());
}
