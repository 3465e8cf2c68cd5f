//! Requests for unit tests of policy logic, without a host.

use crate::{
    Command, Context, FileAccess, FileAccessMode, GlobalOptions, LocalFile, OperationFacts,
    Parameter, Request, ShapeType,
};

/// Builds a [`Request`] the way the host would, for tests.
///
/// Starts from `aws <service> <operation>` with no parameters, no global
/// options, no files, and a context with every mode off and the working
/// directory `/work`.
#[derive(Debug, Clone)]
pub struct RequestBuilder {
    request: Request,
}

impl RequestBuilder {
    /// `aws <cli_service> <cli_operation>`.
    pub fn new(cli_service: &str, cli_operation: &str) -> Self {
        RequestBuilder {
            request: Request {
                command_line: format!("aws {cli_service} {cli_operation}"),
                command: Command {
                    cli_service: cli_service.to_owned(),
                    cli_operation: cli_operation.to_owned(),
                    cli_subcommand: None,
                    api_service: None,
                    api_operation: None,
                    is_customization: false,
                    parameters: Vec::new(),
                },
                global: GlobalOptions {
                    region: None,
                    profile: None,
                    output: None,
                    query: None,
                    endpoint_url: None,
                    no_verify_ssl: false,
                    no_sign_request: false,
                    no_paginate: false,
                    debug: false,
                    ca_bundle: None,
                    cli_read_timeout: None,
                    cli_connect_timeout: None,
                    max_items: None,
                    page_size: None,
                    starting_token: None,
                    cli_input: false,
                    generate_cli_skeleton: false,
                    other: Vec::new(),
                },
                files: Vec::new(),
                facts: None,
                context: Context {
                    read_only: false,
                    require_consent: false,
                    working_dir: "/work".to_owned(),
                    file_access: FileAccessMode::Workdir,
                    can_ask_consent: true,
                    default_region: Some("us-east-1".to_owned()),
                    default_profile: None,
                    client_name: None,
                    unix_time_ms: 0,
                },
            },
        }
    }

    /// The API service and operation the command maps to.
    pub fn api(mut self, service: &str, operation: &str) -> Self {
        self.request.command.api_service = Some(service.to_owned());
        self.request.command.api_operation = Some(operation.to_owned());
        self
    }

    /// Marks the command as one the CLI implements itself.
    pub fn customization(mut self) -> Self {
        self.request.command.is_customization = true;
        self
    }

    /// Adds a parameter with its value as JSON text.
    pub fn param(mut self, cli_name: &str, value_json: &str) -> Self {
        self.request.command.parameters.push(Parameter {
            cli_name: cli_name.to_owned(),
            api_name: cli_name.to_owned(),
            value_json: value_json.to_owned(),
            shape: ShapeType::Unknown,
        });
        self.request
            .command_line
            .push_str(&format!(" --{cli_name} {value_json}"));
        self
    }

    /// Adds a local file; `resolved` is the path with symbolic links followed.
    pub fn file(mut self, parameter: &str, resolved: &str, access: FileAccess) -> Self {
        self.request.files.push(LocalFile {
            parameter: parameter.to_owned(),
            written: resolved.to_owned(),
            absolute: resolved.to_owned(),
            resolved: resolved.to_owned(),
            access,
            exists: matches!(access, FileAccess::Read),
        });
        self
    }

    /// Changes the global options.
    pub fn global(mut self, edit: impl FnOnce(&mut GlobalOptions)) -> Self {
        edit(&mut self.request.global);
        self
    }

    /// Changes the context.
    pub fn context(mut self, edit: impl FnOnce(&mut Context)) -> Self {
        edit(&mut self.request.context);
        self
    }

    /// Sets what the model says about the operation.
    pub fn facts(mut self, facts: OperationFacts) -> Self {
        self.request.facts = Some(facts);
        self
    }

    /// Sets the IAM action the operation is authorized as, keeping any
    /// other facts.
    pub fn iam_action(mut self, action: &str) -> Self {
        let facts = self.request.facts.get_or_insert_with(|| OperationFacts {
            iam_action: None,
            http_method: None,
            input: Vec::new(),
            shapes: Vec::new(),
            documentation: None,
        });
        facts.iam_action = Some(action.to_owned());
        self
    }

    /// The request.
    pub fn build(self) -> Request {
        self.request
    }
}
