//! The tools, their schemas and their results.

use std::sync::{Arc, OnceLock};

use std::borrow::Cow;
use std::time::Duration;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock as Content, Implementation, ListToolsResult,
    PaginatedRequestParams, ProgressNotificationParam, ProtocolVersion, ServerCapabilities,
    ServerConfig as Info,
};
use rmcp::service::{ElicitationError, ElicitationMode, RequestContext};
use rmcp::{ErrorData, Peer, RoleServer, ServerHandler, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::command::{ParsedCommand, Parser};
use crate::config::ServerConfig;
use crate::exec::{ExecError, ExecSettings, Executor, Outcome, Progress, ProgressSink};
use crate::harness::judge;
use crate::policy::{PolicySet, RequestContext as PolicyContext};
use crate::suggest::Suggester;

use super::all_regions::{self, judge_all_regions, merge_regions, run_all_regions};

/// Most commands in one `call_aws`.
const MAX_COMMANDS: usize = 20;
/// Longest command accepted, in bytes.
const MAX_COMMAND_BYTES: usize = 64 * 1024;
/// What the model reads about `call_aws`: one paragraph per idea, no hard
/// line breaks.
const CALL_AWS: &str = "Runs AWS CLI commands (AWS CLI v1 syntax) in the user's AWS account, with the server's credentials and region unless a command sets `--region`. Pass one complete command starting with `aws`, or a list of up to 20 commands, which are judged one by one and run in order.\n\nEach command is parsed exactly as the AWS CLI parses it (services, operations, options, shorthand and JSON values, `file://` paths inside the server's working directory) and checked by the server's policies before it runs. Write one command per string: no pipes, `&&`, `;`, redirections, subshells or shell variables; filter output with `--query`. Listings are fetched page by page and merged, as the CLI does; pass `max_results` (or `--max-items`) to get fewer items and a `next_token` to continue with `--starting-token`. Add `--region *` to a command that reads to run it in every region enabled for the account: `output` then maps each region to its output, and `regions` gives each region's status.\n\nEach result has a `status`: `succeeded` (it ran: `output` holds what the AWS CLI prints, as JSON for the default JSON output with `--query` applied, or as a string for `--output text` or `table`; `output_cut` says when it was too long and how to narrow it); `failed` (it ran and AWS or the network refused it: `error` has the AWS error code, message and HTTP status, or what else went wrong); `denied` (a policy refused it: read `reason` and `decided_by`, and change the command as the reason says instead of retrying it); `invalid` (it does not parse: `reason` says what is wrong and suggests the right names); `needs-consent` or `declined` (the user was asked, or could not be asked, and it did not run). `access` says whether the command reads or changes the account and why. Use `validate_aws_command` first when unsure what a command will do.";

/// What the model reads about `validate_aws_command`.
const VALIDATE_AWS_COMMAND: &str = "Explains one AWS CLI command without running it: the API operation and the parameters it becomes (as the AWS API receives them), the IAM action it needs, the region, the local files it would read or write, whether it reads or changes the account, and how each of the server's policies judges it. Use it to check a command before `call_aws`, or to understand why one was refused.";

/// What the model reads about `suggest_aws_commands`.
const SUGGEST_AWS_COMMANDS: &str = "Suggests the AWS CLI commands most likely to do what a request in plain words asks (\"list my EC2 instances\", \"make a bucket private\", \"who am I\"), including services newer than your training data: the five best, each with its description, every parameter (type, whether required, what it is) and a confidence from 0 to 1 (how much of the request the command covers). Use it when unsure which service or operation fits, then build the command and run it with `call_aws`. Searching needs no AWS access and nothing is run.";

/// Longest request `suggest_aws_commands` accepts, in characters.
const MAX_QUERY_CHARS: usize = 2_000;
/// How many suggestions it returns.
const SUGGESTIONS: usize = 5;

/// How long the user has to answer a consent question.
const CONSENT_TIMEOUT: Duration = Duration::from_secs(600);

/// The answer a consent question asks for.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct Consent {
    /// Run the command?
    run: bool,
}

rmcp::elicit_safe!(Consent);

