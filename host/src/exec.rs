//! Running a parsed command against AWS, in-process: credentials and region
//! from `aws-config`, the endpoint from the model's rule set, the request
//! in the service's protocol, SigV4, retries, pagination as the CLI merges
//! pages, and the response read back as the CLI prints it.
//!
//! The steps live in their own modules: [`serialize`] and [`parse`] for the
//! wire formats, [`sign`], [`http`], [`credentials`], [`paginate`] and
//! [`output`] (`--query` and the output formats).

mod archive;
pub(crate) mod cbor;
mod cli_commands;
mod cloudformation;
mod codedeploy;
mod credentials;
mod customize;
mod emr;
pub mod http;
mod kubeconfig;
mod mime_types;
pub mod output;
mod paginate;
pub mod parse;
mod password;
pub mod query;
mod s3;
mod s3_transfer;
pub mod serialize;
mod sign;
mod template;
pub mod timestamp;
mod wait;
pub(crate) mod xml;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

pub use credentials::CredentialStore;
pub use http::{HttpClient, HttpError};
pub use parse::ServiceError;

use crate::command::{FileAccess, GlobalOptions, ParsedCommand};
use crate::model::{Operation, Service};

/// Why a command did not produce a result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExecError {
    /// No usable credentials.
    #[error("{0}")]
    Credentials(String),
    /// No region configured.
    #[error("no region is set: pass `--region`, or set AWS_REGION for the server")]
    NoRegion,
    /// The endpoint rules refused the parameters.
    #[error("no endpoint for this request: {0}")]
    Endpoint(String),
    /// A parameter could not be put on the wire.
    #[error("{0}")]
    Request(String),
    /// Something this server does not do.
    #[error("{0}")]
    Unsupported(String),
    /// No answer (after retries).
    #[error("{error}{}", retries_note(*.attempts))]
    Http { error: HttpError, attempts: u32 },
    /// The service answered with an error.
    #[error(
        "An error occurred ({}) when calling the {operation} operation{}: {}",
        .error.code, retries_note(*.attempts), .error.message
    )]
    Service {
        operation: String,
        status: u16,
        error: ServiceError,
        attempts: u32,
    },
    /// The answer could not be read.
    #[error("{0}")]
    Response(String),
    /// `--query` is not valid JMESPath or failed.
    #[error("{0}")]
    Query(String),
    /// Writing the output file failed.
    #[error("{0}")]
    Output(String),
    /// The pages did not end as they should.
    #[error("{0}")]
    Pagination(String),
    /// The MCP client cancelled the call.
    #[error("the call was cancelled")]
    Cancelled,
    /// A waiter reached a failure state or ran out of attempts.
    #[error("Waiter {name} failed: {reason}")]
    Waiter { name: String, reason: String },
}

fn retries_note(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (reached max retries: {})", attempts - 1)
    } else {
        String::new()
    }
}

/// Limits and defaults of an executor.
#[derive(Debug, Clone)]
pub struct ExecSettings {
    /// The region when a command has no `--region` (`AWS_REGION`).
    pub region: Option<String>,
    /// The profile when a command has no `--profile`
    /// (`AWS_API_MCP_PROFILE_NAME`).
    pub profile: Option<String>,
    /// Appended to the `User-Agent` (telemetry: server name, version,
    /// read-only mode).
    pub user_agent_suffix: Option<String>,
    /// Attempts per request, retries included (`AWS_MAX_ATTEMPTS`, 3).
    pub max_attempts: u32,
    /// Most pages merged into one result; more are cut with a token to
    /// resume.
    pub max_pages: usize,
    /// Largest response body accepted.
    pub max_body_bytes: usize,
    /// Where relative local paths start (`AWS_API_MCP_WORKING_DIR`), for
    /// the paths `aws s3 cp` prints.
    pub working_dir: Option<PathBuf>,
    /// Which local files the server may touch: what `cloudformation
    /// package` reads through its template is checked against it.
    pub file_access: crate::config::FileAccessMode,
}

