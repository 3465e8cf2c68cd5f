//! Parses a command line against the command table: `aws`, the global
//! options anywhere, a service, an operation (or `wait <waiter>`, or a
//! command the CLI implements itself), and the operation's own options,
//! each read by its shape.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::files::FileReader;
use super::split::{Word, split};
use super::suggest::closest;
use super::{FileAccess, GlobalOptions, Parameter, ParseError, ParsedCommand, ShapeKind};
use super::{arguments, cli_options};
use crate::config::FileAccessMode;
use crate::model::{
    CliArg, CliCommand, ModelError, ModelStore, Operation, Service, ShapeId, ShapeType,
};

/// How a global option is written.
#[derive(Clone, Copy)]
enum Arity {
    Flag,
    Value,
    /// `--generate-cli-skeleton [input|output|yaml-input]`.
    OptionalValue(&'static [&'static str]),
}

/// The AWS CLI's global options, and the per-operation options the CLI adds
/// to every command (`--cli-input-json`, pagination).
const GLOBAL_OPTIONS: &[(&str, Arity)] = &[
    ("region", Arity::Value),
    ("profile", Arity::Value),
    ("output", Arity::Value),
    ("query", Arity::Value),
    ("endpoint-url", Arity::Value),
    ("no-verify-ssl", Arity::Flag),
    ("no-sign-request", Arity::Flag),
    ("no-paginate", Arity::Flag),
    ("debug", Arity::Flag),
    ("ca-bundle", Arity::Value),
    ("cli-read-timeout", Arity::Value),
    ("cli-connect-timeout", Arity::Value),
    ("color", Arity::Value),
    ("cli-binary-format", Arity::Value),
    ("no-cli-pager", Arity::Flag),
    ("cli-auto-prompt", Arity::Flag),
    ("no-cli-auto-prompt", Arity::Flag),
    ("max-items", Arity::Value),
    ("page-size", Arity::Value),
    ("starting-token", Arity::Value),
    ("cli-input-json", Arity::Value),
    ("cli-input-yaml", Arity::Value),
    (
        "generate-cli-skeleton",
        Arity::OptionalValue(&["input", "output", "yaml-input"]),
    ),
];

/// Options the CLI adds to each API command rather than to `aws` itself:
/// an operation's own member of the same name comes first.
const PER_COMMAND: &[&str] = &[
    "max-items",
    "page-size",
    "starting-token",
    "cli-input-json",
    "cli-input-yaml",
    "generate-cli-skeleton",
];

/// The parser: the command table and the CLI's own commands, loaded once.
#[derive(Debug)]
pub struct Parser {
    models: ModelStore,
    commands: Vec<CliCommand>,
    aliases: std::collections::BTreeMap<String, String>,
}

/// Where and how a command runs, as far as parsing needs to know.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext<'a> {
    /// Relative paths are taken from here.
    pub working_dir: &'a Path,
    /// Which files may be read while parsing (`file://`, `fileb://`,
    /// `--cli-input-json`).
    pub file_access: FileAccessMode,
}

impl Parser {
    /// A parser over `models`, with the CLI's own commands built in.
    pub fn new(models: ModelStore) -> Result<Self, ModelError> {
        let overrides = crate::model::cli_overrides()?;
        Ok(Parser {
            models,
            commands: overrides.commands,
            aliases: overrides.service_aliases,
        })
    }

    /// A parser over the built-in models, or those of `models_dir`.
    pub fn load(models_dir: Option<&Path>) -> Result<Self, ModelError> {
        Self::new(ModelStore::load(models_dir)?)
    }

    /// The models.
    pub fn models(&self) -> &ModelStore {
        &self.models
    }

    /// The commands the CLI implements itself.
    pub fn cli_commands(&self) -> &[CliCommand] {
        &self.commands
    }

    /// `aws <cli_service> <cli_operation>` with no parameters, as policies
    /// would see it (with the model's facts), without checking required
    /// parameters: what `policy classify` asks about every operation.
    pub fn bare(&self, service: &Service, operation: &Operation) -> ParsedCommand {
        ParsedCommand {
            facts: Some(facts(service, operation, &[])),
            cli_service: service.cli_name.clone(),
            cli_operation: operation.cli_name.clone(),
            cli_subcommand: None,
            api_service: Some(service.api_name.clone()),
            api_operation: Some(operation.name.clone()),
            is_customization: false,
            parameters: Vec::new(),
            positionals: Vec::new(),
            global: GlobalOptions::default(),
            files: Vec::new(),
        }
    }

    /// The options of `aws <cli_service> <cli_operation>` as
    /// `(option, API member)`, `None` when there is no such API command. CLI
    /// commands and options the CLI adds have no member.
    pub fn options(
        &self,
        cli_service: &str,
        cli_operation: &str,
    ) -> Option<Vec<(String, Option<String>)>> {
        let service = self.service(cli_service).ok()??;
        let operation = service
            .operations
            .iter()
            .find(|o| o.cli_name == cli_operation && !o.hidden)?;
        let mut options: Vec<(String, Option<String>)> = arguments::table(&service, operation)
            .into_iter()
            .map(|a| (a.cli_name, Some(a.member.name.clone())))
            .collect();
        options.extend(
            operation
                .extra_arguments
                .iter()
                .filter(|a| !a.positional)
                .map(|a| (a.name.clone(), None)),
        );
        Some(options)
    }