/// What every call needs.
pub struct State {
    pub(super) config: ServerConfig,
    parser: Parser,
    policies: PolicySet,
    executor: Executor,
    /// Built once (about a second), from the same command table the parser
    /// uses: in the background once the client has listed the tools, so
    /// neither start-up nor the first `suggest_aws_commands` waits for it.
    suggester: OnceLock<Result<Suggester, String>>,
    suggester_started: std::sync::atomic::AtomicBool,
}

impl State {
    /// The server's state; the executor takes the region, profile, page
    /// limit and user agent from `config`.
    pub fn new(config: ServerConfig, parser: Parser, policies: PolicySet) -> Self {
        let executor = Executor::new(ExecSettings {
            region: Some(config.region.clone()),
            profile: config.profile.clone(),
            user_agent_suffix: config.user_agent_suffix(),
            max_pages: config.max_pages,
            working_dir: Some(config.working_dir.clone()),
            file_access: config.file_access,
            ..ExecSettings::default()
        });
        State {
            config,
            parser,
            policies,
            executor,
            suggester: OnceLock::new(),
            suggester_started: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Starts building the suggester in the background, once.
    fn prepare_suggester(self: &Arc<Self>) {
        use std::sync::atomic::Ordering;
        if !self.suggester_started.swap(true, Ordering::SeqCst) {
            let state = Arc::clone(self);
            std::thread::spawn(move || {
                let _ = state.suggester();
            });
        }
    }

    /// The suggestion engine, built on first use (callers block while
    /// another thread builds it).
    pub fn suggester(&self) -> Result<&Suggester, &str> {
        self.suggester
            .get_or_init(|| {
                let mut built = Suggester::build(&self.parser).map_err(|e| e.to_string());
                match &mut built {
                    Ok(s) => {
                        tracing::info!(
                            documents = s.documents().len(),
                            took = ?s.build_time,
                            "suggestion index built"
                        );
                        // The embedding model is optional: without it, or
                        // when it does not load, BM25 answers alone.
                        if let Some(dir) = crate::suggest::model_dir() {
                            match s.load_dense(&dir) {
                                Ok(()) => tracing::info!(
                                    model_dir = %dir.display(),
                                    "suggestions use the embedding model too (hybrid)"
                                ),
                                Err(e) => tracing::warn!(
                                    model_dir = %dir.display(),
                                    error = %e,
                                    "the embedding model is not used; suggestions are lexical"
                                ),
                            }
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "suggestions are unavailable"),
                }
                built
            })
            .as_ref()
            .map_err(String::as_str)
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
    /// The command, or up to 20 of them.
    #[schemars(
        description = "A complete AWS CLI command starting with `aws`, such as `aws s3api list-buckets` or `aws ec2 describe-instances --region us-west-2`; or a list of up to 20 such commands. One command per string: no pipes, `&&`, redirections or shell variables."
    )]
    pub cli_command: CliCommands,
    /// The most items to return from a listing.
    #[schemars(
        description = "The most items to return from a listing; the result says how to get the rest."
    )]
    pub max_results: Option<u32>,
}

/// The arguments of `validate_aws_command`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ValidateParams {
    /// One complete AWS CLI command starting with `aws`.
    pub cli_command: String,
}