impl ExecSettings {
    /// The working directory (the process's when none is set), with its
    /// links followed.
    fn working_dir_or_root(&self) -> PathBuf {
        let dir = self
            .working_dir
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        dir.canonicalize().unwrap_or(dir)
    }
}

impl ExecSettings {
    /// Where links met while zipping a local folder may lead: anywhere
    /// with unrestricted file access, else only inside the working
    /// directory.
    fn link_root(&self) -> PathBuf {
        match self.file_access {
            crate::config::FileAccessMode::Unrestricted => PathBuf::from("/"),
            _ => self.working_dir_or_root(),
        }
    }
}

impl Default for ExecSettings {
    fn default() -> Self {
        ExecSettings {
            region: None,
            profile: None,
            user_agent_suffix: None,
            max_attempts: std::env::var("AWS_MAX_ATTEMPTS")
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|n| *n >= 1)
                .unwrap_or(3),
            max_pages: 1000,
            max_body_bytes: 256 << 20,
            working_dir: None,
            file_access: crate::config::FileAccessMode::Workdir,
        }
    }
}

/// The result of a command.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The response as the CLI holds it before `--query` (pages merged,
    /// `ResponseMetadata` removed).
    pub response: Value,
    /// What the CLI prints: `--query` applied, in the `--output` format.
    pub printed: String,
    /// Pages fetched.
    pub pages: usize,
    /// Set when pagination stopped at the page limit: the token that
    /// resumes (`--starting-token`).
    pub cut_at_page_limit: Option<String>,
    /// Set when `--max-items` (or the page limit) left items out: the
    /// token that resumes (`--starting-token`), also in the response as
    /// `NextToken` the way the CLI prints it.
    pub next_token: Option<String>,
}

impl Outcome {
    /// The outcome of a CLI command that only prints.
    fn printed(printed: String) -> Outcome {
        Outcome {
            response: Value::Null,
            printed,
            pages: 1,
            cut_at_page_limit: None,
            next_token: None,
        }
    }
}

/// The command-table service whose model runs `cli_service`'s commands:
/// the CLI's `s3` commands are made of `s3api` operations.
pub fn model_service(cli_service: &str) -> &str {
    match cli_service {
        "s3" => "s3api",
        other => other,
    }
}

/// `ec2 get-password-data --priv-launch-key`: the password decrypted in
/// place (nothing to do while EC2 has none yet).
fn decrypt_password(
    result: &mut Map<String, Value>,
    key: &std::path::Path,
) -> Result<(), ExecError> {
    let Some(Value::String(data)) = result.get("PasswordData") else {
        return Ok(());
    };
    if data.is_empty() {
        return Ok(());
    }
    let pem = std::fs::read_to_string(key).map_err(|e| {
        ExecError::Request(format!(
            "Unable to decrypt password data using provided private key file. ({e})"
        ))
    })?;
    let password = password::decrypt(data, &pem).map_err(ExecError::Request)?;
    result.insert("PasswordData".to_owned(), Value::String(password));
    Ok(())
}

pub use kubeconfig::candidate_paths as kubeconfig_paths;

/// A second model a command needs besides [`model_service`]'s:
/// `cloudformation deploy` and `package` upload to S3.
pub fn companion_service(cli_service: &str, cli_operation: &str) -> Option<&'static str> {
    match (cli_service, cli_operation) {
        ("cloudformation", "deploy" | "package") | ("deploy", "push") => Some("s3api"),
        _ => None,
    }
}

/// How far a long command has come: a waiter's polls, a listing's pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Polls or pages done so far.
    pub done: u64,
    /// The most there will be, when known (a waiter's attempts).
    pub total: Option<u64>,
    /// What is happening, for the user.
    pub message: String,
}

/// Where progress goes (the MCP client's progress notifications).
pub type ProgressSink = std::sync::Arc<dyn Fn(Progress) + Send + Sync>;

