//! The structure every AWS CLI command shares: `aws`, global options
//! anywhere, a service, an operation, and `--parameter value...` pairs.
//!
//! Without the command table this level cannot know a parameter's type, so
//! values stay strings (several words make a list, and a `{...}` or `[...]`
//! word is read as JSON); the table-driven parser replaces that part.

use std::path::Path;

use serde_json::Value;

use super::split::{Word, split};
use super::{
    FileAccess, GlobalOptions, LocalFile, Parameter, ParseError, ParsedCommand, ShapeKind,
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

/// Options of the `aws s3` commands that take no value.
const S3_FLAGS: &[&str] = &[
    "recursive",
    "dryrun",
    "quiet",
    "force",
    "human-readable",
    "summarize",
    "delete",
    "size-only",
    "exact-timestamps",
    "only-show-errors",
    "no-progress",
    "follow-symlinks",
    "no-follow-symlinks",
    "no-guess-mime-type",
    "ignore-glacier-warnings",
    "force-glacier-transfer",
    "bypass-governance-retention",
];

/// Parses one command line; relative paths resolve from `working_dir`.
pub fn parse(line: &str, working_dir: &Path) -> Result<ParsedCommand, ParseError> {
    let words = split(line)?;
    let mut words = words.into_iter().peekable();
    let first = words.next().ok_or(ParseError::Empty)?;
    if first.text != "aws" || first.quoted {
        return Err(ParseError::NotAws(first.text));
    }
    let mut global = GlobalOptions::default();
    let mut names: Vec<Word> = Vec::new();
    let mut options: Vec<(String, Vec<Word>)> = Vec::new();
    let mut files = Vec::new();
    while let Some(word) = words.next() {
        if word.text == "aws" && !word.quoted {
            return Err(ParseError::SecondAws(word.start));
        }
        if matches!(word.text.as_str(), "help" | "-h" | "--help") && !word.quoted {
            return Err(ParseError::Help(word.text));
        }
        let Some(option) = word.text.strip_prefix("--") else {
            if word.text.starts_with('-') && word.text.len() > 1 && names.len() < 2 {
                return Err(ParseError::BadOption(word.text));
            }
            names.push(word);
            continue;
        };
        if option == "version" {
            return Err(ParseError::Version);
        }
        let (option, inline) = match option.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (option.to_owned(), None),
        };
        if let Some((_, arity)) = GLOBAL_OPTIONS.iter().find(|(name, _)| *name == option) {
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
            set_global(&mut global, &option, value, working_dir, &mut files)?;
            continue;
        }
        let is_s3 = names.first().is_some_and(|w| w.text == "s3");
        let mut values = Vec::new();
        if let Some(v) = inline {
            values.push(Word {
                text: v,
                quoted: true,
                start: word.start,
            });
        } else if !(is_s3 && S3_FLAGS.contains(&option.as_str())) {
            while let Some(w) = words.next_if(|w| !w.text.starts_with("--")) {
                if w.text == "aws" && !w.quoted {
                    return Err(ParseError::SecondAws(w.start));
                }
                values.push(w);
                if is_s3 {
                    break;
                }
            }
        }
        options.push((option, values));
    }
    let mut names = names.into_iter();
    let service = names.next().ok_or(ParseError::MissingService)?.text;
    let operation = names
        .next()
        .ok_or_else(|| ParseError::MissingOperation(service.clone()))?
        .text;
    let mut positionals: Vec<String> = names.map(|w| w.text).collect();
    let cli_subcommand = if operation == "wait" {
        if positionals.is_empty() {
            return Err(ParseError::MissingWaiter(service));
        }
        Some(positionals.remove(0))
    } else {
        None
    };
    let is_customization = service == "s3" || cli_subcommand.is_some();
    let mut parameters = Vec::new();
    for (name, values) in options {
        for value in &values {
            if let Some(path) = local_reference(&value.text) {
                files.push(local_file(&name, path, FileAccess::Read, working_dir)?);
            }
        }
        parameters.push(Parameter {
            api_name: pascal_case(&name),
            cli_name: name,
            value: value_of(values),
            shape: ShapeKind::Unknown,
        });
    }
    local_positionals(&service, &operation, &positionals, working_dir, &mut files)?;
    Ok(ParsedCommand {
        cli_service: service,
        cli_operation: operation,
        cli_subcommand,
        api_service: None,
        api_operation: None,
        is_customization,
        parameters,
        positionals,
        global,
        files,
    })
}