    /// Whether `aws <service> <name>` is a command the CLI implements itself.
    pub fn is_cli_command(&self, service: &str, name: &str) -> bool {
        self.commands
            .iter()
            .any(|c| c.service == service && c.name == name)
    }

    /// Every service command name: API services and the CLI's own.
    fn service_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .models
            .index()
            .services
            .iter()
            .map(|s| s.cli_name.as_str())
            .collect();
        names.extend(self.commands.iter().map(|c| c.service.as_str()));
        names.sort_unstable();
        names.dedup();
        names
    }

    fn service(&self, name: &str) -> Result<Option<Arc<Service>>, ParseError> {
        let name = self.aliases.get(name).map(String::as_str).unwrap_or(name);
        match self.models.service(name) {
            Some(Ok(service)) => Ok(Some(service)),
            Some(Err(e)) => Err(ParseError::Model(e.to_string())),
            None => Ok(None),
        }
    }

    /// Parses one command line.
    pub fn parse(
        &self,
        line: &str,
        context: &ParseContext<'_>,
    ) -> Result<ParsedCommand, ParseError> {
        let words = split(line)?;
        let mut words = words.into_iter().peekable();
        let first = words.next().ok_or(ParseError::Empty)?;
        if first.text != "aws" || first.quoted {
            return Err(ParseError::NotAws(first.text));
        }
        let mut files = FileReader::new(context.working_dir, context.file_access);
        let mut global = GlobalOptions::default();
        let mut rest: Vec<Word> = Vec::new();
        while let Some(word) = words.next() {
            if word.text == "aws" && !word.quoted {
                return Err(ParseError::SecondAws(word.start));
            }
            if matches!(word.text.as_str(), "help" | "-h" | "--help") && !word.quoted {
                return Err(ParseError::Help(word.text));
            }
            if word.text == "--version" {
                return Err(ParseError::Version);
            }
            let Some(option) = word.text.strip_prefix("--") else {
                rest.push(word);
                continue;
            };
            let (option, inline) = match option.split_once('=') {
                Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                None => (option.to_owned(), None),
            };
            let globals = GLOBAL_OPTIONS
                .iter()
                .filter(|(name, _)| !PER_COMMAND.contains(name));
            let Some(&(full, arity)) = resolve_abbreviation(&option, globals.map(|g| (g.0, g)))
            else {
                rest.push(word);
                continue;
            };
            let option = full.to_owned();
            let value = match (arity, inline) {
                (Arity::Flag, Some(v)) => {
                    return Err(ParseError::BadValue {
                        option,
                        value: v,
                        expected: "no value".to_owned(),
                    });
                }
                (Arity::Flag, None) => None,
                (_, Some(v)) => Some(v),
                (Arity::Value, None) => match words.next_if(|w| !w.text.starts_with("--")) {
                    Some(w) => Some(w.text),
                    None => return Err(ParseError::MissingValue(option)),
                },
                (Arity::OptionalValue(choices), None) => words
                    .next_if(|w| choices.contains(&w.text.as_str()))
                    .map(|w| w.text),
            };
            set_global(&mut global, &option, value, context.working_dir, &mut files)?;
        }
        let mut rest = rest.into_iter();
        let service_word = rest.next().ok_or(ParseError::MissingService)?;
        if service_word.text.starts_with('-') {
            return Err(ParseError::BadOption(service_word.text));
        }
        let service_name = service_word.text;
        let operation_word = rest
            .next()
            .ok_or_else(|| ParseError::MissingOperation(service_name.clone()))?;
        let operation_name = operation_word.text;
        if operation_name.starts_with('-') {
            return Err(ParseError::MissingOperation(service_name));
        }
        let rest: Vec<Word> = rest.collect();

        if let Some(command) = self
            .commands
            .iter()
            .find(|c| c.service == service_name && c.name == operation_name)
        {
            return self.custom(command, service_name, operation_name, rest, global, files);
        }
        let Some(service) = self.service(&service_name)? else {
            if let Some(command) = self
                .commands
                .iter()
                .find(|c| c.service == service_name && c.name.is_empty())
            {
                let mut all = vec![Word {
                    text: operation_name,
                    quoted: false,
                    start: operation_word.start,
                }];
                all.extend(rest);
                return self.custom(command, service_name, String::new(), all, global, files);
            }
            let names = self.service_names();
            return Err(ParseError::UnknownService {
                service: service_name.clone(),
                suggestions: closest(&service_name, names.iter().copied()),
            });
        };
        let (operation, waiter, rest) = if operation_name == "wait" && !service.waiters.is_empty() {
            let mut rest = rest.into_iter();
            let waiter_word = rest
                .next()
                .filter(|w| !w.text.starts_with('-'))
                .ok_or_else(|| ParseError::MissingWaiter(service_name.clone()))?;
            let Some(waiter) = service
                .waiters
                .iter()
                .find(|w| w.cli_name == waiter_word.text)
            else {
                return Err(ParseError::UnknownWaiter {
                    service: service_name.clone(),
                    waiter: waiter_word.text.clone(),
                    suggestions: closest(
                        &waiter_word.text,
                        service.waiters.iter().map(|w| w.cli_name.as_str()),
                    ),
                });
            };
            let operation = service
                .operations
                .iter()
                .find(|o| o.name == waiter.operation)
                .ok_or_else(|| {
                    ParseError::Model(format!(
                        "waiter `{}` polls the unknown operation `{}`",
                        waiter.cli_name, waiter.operation
                    ))
                })?;
            (
                operation,
                Some(waiter.cli_name.clone()),
                rest.collect::<Vec<_>>(),
            )
        } else {
            let Some(operation) = service
                .operations
                .iter()
                .find(|o| o.cli_name == operation_name && !o.hidden)
            else {
                let mut names: Vec<&str> = service
                    .operations
                    .iter()
                    .filter(|o| !o.hidden)
                    .map(|o| o.cli_name.as_str())
                    .collect();
                if !service.waiters.is_empty() {
                    names.push("wait");
                }
                names.extend(
                    self.commands
                        .iter()
                        .filter(|c| c.service == service_name)
                        .map(|c| c.name.as_str()),
                );
                return Err(ParseError::UnknownOperation {
                    service: service_name.clone(),
                    operation: operation_name.clone(),
                    suggestions: closest(&operation_name, names.into_iter()),
                });
            };
            (operation, None, rest)
        };
        let shown = match &waiter {
            Some(w) => format!("aws {service_name} wait {w}"),
            None => format!("aws {service_name} {operation_name}"),
        };
        let paginated = operation.paginator.is_some() && waiter.is_none();
        let args = arguments::table(&service, operation);
        let outfile = waiter.is_none()
            && (service.streams_output(operation)
                || operation
                    .extra_arguments
                    .iter()
                    .any(|a| a.positional && a.name == "outfile"));
        let mut known: Vec<String> = args.iter().map(|a| a.cli_name.clone()).collect();
        known.extend(
            operation
                .extra_arguments
                .iter()
                .filter(|a| !a.positional)
                .map(|a| a.name.clone()),
        );
        known.extend(
            ["cli-input-json", "cli-input-yaml", "generate-cli-skeleton"].map(str::to_owned),
        );
        if paginated {
            known.extend(["max-items", "page-size", "starting-token"].map(str::to_owned));
        }
        let (options, positionals) = group(&rest, &known, |name| {
            args.iter()
                .find(|a| a.cli_name == name)
                .map(|a| {
                    let shape = &service.shapes[a.member.shape as usize];
                    match shape.kind {
                        _ if a.flag => Nargs::Zero,
                        _ if a.optional => Nargs::Optional,
                        ShapeType::Boolean if !shape.document => Nargs::Zero,
                        ShapeType::List => Nargs::ZeroOrMore,
                        _ => Nargs::One,
                    }
                })
                .or_else(|| {
                    operation
                        .extra_arguments
                        .iter()
                        .find(|a| a.name == name && !a.positional)
                        .map(nargs)
                })
                .or(match name {
                    "cli-input-json" | "cli-input-yaml" => Some(Nargs::One),
                    "generate-cli-skeleton" => Some(Nargs::Optional),
                    "max-items" | "page-size" | "starting-token" if paginated => Some(Nargs::One),
                    _ => None,
                })
        });
        let options = options.map_err(|name| {
            if matches!(name.as_str(), "max-items" | "page-size" | "starting-token") {
                return ParseError::NotPaginated {
                    option: name.clone(),
                    command: shown.clone(),
                };
            }
            ParseError::UnknownParameter {
                suggestions: closest(&name, args.iter().map(|a| a.cli_name.as_str())),
                parameter: name,
                command: shown.clone(),
            }
        })?;
        // The CLI's per-command options (pagination, `--cli-input-json`).
        let (standard, options): (Vec<_>, Vec<_>) = options.into_iter().partition(|(name, _)| {
            PER_COMMAND.contains(&name.as_str())
                && !args.iter().any(|a| a.cli_name == *name)
                && !operation.extra_arguments.iter().any(|a| a.name == *name)
        });
        for (name, values) in standard {
            let value = values.into_iter().next().map(|w| w.text);
            if value.is_none() && name != "generate-cli-skeleton" {
                return Err(ParseError::MissingValue(name));
            }
            set_global(&mut global, &name, value, context.working_dir, &mut files)?;
        }
        // Options the CLI adds to the command are kept as written; the
        // executor gives them the CLI's meaning.
        let (extra, options): (Vec<_>, Vec<_>) = options
            .into_iter()
            .partition(|(name, _)| !args.iter().any(|a| a.cli_name == *name));
        let missing: Vec<String> = operation
            .extra_arguments
            .iter()
            .filter(|a| a.required && !a.positional && !extra.iter().any(|(n, _)| *n == a.name))
            .filter(|a| a.name != "outfile")
            .map(|a| format!("--{}", a.name))
            .collect();
        if !missing.is_empty() && global.other.iter().all(|(n, _)| n != "cli-input-json") {
            return Err(ParseError::MissingRequired {
                command: shown,
                missing,
            });
        }
        let mut positionals = positionals.into_iter();
        let outfile_path = if outfile {
            Some(
                positionals
                    .next()
                    .ok_or_else(|| ParseError::MissingOutfile(shown.clone()))?,
            )
        } else {
            None
        };
        if let Some(extra) = positionals.next() {
            return Err(ParseError::UnexpectedWord {
                word: extra.text,
                after: shown.clone(),
            });
        }
        let cli_input = self.cli_input(&global, &mut files)?;
        let mut parameters =
            arguments::read(&service, operation, options, cli_input, &mut files, &shown)?;
        cli_options::translate(&service, operation, extra, &mut parameters, &mut files)?;
        if let Some(path) = &outfile_path {
            files.record("outfile", &path.text, FileAccess::Write)?;
        }
        // Where the paginator puts `--starting-token` and `--page-size` in
        // the first request, as the CLI does.
        if let (Some(paginator), true) = (&operation.paginator, paginated) {
            if let (Some(token), [member]) =
                (&global.starting_token, paginator.input_token.as_slice())
                && !parameters.iter().any(|p| &p.api_name == member)
            {
                parameters.push(Parameter {
                    cli_name: "starting-token".to_owned(),
                    api_name: member.clone(),
                    value: Value::String(token.clone()),
                    shape: ShapeKind::String,
                });
            }
            if let (Some(size), Some(limit)) = (global.page_size, &paginator.limit_key)
                && !parameters.iter().any(|p| &p.api_name == limit)
            {
                parameters.push(Parameter {
                    cli_name: "page-size".to_owned(),
                    api_name: limit.clone(),
                    value: Value::from(size),
                    shape: ShapeKind::Integer,
                });
            }
        }
        let facts = Some(facts(&service, operation, &parameters));
        Ok(ParsedCommand {
            facts,
            cli_service: service_name,
            cli_operation: operation_name,
            cli_subcommand: waiter.clone(),
            api_service: Some(service.api_name.clone()),
            api_operation: Some(operation.name.clone()),
            is_customization: waiter.is_some(),
            parameters,
            positionals: outfile_path.into_iter().map(|w| w.text).collect(),
            global,
            files: files.files,
        })
    }

    /// The members given by `--cli-input-json`, read and checked.
    fn cli_input(
        &self,
        global: &GlobalOptions,
        files: &mut FileReader<'_>,
    ) -> Result<Option<Map<String, Value>>, ParseError> {
        let Some((option, Some(value))) = global
            .other
            .iter()
            .find(|(name, _)| name == "cli-input-json" || name == "cli-input-yaml")
        else {
            return Ok(None);
        };
        if option == "cli-input-yaml" {
            return Err(ParseError::BadValue {
                option: option.clone(),
                value: value.clone(),
                expected: "JSON: this server reads `--cli-input-json`; convert the YAML to JSON"
                    .to_owned(),
            });
        }
        let loaded = files.load(option, value)?;
        let text = loaded.as_text();
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(Some(map)),
            Ok(_) => Err(ParseError::BadValue {
                option: option.clone(),
                value: value.clone(),
                expected: "a JSON object of the operation's input members".to_owned(),
            }),
            Err(e) => Err(ParseError::BadValue {
                option: option.clone(),
                value: value.clone(),
                expected: format!("a JSON object ({e})"),
            }),
        }
    }

    /// A command the CLI implements itself, read with its own options.
    fn custom(
        &self,
        command: &CliCommand,
        service: String,
        operation: String,
        rest: Vec<Word>,
        global: GlobalOptions,
        mut files: FileReader<'_>,
    ) -> Result<ParsedCommand, ParseError> {
        // argparse takes the subcommand as an optional positional: a
        // command with options of its own runs itself when an option comes
        // first (`aws cloudformation deploy --template-file ...`, although
        // CodeDeploy's `push`, `register`... hang under every command named
        // `deploy`).
        let runs_itself =
            !command.args.is_empty() && rest.first().is_none_or(|w| w.text.starts_with('-'));
        let (command, subcommand, rest) = if command.subcommands.is_empty() || runs_itself {
            (command, None, rest)
        } else {
            let mut rest = rest.into_iter();
            let word = rest.next().ok_or_else(|| {
                ParseError::MissingOperation(format!("{service} {operation}").trim().to_owned())
            })?;
            match command.subcommands.iter().find(|c| c.name == word.text) {
                Some(sub) => (sub, Some(word.text), rest.collect()),
                None => {
                    return Err(ParseError::UnknownOperation {
                        service: format!("{service} {operation}").trim().to_owned(),
                        operation: word.text.clone(),
                        suggestions: closest(
                            &word.text,
                            command.subcommands.iter().map(|c| c.name.as_str()),
                        ),
                    });
                }
            }
        };
        let shown = [
            Some("aws"),
            Some(service.as_str()),
            Some(operation.as_str()).filter(|o| !o.is_empty()),
            subcommand.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let options_of = |name: &str| -> Option<Nargs> {
            command
                .args
                .iter()
                .find(|a| !a.positional && a.name == name)
                .map(nargs)
        };
        let known: Vec<String> = command
            .args
            .iter()
            .filter(|a| !a.positional)
            .map(|a| a.name.clone())
            .collect();
        let (options, positionals) = group(&rest, &known, options_of);
        let options = options.map_err(|name| ParseError::UnknownParameter {
            suggestions: closest(
                &name,
                command
                    .args
                    .iter()
                    .filter(|a| !a.positional)
                    .map(|a| a.name.as_str()),
            ),
            parameter: name,
            command: shown.clone(),
        })?;
        let declared: Vec<&CliArg> = command.args.iter().filter(|a| a.positional).collect();
        let mut positional_values = Vec::new();
        let mut words = positionals.into_iter().peekable();
        for arg in &declared {
            let want = nargs(arg);
            let (least, most) = match want {
                Nargs::Zero => (0, 0),
                Nargs::One => (1, 1),
                Nargs::Optional => (0, 1),
                Nargs::Exactly(n) => (n, n),
                Nargs::OneOrMore => (1, usize::MAX),
                Nargs::ZeroOrMore => (0, usize::MAX),
            };
            let mut taken = Vec::new();
            while taken.len() < most
                && let Some(w) = words.next()
            {
                taken.push(w);
            }
            if taken.len() < least {
                return Err(ParseError::MissingPositional {
                    argument: arg.name.clone(),
                    command: shown.clone(),
                });
            }
            if !taken.is_empty() {
                positional_values.push((arg.name.clone(), taken));
            }
        }
        if let Some(extra) = words.next() {
            return Err(ParseError::UnexpectedWord {
                word: extra.text,
                after: shown,
            });
        }
        for (name, values) in &options {
            let want = command.args.iter().find(|a| a.name == *name).map(nargs);
            let short = match want {
                Some(Nargs::One) | Some(Nargs::OneOrMore) => values.is_empty(),
                Some(Nargs::Exactly(n)) => values.len() < n,
                _ => false,
            };
            if short {
                return Err(ParseError::MissingValue(name.clone()));
            }
        }
        for arg in command.args.iter().filter(|a| a.required && !a.positional) {
            if !options.iter().any(|(n, _)| *n == arg.name) {
                return Err(ParseError::MissingRequired {
                    command: shown,
                    missing: vec![format!("--{}", arg.name)],
                });
            }
        }
        let mut parameters = Vec::new();
        for (name, values) in options.into_iter().chain(positional_values.clone()) {
            if let Some(arg) = command.args.iter().find(|a| a.name == name)
                && !arg.choices.is_empty()
                && let Some(bad) = values.iter().find(|v| !arg.choices.contains(&v.text))
            {
                return Err(ParseError::BadValue {
                    option: name,
                    value: bad.text.clone(),
                    expected: format!("one of {}", arg.choices.join(", ")),
                });
            }
            parameters.push(raw_parameter(name, &values));
        }
        let positionals: Vec<String> = positional_values
            .into_iter()
            .flat_map(|(_, ws)| ws.into_iter().map(|w| w.text))
            .collect();
        local_positionals(&service, &operation, &positionals, &mut files)?;
        local_options(&service, &operation, &parameters, &mut files)?;
        // The CLI loads `file://` values of its own commands' options too.
        for p in &mut parameters {
            if let Value::String(text) = &p.value
                && local_reference(text).is_some()
            {
                let loaded = files.load(&p.cli_name, &text.clone())?;
                p.value = loaded
                    .as_blob()
                    .unwrap_or_else(|| Value::String(loaded.as_text().to_owned()));
            }
        }
        Ok(ParsedCommand {
            facts: None,
            cli_service: service,
            cli_operation: operation,
            cli_subcommand: subcommand,
            api_service: None,
            api_operation: None,
            is_customization: true,
            parameters,
            positionals,
            global,
            files: files.files,
        })
    }
}