/// Sends commands to AWS.
pub struct Executor {
    http: HttpClient,
    credentials: CredentialStore,
    settings: ExecSettings,
    rules: RuleCache,
}

/// Endpoint rule sets parsed once per service: parsing one costs more
/// than the rest of a request.
#[derive(Default)]
struct RuleCache(std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<Value>>>);

/// What one request needs besides its parameters.
struct Target {
    region: String,
    profile: Option<String>,
    endpoint_override: Option<String>,
    sign: bool,
    connect_timeout: Duration,
    read_timeout: Duration,
}

impl Executor {
    /// An executor with `settings`.
    pub fn new(settings: ExecSettings) -> Self {
        Executor {
            http: HttpClient::new(),
            credentials: CredentialStore::default(),
            settings,
            rules: RuleCache::default(),
        }
    }

    /// Runs `command`, an API command of `service`.
    pub async fn execute(
        &self,
        service: &Service,
        command: &ParsedCommand,
    ) -> Result<Outcome, ExecError> {
        self.execute_reporting(service, None, command, None).await
    }

    /// Runs `command` like [`Executor::execute`], telling `progress` about
    /// each poll of a waiter and each page of a listing.
    pub async fn execute_reporting(
        &self,
        service: &Service,
        companion: Option<&Service>,
        command: &ParsedCommand,
        progress: Option<ProgressSink>,
    ) -> Result<Outcome, ExecError> {
        let report = |p: Progress| {
            if let Some(sink) = &progress {
                sink(p);
            }
        };
        if command.api_operation.is_none()
            && command.cli_service == "s3"
            && s3::supported(&command.cli_operation)
        {
            return self.s3_command(service, command).await;
        }
        if command.api_operation.is_none()
            && command.cli_service == "emr"
            && emr::supported(&command.cli_operation)
        {
            let printed = self.emr_command(service, command).await?;
            return Ok(Outcome::printed(printed));
        }
        if command.api_operation.is_none()
            && cli_commands::supported(&command.cli_service, &command.cli_operation)
        {
            return self.cli_command(service, companion, command).await;
        }
        let operation = command
            .api_operation
            .as_deref()
            .and_then(|name| service.operations.iter().find(|o| o.name == name))
            .ok_or_else(|| {
                let instead = cli_commands::alternative(&command.cli_service, &command.cli_operation)
                    .map(|a| format!("; instead: {a}"))
                    .unwrap_or_else(|| {
                        "; use the API operations it is made of (`suggest_aws_commands` finds them)".to_owned()
                    });
                ExecError::Unsupported(format!(
                    "`aws {} {}` is a command the AWS CLI implements itself, and this server does not run it{instead}",
                    command.cli_service, command.cli_operation
                ))
            })?;
        let global = &command.global;
        let target = self.target(service, global).await?;
        // An option the CLI adds to this command that the parser does not
        // translate would be dropped on the wire: refuse instead.
        if let Some(untranslated) = command
            .parameters
            .iter()
            .find(|p| p.shape == crate::command::ShapeKind::Unknown && p.api_name == p.cli_name)
        {
            return Err(ExecError::Unsupported(format!(
                "`--{}` is an option the AWS CLI adds to `aws {} {}`; this server does not translate it yet: use the operation's own parameters instead (`validate_aws_command` lists them)",
                untranslated.cli_name, command.cli_service, command.cli_operation
            )));
        }
        let mut params = command.api_parameters();
        let outfile = command
            .files
            .iter()
            .find(|f| f.parameter == "outfile" && f.access == FileAccess::Write)
            .map(|f| f.resolved.clone());
        if let Some(waiter) = command
            .cli_subcommand
            .as_deref()
            .and_then(|name| service.waiters.iter().find(|w| w.cli_name == name))
        {
            return self
                .wait(service, operation, waiter, &params, &target, &report)
                .await;
        }
        let paginated = paginate::applies(operation, command);
        let (response, printed, pages, cut, next_token) = if paginated {
            let paginator = operation.paginator.as_ref().ok_or_else(|| {
                ExecError::Pagination("the operation has no paginator".to_owned())
            })?;
            let mut pager = paginate::Pager::new(paginator, global, &mut params)?;
            let mut pages = 0usize;
            let mut cut = None;
            loop {
                let page = self
                    .call(service, operation, &params, &target, None)
                    .await?;
                pages += 1;
                report(Progress {
                    done: pages as u64,
                    total: None,
                    message: format!("{} page {pages} received", operation.name),
                });
                match pager.add(page)? {
                    paginate::Next::Done => break,
                    paginate::Next::Request(tokens) => {
                        if pages >= self.settings.max_pages {
                            cut = Some(pager.resume_token(&tokens));
                            break;
                        }
                        for (k, v) in tokens {
                            params.insert(k, v);
                        }
                    }
                }
            }
            let merged = pager.finish();
            let response = Value::Object(merged.result);
            let printed = if global.output.as_deref() == Some("text") {
                output::render_text_pages(&merged.pages, merged.next_token.as_deref(), global)?
            } else {
                output::render(&response, global, &operation.name)?
            };
            (response, printed, pages, cut, merged.next_token)
        } else {
            let mut result = self
                .call(service, operation, &params, &target, outfile.as_ref())
                .await?;
            if let Some(key) = command.file("priv-launch-key") {
                decrypt_password(&mut result, &key.resolved)?;
            }
            let response = Value::Object(result);
            let printed = output::render(&response, global, &operation.name)?;
            (response, printed, 1, None, None)
        };
        let next_token = next_token.or_else(|| cut.clone());
        Ok(Outcome {
            response,
            printed,
            pages,
            cut_at_page_limit: cut,
            next_token,
        })
    }

