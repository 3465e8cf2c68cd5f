//! AWS CLI command lines: splitting like a shell (without one), parsing
//! against the command table as the AWS CLI does, and the local files a
//! command touches.

pub mod arguments;
mod check;
mod cli_options;
mod files;
mod parse;
mod shorthand;
mod split;
mod suggest;

use std::path::PathBuf;

use serde::Serialize;

pub use files::{FileReader, Loaded, allowed as file_allowed, resolve_path};
pub use parse::{ParseContext, Parser};
pub use shorthand::{ShorthandError, adjust as adjust_shorthand, parse as parse_shorthand};
pub use split::{Word, split};
pub use suggest::closest;

/// A command that parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedCommand {
    /// The CLI's service name (`s3api`, `ec2`, `s3`).
    pub cli_service: String,
    /// The CLI's command name (`list-objects-v2`, `cp`, `wait`).
    pub cli_operation: String,
    /// For `wait`, the waiter (`instance-running`).
    pub cli_subcommand: Option<String>,
    /// The API service as the models name it, when known.
    pub api_service: Option<String>,
    /// The API operation (`ListObjectsV2`), when known.
    pub api_operation: Option<String>,
    /// Whether the CLI implements the command itself.
    pub is_customization: bool,
    /// The parameters, in the order given.
    pub parameters: Vec<Parameter>,
    /// Words that are not options or their values (`s3 cp`'s paths).
    pub positionals: Vec<String>,
    /// The global options.
    pub global: GlobalOptions,
    /// The local files the command reads or writes.
    pub files: Vec<LocalFile>,
    /// What the service model says about the operation, for API commands.
    #[serde(skip)]
    pub facts: Option<OperationFacts>,
}

impl ParsedCommand {
    /// Whether the option `--name` is given and not `false`.
    pub fn flag(&self, name: &str) -> bool {
        self.parameters
            .iter()
            .any(|p| p.cli_name == name && p.value != serde_json::Value::Bool(false))
    }

    /// The value of the option `--name` as text: a string as given, any
    /// other value as JSON (`5432`).
    pub fn option_text(&self, name: &str) -> Option<String> {
        self.parameters
            .iter()
            .find(|p| p.cli_name == name)
            .map(|p| match &p.value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
    }

    /// The values of the option `--name` (one that takes several words):
    /// empty when it is not given. One value that is a JSON list (as a
    /// `file://` value often is) is that list, as the CLI reads options
    /// whose schema is an array; items that are not strings come as JSON.
    pub fn option_list(&self, name: &str) -> Vec<String> {
        let words: Vec<String> = match self.parameters.iter().find(|p| p.cli_name == name) {
            Some(p) => match &p.value {
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect(),
                serde_json::Value::String(s) => vec![s.clone()],
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        if let [one] = words.as_slice()
            && one.trim_start().starts_with('[')
            && let Ok(serde_json::Value::Array(items)) = serde_json::from_str(one)
        {
            return items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
        }
        words
    }

    /// The local file the option `--parameter` names, as recorded.
    pub fn file(&self, parameter: &str) -> Option<&LocalFile> {
        self.files.iter().find(|f| f.parameter == parameter)
    }

    /// The parameters as the API receives them: API member name → value.
    pub fn api_parameters(&self) -> serde_json::Map<String, serde_json::Value> {
        self.parameters
            .iter()
            .map(|p| (p.api_name.clone(), p.value.clone()))
            .collect()
    }
}

/// What the service model says about an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationFacts {
    /// The IAM action it is authorized as (`s3:ListBucket`), when known.
    pub iam_action: Option<String>,
    /// `GET`, `POST`, ...
    pub http_method: String,
    /// The first paragraph of its documentation.
    pub documentation: String,
    /// The input shape's members, as the CLI names them.
    pub input: Vec<MemberFacts>,
    /// The shapes reachable from the members the command sets.
    pub shapes: Vec<ShapeFacts>,
}

/// One shape below the top-level members; shapes refer to each other by
/// index into [`OperationFacts::shapes`].
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeFacts {
    pub shape: ShapeKind,
    /// A structure's members: (API name, shape index, required).
    pub members: Vec<(String, u32, bool)>,
    /// A list's item, or a map's value.
    pub item: Option<u32>,
    /// A map's key.
    pub key: Option<u32>,
    pub enum_values: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub pattern: Option<String>,
    pub union: bool,
}

/// One input member.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberFacts {
    pub api_name: String,
    pub cli_name: String,
    pub required: bool,
    pub shape: ShapeKind,
    pub enum_values: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub pattern: Option<String>,
    /// The member's shape in [`OperationFacts::shapes`], for members the
    /// command sets.
    pub shape_index: Option<u32>,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    /// The option without dashes (`instance-ids`).
    pub cli_name: String,
    /// The member in the API's input shape (`InstanceIds`).
    pub api_name: String,
    /// The value as the API receives it.
    pub value: serde_json::Value,
    /// The value's type in the model.
    pub shape: ShapeKind,
}

/// A value's type in the service model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShapeKind {
    String,
    Integer,
    Long,
    Float,
    Double,
    Boolean,
    Timestamp,
    Blob,
    Structure,
    List,
    Map,
    Document,
    /// Not found in the model.
    Unknown,
}