/// The option `name` stands for: itself, or, as argparse allows, the one
/// option it is an unambiguous prefix of (`--repo` for `--repository`).
fn resolve_abbreviation<'a, T>(
    name: &str,
    options: impl Iterator<Item = (&'a str, T)>,
) -> Option<T> {
    let mut prefixed = Vec::new();
    for (option, item) in options {
        if option == name {
            return Some(item);
        }
        if option.starts_with(name) && !name.is_empty() {
            prefixed.push(item);
        }
    }
    if prefixed.len() == 1 {
        prefixed.pop()
    } else {
        None
    }
}

/// An option kept as written (a CLI command's own, or one the CLI adds to
/// an API command): a flag is `true`, one word a string, several a list.
pub(super) fn raw_parameter(name: String, values: &[Word]) -> Parameter {
    let value = match values {
        [] => Value::Bool(true),
        [one] => Value::String(one.text.clone()),
        many => Value::Array(many.iter().map(|w| Value::String(w.text.clone())).collect()),
    };
    Parameter {
        api_name: name.clone(),
        cli_name: name,
        value,
        shape: ShapeKind::Unknown,
    }
}

/// The model's facts about an operation, for the policies, with the shapes
/// under the members that `parameters` set.
fn facts(
    service: &Service,
    operation: &Operation,
    parameters: &[Parameter],
) -> super::OperationFacts {
    let mut shapes = ShapeGraph::default();
    let input = arguments::table(service, operation)
        .into_iter()
        .filter(|a| !a.negative)
        .map(|a| {
            let shape = &service.shapes[a.member.shape as usize];
            let set = parameters.iter().any(|p| p.api_name == a.member.name);
            super::MemberFacts {
                api_name: a.member.name.clone(),
                cli_name: a.cli_name.clone(),
                required: a.required,
                shape: arguments::shape_kind(service, a.member.shape),
                enum_values: shape.enum_values.clone(),
                min: shape.min,
                max: shape.max,
                pattern: shape.pattern.clone(),
                shape_index: set.then(|| shapes.add(service, a.member.shape)),
            }
        })
        .collect();
    super::OperationFacts {
        iam_action: operation.iam_action.clone(),
        http_method: operation.http_method.clone(),
        documentation: operation.documentation.clone(),
        input,
        shapes: shapes.shapes,
    }
}

