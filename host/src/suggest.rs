//! `suggest_aws_commands`: the documents of every CLI command, from the
//! command table this host parses with, ranked by the `suggest-index`
//! retrievers.
//!
//! The documents are built from the models at hand (built-in or
//! `AWS_API_MCP_MODELS_DIR`), so a service added by newer models is
//! suggested as soon as it can be parsed, with no index to rebuild for the
//! default lexical retriever.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use suggest_index::cli_docs::CliDocs;
use suggest_index::dense::{self, DenseError, DenseIndex, Embedder};
use suggest_index::eval::{self, Request, Scores};
use suggest_index::lexical::{Lexical, Weights};
use suggest_index::{Document, Hit, Parameter, fusion};

use crate::command::{Parser, arguments};
use crate::model::{CliArg, CliCommand, ModelError, Operation, Service, ShapeType, first_sentence};

/// At most this many characters of a description.
const DESCRIPTION_CHARS: usize = 600;

/// Why suggestions are not available.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error(transparent)]
    Models(#[from] ModelError),
    #[error("the built-in AWS CLI documentation does not parse: {0}")]
    CliDocs(#[from] serde_json::Error),
    #[error("the embedding model: {0}")]
    Dense(#[from] DenseError),
}

pub mod download;

/// The variable that names the embedding model's folder.
pub const MODEL_DIR_VAR: &str = "AWS_API_MCP_EMBEDDING_MODEL_DIR";

/// Where the embedding model is: `AWS_API_MCP_EMBEDDING_MODEL_DIR`, else
/// `<data dir>/aws-api-mcp/embedding-model` when it exists.
pub fn model_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(MODEL_DIR_VAR).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    default_model_dir().filter(|d| d.join(suggest_index::dense::SPEC_FILE).is_file())
}

/// The folder in the data directory the server looks in when
/// `AWS_API_MCP_EMBEDDING_MODEL_DIR` is not set.
pub fn default_model_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("aws-api-mcp").join("embedding-model"))
}

/// Which ranking answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Retriever {
    /// BM25 with AWS-aware words: always there, no model.
    Lexical,
    /// The embedding model's nearest neighbours.
    Dense,
    /// Both, fused by reciprocal rank.
    Hybrid,
}

/// One suggestion, as `suggest_aws_commands` returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub command: String,
    pub description: String,
    pub service_name: String,
    /// How much of the request the command covers (lexical), or how close
    /// it is in meaning (dense), 0 to 1.
    pub confidence: f32,
    pub parameters: Vec<Parameter>,
}

/// The embedding model and the index of the documents' vectors.
#[derive(Debug)]
struct Dense {
    embedder: Embedder,
    index: DenseIndex,
}

/// The suggestion engine: documents, their lexical index and, when a model
/// is installed, their vectors.
#[derive(Debug)]
pub struct Suggester {
    docs: Vec<Document>,
    lexical: Lexical,
    dense: Option<Dense>,
    /// The command table the documents come from.
    table: String,
    /// How long building took.
    pub build_time: Duration,
}

/// How many candidates each retriever gives the fusion.
const FUSION_DEPTH: usize = 50;
/// The dense list's weight in the fusion, next to the lexical list's 1:
/// chosen on the tuning half of the evaluation set with the small test
/// model, which ranks worse alone than BM25 does.
const DENSE_WEIGHT: f32 = 0.5;

impl Suggester {
    /// Builds the documents from `parser`'s command table and indexes them.
    pub fn build(parser: &Parser) -> Result<Self, SuggestError> {
        Self::with_weights(parser, Weights::default())
    }

    /// [`Suggester::build`] with other lexical weights, for tuning.
    pub fn with_weights(parser: &Parser, weights: Weights) -> Result<Self, SuggestError> {
        let start = Instant::now();
        let docs = documents(parser)?;
        let lexical = Lexical::with_weights(&docs, weights);
        let index = parser.models().index();
        Ok(Self {
            docs,
            lexical,
            dense: None,
            table: format!(
                "botocore {} with awscli {}",
                index.botocore_version, index.awscli_version
            ),
            build_time: start.elapsed(),
        })
    }

    /// Adds the dense retriever: the model of `dir` and its index there.
    pub fn load_dense(&mut self, dir: &Path) -> Result<(), SuggestError> {
        let embedder = Embedder::load(dir, &dense::runtime_path(dir), false)?;
        let index = DenseIndex::load(dir, embedder.spec(), &self.docs, &self.table)?;
        self.dense = Some(Dense { embedder, index });
        Ok(())
    }

