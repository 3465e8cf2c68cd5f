//! The retrieval behind `suggest_aws_commands`: given a request in plain
//! words, the AWS CLI commands most likely to do it.
//!
//! The documents (one per CLI command: API operations, the CLI's own
//! commands and waiters) come from the host's command table, which knows
//! every service; this crate only ranks them, so it stays independent of how
//! the table is stored. [`lexical`] is the default retriever: BM25 over
//! weighted fields with AWS-aware tokenization ([`text`]), synonyms
//! ([`synonyms`]) and spelling correction ([`spelling`]); it needs no model
//! and is built from the documents in well under a second.

pub mod cli_docs;
#[cfg(feature = "dense")]
pub mod dense;
pub mod eval;
pub mod fusion;
pub mod lexical;
pub mod spelling;
pub mod synonyms;
pub mod text;

use serde::{Deserialize, Serialize};

/// One CLI command, as the retrievers see it and as a suggestion shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// `aws ec2 describe-instances`, `aws ec2 wait instance-running`.
    pub command: String,
    /// The CLI service name (`ec2`, `s3api`, `s3`).
    pub service: String,
    /// The service's full name (`Amazon Elastic Compute Cloud`).
    pub service_name: String,
    /// What the command does, in a sentence or a paragraph.
    pub description: String,
    /// Every option the command takes.
    pub parameters: Vec<Parameter>,
    /// Plain-words titles and summaries of the AWS CLI's examples for the
    /// command ("To describe an instance").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
    /// The model marks the operation deprecated: ranked lower.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

/// One option of a command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// `--instance-ids`, or the positional's name without dashes.
    pub name: String,
    /// `string`, `list`, `structure`, `boolean`, `integer`, ...
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    /// A sentence at most.
    pub description: String,
}

/// A ranked document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index into the documents the retriever was built from.
    pub doc: usize,
    /// The retriever's score (higher is better; not comparable across
    /// retrievers).
    pub score: f32,
    /// How much of the request the document covers, 0 to 1.
    pub confidence: f32,
}