/// The shapes under some members, numbered as they are first reached.
#[derive(Default)]
struct ShapeGraph {
    shapes: Vec<super::ShapeFacts>,
    index: std::collections::HashMap<ShapeId, u32>,
}

impl ShapeGraph {
    /// The index of `id`, adding it and everything under it first.
    fn add(&mut self, service: &Service, id: ShapeId) -> u32 {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        let i = self.shapes.len() as u32;
        self.index.insert(id, i);
        let s = &service.shapes[id as usize];
        self.shapes.push(super::ShapeFacts {
            shape: arguments::shape_kind(service, id),
            members: Vec::new(),
            item: None,
            key: None,
            enum_values: s.enum_values.clone(),
            min: s.min,
            max: s.max,
            pattern: s.pattern.clone(),
            union: s.union,
        });
        if s.document {
            return i;
        }
        let members: Vec<(String, u32, bool)> = s
            .members
            .iter()
            .map(|m| (m.name.clone(), self.add(service, m.shape), m.required))
            .collect();
        let item = s
            .member
            .as_ref()
            .or(s.value.as_ref())
            .map(|m| self.add(service, m.shape));
        let key = s.key.as_ref().map(|m| self.add(service, m.shape));
        let entry = &mut self.shapes[i as usize];
        entry.members = members;
        entry.item = item;
        entry.key = key;
        i
    }
}