    /// Embeds every document with the model of `dir` and writes the index
    /// there; `progress` hears how many are done.
    pub fn build_dense(
        &mut self,
        dir: &Path,
        progress: impl FnMut(usize),
    ) -> Result<(), SuggestError> {
        let embedder = Embedder::load(dir, &dense::runtime_path(dir), true)?;
        let index = DenseIndex::build(&embedder, &self.docs, &self.table, progress)?;
        index.save(dir)?;
        self.dense = Some(Dense { embedder, index });
        Ok(())
    }

    /// The documents, in index order.
    pub fn documents(&self) -> &[Document] {
        &self.docs
    }

    /// The best retriever available: hybrid with a model, else lexical.
    pub fn default_retriever(&self) -> Retriever {
        if self.dense.is_some() {
            Retriever::Hybrid
        } else {
            Retriever::Lexical
        }
    }

    /// The `k` most likely commands for `query`, best first, by the best
    /// retriever available, and which one answered.
    pub fn suggest(&self, query: &str, k: usize) -> (Retriever, Vec<Suggestion>) {
        let retriever = self.default_retriever();
        match self.suggest_with(query, k, retriever) {
            Ok(found) => (retriever, found),
            // Lexical search cannot fail; a dense failure falls back to it.
            Err(e) => {
                tracing::warn!(error = %e, "the embedding model failed; answering with BM25 alone");
                let hits = self.lexical.search(query, k);
                (Retriever::Lexical, self.to_suggestions(&hits))
            }
        }
    }

    /// The `k` most likely commands for `query` by one retriever.
    pub fn suggest_with(
        &self,
        query: &str,
        k: usize,
        retriever: Retriever,
    ) -> Result<Vec<Suggestion>, SuggestError> {
        let hits = match (retriever, &self.dense) {
            (Retriever::Lexical, _) => self.lexical.search(query, k),
            (Retriever::Dense, Some(dense)) => dense_hits(dense, query, k)?,
            (Retriever::Hybrid, Some(dense)) => {
                let lexical = self.lexical.search(query, FUSION_DEPTH);
                let dense = dense_hits(dense, query, FUSION_DEPTH)?;
                fusion::reciprocal_rank(&[(&lexical, 1.0), (&dense, DENSE_WEIGHT)], k)
            }
            (_, None) => {
                return Err(SuggestError::Dense(DenseError::Runtime(
                    "no embedding model is loaded".into(),
                )));
            }
        };
        Ok(self.to_suggestions(&hits))
    }

    fn to_suggestions(&self, hits: &[Hit]) -> Vec<Suggestion> {
        hits.iter()
            .map(|hit| {
                let doc = &self.docs[hit.doc];
                Suggestion {
                    command: doc.command.clone(),
                    description: doc.description.clone(),
                    service_name: doc.service_name.clone(),
                    confidence: (hit.confidence * 100.0).round() / 100.0,
                    parameters: doc.parameters.clone(),
                }
            })
            .collect()
    }
}

fn dense_hits(dense: &Dense, query: &str, k: usize) -> Result<Vec<Hit>, SuggestError> {
    let vector = dense.embedder.embed(&[query], true)?;
    let Some(vector) = vector.first() else {
        return Ok(Vec::new());
    };
    Ok(dense.index.search(vector, k)?)
}

/// How [`evaluate`] splits a set and what it calls a miss.
#[derive(Debug, Clone, Copy)]
pub struct EvalOptions {
    /// A tuning request is a miss when its command ranks this low or lower
    /// (5: not in the top five; 1: not first).
    pub miss_rank: usize,
    /// Every request is for tuning: a set written only to be read while
    /// tuning, with no half held out.
    pub all_tuning: bool,
}

/// What an evaluation of one retriever found.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// Every request.
    pub all: Scores,
    /// The odd-numbered requests: the half whose misses were read while
    /// tuning the retrievers.
    pub tuning: Scores,
    /// The even-numbered requests: never looked at, so their figure is the
    /// honest one.
    pub held_out: Scores,
    /// Tuning-half requests whose command was not in the top five, with
    /// what came first.
    pub misses: Vec<String>,
}

