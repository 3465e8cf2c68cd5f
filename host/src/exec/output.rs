//! What the CLI prints: `--query` (JMESPath) over the response, then the
//! `--output` format. The formatters are ports of awscli 1.46.3's
//! `formatter.py`, `text.py` and `table.py`, checked against the CLI's own
//! classes on fixtures (`host/tests/output_formats.rs`). AWS CLI v1 has no
//! `yaml` output; asking for it is the CLI's own error.

pub(crate) mod json;
pub(crate) mod py;
mod table;
mod text;
mod unicode_tables;

use std::fmt;

use serde_json::Value;

pub use json::json;
pub use table::{table, table_styled};
pub use text::text;

use super::ExecError;
use crate::command::GlobalOptions;

/// The width the table formatter assumes when stdout is not a terminal,
/// as the CLI's `determine_terminal_width(default_width=80)`.
pub const DEFAULT_TABLE_WIDTH: usize = 80;

/// The values `--output` accepts in v1 (`awscli/data/cli.json`).
pub const OUTPUT_CHOICES: [&str; 3] = ["json", "text", "table"];

/// A formatter that raised instead of finishing (the CLI exits 255);
/// `stdout` holds what was already written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Output written before the failure.
    pub stdout: String,
    /// `str(exception)`, as the CLI prints it.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FormatError {}

/// Evaluates the JMESPath `expression` over `data`.
pub fn search(expression: &str, data: &Value) -> Result<Value, ExecError> {
    let query = super::query::Query::compile(expression).map_err(|e| {
        ExecError::Query(format!(
            "`{expression}` is not a valid JMESPath expression: {e}"
        ))
    })?;
    query
        .search(data)
        .map_err(|e| ExecError::Query(format!("`{expression}` failed: {e}")))
}

/// Applies `--query` to `value` and formats it as `--output` asks (json by
/// default). `title` is the operation name the table shows.
pub fn render(value: &Value, global: &GlobalOptions, title: &str) -> Result<String, ExecError> {
    let value = match &global.query {
        Some(q) => search(q, value)?,
        None => value.clone(),
    };
    let output = global.output.as_deref().unwrap_or("json");
    let result = match output {
        "json" => Ok(json(&value)),
        "text" => text(&value),
        "table" => table(title, &value, DEFAULT_TABLE_WIDTH),
        other => {
            return Err(ExecError::Unsupported(format!(
                "`--output {other}` is not an output of the AWS CLI v1; use json, text or table"
            )));
        }
    };
    result
        .map_err(|e| ExecError::Output(format!("the {output} output cannot show this result: {e}")))
}

/// Paginated text output, as the CLI prints it: each page on its own (the
/// first with the non-aggregate keys), `--query` applied to each, then the
/// resume token as `{"NextToken": {"NextToken": token}}`.
pub fn render_text_pages(
    pages: &[Value],
    next_token: Option<&str>,
    global: &GlobalOptions,
) -> Result<String, ExecError> {
    let mut out = String::new();
    let mut pieces: Vec<Value> = pages.to_vec();
    if let Some(token) = next_token {
        pieces.push(serde_json::json!({ "NextToken": { "NextToken": token } }));
    }
    for page in &pieces {
        let value = match &global.query {
            Some(q) => search(q, page)?,
            None => page.clone(),
        };
        match text(&value) {
            Ok(t) => out.push_str(&t),
            Err(e) => {
                return Err(ExecError::Output(format!(
                    "the text output cannot show this result: {e}"
                )));
            }
        }
    }
    Ok(out)
}