    /// Polls `operation` until `waiter` says success (an empty result, as
    /// the CLI prints nothing) or failure.
    async fn wait(
        &self,
        service: &Service,
        operation: &Operation,
        waiter: &crate::model::Waiter,
        params: &Map<String, Value>,
        target: &Target,
        report: &(dyn Fn(Progress) + Sync),
    ) -> Result<Outcome, ExecError> {
        let attempts = self
            .poll_waiter(service, operation, waiter, params, target, report)
            .await
            .map_err(|(error, _)| error)?;
        Ok(Outcome {
            response: Value::Null,
            printed: String::new(),
            pages: attempts,
            cut_at_page_limit: None,
            next_token: None,
        })
    }

    /// Waits with `service`'s waiter `cli_name` (`stack-create-complete`),
    /// with the delay and most attempts a CLI command sets; on failure, the
    /// error and the last output polled.
    async fn wait_as(
        &self,
        service: &Service,
        cli_name: &str,
        params: &Map<String, Value>,
        target: &Target,
        timing: Option<(u32, Option<u32>)>,
    ) -> Result<(), (ExecError, Option<Map<String, Value>>)> {
        let unknown = || {
            (
                ExecError::Unsupported(format!("the model has no waiter `{cli_name}`")),
                None,
            )
        };
        let mut waiter = service
            .waiters
            .iter()
            .find(|w| w.cli_name == cli_name)
            .cloned()
            .ok_or_else(unknown)?;
        if let Some((delay, most)) = timing {
            waiter.delay = delay;
            if let Some(most) = most {
                waiter.max_attempts = most;
            }
        }
        let operation = service
            .operations
            .iter()
            .find(|o| o.name == waiter.operation)
            .ok_or_else(unknown)?;
        self.poll_waiter(service, operation, &waiter, params, target, &|_| {})
            .await
            .map(|_| ())
    }