/// Runs every request of an evaluation set through one retriever.
pub fn evaluate(
    suggester: &Suggester,
    set: &[Request],
    retriever: Retriever,
    options: EvalOptions,
) -> Result<Evaluation, SuggestError> {
    let mut report = Evaluation::default();
    for (i, request) in set.iter().enumerate() {
        let found = suggester.suggest_with(&request.request, 10, retriever)?;
        let ranked: Vec<&str> = found.iter().map(|s| s.command.as_str()).collect();
        let rank = eval::rank_of(request, &ranked);
        report.all.add(rank);
        let tuning = options.all_tuning || i % 2 == 0;
        if tuning {
            report.tuning.add(rank);
        } else {
            report.held_out.add(rank);
        }
        if tuning && rank.is_none_or(|r| r >= options.miss_rank) {
            report.misses.push(format!(
                "{:?} wants {} (rank {}), got {}",
                request.request,
                request.accepted[0],
                rank.map_or("-".to_owned(), |r| (r + 1).to_string()),
                ranked
                    .iter()
                    .take(3)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
    }
    Ok(report)
}

/// One document per command the CLI offers: every API operation it shows,
/// every waiter, and every command the CLI implements itself.
pub fn documents(parser: &Parser) -> Result<Vec<Document>, SuggestError> {
    let cli = CliDocs::embedded()?;
    let mut docs = Vec::new();
    let mut full_names = std::collections::HashMap::new();
    for entry in &parser.models().index().services {
        full_names.insert(entry.cli_name.clone(), entry.full_name.clone());
        let Some(service) = parser.models().service_once(&entry.cli_name) else {
            continue;
        };
        let service = service?;
        for operation in service.operations.iter().filter(|o| !o.hidden) {
            docs.push(operation_document(&service, operation, &cli));
        }
        for waiter in &service.waiters {
            let key = format!("{} wait {}", service.cli_name, waiter.cli_name);
            let polled = service
                .operations
                .iter()
                .find(|o| o.name == waiter.operation);
            let description = cli
                .commands
                .get(&key)
                .map(|d| d.description.clone())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| format!("Wait until {}.", waiter.cli_name.replace('-', " ")));
            docs.push(Document {
                command: format!("aws {key}"),
                service: service.cli_name.clone(),
                service_name: service.full_name.clone(),
                description,
                parameters: polled
                    .map(|op| parameters(&service, op))
                    .unwrap_or_default(),
                examples: cli.examples.get(&key).cloned().unwrap_or_default(),
                deprecated: false,
            });
        }
    }
    for command in parser.cli_commands() {
        let service_name = full_names
            .get(&command.service)
            .cloned()
            .unwrap_or_else(|| format!("AWS CLI {}", command.service));
        push_cli_command(&mut docs, &cli, command, &[], &service_name);
    }
    Ok(docs)
}

/// The document of `aws <service> <operation>`.
fn operation_document(service: &Service, operation: &Operation, cli: &CliDocs) -> Document {
    let key = format!("{} {}", service.cli_name, operation.cli_name);
    Document {
        command: format!("aws {key}"),
        service: service.cli_name.clone(),
        service_name: service.full_name.clone(),
        description: clip(&operation.documentation),
        parameters: parameters(service, operation),
        examples: cli.examples.get(&key).cloned().unwrap_or_default(),
        deprecated: operation.deprecated,
    }
}

/// The options of an API operation, as the CLI shows them.
fn parameters(service: &Service, operation: &Operation) -> Vec<Parameter> {
    let mut out: Vec<Parameter> = arguments::table(service, operation)
        .into_iter()
        .filter(|a| !a.negative)
        .map(|a| Parameter {
            name: format!("--{}", a.cli_name),
            kind: type_name(service, a.member.shape).to_owned(),
            required: a.required,
            description: first_sentence(&a.member.documentation),
        })
        .collect();
    out.extend(
        operation
            .extra_arguments
            .iter()
            .map(|extra| cli_arg(extra, extra.required, String::new())),
    );
    out
}

/// An option the CLI adds (or a positional argument), as a parameter: a
/// flag is a boolean, anything else a string.
fn cli_arg(arg: &CliArg, required: bool, description: String) -> Parameter {
    Parameter {
        name: if arg.positional {
            arg.name.clone()
        } else {
            format!("--{}", arg.name)
        },
        kind: if arg.nargs.as_deref() == Some("0") {
            "boolean"
        } else {
            "string"
        }
        .to_owned(),
        required,
        description,
    }
}

fn type_name(service: &Service, shape: u32) -> &'static str {
    match service.shapes.get(shape as usize).map(|s| s.kind) {
        Some(ShapeType::Integer | ShapeType::Long | ShapeType::BigInteger) => "integer",
        Some(ShapeType::Float | ShapeType::Double | ShapeType::BigDecimal) => "double",
        Some(ShapeType::Boolean) => "boolean",
        Some(ShapeType::Timestamp) => "timestamp",
        Some(ShapeType::Blob) => "blob",
        Some(ShapeType::Structure) => "structure",
        Some(ShapeType::List) => "list",
        Some(ShapeType::Map) => "map",
        Some(ShapeType::String) | None => "string",
    }
}

/// Adds a CLI command and its subcommands (`configure set`). `wait` is
/// skipped: its waiters come from the models.
fn push_cli_command(
    docs: &mut Vec<Document>,
    cli: &CliDocs,
    command: &CliCommand,
    parents: &[&str],
    service_name: &str,
) {
    if command.name == "wait" && parents.is_empty() {
        return;
    }
    let mut path: Vec<&str> = vec![command.service.as_str()];
    path.extend_from_slice(parents);
    if !command.name.is_empty() {
        path.push(&command.name);
    }
    let key = path.join(" ");
    let doc = cli.commands.get(&key);
    let help = |name: &str| {
        doc.and_then(|d| d.args.get(name))
            .cloned()
            .unwrap_or_default()
    };
    // A group with subcommands is only worth suggesting through them.
    if command.subcommands.is_empty() || !command.args.is_empty() {
        docs.push(Document {
            command: format!("aws {key}"),
            service: command.service.clone(),
            service_name: service_name.to_owned(),
            description: doc.map(|d| clip(&d.description)).unwrap_or_default(),
            parameters: command
                .args
                .iter()
                .map(|a| {
                    let required = a.required || a.positional && a.nargs.is_none();
                    cli_arg(a, required, help(&a.name))
                })
                .collect(),
            examples: cli.examples.get(&key).cloned().unwrap_or_default(),
            deprecated: false,
        });
    }
    let mut sub_parents: Vec<&str> = parents.to_vec();
    if !command.name.is_empty() {
        sub_parents.push(&command.name);
    }
    for sub in &command.subcommands {
        let sub = CliCommand {
            service: command.service.clone(),
            ..sub.clone()
        };
        push_cli_command(docs, cli, &sub, &sub_parents, service_name);
    }
}

/// A description cut at a sentence end near [`DESCRIPTION_CHARS`].
fn clip(text: &str) -> String {
    if text.len() <= DESCRIPTION_CHARS {
        return text.to_owned();
    }
    let mut cut = DESCRIPTION_CHARS;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    match text[..cut].rfind(". ") {
        Some(end) if end > DESCRIPTION_CHARS / 3 => text[..=end].to_owned(),
        _ => format!("{}...", text[..cut].trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggester() -> Suggester {
        Suggester::build(&Parser::load(None).expect("built-in models")).expect("suggester")
    }

    #[test]
    fn every_kind_of_command_has_a_document() {
        let s = suggester();
        let find = |c: &str| s.documents().iter().find(|d| d.command == c);
        let run = find("aws ec2 run-instances").expect("API operation");
        assert!(run.parameters.iter().any(|p| p.name == "--image-id"));
        assert!(run.parameters.iter().any(|p| p.name == "--count"));
        assert!(!run.examples.is_empty());
        let wait = find("aws ec2 wait instance-running").expect("waiter");
        assert!(wait.description.starts_with("Wait until"));
        let cp = find("aws s3 cp").expect("CLI command");
        assert!(cp.description.starts_with("Copies"), "{}", cp.description);
        assert!(
            cp.parameters
                .iter()
                .any(|p| p.name == "--recursive" && p.kind == "boolean")
        );
        assert!(find("aws configure set").is_some());
        assert!(s.documents().len() > 15_000, "{}", s.documents().len());
        let mut names: Vec<&str> = s.documents().iter().map(|d| d.command.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "a command is indexed twice");
    }

    #[test]
    fn common_requests_rank_the_right_command_first() {
        let s = suggester();
        for (query, expected) in [
            ("describe ec2 instances", "aws ec2 describe-instances"),
            ("copy a file to an s3 bucket", "aws s3 cp"),
            ("create a dynamodb table", "aws dynamodb create-table"),
        ] {
            let (retriever, got) = s.suggest(query, 5);
            assert_eq!(retriever, Retriever::Lexical);
            assert_eq!(got[0].command, expected, "{query}: {got:#?}");
            assert!(got[0].confidence > 0.5);
        }
    }
}
