//! The tools, their schemas and their results.

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock as Content, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig as Info,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::command::Parser;
use crate::config::ServerConfig;
use crate::harness::judge;
use crate::policy::{PolicySet, RequestContext as PolicyContext};

/// Most commands in one `call_aws`.
const MAX_COMMANDS: usize = 20;
/// Longest command accepted, in bytes.
const MAX_COMMAND_BYTES: usize = 64 * 1024;

/// What every call needs.
pub struct State {
    config: ServerConfig,
    parser: Parser,
    policies: PolicySet,
}

impl State {
    /// The server's state.
    pub fn new(config: ServerConfig, parser: Parser, policies: PolicySet) -> Self {
        State {
            config,
            parser,
            policies,
        }
    }
}

/// One command or a list of commands.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CliCommands {
    /// One command.
    One(String),
    /// Up to 20 commands, judged one by one, results in order.
    Many(Vec<String>),
}

/// The arguments of `call_aws`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct CallAwsParams {
    /// A complete AWS CLI command starting with `aws`, such as
    /// `aws s3api list-buckets` or `aws ec2 describe-instances --region us-west-2`;
    /// or a list of up to 20 such commands. One command per string: no pipes,
    /// `&&`, redirections or shell variables.
    pub cli_command: CliCommands,
    /// The most items to return from a listing; the result says how to get
    /// the rest.
    pub max_results: Option<u32>,
}

/// The MCP server.
#[derive(Clone)]
pub struct AwsApiServer {
    state: Arc<State>,
    tool_router: ToolRouter<Self>,
}

impl AwsApiServer {
    /// A server over `state`.
    pub fn new(state: Arc<State>) -> Self {
        AwsApiServer {
            state,
            tool_router: Self::tool_router(),
        }
    }
}

#[tool_router]
impl AwsApiServer {
    /// Runs AWS CLI commands. Each command is parsed as the AWS CLI parses it
    /// and judged by the server's policies; a refused command comes back with
    /// the reason and what to do instead.
    #[tool(
        name = "call_aws",
        annotations(title = "Run AWS CLI commands", open_world_hint = true)
    )]
    async fn call_aws(
        &self,
        Parameters(params): Parameters<CallAwsParams>,
    ) -> Result<CallToolResult, ErrorData> {
        let commands = match params.cli_command {
            CliCommands::One(c) => vec![c],
            CliCommands::Many(list) => list,
        };
        if commands.is_empty() {
            return Ok(error_result(
                "`cli_command` is empty: send one AWS CLI command, or a list of up to 20",
            ));
        }
        if commands.len() > MAX_COMMANDS {
            return Ok(error_result(&format!(
                "`cli_command` has {} commands; send at most {MAX_COMMANDS} per call",
                commands.len()
            )));
        }
        if let Some(long) = commands.iter().find(|c| c.len() > MAX_COMMAND_BYTES) {
            return Ok(error_result(&format!(
                "a command of {} bytes is longer than the {} KiB accepted; pass large values with `file://`",
                long.len(),
                MAX_COMMAND_BYTES / 1024
            )));
        }
        let state = Arc::clone(&self.state);
        // Policies run synchronously in Wasm: keep them off the async workers.
        let results = tokio::task::spawn_blocking(move || {
            commands
                .iter()
                .map(|c| judge_one(&state, c))
                .collect::<Vec<Value>>()
        })
        .await
        .map_err(|e| {
            ErrorData::internal_error(format!("judging the commands failed: {e}"), None)
        })?;
        let all_refused = results.iter().all(|r| r["status"] != "allowed");
        let body = json!({ "results": results });
        let text = serde_json::to_string_pretty(&body).unwrap_or_default();
        let mut result = if all_refused {
            CallToolResult::error(vec![Content::text(text)])
        } else {
            CallToolResult::success(vec![Content::text(text)])
        };
        result.structured_content = Some(body);
        Ok(result)
    }
}

fn error_result(message: &str) -> CallToolResult {
    CallToolResult::error(vec![Content::text(message.to_owned())])
}

/// Parses and judges one command; the result the model reads.
fn judge_one(state: &State, line: &str) -> Value {
    let context = PolicyContext {
        read_only: state.config.read_only,
        require_consent: state.config.require_consent,
        working_dir: state.config.working_dir.clone(),
        file_access: state.config.file_access,
        can_ask_consent: false,
        default_region: Some(state.config.region.clone()),
        default_profile: state.config.profile.clone(),
        client_name: None,
        unix_time_ms: None,
    };
    let outcome = judge(&state.parser, &state.policies, line.trim(), &context);
    let verdict = &outcome.verdict;
    let decided_by = verdict.decided_by.clone();
    let (status, note) = match verdict.decision.kind() {
        "deny" if decided_by.as_deref() == Some("parser") => {
            ("invalid", verdict.decision.reason().to_owned())
        }
        "deny" => ("denied", verdict.decision.reason().to_owned()),
        "needs-consent" => (
            "needs-consent",
            format!(
                "{}; this server cannot ask the user for consent yet, so the command did not run",
                verdict.decision.reason()
            ),
        ),
        _ => (
            "allowed",
            "the policies allow this command; this build does not execute AWS calls yet, so nothing was sent to AWS".to_owned(),
        ),
    };
    tracing::info!(command = %redact(line), status, policy = decided_by.as_deref().unwrap_or("-"), "judged");
    let parsed = outcome.parsed.as_ref();
    let access = verdict.classification.as_ref().map(|c| {
        json!({
            "class": c.access,
            "basis": c.basis,
            "policy": c.policy,
        })
    });
    json!({
        "command": line,
        "status": status,
        "reason": note,
        "decided_by": decided_by,
        "access": access,
        "service": parsed.map(|p| p.cli_service.clone()),
        "operation": parsed.map(|p| p.cli_operation.clone()),
        "api_operation": parsed.and_then(|p| p.api_operation.clone()),
        "region": parsed
            .and_then(|p| p.global.region.clone())
            .unwrap_or_else(|| state.config.region.clone()),
        "executed": false,
    })
}

/// The command for logs: service and operation only, never values.
fn redact(line: &str) -> String {
    line.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for AwsApiServer {
    fn get_info(&self) -> Info {
        let mut info = Info::new(ServerCapabilities::builder().enable_tools().build());
        info.server_info = Implementation::new("aws-api-mcp", env!("CARGO_PKG_VERSION"));
        info.instructions = Some(
            "Runs AWS CLI commands through policy checks. Send complete `aws ...` commands to `call_aws`."
                .to_owned(),
        );
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let read_only = self.state.config.read_only;
        let tools = self
            .tool_router
            .list_all()
            .into_iter()
            .map(|mut tool| {
                if tool.name == "call_aws"
                    && let Some(annotations) = tool.annotations.as_mut()
                {
                    annotations.read_only_hint = Some(read_only);
                    annotations.destructive_hint = Some(!read_only);
                }
                tool
            })
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }
}