    /// The polls of a waiter: how many it took to succeed, or the error
    /// and the last output.
    async fn poll_waiter(
        &self,
        service: &Service,
        operation: &Operation,
        waiter: &crate::model::Waiter,
        params: &Map<String, Value>,
        target: &Target,
        report: &(dyn Fn(Progress) + Sync),
    ) -> Result<usize, (ExecError, Option<Map<String, Value>>)> {
        let mut last = None;
        let mut last_output = None;
        let mut attempts = 0usize;
        loop {
            attempts += 1;
            report(Progress {
                done: attempts as u64 - 1,
                total: Some(u64::from(waiter.max_attempts)),
                message: format!(
                    "waiting for {}: poll {attempts} of {}",
                    waiter.name, waiter.max_attempts
                ),
            });
            let poll = match self.call(service, operation, params, target, None).await {
                Ok(output) => {
                    last_output = Some(output.clone());
                    wait::Poll::Output(output, operation.response_code.unwrap_or(200))
                }
                Err(ExecError::Service { status, error, .. }) => wait::Poll::Error {
                    status,
                    code: error.code,
                    message: error.message,
                },
                Err(other) => return Err((other, last_output)),
            };
            let failed = |reason| ExecError::Waiter {
                name: waiter.name.clone(),
                reason,
            };
            match wait::judge(waiter, &poll, &mut last) {
                Ok(wait::State::Success) => return Ok(attempts),
                Ok(wait::State::Failure(reason)) => return Err((failed(reason), last_output)),
                Ok(wait::State::Waiting) => {}
                Err(e) => return Err((e, last_output)),
            }
            if attempts >= waiter.max_attempts.max(1) as usize {
                return Err((failed(wait::timeout_reason(last)), last_output));
            }
            tracing::debug!(waiter = %waiter.name, attempts, "waiting");
            tokio::time::sleep(Duration::from_secs(u64::from(waiter.delay))).await;
        }
    }

    async fn target(&self, service: &Service, global: &GlobalOptions) -> Result<Target, ExecError> {
        let profile = global
            .profile
            .clone()
            .or_else(|| self.settings.profile.clone());
        let region = match global
            .region
            .clone()
            .or_else(|| self.settings.region.clone())
        {
            Some(r) => r,
            None => self
                .credentials
                .config(profile.as_deref())
                .await
                .region()
                .map(|r| r.to_string())
                .ok_or(ExecError::NoRegion)?,
        };
        // `--region` is checked when parsed; the server's setting and a
        // profile's region are checked here, before they name a host.
        if !crate::endpoint::is_valid_region(&region) {
            return Err(ExecError::Unsupported(format!(
                "the region `{region}` is not a region name (letters, digits and `-`, such as `us-east-1`); fix AWS_REGION or the profile's region"
            )));
        }
        let endpoint_override = match &global.endpoint_url {
            Some(url) => Some(url.clone()),
            None => configured_endpoint(service),
        };
        let seconds = |v: Option<u32>| match v {
            // 0 means no limit in the CLI.
            Some(0) => Duration::from_secs(24 * 3600),
            Some(s) => Duration::from_secs(u64::from(s)),
            None => http::DEFAULT_TIMEOUT,
        };
        Ok(Target {
            region,
            profile,
            endpoint_override,
            sign: !global.no_sign_request,
            connect_timeout: seconds(global.cli_connect_timeout),
            read_timeout: seconds(global.cli_read_timeout),
        })
    }