/// How many words an option or positional argument takes, as argparse's
/// `nargs` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nargs {
    Zero,
    One,
    Optional,
    Exactly(usize),
    OneOrMore,
    ZeroOrMore,
}

fn nargs(arg: &CliArg) -> Nargs {
    match arg.nargs.as_deref() {
        None | Some("1") => Nargs::One,
        Some("0") => Nargs::Zero,
        Some("?") => Nargs::Optional,
        Some("+") => Nargs::OneOrMore,
        Some("*") => Nargs::ZeroOrMore,
        Some(n) => n.parse().map(Nargs::Exactly).unwrap_or(Nargs::One),
    }
}

type Options = Vec<(String, Vec<Word>)>;

/// Groups words into options with their values (as `nargs_of` says) and
/// positional words; an unknown option is returned as the error.
fn group(
    words: &[Word],
    names: &[String],
    nargs_of: impl Fn(&str) -> Option<Nargs>,
) -> (Result<Options, String>, Vec<Word>) {
    let mut options = Vec::new();
    let mut positionals = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        let Some(option) = word.text.strip_prefix("--") else {
            positionals.push(word.clone());
            continue;
        };
        let (name, inline) = match option.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (option.to_owned(), None),
        };
        let name = if nargs_of(&name).is_some() {
            name
        } else {
            match resolve_abbreviation(&name, names.iter().map(|n| (n.as_str(), n))) {
                Some(full) => full.clone(),
                None => name,
            }
        };
        let Some(nargs) = nargs_of(&name) else {
            return (Err(name), positionals);
        };
        let mut values = Vec::new();
        if let Some(v) = inline {
            values.push(Word {
                text: v,
                quoted: true,
                start: word.start,
            });
        } else {
            let most = match nargs {
                Nargs::Zero => 0,
                Nargs::One | Nargs::Optional => 1,
                Nargs::Exactly(n) => n,
                Nargs::OneOrMore | Nargs::ZeroOrMore => usize::MAX,
            };
            while values.len() < most
                && let Some(next) = words.get(i).filter(|w| !w.text.starts_with("--"))
            {
                values.push(next.clone());
                i += 1;
            }
        }
        options.push((name, values));
    }
    (Ok(options), positionals)
}