fn set_global(
    global: &mut GlobalOptions,
    option: &str,
    value: Option<String>,
    working_dir: &Path,
    files: &mut Vec<LocalFile>,
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
        "region" => global.region = value,
        "profile" => global.profile = value,
        "output" => {
            global.output = one_of(&value, &["json", "text", "table", "yaml", "yaml-stream"])?
        }
        "query" => global.query = value,
        "endpoint-url" => global.endpoint_url = value,
        "no-verify-ssl" => global.no_verify_ssl = true,
        "no-sign-request" => global.no_sign_request = true,
        "no-paginate" => global.no_paginate = true,
        "debug" => global.debug = true,
        "ca-bundle" => {
            if let Some(path) = &value {
                files.push(local_file(option, path, FileAccess::Read, working_dir)?);
            }
            global.ca_bundle = value;
        }
        "cli-read-timeout" => global.cli_read_timeout = number(&value, 0)?,
        "cli-connect-timeout" => global.cli_connect_timeout = number(&value, 0)?,
        "max-items" => global.max_items = number(&value, 1)?,
        "page-size" => global.page_size = number(&value, 1)?,
        "starting-token" => global.starting_token = value,
        "cli-input-json" | "cli-input-yaml" => {
            if let Some(path) = value.as_deref().and_then(local_reference) {
                files.push(local_file(option, path, FileAccess::Read, working_dir)?);
            }
            global.cli_input = true;
            global.other.push((option.to_owned(), value));
        }
        "generate-cli-skeleton" => global.generate_cli_skeleton = true,
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

fn local_file(
    parameter: &str,
    written: &str,
    access: FileAccess,
    working_dir: &Path,
) -> Result<LocalFile, ParseError> {
    if written == "-" {
        return Err(ParseError::BadPath {
            path: written.to_owned(),
            reason:
                "`-` means standard input or output, and this server has no terminal; name a file"
                    .to_owned(),
        });
    }
    let (absolute, resolved, exists) =
        super::resolve_path(written, working_dir).map_err(|reason| ParseError::BadPath {
            path: written.to_owned(),
            reason,
        })?;
    Ok(LocalFile {
        parameter: parameter.to_owned(),
        written: written.to_owned(),
        absolute,
        resolved,
        access,
        exists,
    })
}

/// The local side of `s3 cp/mv/sync` (source read, destination written), and
/// the output file of an API command (`s3api get-object ... OUTFILE`).
fn local_positionals(
    service: &str,
    operation: &str,
    positionals: &[String],
    working_dir: &Path,
    files: &mut Vec<LocalFile>,
) -> Result<(), ParseError> {
    let is_local = |p: &str| !p.starts_with("s3://");
    if service == "s3" {
        if matches!(operation, "cp" | "mv" | "sync") {
            for (i, path) in positionals.iter().enumerate().take(2) {
                if is_local(path) {
                    let (parameter, access) = if i == 0 {
                        ("source", FileAccess::Read)
                    } else {
                        ("destination", FileAccess::Write)
                    };
                    files.push(local_file(parameter, path, access, working_dir)?);
                }
            }
        }
        return Ok(());
    }
    if operation != "wait" {
        for path in positionals {
            files.push(local_file("outfile", path, FileAccess::Write, working_dir)?);
        }
    }
    Ok(())
}

fn value_of(mut values: Vec<Word>) -> Value {
    match values.len() {
        0 => Value::Bool(true),
        1 => {
            let word = values.remove(0);
            let text = word.text.trim_start();
            if (text.starts_with('{') || text.starts_with('['))
                && let Ok(json) = serde_json::from_str(&word.text)
            {
                return json;
            }
            Value::String(word.text)
        }
        _ => Value::Array(values.into_iter().map(|w| Value::String(w.text)).collect()),
    }
}

/// `instance-ids` → `InstanceIds`.
fn pascal_case(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(line: &str) -> ParsedCommand {
        parse(line, Path::new("/work")).unwrap()
    }

    #[test]
    fn services_operations_and_globals_anywhere() {
        let c = ok(
            "aws --region eu-west-1 ec2 describe-instances --instance-ids i-1 i-2 --output text --debug",
        );
        assert_eq!(
            (c.cli_service.as_str(), c.cli_operation.as_str()),
            ("ec2", "describe-instances")
        );
        assert_eq!(c.global.region.as_deref(), Some("eu-west-1"));
        assert_eq!(c.global.output.as_deref(), Some("text"));
        assert!(c.global.debug);
        assert_eq!(c.parameters[0].value, json!(["i-1", "i-2"]));
        assert_eq!(c.parameters[0].api_name, "InstanceIds");
    }

    #[test]
    fn values_json_flags_and_equals() {
        let c = ok(
            r#"aws dynamodb put-item --table-name=t --item '{"k":{"S":"v"}}' --return-consumed-capacity"#,
        );
        assert_eq!(c.parameters[0].value, json!("t"));
        assert_eq!(c.parameters[1].value, json!({"k": {"S": "v"}}));
        assert_eq!(c.parameters[2].value, json!(true));
    }

    #[test]
    fn files_are_recorded_with_their_access() {
        let c = ok("aws s3 cp ./a.txt s3://b/a.txt --recursive");
        assert_eq!(c.positionals, ["./a.txt", "s3://b/a.txt"]);
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.files[0].absolute, Path::new("/work/a.txt"));
        assert_eq!(c.files[0].access, FileAccess::Read);
        let c = ok("aws s3 cp s3://b/a.txt /tmp/a.txt");
        assert_eq!(c.files[0].access, FileAccess::Write);
        let c = ok("aws iam create-policy --policy-name p --policy-document file://p.json");
        assert_eq!(c.files[0].parameter, "policy-document");
        let c = ok("aws ec2 run-instances --cli-input-json file://../in.json");
        assert!(c.global.cli_input);
        assert_eq!(c.files[0].absolute, Path::new("/in.json"));
    }

    #[test]
    fn waiters() {
        let c = ok("aws ec2 wait instance-running --instance-ids i-1");
        assert_eq!(c.cli_subcommand.as_deref(), Some("instance-running"));
        assert!(c.is_customization);
    }

    #[test]
    fn errors_say_what_to_do() {
        let err = |line: &str| parse(line, Path::new("/work")).unwrap_err().to_string();
        assert!(err("").contains("empty"));
        assert!(err("ls -la").contains("must start with `aws`"));
        assert!(err("'aws' s3 ls").contains("must start with `aws`"));
        assert!(err("aws").contains("no service"));
        assert!(err("aws s3").contains("`aws s3 <operation>`"));
        assert!(err("aws s3 ls aws s3 rb s3://x").contains("second `aws`"));
        assert!(err("aws s3 ls --region").contains("`--region` needs a value"));
        assert!(err("aws s3 ls --output xml").contains("one of json"));
        assert!(err("aws s3 ls --max-items 0").contains("at least 1"));
        assert!(err("aws s3 cp - s3://b/k").contains("no terminal"));
        assert!(err("aws ec2 wait").contains("no waiter"));
        assert!(err("aws s3 ls help").contains("help"));
    }
}