    /// One operation call with retries; the parsed output.
    async fn call(
        &self,
        service: &Service,
        operation: &Operation,
        params: &Map<String, Value>,
        target: &Target,
        outfile: Option<&PathBuf>,
    ) -> Result<Map<String, Value>, ExecError> {
        let mut params = params.clone();
        let tweaks =
            customize::before(service, operation, &mut params).map_err(ExecError::Request)?;
        let is_s3 = service.api_name == "s3";
        if let Some(member) = &operation.checksum_algorithm_member
            && !params.contains_key(member)
            && (operation.checksum_required || is_s3)
        {
            params.insert(member.clone(), Value::String("CRC32".to_owned()));
        }
        let wire = serialize::serialize(service, operation, &params)?;
        let endpoint = self.endpoint(service, operation, &params, target)?;
        let auth = endpoint
            .properties
            .get("authSchemes")
            .and_then(Value::as_array)
            .and_then(|schemes| {
                schemes
                    .iter()
                    .find(|s| s.get("name").and_then(Value::as_str) == Some("sigv4"))
                    .or_else(|| schemes.first())
            })
            .cloned();
        let signing_name = auth
            .as_ref()
            .and_then(|a| a.get("signingName"))
            .and_then(Value::as_str)
            .unwrap_or(&service.signing_name)
            .to_owned();
        let signing_region = auth
            .as_ref()
            .and_then(|a| a.get("signingRegion"))
            .and_then(Value::as_str)
            .unwrap_or(&target.region)
            .to_owned();
        if auth
            .as_ref()
            .and_then(|a| a.get("name"))
            .and_then(Value::as_str)
            == Some("sigv4a")
        {
            return Err(ExecError::Unsupported(
                "this request needs SigV4a signing (multi-Region access points), which this server does not do yet".to_owned(),
            ));
        }
        let url = join_url(&endpoint.url, &wire.path, wire.host_prefix.as_deref())?;
        let mut query = String::new();
        for (k, v) in &wire.query {
            query.push(if query.is_empty() { '?' } else { '&' });
            query.push_str(&serialize::encode(k, false));
            if let Some(v) = v {
                query.push('=');
                query.push_str(&serialize::encode(v, false));
            }
        }
        let uri = format!("{url}{query}");
        let credentials = if target.sign && operation.auth_type.as_deref() != Some("none") {
            Some(
                self.credentials
                    .credentials(target.profile.as_deref())
                    .await?,
            )
        } else {
            None
        };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut request = ::http::Request::builder()
                .method(wire.method.as_str())
                .uri(uri.as_str())
                .body(wire.body.clone())
                .map_err(|e| ExecError::Request(format!("the request cannot be built: {e}")))?;
            let headers = request.headers_mut();
            for (k, v) in wire
                .headers
                .iter()
                .chain(endpoint_headers(&endpoint).iter())
            {
                let (Ok(name), Ok(value)) = (
                    ::http::HeaderName::from_bytes(k.as_bytes()),
                    ::http::HeaderValue::from_str(v),
                ) else {
                    return Err(ExecError::Request(format!(
                        "the value of header `{k}` cannot be sent (it has characters HTTP headers cannot carry)"
                    )));
                };
                headers.append(name, value);
            }
            if operation.checksum_algorithm_member.is_some() || operation.checksum_required {
                add_checksum(operation, &params, &mut request)?;
            }
            let ua = match &self.settings.user_agent_suffix {
                Some(s) => format!("aws-api-mcp/{} {s}", env!("CARGO_PKG_VERSION")),
                None => format!("aws-api-mcp/{}", env!("CARGO_PKG_VERSION")),
            };
            if let Ok(v) = ::http::HeaderValue::from_str(&ua) {
                request.headers_mut().insert(::http::header::USER_AGENT, v);
            }
            if let Some(c) = &credentials {
                let scope = sign::Scope {
                    name: signing_name.clone(),
                    region: signing_region.clone(),
                    s3: is_s3 || signing_name == "s3" || service.signature_version == "s3v4",
                };
                sign::sign_request(&mut request, c, &scope, SystemTime::now())?;
            }
            let sent = self
                .http
                .send(
                    request,
                    target.connect_timeout,
                    target.read_timeout,
                    self.settings.max_body_bytes,
                )
                .await;
            let response = match sent {
                Err(e) if e.is_transient() && attempt < self.settings.max_attempts => {
                    tracing::debug!(attempt, "retrying after a transport error: {e}");
                    backoff(attempt).await;
                    continue;
                }
                Err(error) => {
                    return Err(ExecError::Http {
                        error,
                        attempts: attempt,
                    });
                }
                Ok(r) => r,
            };
            if response.status >= 300 {
                let error = parse::error(service, &response);
                if retryable(response.status, &error.code) && attempt < self.settings.max_attempts {
                    tracing::debug!(attempt, code = %error.code, "retrying");
                    backoff(attempt).await;
                    continue;
                }
                return Err(ExecError::Service {
                    operation: operation.name.clone(),
                    status: response.status,
                    error,
                    attempts: attempt,
                });
            }
            let mut result = parse::output(service, operation, &response)
                .map_err(|e| ExecError::Response(e.to_string()))?;
            customize::after(service, operation, tweaks, &mut result, &response.body);
            if let Some(path) = outfile {
                write_outfile(service, operation, path, &response.body)?;
            }
            result.remove("ResponseMetadata");
            return Ok(result);
        }
    }

    /// The parsed rule set of `service`, from the cache.
    fn rules(&self, service: &str, text: &str) -> Result<std::sync::Arc<Value>, ExecError> {
        let mut cache = self
            .rules
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(rules) = cache.get(service) {
            return Ok(std::sync::Arc::clone(rules));
        }
        let rules: Value = serde_json::from_str(text)
            .map_err(|e| ExecError::Endpoint(format!("the endpoint rules cannot be read: {e}")))?;
        let rules = std::sync::Arc::new(rules);
        cache.insert(service.to_owned(), std::sync::Arc::clone(&rules));
        Ok(rules)
    }

    fn endpoint(
        &self,
        service: &Service,
        operation: &Operation,
        params: &Map<String, Value>,
        target: &Target,
    ) -> Result<crate::endpoint::Endpoint, ExecError> {
        let rules_text = service.endpoint_rules.as_deref().ok_or_else(|| {
            ExecError::Endpoint(format!(
                "the model of `{}` has no endpoint rules",
                service.cli_name
            ))
        })?;
        let rules = self.rules(&service.api_name, rules_text)?;
        let mut values = BTreeMap::new();
        if let Some(definitions) = rules.get("parameters").and_then(Value::as_object) {
            for (name, spec) in definitions {
                let builtin = spec.get("builtIn").and_then(Value::as_str);
                let value = match builtin {
                    Some("AWS::Region") => Some(Value::String(target.region.clone())),
                    Some("AWS::UseFIPS") => Some(Value::Bool(env_flag("AWS_USE_FIPS_ENDPOINT"))),
                    Some("AWS::UseDualStack") => {
                        Some(Value::Bool(env_flag("AWS_USE_DUALSTACK_ENDPOINT")))
                    }
                    Some("SDK::Endpoint") => target.endpoint_override.clone().map(Value::String),
                    // botocore's default `us_east_1_regional_endpoint = legacy`.
                    Some("AWS::S3::UseGlobalEndpoint") => {
                        Some(Value::Bool(target.region == "us-east-1"))
                    }
                    Some("AWS::STS::UseGlobalEndpoint") => Some(Value::Bool(false)),
                    Some("AWS::S3::ForcePathStyle") | Some("AWS::S3::Accelerate") => {
                        Some(Value::Bool(false))
                    }
                    _ => None,
                };
                if let Some(v) = value {
                    values.insert(name.clone(), v);
                }
            }
        }
        if let Some(input) = operation.input {
            for member in &service.shapes[input as usize].members {
                if let (Some(param), Some(v)) = (&member.context_param, params.get(&member.name)) {
                    values.insert(param.clone(), v.clone());
                }
            }
        }
        for (name, value) in &operation.static_context_params {
            if let Ok(v) = serde_json::from_str(value) {
                values.insert(name.clone(), v);
            }
        }
        crate::endpoint::resolve(&rules, &values).map_err(|e| ExecError::Endpoint(e.to_string()))
    }
}

