//! The command table against the AWS CLI's own: every API command the CLI
//! offers exists here under the same name for the same operation, with
//! every option the CLI offers for its input members. Run by `.ci/run` with
//! `AWS_API_MCP_DIFFERENTIAL=<folder>` holding `cli-table.jsonl` from
//! `tests/awscli/dump_cli.py`.
//!
//! Services and operations the CLI knows and the newer botocore models no
//! longer have are counted and listed, not failed.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use crate::support::parser;

#[test]
#[ignore = "needs the AWS CLI's command table, which .ci/run prepares"]
fn the_command_table_matches_the_aws_cli() {
    let dir = PathBuf::from(
        std::env::var("AWS_API_MCP_DIFFERENTIAL")
            .expect("AWS_API_MCP_DIFFERENTIAL names the folder .ci/run prepared"),
    );
    let dump = std::fs::read_to_string(dir.join("cli-table.jsonl")).unwrap();
    let (mut commands, mut options) = (0usize, 0usize);
    let mut missing_models = Vec::new();
    let mut mismatches = Vec::new();
    for line in dump.lines().skip(1) {
        let entry: Value = serde_json::from_str(line).unwrap();
        if entry["botocore"].is_null() {
            continue;
        }
        let service = entry["service"].as_str().unwrap();
        for command in entry["commands"].as_array().unwrap() {
            let (Some(name), Some(operation)) =
                (command["name"].as_str(), command["operation"].as_str())
            else {
                continue;
            };
            if command["customization"].as_bool().unwrap_or(false)
                || command["hidden"].as_bool().unwrap_or(false)
            {
                continue;
            }
            commands += 1;
            if parser().is_cli_command(service, name) {
                continue;
            }
            let Some(ours) = parser().options(service, name) else {
                let exists = parser()
                    .models()
                    .service(service)
                    .and_then(|s| s.ok())
                    .is_some_and(|s| s.operations.iter().any(|o| o.name == operation));
                if exists {
                    mismatches.push(format!(
                        "aws {service} {name}: missing or named differently"
                    ));
                } else {
                    missing_models.push(format!(
                        "aws {service} {name} ({operation}): not in the newer models"
                    ));
                }
                continue;
            };
            for arg in command["args"].as_array().unwrap() {
                let (Some(option), Some(member)) = (arg["name"].as_str(), arg["member"].as_str())
                else {
                    continue;
                };
                options += 1;
                if !ours
                    .iter()
                    .any(|(o, m)| o == option && m.as_deref() == Some(member))
                {
                    let model_has = ours.iter().any(|(_, m)| m.as_deref() == Some(member));
                    if model_has {
                        mismatches.push(format!("aws {service} {name} --{option} ({member})"));
                    } else {
                        missing_models.push(format!(
                            "aws {service} {name} --{option} ({member}): not in the newer models"
                        ));
                    }
                }
            }
        }
    }
    let mut report = format!(
        "{commands} API commands and {options} options of the AWS CLI checked: {} differ, {} are gone from the newer models\n",
        mismatches.len(),
        missing_models.len()
    );
    for line in mismatches.iter().chain(&missing_models) {
        writeln!(report, "{line}").unwrap();
    }
    std::fs::write(dir.join("cli-table-report.txt"), &report).unwrap();
    println!("{}", report.lines().next().unwrap_or_default());
    assert!(
        commands > 18_000,
        "only {commands} commands in the CLI's table"
    );
    assert!(mismatches.is_empty(), "{report}");
}
