//! The parser against the real AWS CLI v1 on the example commands the CLI
//! ships. `.ci/run` prepares the CLI's answers (`tests/awscli/`); run with
//! `cargo test -p aws-api-mcp-tests --test all differential -- --ignored`
//! and `AWS_API_MCP_DIFFERENTIAL=<folder>` holding `expected.jsonl` (from
//! `cli_parse.py`, run in `<folder>/workdir`).
//!
//! Compared: whether each command is accepted, and for commands both accept
//! that map to one API operation, the parameters the API receives (as the
//! CLI hands them to botocore, numbers compared as numbers). The figures and
//! every disagreement go to `<folder>/report.txt`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use aws_api_mcp::command::{ParseContext, ParseError};
use aws_api_mcp::config::FileAccessMode;
use serde_json::Value;

use crate::support::parser;

/// Numbers as floats, so that `1` and `1.0` agree.
fn normalize(value: &Value) -> Value {
    match value {
        Value::Number(n) => n
            .as_f64()
            .map(|f| serde_json::json!(f))
            .unwrap_or(Value::Null),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), normalize(v))).collect())
        }
        other => other.clone(),
    }
}

#[test]
#[ignore = "needs the AWS CLI's answers, which .ci/run prepares"]
fn differential_against_the_aws_cli() {
    let dir = PathBuf::from(
        std::env::var("AWS_API_MCP_DIFFERENTIAL")
            .expect("AWS_API_MCP_DIFFERENTIAL names the folder .ci/run prepared"),
    );
    let workdir = dir.join("workdir");
    let context = ParseContext {
        working_dir: &workdir,
        file_access: FileAccessMode::Workdir,
    };
    let expected = std::fs::read_to_string(dir.join("expected.jsonl")).unwrap();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut report = String::new();
    let mut accept_disagree = Vec::new();
    let mut param_disagree = Vec::new();
    for line in expected.lines() {
        let cli: Value = serde_json::from_str(line).unwrap();
        let command = cli["command"].as_str().unwrap();
        let kind = cli["kind"].as_str().unwrap_or("");
        let cli_ok = cli["ok"].as_bool().unwrap_or(false);
        if !cli_ok && !matches!(kind, "usage" | "rejected" | "no-call") {
            *counts
                .entry("excluded (the CLI would fetch a URL, or failed itself)")
                .or_default() += 1;
            continue;
        }
        let cli_accepts = cli_ok || kind == "no-call";
        *counts.entry("compared").or_default() += 1;
        let ours = parser().parse(command, &context);
        let on_purpose = match &ours {
            Err(e @ ParseError::Split(_)) => Some(e.to_string()),
            Err(e @ ParseError::BadPath { path, .. }) if path == "-" => Some(e.to_string()),
            _ => None,
        };
        if cli_accepts && let Some(e) = on_purpose {
            // `<`, `$VAR`, `|` outside quotes would be redirected or expanded
            // by a shell, and `-` names a terminal the server does not have:
            // the server refuses these on purpose.
            *counts
                .entry("refused on purpose: shell syntax, `-` for a terminal (not in the rate)")
                .or_default() += 1;
            *counts.entry("compared").or_default() -= 1;
            accept_disagree.push(format!("{command}\n    refused on purpose: {e}"));
            continue;
        }
        if cli_accepts != ours.is_ok() {
            let why = match &ours {
                Ok(_) => format!(
                    "the CLI refuses: {}",
                    cli["error"]
                        .as_str()
                        .unwrap_or("")
                        .lines()
                        .last()
                        .unwrap_or("")
                ),
                Err(e) => format!("we refuse: {e}"),
            };
            accept_disagree.push(format!("{command}\n    {why}"));
            continue;
        }
        *counts.entry("accept/reject agree").or_default() += 1;
        let (Ok(parsed), true) = (&ours, cli_ok) else {
            continue;
        };
        let Some(operation) = &parsed.api_operation else {
            *counts
                .entry("accepted, a CLI command of its own (parameters not compared)")
                .or_default() += 1;
            continue;
        };
        if cli["operation"].as_str() != Some(operation.as_str()) {
            *counts
                .entry(
                    "accepted, the CLI's first call is another operation (parameters not compared)",
                )
                .or_default() += 1;
            continue;
        }
        *counts.entry("parameters compared").or_default() += 1;
        let theirs = cli.get("cli_params").unwrap_or(&cli["params"]);
        let mine: serde_json::Map<String, Value> = parsed
            .parameters
            .iter()
            .map(|p| (p.api_name.clone(), p.value.clone()))
            .collect();
        if normalize(theirs) == normalize(&Value::Object(mine.clone())) {
            *counts.entry("parameters agree").or_default() += 1;
        } else {
            param_disagree.push(format!(
                "{command}\n    CLI: {theirs}\n    us:  {}",
                Value::Object(mine)
            ));
        }
    }
    let compared = counts.get("compared").copied().unwrap_or(0);
    let agree = counts.get("accept/reject agree").copied().unwrap_or(0);
    let params = counts.get("parameters compared").copied().unwrap_or(0);
    let params_agree = counts.get("parameters agree").copied().unwrap_or(0);
    let accept_rate = agree as f64 / compared.max(1) as f64 * 100.0;
    let param_rate = params_agree as f64 / params.max(1) as f64 * 100.0;
    for (what, n) in &counts {
        writeln!(report, "{n:>6}  {what}").unwrap();
    }
    writeln!(
        report,
        "accept/reject agreement: {accept_rate:.2}% of {compared}"
    )
    .unwrap();
    writeln!(report, "parameter agreement: {param_rate:.2}% of {params}").unwrap();
    writeln!(
        report,
        "\n== accept/reject disagreements ({})",
        accept_disagree.len()
    )
    .unwrap();
    for d in &accept_disagree {
        writeln!(report, "{d}").unwrap();
    }
    writeln!(
        report,
        "\n== parameter disagreements ({})",
        param_disagree.len()
    )
    .unwrap();
    for d in &param_disagree {
        writeln!(report, "{d}").unwrap();
    }
    std::fs::write(dir.join("report.txt"), &report).unwrap();
    println!(
        "{}",
        report
            .lines()
            .take(counts.len() + 2)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(compared >= 2000, "only {compared} commands compared");
    assert!(
        accept_rate >= 99.0,
        "accept/reject agreement {accept_rate:.2}% is under 99%: see {}",
        dir.join("report.txt").display()
    );
    assert!(
        param_rate >= 98.0,
        "parameter agreement {param_rate:.2}% is under 98%: see {}",
        dir.join("report.txt").display()
    );
}