pub(super) fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v.eq_ignore_ascii_case("true"))
}

/// `AWS_ENDPOINT_URL_<SERVICE_ID>`, then `AWS_ENDPOINT_URL`, unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true.
fn configured_endpoint(service: &Service) -> Option<String> {
    if env_flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
        return None;
    }
    let id: String = service
        .service_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    std::env::var(format!("AWS_ENDPOINT_URL_{id}"))
        .ok()
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
        .filter(|u| !u.is_empty())
}

fn endpoint_headers(endpoint: &crate::endpoint::Endpoint) -> Vec<(String, String)> {
    endpoint
        .headers
        .iter()
        .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
        .collect()
}

/// The endpoint URL joined with the request path as botocore's `_urljoin`
/// does.
fn join_url(endpoint: &str, path: &str, host_prefix: Option<&str>) -> Result<String, ExecError> {
    let bad = || ExecError::Endpoint(format!("`{endpoint}` is not a valid endpoint URL"));
    let (scheme, rest) = endpoint.split_once("://").ok_or_else(bad)?;
    let (authority, base_path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return Err(bad());
    }
    let joined = if path.is_empty() || path == "/" {
        if base_path.is_empty() {
            "/".to_owned()
        } else {
            base_path.to_owned()
        }
    } else if base_path.ends_with('/') && path.starts_with('/') {
        format!("{}{}", &base_path[..base_path.len() - 1], path)
    } else {
        format!("{base_path}{path}")
    };
    let authority = match host_prefix {
        Some(p) => format!("{p}{authority}"),
        None => authority.to_owned(),
    };
    Ok(format!("{scheme}://{authority}{joined}"))
}