/// The AWS CLI's global options (see `wit/policy.wit` for each).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GlobalOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub output: Option<String>,
    pub query: Option<String>,
    pub endpoint_url: Option<String>,
    pub no_verify_ssl: bool,
    pub no_sign_request: bool,
    pub no_paginate: bool,
    pub debug: bool,
    pub ca_bundle: Option<String>,
    pub cli_read_timeout: Option<u32>,
    pub cli_connect_timeout: Option<u32>,
    pub max_items: Option<u32>,
    pub page_size: Option<u32>,
    pub starting_token: Option<String>,
    pub cli_input: bool,
    pub generate_cli_skeleton: bool,
    /// Other global options, by name, with their value if any.
    pub other: Vec<(String, Option<String>)>,
}

/// Whether a command reads or writes a local file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileAccess {
    Read,
    Write,
}

/// A local file a command touches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalFile {
    /// The parameter that names it.
    pub parameter: String,
    /// The path as written, without `file://`.
    pub written: String,
    /// Absolute, normalized lexically.
    pub absolute: PathBuf,
    /// With symbolic links followed as the operating system would; the path
    /// to check and to open.
    pub resolved: PathBuf,
    /// Read or write.
    pub access: FileAccess,
    /// Whether it exists now.
    pub exists: bool,
}

/// A command line a shell would not treat as one plain command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct SplitError {
    /// The character offset of the problem.
    pub position: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl SplitError {
    fn new(position: usize, message: impl Into<String>) -> Self {
        SplitError {
            position,
            message: message.into(),
        }
    }
}

/// Why a command line was refused before any policy saw it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("{0}")]
    Split(#[from] SplitError),
    #[error("the command is empty: write one AWS CLI command, such as `aws s3 ls`")]
    Empty,
    #[error("the command must start with `aws`, not `{0}`")]
    NotAws(String),
    #[error(
        "only one AWS CLI command is accepted, and a second `aws` appears at character {0}; send separate commands (`call_aws` takes a list)"
    )]
    SecondAws(usize),
    #[error("the command names no service: write `aws <service> <operation>`, such as `aws s3 ls`")]
    MissingService,
    #[error("`aws {0}` names no operation: write `aws {0} <operation>`")]
    MissingOperation(String),
    #[error("`aws {0} wait` names no waiter: write `aws {0} wait <waiter>`")]
    MissingWaiter(String),
    #[error("`--{0}` needs a value")]
    MissingValue(String),
    #[error("`--{option}` is `{value}`; expected {expected}")]
    BadValue {
        option: String,
        value: String,
        expected: String,
    },
    #[error("`{0}` is not an option: options start with `--`")]
    BadOption(String),
    #[error(
        "`--version` prints the AWS CLI's version and runs no command; send an AWS command instead"
    )]
    Version,
    #[error(
        "`--generate-cli-skeleton` is not supported by this server (the CLI prints an input template and calls nothing); `suggest_aws_commands` lists the command's parameters"
    )]
    GenerateSkeleton,
    #[error(
        "`{0}` asks for help text, which this server does not print; describe what you need to `suggest_aws_commands` instead"
    )]
    Help(String),
    #[error("local path `{path}` cannot be used: {reason}")]
    BadPath { path: String, reason: String },
    #[error("`{service}` is not an AWS CLI service{}", did_you_mean(suggestions))]
    UnknownService {
        service: String,
        suggestions: Vec<String>,
    },
    #[error(
        "`aws {service} {operation}` is not a command{}",
        did_you_mean(suggestions)
    )]
    UnknownOperation {
        service: String,
        operation: String,
        suggestions: Vec<String>,
    },
    #[error(
        "`{waiter}` is not a waiter of `aws {service} wait`{}",
        did_you_mean(suggestions)
    )]
    UnknownWaiter {
        service: String,
        waiter: String,
        suggestions: Vec<String>,
    },
    #[error(
        "`--{parameter}` is not a parameter of `{command}`{}",
        did_you_mean(suggestions)
    )]
    UnknownParameter {
        parameter: String,
        command: String,
        suggestions: Vec<String>,
    },
    #[error("`{command}` is missing required parameters: {}", missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "))]
    MissingRequired {
        command: String,
        missing: Vec<String>,
    },
    #[error("`{command}` needs its `{argument}` argument")]
    MissingPositional { argument: String, command: String },
    #[error(
        "`{0}` writes its output to a file: add the file name after the parameters, such as `out.bin`"
    )]
    MissingOutfile(String),
    #[error(
        "unexpected `{word}` after `{after}`: a parameter takes one value unless it is a list; quote values that contain spaces"
    )]
    UnexpectedWord { word: String, after: String },
    #[error("`--{option}` works only with commands that page, and `{command}` does not")]
    NotPaginated { option: String, command: String },
    #[error(
        "`--{option}` is not valid shorthand: {message}; write `Key=Value,Key2=Value2`, or JSON"
    )]
    Shorthand { option: String, message: String },
    #[error(
        "`--{parameter}` names `{path}`, which resolves to `{resolved}` and cannot be read: {rule}"
    )]
    FileAccess {
        parameter: String,
        path: String,
        resolved: String,
        rule: String,
    },
    #[error("the command table cannot be read: {0}")]
    Model(String),
    #[error("`{command}` cannot be sent as written: {}", problems.join("; "))]
    Invalid {
        command: String,
        problems: Vec<String>,
    },
}

fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean `{one}`?"),
        many => format!(
            "; did you mean one of {}?",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
