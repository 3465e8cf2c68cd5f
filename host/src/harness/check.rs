//! `aws-api-mcp policy check`: each policy's decision and the verdict.

use std::io::Write;

use serde_json::{Value, json};

use super::{Outcome, judge};
use crate::command::Parser;
use crate::policy::{Access, PolicySet, RequestContext};

/// How outcomes are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON object per line, for scripts.
    Json,
}

/// Judges one line and prints the outcome.
pub fn check_line(
    out: &mut dyn Write,
    parser: &Parser,
    policies: &PolicySet,
    line: &str,
    context: &RequestContext,
    format: Format,
) -> std::io::Result<Outcome> {
    let outcome = judge(parser, policies, line, context);
    write_outcome(out, &outcome, format)?;
    Ok(outcome)
}

/// Prints an outcome.
pub fn write_outcome(
    out: &mut dyn Write,
    outcome: &Outcome,
    format: Format,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            writeln!(out, "{}", to_json(outcome))
        }
        Format::Text => {
            writeln!(out, "$ {}", outcome.command)?;
            let width = outcome
                .verdict
                .evaluations
                .iter()
                .map(|e| e.policy.len())
                .max()
                .unwrap_or(0)
                .max(7);
            for e in &outcome.verdict.evaluations {
                let reason = e.decision.reason();
                let sep = if reason.is_empty() { "" } else { ": " };
                writeln!(
                    out,
                    "  {:width$}  {}{sep}{reason}",
                    e.policy,
                    e.decision.kind()
                )?;
            }
            let by = outcome
                .verdict
                .decided_by
                .as_deref()
                .map(|p| format!(" (by {p})"))
                .unwrap_or_default();
            if let Some(class) = &outcome.verdict.classification {
                let access = match class.access {
                    Access::Read => "read",
                    Access::Write => "write",
                };
                writeln!(
                    out,
                    "  {:width$}  {access} (by {}): {}",
                    "class", class.policy, class.basis
                )?;
            }
            writeln!(
                out,
                "  {:width$}  {}{by}: {}",
                "verdict",
                outcome.verdict.decision.kind(),
                outcome.verdict.decision.reason()
            )
        }
    }
}

/// The JSON form: the request as the API receives it, every policy's
/// decision, and the verdict.
fn to_json(outcome: &Outcome) -> Value {
    let request = outcome.parsed.as_ref().map(|p| {
        json!({
            "service": p.api_service,
            "operation": p.api_operation,
            "parameters": p.api_parameters(),
        })
    });
    let error = if outcome.parsed.is_none() {
        Value::String(outcome.verdict.decision.reason().to_owned())
    } else {
        Value::Null
    };
    json!({
        "command": outcome.command,
        "parsed": outcome.parsed,
        "request": request,
        "error": error,
        "policies": outcome.verdict.evaluations,
        "verdict": {
            "decision": outcome.verdict.decision.kind(),
            "reason": outcome.verdict.decision.reason(),
            "decided_by": outcome.verdict.decided_by,
        },
        "classification": outcome.verdict.classification,
    })
}
