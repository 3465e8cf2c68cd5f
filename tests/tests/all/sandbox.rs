//! Policies that misbehave are stopped, and the command is denied with the
//! policy and the cause named (fail closed).

use std::sync::Arc;
use std::time::Duration;

use aws_api_mcp_tests::guests;

use crate::support::{check, loaded, within};

/// Loads one misbehaving guest beside a well-behaved one, judges a command
/// that sets it off, and returns the verdict's reason after checking that
/// the command was denied by that guest as a failure.
fn denied_by_failure(guest: &'static str, name: &str) -> String {
    let policies = loaded(&[guests::DECIDES, guest]);
    let outcome = within(Duration::from_secs(60), move || {
        check(&policies, "aws ec2 start-instances --instance-ids i-1")
    });
    let verdict = outcome.verdict;
    assert_eq!(verdict.decision.kind(), "deny", "{verdict:?}");
    assert_eq!(verdict.decided_by.as_deref(), Some(name));
    let evaluation = verdict
        .evaluations
        .iter()
        .find(|e| e.policy == name)
        .expect("the guest was evaluated");
    assert!(evaluation.failed, "{evaluation:?}");
    let reason = verdict.decision.reason().to_owned();
    assert!(
        reason.starts_with(&format!("policy `{name}` failed: ")),
        "{reason}"
    );
    reason
}

#[test]
fn an_infinite_loop_runs_out_of_fuel() {
    let reason = denied_by_failure(guests::LOOPING, "looping");
    assert!(reason.contains("ran out of fuel"), "{reason}");
}

#[test]
fn a_memory_bomb_hits_the_memory_limit() {
    let reason = denied_by_failure(guests::MEMORY_BOMB, "memory-bomb");
    assert!(reason.contains("more than 64 MiB of memory"), "{reason}");
}

#[test]
fn a_panic_is_a_trap_with_its_message() {
    let reason = denied_by_failure(guests::PANICS, "panics");
    assert!(reason.contains("trapped"), "{reason}");
    assert!(
        reason.contains("boom: the policy gave up on start-instances"),
        "{reason}"
    );
}

#[test]
fn endless_recursion_overflows_the_stack() {
    let reason = denied_by_failure(guests::RECURSION, "recursion");
    assert!(reason.contains("overflowed its stack"), "{reason}");
}

#[test]
fn sleeping_is_refused_at_once() {
    let start = std::time::Instant::now();
    let reason = denied_by_failure(guests::SLEEPER, "sleeper");
    assert!(reason.contains("may not sleep"), "{reason}");
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn an_oversized_reason_is_refused() {
    let reason = denied_by_failure(guests::OVERSIZED, "oversized");
    assert!(reason.contains("1048576-byte reason"), "{reason}");
}

#[test]
fn a_policy_sees_no_files_network_environment_or_time() {
    let policies = loaded(&[guests::PROBE]);
    let outcome = check(&policies, "aws s3 cp s3://bucket/a.txt ./a.txt");
    let reason = outcome.verdict.decision.reason().to_owned();
    assert_eq!(outcome.verdict.decision.kind(), "allow", "{reason}");
    for seen in [
        "env=0 ",
        "args=0 ",
        "root=Err(",
        "passwd=Err(",
        "write=Err(",
        "wall_ms=0 ",
        "stdin=Ok(0)",
        "settings=\"\"",
    ] {
        assert!(reason.contains(seen), "expected `{seen}` in {reason}");
    }
    // What it needs comes in the request instead.
    assert!(!reason.contains("time=0 "), "{reason}");
    assert!(reason.contains("files=[\"destination="), "{reason}");
}

#[test]
fn a_failed_instance_is_replaced_and_healthy_ones_are_reused() {
    let policies = loaded(&[guests::STATEFUL]);
    let reason = |line: &str| check(&policies, line).verdict.decision.reason().to_owned();
    assert_eq!(reason("aws s3 ls"), "seen=1");
    assert_eq!(reason("aws s3 ls"), "seen=2");
    assert!(reason("aws ec2 reboot-instances --instance-ids i-1").contains("asked to crash"));
    assert_eq!(reason("aws s3 ls"), "seen=1");
}

#[test]
fn misbehaving_policies_do_not_stop_other_calls() {
    let policies = Arc::new(loaded(&[guests::LOOPING, guests::DECIDES]));
    let verdicts = within(Duration::from_secs(120), move || {
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let policies = Arc::clone(&policies);
                std::thread::spawn(move || {
                    let line = if i % 2 == 0 {
                        "aws ec2 describe-instances"
                    } else {
                        "aws ec2 terminate-instances --instance-ids i-1"
                    };
                    check(&policies, line).verdict
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("no panic"))
            .collect::<Vec<_>>()
    });
    for (i, verdict) in verdicts.iter().enumerate() {
        if i % 2 == 0 {
            assert_eq!(verdict.decision.kind(), "allow", "{verdict:?}");
        } else {
            // The looping policy comes first by file name and fails; the
            // deny from `decides` would have denied anyway.
            assert_eq!(verdict.decision.kind(), "deny");
        }
    }
}