/// The flexible checksum botocore adds (`x-amz-checksum-crc32` by default,
/// or the algorithm the command chose).
fn add_checksum(
    operation: &Operation,
    params: &Map<String, Value>,
    request: &mut ::http::Request<Vec<u8>>,
) -> Result<(), ExecError> {
    use base64::Engine as _;
    if request
        .headers()
        .keys()
        .any(|k| k.as_str().starts_with("x-amz-checksum-") || k.as_str() == "content-md5")
    {
        return Ok(());
    }
    let algorithm = operation
        .checksum_algorithm_member
        .as_ref()
        .and_then(|m| params.get(m))
        .and_then(Value::as_str)
        .unwrap_or("CRC32")
        .to_ascii_uppercase();
    let body = request.body();
    let (name, digest) = match algorithm.as_str() {
        "CRC32" => {
            let mut h = crc32fast::Hasher::new();
            h.update(body);
            ("x-amz-checksum-crc32", h.finalize().to_be_bytes().to_vec())
        }
        "SHA256" => {
            use sha2::Digest as _;
            ("x-amz-checksum-sha256", sha2::Sha256::digest(body).to_vec())
        }
        other => {
            return Err(ExecError::Unsupported(format!(
                "checksum algorithm `{other}` is not supported by this server; use CRC32 or SHA256"
            )));
        }
    };
    let value = base64::engine::general_purpose::STANDARD.encode(digest);
    if let Ok(v) = ::http::HeaderValue::from_str(&value) {
        request.headers_mut().insert(name, v);
    }
    Ok(())
}

/// Throttling and transient errors of the standard retry mode.
fn retryable(status: u16, code: &str) -> bool {
    const CODES: &[&str] = &[
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
    ];
    matches!(status, 500 | 502 | 503 | 504) || CODES.contains(&code)
}

/// The standard mode's exponential backoff with full jitter, at most 20 s.
async fn backoff(attempt: u32) {
    let cap = 20.0f64;
    let base = 2f64.powi(attempt.min(10) as i32 - 1);
    let delay = (fastrand::f64() * base).min(cap);
    tokio::time::sleep(Duration::from_secs_f64(delay)).await;
}

/// Writes a streaming payload to the command's output file.
fn write_outfile(
    service: &Service,
    operation: &Operation,
    path: &PathBuf,
    body: &[u8],
) -> Result<(), ExecError> {
    let streams = service.streams_output(operation);
    if !streams {
        return Ok(());
    }
    std::fs::write(path, body)
        .map_err(|e| ExecError::Output(format!("`{}` cannot be written: {e}", path.display())))
}
