//! `aws-api-mcp policy ...`: test policies in isolation, without an MCP
//! client or AWS. `check` shows how the policies judge commands; `test`
//! runs case files and fails on any mismatch, for a team's own CI;
//! `classify` checks the read/write classification over the whole table.

mod cases;
mod check;
mod classify;

use serde::Serialize;

pub use cases::{CaseOutcome, Summary, run_cases};
pub use check::{Format, check_line, write_outcome};
pub use classify::{Report as ClassifyReport, Row as ClassifyRow, classify_all};

use crate::command::{ParseContext, ParsedCommand, Parser};
use crate::policy::{Decision, PolicySet, RequestContext, Verdict};

/// A command and how it was judged.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The command line.
    pub command: String,
    /// The parsed command, when it parsed.
    pub parsed: Option<ParsedCommand>,
    /// The combined verdict; a command that does not parse is denied by
    /// `parser` with the parse error, and no policy sees it.
    pub verdict: Verdict,
}

/// Parses `line` and asks the policies about it.
pub fn judge(
    parser: &Parser,
    policies: &PolicySet,
    line: &str,
    context: &RequestContext,
) -> Outcome {
    let parse_context = ParseContext {
        working_dir: &context.working_dir,
        file_access: context.file_access,
    };
    match parser.parse(line, &parse_context) {
        Ok(parsed) => {
            let verdict = policies.evaluate(line, &parsed, context);
            Outcome {
                command: line.to_owned(),
                parsed: Some(parsed),
                verdict,
            }
        }
        Err(error) => Outcome {
            command: line.to_owned(),
            parsed: None,
            verdict: Verdict {
                decision: Decision::Deny(error.to_string()),
                decided_by: Some("parser".to_owned()),
                evaluations: Vec::new(),
                classification: None,
            },
        },
    }
}