/// The arguments of `suggest_aws_commands`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct SuggestParams {
    /// What the user wants to do, in plain words.
    #[schemars(
        description = "What the user wants to do, in plain words, such as `list my EC2 instances in us-west-2` or `make my bucket private`; at most 2,000 characters."
    )]
    pub query: String,
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
    /// Runs AWS CLI commands; see `CALL_AWS` for what the model is told.
    #[tool(
        name = "call_aws",
        description = CALL_AWS,
        annotations(title = "Run AWS CLI commands", open_world_hint = true)
    )]
    async fn call_aws(
        &self,
        Parameters(params): Parameters<CallAwsParams>,
        context: RequestContext<RoleServer>,
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
        let peer = context.peer;
        let can_ask = peer
            .supported_elicitation_modes()
            .contains(&ElicitationMode::Form);
        // Policies run synchronously in Wasm: keep them off the async workers.
        let (mut results, parsed): (Vec<Value>, Vec<Option<ParsedCommand>>) =
            tokio::task::spawn_blocking(move || {
                commands
                    .iter()
                    .map(|c| match all_regions::expand(c, &state.config.region) {
                        Some(template) => (judge_all_regions(&state, c, &template), None),
                        None => judge_one(&state, c, can_ask),
                    })
                    .unzip()
            })
            .await
            .map_err(|e| {
                ErrorData::internal_error(format!("judging the commands failed: {e}"), None)
            })?;
        if can_ask {
            // One question per command, in order, so the user sees each.
            for result in results
                .iter_mut()
                .filter(|r| r["status"] == "needs-consent")
            {
                ask_consent(&peer, result).await;
            }
        }
        // Waiters and long listings report to a client that asked for
        // progress.
        let progress: Option<ProgressSink> = context.meta.get_progress_token().map(|token| {
            let peer = peer.clone();
            std::sync::Arc::new(move |p: Progress| {
                let mut param = ProgressNotificationParam::new(token.clone(), p.done as f64);
                param.total = p.total.map(|t| t as f64);
                param.message = Some(p.message);
                let peer = peer.clone();
                tokio::spawn(async move {
                    let _ = peer.notify_progress(param).await;
                });
            }) as ProgressSink
        });
        // In order, one at a time: a later command may need what an
        // earlier one created.
        for (result, parsed) in results.iter_mut().zip(parsed) {
            let all_regions = result
                .as_object_mut()
                .and_then(|map| map.remove("all_regions"))
                .is_some();
            if all_regions && result["status"] == "allowed" {
                let line = result["command"].as_str().unwrap_or_default().to_owned();
                let ran = tokio::select! {
                    ran = run_all_regions(&self.state, &line, params.max_results) => Some(ran),
                    () = context.ct.cancelled() => None,
                };
                match ran {
                    Some(merged) => merge_regions(result, merged),
                    None => record_failure(result, &ExecError::Cancelled),
                }
                continue;
            }
            let Some(mut parsed) = parsed.filter(|_| result["status"] == "allowed") else {
                continue;
            };
            if let Some(n) = params.max_results.filter(|n| *n > 0)
                && parsed.global.max_items.is_none()
            {
                parsed.global.max_items = Some(n);
            }
            if context.ct.is_cancelled() {
                record_failure(result, &ExecError::Cancelled);
                continue;
            }
            let ran = tokio::select! {
                ran = run(&self.state, &parsed, progress.clone()) => ran,
                () = context.ct.cancelled() => Err(ExecError::Cancelled),
            };
            match ran {
                Ok(outcome) => {
                    record_success(result, outcome, &parsed, self.state.config.max_output_bytes)
                }
                Err(error) => record_failure(result, &error),
            }
            tracing::info!(
                command = %redact(result["command"].as_str().unwrap_or_default()),
                status = result["status"].as_str().unwrap_or_default(),
                "ran"
            );
        }
        let all_refused = results.iter().all(|r| r["status"] != "succeeded");
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

    /// Explains one command without running it; see `VALIDATE_AWS_COMMAND`.
    #[tool(
        name = "validate_aws_command",
        description = VALIDATE_AWS_COMMAND,
        annotations(
            title = "Explain and check an AWS CLI command without running it",
            read_only_hint = true,
            destructive_hint = false,
            open_world_hint = false
        )
    )]
    async fn validate_aws_command(
        &self,
        Parameters(params): Parameters<ValidateParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        if params.cli_command.len() > MAX_COMMAND_BYTES {
            return Ok(error_result(&format!(
                "a command of {} bytes is longer than the {} KiB accepted",
                params.cli_command.len(),
                MAX_COMMAND_BYTES / 1024
            )));
        }
        let state = Arc::clone(&self.state);
        let can_ask = context
            .peer
            .supported_elicitation_modes()
            .contains(&ElicitationMode::Form);
        let body =
            tokio::task::spawn_blocking(move || explain(&state, &params.cli_command, can_ask))
                .await
                .map_err(|e| {
                    ErrorData::internal_error(format!("checking the command failed: {e}"), None)
                })?;
        let text = serde_json::to_string_pretty(&body).unwrap_or_default();
        let mut result = CallToolResult::success(vec![Content::text(text)]);
        result.structured_content = Some(body);
        Ok(result)
    }

    /// Finds commands for a request in plain words; see
    /// `SUGGEST_AWS_COMMANDS`.
    #[tool(
        name = "suggest_aws_commands",
        description = SUGGEST_AWS_COMMANDS,
        annotations(
            title = "Suggest AWS CLI commands for a request in plain words",
            read_only_hint = true,
            destructive_hint = false,
            open_world_hint = false
        )
    )]
    async fn suggest_aws_commands(
        &self,
        Parameters(params): Parameters<SuggestParams>,
    ) -> Result<CallToolResult, ErrorData> {
        let query = params.query.trim().to_owned();
        if query.is_empty() {
            return Ok(error_result(
                "the query is empty: describe in plain words what you want to do, such as `list my EC2 instances`",
            ));
        }
        let chars = query.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Ok(error_result(&format!(
                "a query of {chars} characters is longer than the {MAX_QUERY_CHARS} accepted: say in a sentence what you want to do"
            )));
        }
        let state = Arc::clone(&self.state);
        let answer = tokio::task::spawn_blocking(move || suggest(&state, &query))
            .await
            .map_err(|e| ErrorData::internal_error(format!("suggesting failed: {e}"), None))?;
        let body = match answer {
            Ok(body) => body,
            Err(e) => return Ok(error_result(&format!("suggestions are unavailable: {e}"))),
        };
        let text = serde_json::to_string_pretty(&body).unwrap_or_default();
        let mut result = CallToolResult::success(vec![Content::text(text)]);
        result.structured_content = Some(body);
        Ok(result)
    }
}

