//! The binary's command-line frame.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on any unexpected error"
)]

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_aws-api-mcp"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn help_lists_the_policy_tools() {
    let (code, out, _) = run(&["policy", "--help"]);
    assert_eq!(code, 0);
    for command in ["list", "check", "test", "export"] {
        assert!(out.contains(command), "{out}");
    }
}

#[test]
fn bad_settings_flags_say_the_expected_form() {
    let (code, _, err) = run(&["policy", "list", "--settings", "nonsense"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not STEM=FILE"), "{err}");
}

#[test]
fn a_missing_settings_file_is_named() {
    let (code, _, err) = run(&[
        "policy",
        "list",
        "--no-cache",
        "--settings",
        "denylist=/nonexistent/x.json",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read `/nonexistent/x.json`"), "{err}");
}