fn set_global(
    global: &mut GlobalOptions,
    option: &str,
    value: Option<String>,
    _working_dir: &Path,
    files: &mut FileReader<'_>,
) -> Result<(), ParseError> {
    let number = |value: &Option<String>, min: u32| -> Result<Option<u32>, ParseError> {
        let text = value.clone().unwrap_or_default();
        match text.parse::<u32>() {
            Ok(n) if n >= min => Ok(Some(n)),
            _ => Err(ParseError::BadValue {
                option: option.to_owned(),
                value: text,
                expected: format!("a whole number of at least {min}"),
            }),
        }
    };
    let one_of = |value: &Option<String>, choices: &[&str]| -> Result<Option<String>, ParseError> {
        let text = value.clone().unwrap_or_default();
        if choices.contains(&text.as_str()) {
            Ok(Some(text))
        } else {
            Err(ParseError::BadValue {
                option: option.to_owned(),
                value: text,
                expected: format!("one of {}", choices.join(", ")),
            })
        }
    };
    match option {
        "region" => {
            if let Some(region) = &value
                && !crate::endpoint::is_valid_region(region)
            {
                return Err(ParseError::BadValue {
                    option: option.to_owned(),
                    value: region.clone(),
                    expected: "a region name such as `us-east-1` (letters, digits and `-`)"
                        .to_owned(),
                });
            }
            global.region = value;
        }
        "profile" => global.profile = value,
        // The CLI v1 accepts `yaml` here and fails only when printing,
        // after the request was sent; a write would have happened behind a
        // `failed`. Refused before anything is sent.
        "output" => global.output = one_of(&value, &["json", "text", "table"])?,
        // A `--query` that does not compile would likewise fail only after
        // the command ran.
        "query" => {
            if let Some(expression) = &value
                && let Err(e) = crate::exec::query::Query::compile(expression)
            {
                return Err(ParseError::BadValue {
                    option: option.to_owned(),
                    value: expression.clone(),
                    expected: format!("a JMESPath expression ({e})"),
                });
            }
            global.query = value;
        }
        "endpoint-url" => global.endpoint_url = value,
        "no-verify-ssl" => global.no_verify_ssl = true,
        "no-sign-request" => global.no_sign_request = true,
        "no-paginate" => global.no_paginate = true,
        "debug" => global.debug = true,
        "ca-bundle" => {
            if let Some(path) = &value {
                files.record(option, path, FileAccess::Read)?;
            }
            global.ca_bundle = value;
        }
        "cli-read-timeout" => global.cli_read_timeout = number(&value, 0)?,
        "cli-connect-timeout" => global.cli_connect_timeout = number(&value, 0)?,
        "max-items" => global.max_items = number(&value, 1)?,
        "page-size" => global.page_size = number(&value, 1)?,
        "starting-token" => global.starting_token = value,
        "cli-input-json" | "cli-input-yaml" => {
            global.cli_input = true;
            global.other.push((option.to_owned(), value));
        }
        // The CLI prints a JSON skeleton of the input and sends nothing;
        // running the command instead would be the opposite of what was
        // asked.
        "generate-cli-skeleton" => return Err(ParseError::GenerateSkeleton),
        "color" => {
            let value = one_of(&value, &["on", "off", "auto"])?;
            global.other.push((option.to_owned(), value));
        }
        _ => global.other.push((option.to_owned(), value)),
    }
    Ok(())
}