/// The answer of `suggest_aws_commands` for `query`.
fn suggest(state: &State, query: &str) -> Result<Value, String> {
    let suggester = state.suggester()?;
    let (retriever, found) = suggester.suggest(query, SUGGESTIONS);
    Ok(json!({
        "query": query,
        "retriever": retriever,
        "suggestions": found,
    }))
}

/// Asks the user whether to run the command of `result`, and records the
/// answer in it: only an explicit "run" makes it allowed.
async fn ask_consent(peer: &Peer<RoleServer>, result: &mut Value) {
    let command = result["command"].as_str().unwrap_or_default().to_owned();
    let reason = result["policy_reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let message = format!(
        "An AI assistant wants to run this AWS command:\n\n    {command}\n\nWhy you are asked: {reason}.\n\nRun it?"
    );
    let answer = peer
        .elicit_with_timeout::<Consent>(message, Some(CONSENT_TIMEOUT))
        .await;
    let (status, consent, note) = match answer {
        Ok(Some(Consent { run: true })) => (
            "allowed",
            "accepted",
            format!("the user agreed to run it ({reason})"),
        ),
        Ok(_) | Err(ElicitationError::UserDeclined) => (
            "declined",
            "declined",
            "the user declined to run this command, so it did not run; do not retry it unless the user asks".to_owned(),
        ),
        Err(ElicitationError::UserCancelled) => (
            "declined",
            "cancelled",
            "the user dismissed the question, so the command did not run".to_owned(),
        ),
        Err(e) => (
            "needs-consent",
            "failed",
            format!("{reason}; asking the user failed ({e}), so the command did not run"),
        ),
    };
    tracing::info!(command = %redact(&command), status, consent, "consent");
    result["status"] = json!(status);
    result["consent"] = json!(consent);
    result["reason"] = json!(note);
}

/// What a command would do and how the policies judge it, without running
/// it: the API call with its parameters as the API receives them, the
/// read/write class, and every policy's decision.
fn explain(state: &State, line: &str, can_ask_consent: bool) -> Value {
    let context = policy_context(state, can_ask_consent);
    let outcome = judge(&state.parser, &state.policies, line.trim(), &context);
    let verdict = &outcome.verdict;
    let parsed = outcome.parsed.as_ref();
    let call = parsed.map(|p| {
        json!({
            "service": p.api_service,
            "operation": p.api_operation,
            "parameters": p.api_parameters(),
            "iam_action": p.facts.as_ref().and_then(|f| f.iam_action.clone()),
            "documentation": p.facts.as_ref().map(|f| f.documentation.clone()),
            "region": p.global.region.clone().unwrap_or_else(|| state.config.region.clone()),
            "local_files": p.files.iter().map(|f| json!({
                "parameter": f.parameter,
                "path": f.resolved.display().to_string(),
                "access": format!("{:?}", f.access).to_lowercase(),
            })).collect::<Vec<_>>(),
        })
    });
    let valid = parsed.is_some();
    json!({
        "command": line,
        "valid": valid,
        "error": (!valid).then(|| verdict.decision.reason().to_owned()),
        "call": call,
        "access": verdict.classification.as_ref().map(|c| json!({
            "class": c.access,
            "basis": c.basis,
            "policy": c.policy,
        })),
        "verdict": {
            "decision": verdict.decision.kind(),
            "reason": verdict.decision.reason(),
            "decided_by": verdict.decided_by,
        },
        "policies": verdict.evaluations.iter().map(|e| json!({
            "policy": e.policy,
            "decision": e.decision.kind(),
            "reason": e.decision.reason(),
        })).collect::<Vec<_>>(),
    })
}

