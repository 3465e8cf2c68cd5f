//! Turns a parsed command and the server's context into the request every
//! policy receives.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::bindings::types as wit;
use crate::command::{FileAccess, GlobalOptions, ParsedCommand, ShapeKind};
use crate::config::FileAccessMode;

/// The server's settings and session, as policies see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default, deny_unknown_fields)]
pub struct RequestContext {
    /// Only reads may run.
    pub read_only: bool,
    /// Writes need the user's consent.
    pub require_consent: bool,
    /// The working directory, absolute.
    pub working_dir: PathBuf,
    /// Where local files may be.
    pub file_access: FileAccessMode,
    /// Whether the client can ask the user for consent.
    pub can_ask_consent: bool,
    /// The region used when the command names none.
    pub default_region: Option<String>,
    /// The server's profile.
    pub default_profile: Option<String>,
    /// The MCP client's name.
    pub client_name: Option<String>,
    /// The request's time; now when not set.
    pub unix_time_ms: Option<u64>,
}

impl Default for RequestContext {
    fn default() -> Self {
        RequestContext {
            read_only: false,
            require_consent: false,
            working_dir: PathBuf::from("/"),
            file_access: FileAccessMode::Workdir,
            can_ask_consent: true,
            default_region: None,
            default_profile: None,
            client_name: None,
            unix_time_ms: None,
        }
    }
}

/// The request for `command`, written as `line`.
pub fn build(line: &str, command: &ParsedCommand, context: &RequestContext) -> wit::Request {
    let working_dir = context
        .working_dir
        .canonicalize()
        .unwrap_or_else(|_| context.working_dir.clone());
    wit::Request {
        command_line: line.to_owned(),
        command: wit::Command {
            cli_service: command.cli_service.clone(),
            cli_operation: command.cli_operation.clone(),
            cli_subcommand: command.cli_subcommand.clone(),
            api_service: command.api_service.clone(),
            api_operation: command.api_operation.clone(),
            is_customization: command.is_customization,
            parameters: command
                .parameters
                .iter()
                .map(|p| wit::Parameter {
                    cli_name: p.cli_name.clone(),
                    api_name: p.api_name.clone(),
                    value_json: p.value.to_string(),
                    shape: shape(p.shape),
                })
                .collect(),
        },
        global: global(&command.global),
        files: command
            .files
            .iter()
            .map(|f| wit::LocalFile {
                parameter: f.parameter.clone(),
                written: f.written.clone(),
                absolute: f.absolute.display().to_string(),
                resolved: f.resolved.display().to_string(),
                access: match f.access {
                    FileAccess::Read => wit::FileAccess::Read,
                    FileAccess::Write => wit::FileAccess::Write,
                },
                exists: f.exists,
            })
            .collect(),
        facts: command.facts.as_ref().map(|f| wit::OperationFacts {
            iam_action: f.iam_action.clone(),
            http_method: Some(f.http_method.clone()),
            input: f
                .input
                .iter()
                .map(|m| wit::MemberFacts {
                    api_name: m.api_name.clone(),
                    cli_name: m.cli_name.clone(),
                    required: m.required,
                    shape: shape(m.shape),
                    enum_values: m.enum_values.clone(),
                    min: m.min,
                    max: m.max,
                    pattern: m.pattern.clone(),
                    shape_index: m.shape_index,
                })
                .collect(),
            shapes: f
                .shapes
                .iter()
                .map(|s| wit::ShapeFacts {
                    shape: shape(s.shape),
                    members: s
                        .members
                        .iter()
                        .map(|(name, index, required)| wit::ShapeMember {
                            name: name.clone(),
                            shape: *index,
                            required: *required,
                        })
                        .collect(),
                    item: s.item,
                    key: s.key,
                    enum_values: s.enum_values.clone(),
                    min: s.min,
                    max: s.max,
                    pattern: s.pattern.clone(),
                    is_union: s.union,
                    document: s.shape == ShapeKind::Document,
                })
                .collect(),
            documentation: Some(f.documentation.clone()).filter(|d| !d.is_empty()),
        }),
        context: wit::Context {
            read_only: context.read_only,
            require_consent: context.require_consent,
            working_dir: working_dir.display().to_string(),
            file_access: match context.file_access {
                FileAccessMode::Workdir => wit::FileAccessMode::Workdir,
                FileAccessMode::NoAccess => wit::FileAccessMode::NoAccess,
                FileAccessMode::Unrestricted => wit::FileAccessMode::Unrestricted,
            },
            can_ask_consent: context.can_ask_consent,
            default_region: context.default_region.clone(),
            default_profile: context.default_profile.clone(),
            client_name: context.client_name.clone(),
            unix_time_ms: context.unix_time_ms.unwrap_or_else(now_ms),
        },
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn global(g: &GlobalOptions) -> wit::GlobalOptions {
    wit::GlobalOptions {
        region: g.region.clone(),
        profile: g.profile.clone(),
        output: g.output.clone(),
        query: g.query.clone(),
        endpoint_url: g.endpoint_url.clone(),
        no_verify_ssl: g.no_verify_ssl,
        no_sign_request: g.no_sign_request,
        no_paginate: g.no_paginate,
        debug: g.debug,
        ca_bundle: g.ca_bundle.clone(),
        cli_read_timeout: g.cli_read_timeout,
        cli_connect_timeout: g.cli_connect_timeout,
        max_items: g.max_items,
        page_size: g.page_size,
        starting_token: g.starting_token.clone(),
        cli_input: g.cli_input,
        generate_cli_skeleton: g.generate_cli_skeleton,
        other: g.other.clone(),
    }
}

fn shape(kind: ShapeKind) -> wit::ShapeType {
    match kind {
        ShapeKind::String => wit::ShapeType::String,
        ShapeKind::Integer => wit::ShapeType::Integer,
        ShapeKind::Long => wit::ShapeType::Long,
        ShapeKind::Float => wit::ShapeType::Float,
        ShapeKind::Double => wit::ShapeType::Double,
        ShapeKind::Boolean => wit::ShapeType::Boolean,
        ShapeKind::Timestamp => wit::ShapeType::Timestamp,
        ShapeKind::Blob => wit::ShapeType::Blob,
        ShapeKind::Structure => wit::ShapeType::Structure,
        ShapeKind::List => wit::ShapeType::List,
        ShapeKind::Map => wit::ShapeType::Map,
        ShapeKind::Document => wit::ShapeType::Document,
        ShapeKind::Unknown => wit::ShapeType::Unknown,
    }
}