/// The path in a `file://` or `fileb://` value.
fn local_reference(value: &str) -> Option<&str> {
    value
        .strip_prefix("file://")
        .or_else(|| value.strip_prefix("fileb://"))
}

/// The local side of `s3 cp/mv/sync` (source read, destination written).
fn local_positionals(
    service: &str,
    operation: &str,
    positionals: &[String],
    files: &mut FileReader<'_>,
) -> Result<(), ParseError> {
    if service == "s3" && matches!(operation, "cp" | "mv" | "sync") {
        for (i, path) in positionals.iter().enumerate().take(2) {
            if !path.starts_with("s3://") {
                let (parameter, access) = if i == 0 {
                    ("source", FileAccess::Read)
                } else {
                    ("destination", FileAccess::Write)
                };
                let file = files.record(parameter, path, access)?;
                if access == FileAccess::Read && !file.exists {
                    return Err(ParseError::BadPath {
                        path: path.clone(),
                        reason: "it does not exist; name an existing local file or folder"
                            .to_owned(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Records the local files a CLI command's own options name, for the
/// policies to judge: `cloudformation deploy`/`package` read
/// `--template-file` and `package` writes `--output-template-file`;
/// `eks update-kubeconfig` writes its kubeconfig.
fn local_options(
    service: &str,
    operation: &str,
    parameters: &[Parameter],
    files: &mut FileReader<'_>,
) -> Result<(), ParseError> {
    if (service, operation) == ("eks", "update-kubeconfig") {
        let given = parameters
            .iter()
            .find(|p| p.cli_name == "kubeconfig")
            .and_then(|p| p.value.as_str());
        for path in crate::exec::kubeconfig_paths(given) {
            files.record("kubeconfig", &path, FileAccess::Write)?;
        }
        return Ok(());
    }
    if (service, operation) == ("deploy", "push") {
        // The folder zipped and uploaded (the current one by default).
        let source = parameters
            .iter()
            .find(|p| p.cli_name == "source")
            .and_then(|p| p.value.as_str())
            .unwrap_or(".");
        files.record("source", source, FileAccess::Read)?;
        return Ok(());
    }
    if service != "cloudformation" || !matches!(operation, "deploy" | "package") {
        return Ok(());
    }
    for p in parameters {
        let access = match p.cli_name.as_str() {
            "template-file" => FileAccess::Read,
            "output-template-file" => FileAccess::Write,
            _ => continue,
        };
        if let Value::String(path) = &p.value {
            files.record(&p.cli_name, path, access)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::OnceLock;

    fn parser() -> &'static Parser {
        static PARSER: OnceLock<Parser> = OnceLock::new();
        PARSER.get_or_init(|| Parser::load(None).expect("the built-in models load"))
    }

    fn parse_in(line: &str, dir: &Path) -> Result<ParsedCommand, ParseError> {
        parser().parse(
            line,
            &ParseContext {
                working_dir: dir,
                file_access: FileAccessMode::Workdir,
            },
        )
    }

    fn ok(line: &str) -> ParsedCommand {
        parse_in(line, Path::new("/nonexistent")).unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    fn err(line: &str) -> String {
        parse_in(line, Path::new("/nonexistent"))
            .expect_err(line)
            .to_string()
    }

    fn params(c: &ParsedCommand) -> Value {
        Value::Object(
            c.parameters
                .iter()
                .map(|p| (p.api_name.clone(), p.value.clone()))
                .collect(),
        )
    }

    #[test]
    fn api_names_and_typed_values() {
        let c = ok("aws s3api list-objects-v2 --bucket b --max-keys 5 --fetch-owner");
        assert_eq!(c.api_service.as_deref(), Some("s3"));
        assert_eq!(c.api_operation.as_deref(), Some("ListObjectsV2"));
        assert_eq!(
            params(&c),
            json!({"Bucket": "b", "MaxKeys": 5, "FetchOwner": true})
        );
        let c =
            ok("aws ec2 describe-instances --no-dry-run --instance-ids i-1 i-2 --region eu-west-1");
        assert_eq!(
            params(&c),
            json!({"DryRun": false, "InstanceIds": ["i-1", "i-2"]})
        );
        assert_eq!(c.global.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn shorthand_and_json_by_shape() {
        let c = ok(
            "aws ec2 describe-instances --filters Name=instance-state-name,Values=running,stopped Name=tag:Env,Values=prod",
        );
        assert_eq!(
            params(&c)["Filters"],
            json!([{"Name": "instance-state-name", "Values": ["running", "stopped"]}, {"Name": "tag:Env", "Values": ["prod"]}])
        );
        let c = ok("aws dynamodb put-item --table-name t --item '{\"k\": {\"S\": \"v\"}}'");
        assert_eq!(params(&c)["Item"], json!({"k": {"S": "v"}}));
        let c = ok(
            "aws autoscaling put-scaling-policy --auto-scaling-group-name g --policy-name p --step-adjustments MetricIntervalLowerBound=0,ScalingAdjustment=2",
        );
        assert_eq!(
            params(&c)["StepAdjustments"],
            json!([{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 2}])
        );
    }

    #[test]
    fn files_are_read_only_inside_the_working_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("policy.json"),
            "{\"Version\": \"2012-10-17\"}",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("input.json"),
            "{\"UserName\": \"from-file\", \"Path\": \"/a/\"}",
        )
        .unwrap();
        let c = parse_in(
            "aws iam create-policy --policy-name p --policy-document file://policy.json",
            dir.path(),
        )
        .unwrap();
        assert_eq!(
            params(&c)["PolicyDocument"],
            json!("{\"Version\": \"2012-10-17\"}")
        );
        assert_eq!(c.files[0].access, FileAccess::Read);
        let e = parse_in(
            "aws iam create-policy --policy-name p --policy-document file:///etc/passwd",
            dir.path(),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("outside the working directory"),
            "{e}"
        );
        let c = parse_in(
            "aws iam create-user --cli-input-json file://input.json --path /b/",
            dir.path(),
        )
        .unwrap();
        assert_eq!(params(&c), json!({"Path": "/b/", "UserName": "from-file"}));
        let e = parse_in(
            "aws iam create-user --cli-input-json '{\"Nope\": 1}'",
            dir.path(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("UserName"), "{e}");
    }

    #[test]
    fn outputs_streams_waiters_and_pagination() {
        let c = ok("aws s3api get-object --bucket b --key k out.bin");
        assert_eq!(c.files[0].access, FileAccess::Write);
        assert_eq!(c.positionals, ["out.bin"]);
        let c = ok("aws ec2 wait instance-running --instance-ids i-1");
        assert_eq!(c.cli_subcommand.as_deref(), Some("instance-running"));
        assert_eq!(c.api_operation.as_deref(), Some("DescribeInstances"));
        let c = ok("aws iam list-users --max-items 5 --starting-token abc");
        assert_eq!(c.global.max_items, Some(5));
        assert_eq!(params(&c), json!({"Marker": "abc"}));
        assert!(
            err("aws iam get-user --max-items 5").contains("works only with commands that page")
        );
    }

    #[test]
    fn cli_commands_and_abbreviations() {
        let c = ok("aws s3 cp s3://a/k s3://b/k --recursive --exclude '*.tmp' --exclude '*.log'");
        assert!(c.is_customization);
        assert_eq!(c.positionals, ["s3://a/k", "s3://b/k"]);
        let c =
            ok("aws autoscaling describe-notification-configurations --auto-scaling-group-name g");
        assert_eq!(params(&c), json!({"AutoScalingGroupNames": ["g"]}));
        let c = ok(
            "aws ec2 create-network-acl-entry --network-acl-id a --ingress --rule-number 1 --protocol udp --rule-action allow --cidr-block 0.0.0.0/0",
        );
        assert_eq!(params(&c)["Egress"], json!(false));
        // Commands named `deploy` carry CodeDeploy's subcommands, as in the
        // CLI, yet run themselves when an option comes first.
        let c = ok("aws cloudformation deploy --template-file t.yaml --stack-name s");
        assert_eq!(c.cli_subcommand, None);
        assert_eq!(c.cli_operation, "deploy");
        let c =
            ok("aws ecs deploy --service s --task-definition t.json --codedeploy-appspec a.json");
        assert_eq!(c.cli_subcommand, None);
        let c = ok("aws deploy push --application-name a --s3-location s3://b/k --source .");
        assert_eq!(c.cli_operation, "push");
    }

    #[test]
    fn errors_suggest_the_fix() {
        assert!(err("aws ec3 describe-instances").contains("did you mean one of `ec2`"));
        assert!(err("aws ec2 describe-instance").contains("`describe-instances`"));
        assert!(err("aws ec2 describe-instances --instance-idz i-1").contains("`instance-ids`"));
        assert_eq!(
            err("aws iam create-access-key --user"),
            "`--user-name` needs a value"
        );
        assert!(
            err("aws s3api put-object --bucket b").contains("missing required parameters: `--key`")
        );
        assert!(err("aws dynamodb put-item --table-name t --item '{bad'").contains("JSON"));
        assert!(
            err("aws ec2 describe-instances --filters Name=x,Values='y").contains("never closed")
        );
        assert!(
            err("aws s3api list-objects-v2 --bucket b --max-keys many").contains("a whole number")
        );
        assert!(err("aws ec2 wait instance-runing").contains("`instance-running`"));
        assert!(err("aws iam create-user --user-name ''").contains("at least 1 characters"));
        assert!(err("aws sqs send-message --queue-url q --message-body b --message-attributes '{\"a\": {\"DataType\": 5}}'").contains("must be a string"));
        assert!(
            err("aws s3api get-object --bucket b --key k").contains("writes its output to a file")
        );
    }
}