fn policy_context(state: &State, can_ask_consent: bool) -> PolicyContext {
    PolicyContext {
        read_only: state.config.read_only,
        require_consent: state.config.require_consent,
        working_dir: state.config.working_dir.clone(),
        file_access: state.config.file_access,
        can_ask_consent,
        default_region: Some(state.config.region.clone()),
        default_profile: state.config.profile.clone(),
        client_name: None,
        unix_time_ms: None,
    }
}

fn error_result(message: &str) -> CallToolResult {
    CallToolResult::error(vec![Content::text(message.to_owned())])
}

/// Runs an allowed command.
pub(super) async fn run(
    state: &State,
    parsed: &ParsedCommand,
    progress: Option<ProgressSink>,
) -> Result<Outcome, ExecError> {
    let service = state
        .parser
        .models()
        .service(crate::exec::model_service(&parsed.cli_service))
        .ok_or_else(|| {
            ExecError::Unsupported(format!(
                "no service `{}` in the command table",
                parsed.cli_service
            ))
        })?
        .map_err(|e| ExecError::Unsupported(e.to_string()))?;
    let companion = crate::exec::companion_service(&parsed.cli_service, &parsed.cli_operation)
        .and_then(|name| state.parser.models().service(name))
        .transpose()
        .map_err(|e| ExecError::Unsupported(e.to_string()))?;
    state
        .executor
        .execute_reporting(&service, companion.as_deref(), parsed, progress)
        .await
}

/// Records what a command printed: JSON as a value (with `--query`
/// applied), text and table output as a string; cut to `max_bytes` so one
/// listing cannot flood the model's context.
pub(super) fn record_success(
    result: &mut Value,
    outcome: Outcome,
    parsed: &ParsedCommand,
    max_bytes: usize,
) {
    // The CLI's own commands (`s3 cp`, `s3 ls`, ...) print lines, not a
    // response: those lines are the output whatever `--output` says.
    let json_output = matches!(parsed.global.output.as_deref(), None | Some("json"))
        && !outcome.response.is_null();
    let output = if json_output {
        match &parsed.global.query {
            Some(q) => crate::exec::output::search(q, &outcome.response)
                .unwrap_or_else(|_| Value::String(outcome.printed.clone())),
            None => outcome.response,
        }
    } else {
        Value::String(outcome.printed)
    };
    let size = match &output {
        Value::String(s) => s.len(),
        v => serde_json::to_string(v).map(|s| s.len()).unwrap_or(0),
    };
    result["status"] = json!("succeeded");
    result["executed"] = json!(true);
    result["reason"] = json!("the command ran");
    result["pages"] = json!(outcome.pages);
    if size > max_bytes {
        let text = match &output {
            Value::String(s) => s.clone(),
            v => serde_json::to_string(v).unwrap_or_default(),
        };
        let mut end = max_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        result["output"] = json!(text[..end]);
        result["output_cut"] = json!({
            "total_bytes": size,
            "shown_bytes": end,
            "how_to_narrow": format!(
                "the output is {size} bytes, more than the {max_bytes} this server returns (AWS_API_MCP_MAX_OUTPUT_BYTES): select fields with `--query`, filter with the operation's own filters, or pass `max_results` and page with `--starting-token`"
            ),
        });
    } else {
        result["output"] = output;
    }
    if let Some(token) = outcome.next_token {
        result["more"] = json!(format!(
            "there are more items: run the same command with `--starting-token {token}` to get the next ones"
        ));
        result["next_token"] = json!(token);
    }
}

/// Records why a command that was allowed did not produce a result.
pub(super) fn record_failure(result: &mut Value, error: &ExecError) {
    let sent = matches!(
        error,
        ExecError::Service { .. }
            | ExecError::Http { .. }
            | ExecError::Response(_)
            | ExecError::Pagination(_)
            | ExecError::Output(_)
            | ExecError::Query(_)
            | ExecError::Cancelled
            | ExecError::Waiter { .. }
    );
    result["status"] = json!("failed");
    result["executed"] = json!(sent);
    result["reason"] = json!(error.to_string());
    result["error"] = match error {
        ExecError::Service {
            status,
            error: e,
            attempts,
            ..
        } => json!({
            "kind": "aws",
            "code": e.code,
            "message": e.message,
            "http_status": status,
            "request_id": e.request_id,
            "attempts": attempts,
        }),
        ExecError::Http { attempts, .. } => json!({
            "kind": "network",
            "message": error.to_string(),
            "attempts": attempts,
        }),
        other => json!({
            "kind": error_kind(other),
            "message": other.to_string(),
        }),
    };
}

fn error_kind(error: &ExecError) -> &'static str {
    match error {
        ExecError::Credentials(_) => "credentials",
        ExecError::NoRegion => "region",
        ExecError::Endpoint(_) => "endpoint",
        ExecError::Request(_) => "request",
        ExecError::Unsupported(_) => "unsupported",
        ExecError::Http { .. } => "network",
        ExecError::Service { .. } => "aws",
        ExecError::Response(_) => "response",
        ExecError::Query(_) => "query",
        ExecError::Output(_) => "output",
        ExecError::Pagination(_) => "pagination",
        ExecError::Cancelled => "cancelled",
        ExecError::Waiter { .. } => "waiter",
    }
}

/// Parses and judges one command; the result the model reads, and the
/// parsed command to run when the policies allow it.
pub(super) fn judge_one(
    state: &State,
    line: &str,
    can_ask_consent: bool,
) -> (Value, Option<ParsedCommand>) {
    let context = policy_context(state, can_ask_consent);
    let outcome = judge(&state.parser, &state.policies, line.trim(), &context);
    let verdict = &outcome.verdict;
    let decided_by = verdict.decided_by.clone();
    let (status, note) = match verdict.decision.kind() {
        "deny" if decided_by.as_deref() == Some("parser") => {
            ("invalid", verdict.decision.reason().to_owned())
        }
        "deny" => ("denied", verdict.decision.reason().to_owned()),
        "needs-consent" if can_ask_consent => {
            ("needs-consent", verdict.decision.reason().to_owned())
        }
        "needs-consent" => (
            "needs-consent",
            format!(
                "{}; this MCP client cannot ask the user (it does not support elicitation), so the command did not run: ask the user to run it themselves, or to set REQUIRE_MUTATION_CONSENT=false",
                verdict.decision.reason()
            ),
        ),
        _ => ("allowed", "the policies allow this command".to_owned()),
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
    let value = json!({
        "command": line,
        "status": status,
        "reason": note,
        "policy_reason": verdict.decision.reason(),
        "decided_by": decided_by,
        "access": access,
        "service": parsed.map(|p| p.cli_service.clone()),
        "operation": parsed.map(|p| p.cli_operation.clone()),
        "api_operation": parsed.and_then(|p| p.api_operation.clone()),
        "region": parsed
            .and_then(|p| p.global.region.clone())
            .unwrap_or_else(|| state.config.region.clone()),
        "executed": false,
    });
    (value, outcome.parsed)
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
            "Use `call_aws` to run AWS CLI commands, `validate_aws_command` to check one without running it, and `suggest_aws_commands` to find the command for a request in plain words. Commands use AWS CLI v1 syntax and start with `aws`; the server's region and credentials apply unless a command sets `--region`. A refused command comes back with the policy's reason: change the command as the reason says rather than retrying it."
                .to_owned(),
        );
        info
    }

    /// Up to 2025-11-25: on 2026-07-28 a server may no longer send requests
    /// to the client, so consent through elicitation would stop working;
    /// clients that prefer 2026-07-28 negotiate down to 2025-11-25.
    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(ProtocolVersion::known_up_to(&ProtocolVersion::V_2025_11_25))
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
        self.state.prepare_suggester();
        Ok(ListToolsResult::with_all_items(tools))
    }
}
