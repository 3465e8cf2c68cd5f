//! An API operation's options, as the AWS CLI builds them from the input
//! shape, and their values read by shape: scalars converted, lists from
//! several words, structures and maps from JSON or shorthand, `file://` and
//! `fileb://` loaded, `--cli-input-json` merged.

use serde_json::{Map, Value};

use super::files::FileReader;
use super::shorthand;
use super::split::Word;
use super::suggest::closest;
use super::{Parameter, ParseError, ShapeKind};
use crate::model::{Location, Member, Operation, Service, ShapeId, ShapeType};

/// One option of an operation.
#[derive(Debug, Clone)]
pub struct Arg<'a> {
    /// Without dashes.
    pub cli_name: String,
    /// The input member it sets.
    pub member: &'a Member,
    /// `--no-x` of a boolean: sets false.
    pub negative: bool,
    /// The CLI requires it.
    pub required: bool,
    /// A flag (no value) although the member is not a boolean: an attribute
    /// structure such as `--source-dest-check`.
    pub flag: bool,
    /// One optional value.
    pub optional: bool,
}

/// The options of `operation`: every input member the CLI shows, booleans
/// twice (`--x`, `--no-x`).
pub fn table<'a>(service: &'a Service, operation: &'a Operation) -> Vec<Arg<'a>> {
    let Some(input) = operation
        .input
        .and_then(|id| service.shapes.get(id as usize))
    else {
        return Vec::new();
    };
    let mut args = Vec::new();
    for member in &input.members {
        let over = operation.argument_override(&member.name);
        if over.is_some_and(|o| o.hidden) || member.hidden {
            continue;
        }
        let cli_name = over
            .and_then(|o| o.cli_name.clone())
            .unwrap_or_else(|| member.cli_name.clone());
        let required = over.and_then(|o| o.required).unwrap_or(member.required);
        if kind(service, member.shape) == ShapeType::Boolean {
            args.push(Arg {
                cli_name: format!("no-{cli_name}"),
                member,
                negative: true,
                required: false,
                flag: false,
                optional: false,
            });
        }
        let nargs = over.and_then(|o| o.nargs.as_deref());
        args.push(Arg {
            cli_name: cli_name.clone(),
            member,
            negative: false,
            required,
            flag: nargs == Some("0"),
            optional: nargs == Some("?"),
        });
        for alias in over.map(|o| o.aliases.as_slice()).unwrap_or_default() {
            args.push(Arg {
                negative: alias.negative || alias.name == format!("no-{cli_name}"),
                cli_name: alias.name.clone(),
                member,
                required: false,
                flag: alias.nargs.as_deref() == Some("0"),
                optional: alias.nargs.as_deref() == Some("?"),
            });
        }
    }
    args
}

fn kind(service: &Service, shape: ShapeId) -> ShapeType {
    service
        .shapes
        .get(shape as usize)
        .map(|s| s.kind)
        .unwrap_or(ShapeType::String)
}

/// The shape kind as the parse result names it.
pub fn shape_kind(service: &Service, shape: ShapeId) -> ShapeKind {
    let Some(s) = service.shapes.get(shape as usize) else {
        return ShapeKind::Unknown;
    };
    if s.document {
        return ShapeKind::Document;
    }
    match s.kind {
        ShapeType::String => ShapeKind::String,
        ShapeType::Integer => ShapeKind::Integer,
        ShapeType::Long | ShapeType::BigInteger => ShapeKind::Long,
        ShapeType::Float => ShapeKind::Float,
        ShapeType::Double | ShapeType::BigDecimal => ShapeKind::Double,
        ShapeType::Boolean => ShapeKind::Boolean,
        ShapeType::Timestamp => ShapeKind::Timestamp,
        ShapeType::Blob => ShapeKind::Blob,
        ShapeType::Structure => ShapeKind::Structure,
        ShapeType::List => ShapeKind::List,
        ShapeType::Map => ShapeKind::Map,
    }
}

/// Reads every option of an API operation into parameters.
pub fn read(
    service: &Service,
    operation: &Operation,
    options: Vec<(String, Vec<Word>)>,
    cli_input: Option<Map<String, Value>>,
    files: &mut FileReader,
    command: &str,
) -> Result<Vec<Parameter>, ParseError> {
    let args = table(service, operation);
    let mut parameters: Vec<Parameter> = Vec::new();
    for (name, words) in options {
        let Some(arg) = args.iter().find(|a| a.cli_name == name) else {
            let names: Vec<&str> = args.iter().map(|a| a.cli_name.as_str()).collect();
            return Err(ParseError::UnknownParameter {
                parameter: name.clone(),
                command: command.to_owned(),
                suggestions: closest(&name, names.iter().copied()),
            });
        };
        // As with the CLI, a repeated option's last value wins.
        parameters.retain(|p| p.api_name != arg.member.name);
        let shape = arg.member.shape;
        let value = if (arg.flag || arg.optional) && words.is_empty() {
            attribute_flag(service, shape, !arg.negative)
        } else if kind(service, shape) == ShapeType::Boolean && !is_json_like(service, shape) {
            if let Some(extra) = words.first() {
                return Err(ParseError::UnexpectedWord {
                    word: extra.text.clone(),
                    after: name,
                });
            }
            Value::Bool(!arg.negative)
        } else {
            value(service, operation, arg, &name, words, files)?
        };
        parameters.push(Parameter {
            cli_name: name,
            api_name: arg.member.name.clone(),
            value,
            shape: shape_kind(service, shape),
        });
    }
    if let Some(input) = cli_input {
        let members = operation
            .input
            .and_then(|id| service.shapes.get(id as usize))
            .map(|s| s.members.as_slice())
            .unwrap_or_default();
        for (key, value) in input {
            if parameters.iter().any(|p| p.api_name == key) {
                continue;
            }
            let Some(member) = members.iter().find(|m| m.name == key) else {
                return Err(ParseError::BadValue {
                    option: "cli-input-json".to_owned(),
                    value: key,
                    expected: format!(
                        "only members of the input of `{command}`: {}",
                        members
                            .iter()
                            .map(|m| m.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            };
            parameters.push(Parameter {
                cli_name: member.cli_name.clone(),
                api_name: key,
                value,
                shape: shape_kind(service, member.shape),
            });
        }
    } else {
        let missing: Vec<String> = args
            .iter()
            .filter(|a| a.required && !a.negative)
            .filter(|a| !parameters.iter().any(|p| p.api_name == a.member.name))
            .map(|a| format!("--{}", a.cli_name))
            .collect();
        if !missing.is_empty() {
            return Err(ParseError::MissingRequired {
                command: command.to_owned(),
                missing,
            });
        }
    }
    let mut problems = Vec::new();
    for parameter in &parameters {
        let member = operation
            .input
            .and_then(|id| service.shapes.get(id as usize))
            .and_then(|s| s.members.iter().find(|m| m.name == parameter.api_name));
        if let Some(member) = member {
            let path = format!("--{}", parameter.cli_name);
            let mut found = Vec::new();
            super::check::check(service, member.shape, &parameter.value, &path, &mut found);
            problems.extend(found);
        }
    }
    if !problems.is_empty() {
        return Err(ParseError::Invalid {
            command: command.to_owned(),
            problems,
        });
    }
    Ok(parameters)
}

/// The value of an attribute flag: `{"Value": true}` for the attribute
/// structures EC2 uses, else the boolean.
fn attribute_flag(service: &Service, shape: ShapeId, on: bool) -> Value {
    let single_value = service.shapes.get(shape as usize).is_some_and(|s| {
        s.kind == ShapeType::Structure && s.members.len() == 1 && s.members[0].name == "Value"
    });
    if single_value {
        serde_json::json!({ "Value": on })
    } else {
        Value::Bool(on)
    }
}

/// A JSON header value or a document: read as JSON even when boolean.
fn is_json_like(service: &Service, shape: ShapeId) -> bool {
    service
        .shapes
        .get(shape as usize)
        .is_some_and(|s| s.document)
}

/// The value of one option from its words.
fn value(
    service: &Service,
    operation: &Operation,
    arg: &Arg<'_>,
    name: &str,
    words: Vec<Word>,
    files: &mut FileReader,
) -> Result<Value, ParseError> {
    let shape = arg.member.shape;
    let s = &service.shapes[shape as usize];
    let bad = |value: &str, expected: String| ParseError::BadValue {
        option: name.to_owned(),
        value: value.to_owned(),
        expected,
    };
    let is_list = s.kind == ShapeType::List;
    if words.is_empty() {
        // A list option with no value is an empty list, as in the CLI.
        if is_list {
            return Ok(Value::Array(Vec::new()));
        }
        return Err(ParseError::MissingValue(name.to_owned()));
    }
    if !is_list && words.len() > 1 {
        return Err(ParseError::UnexpectedWord {
            word: words[1].text.clone(),
            after: name.to_owned(),
        });
    }
    // `file://` and `fileb://` values are replaced by the file's content.
    let mut texts = Vec::with_capacity(words.len());
    for word in &words {
        texts.push(files.load(name, &word.text)?);
    }
    if (arg.member.json_value && arg.member.location == Some(Location::Header)) || s.document {
        let text = texts[0].as_text();
        return serde_json::from_str(text).map_err(|e| bad(text, format!("JSON ({e})")));
    }
    if s.kind == ShapeType::Blob && (s.streaming || arg.member.streaming) {
        let path = texts[0].as_text();
        return files.stream(name, path);
    }
    match s.kind {
        ShapeType::Structure | ShapeType::Map => {
            let text = texts[0].as_text();
            let mut v = if text.trim_start().starts_with('{') {
                serde_json::from_str(text).map_err(|e| bad(text, format!("JSON ({e})")))?
            } else if let Some(single) = single_value_structure(service, shape, text) {
                single
            } else {
                shorthand::parse(text).map_err(|e| ParseError::Shorthand {
                    option: name.to_owned(),
                    message: e.to_string(),
                })?
            };
            if !text.trim_start().starts_with('{') {
                shorthand::adjust(service, shape, &mut v).map_err(|m| bad(text, m))?;
                files.resolve_shorthand_files(name, &mut v)?;
            }
            Ok(v)
        }
        ShapeType::List => {
            let member = s.member.as_ref().map(|m| m.shape).unwrap_or(shape);
            let first = texts[0].as_text();
            if texts.len() == 1 && first.trim_start().starts_with('[') {
                return serde_json::from_str(first)
                    .map_err(|e| bad(first, format!("a JSON list ({e})")));
            }
            let complex = matches!(
                kind(service, member),
                ShapeType::Structure | ShapeType::List | ShapeType::Map
            );
            if let Some(key) = old_list_case(service, operation, member, name) {
                return Ok(Value::Array(
                    texts
                        .iter()
                        .map(|t| serde_json::json!({ key: t.as_text() }))
                        .collect(),
                ));
            }
            let mut items = Vec::with_capacity(texts.len());
            for text in &texts {
                let text = text.as_text();
                if complex {
                    let mut v = if text.trim_start().starts_with(['{', '[']) {
                        serde_json::from_str(text).map_err(|e| bad(text, format!("JSON ({e})")))?
                    } else {
                        shorthand::parse(text).map_err(|e| ParseError::Shorthand {
                            option: name.to_owned(),
                            message: e.to_string(),
                        })?
                    };
                    if !text.trim_start().starts_with(['{', '[']) {
                        shorthand::adjust(service, member, &mut v).map_err(|m| bad(text, m))?;
                        files.resolve_shorthand_files(name, &mut v)?;
                    }
                    items.push(v);
                } else {
                    items.push(scalar(service, member, text).map_err(|e| bad(text, e))?);
                }
            }
            Ok(Value::Array(items))
        }
        _ => {
            let text = &texts[0];
            if let Some(blob) = text.as_blob() {
                return Ok(blob);
            }
            scalar(service, shape, text.as_text()).map_err(|e| bad(text.as_text(), e))
        }
    }
}

/// Lists of one-member structures that the CLI still reads the old way,
/// one bare value per item (`elb register-instances-with-load-balancer
/// --instances i-1 i-2`): the member to wrap each value in.
fn old_list_case<'s>(
    service: &'s Service,
    operation: &Operation,
    member: ShapeId,
    option: &str,
) -> Option<&'s str> {
    const CASES: &[(&str, &str, &str)] = &[
        ("firehose", "put-record-batch", "records"),
        (
            "workspaces",
            "reboot-workspaces",
            "reboot-workspace-requests",
        ),
        (
            "workspaces",
            "rebuild-workspaces",
            "rebuild-workspace-requests",
        ),
        (
            "workspaces",
            "terminate-workspaces",
            "terminate-workspace-requests",
        ),
        ("elb", "remove-tags", "tags"),
        ("elb", "describe-instance-health", "instances"),
        (
            "elb",
            "deregister-instances-from-load-balancer",
            "instances",
        ),
        ("elb", "register-instances-with-load-balancer", "instances"),
    ];
    let listed = CASES
        .iter()
        .any(|(s, o, a)| *s == service.cli_name && *o == operation.cli_name && *a == option);
    let s = service.shapes.get(member as usize)?;
    (listed && s.kind == ShapeType::Structure && s.members.len() == 1)
        .then(|| s.members[0].name.as_str())
}

/// `{"Value": x}` structures take a bare value (`--description "text"`),
/// as the CLI allows.
fn single_value_structure(service: &Service, shape: ShapeId, text: &str) -> Option<Value> {
    let s = service.shapes.get(shape as usize)?;
    let only = (s.kind == ShapeType::Structure && s.members.len() == 1).then(|| &s.members[0])?;
    if only.name == "Value" && kind(service, only.shape) == ShapeType::String && !text.contains('=')
    {
        let mut map = Map::new();
        map.insert("Value".to_owned(), Value::String(text.to_owned()));
        return Some(Value::Object(map));
    }
    None
}

/// A scalar from its text, as the CLI converts it.
pub fn scalar(service: &Service, shape: ShapeId, text: &str) -> Result<Value, String> {
    match kind(service, shape) {
        ShapeType::Integer | ShapeType::Long | ShapeType::BigInteger => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| "a whole number".to_owned()),
        ShapeType::Float | ShapeType::Double | ShapeType::BigDecimal => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| "a number".to_owned()),
        ShapeType::Boolean => Ok(Value::Bool(!text.eq_ignore_ascii_case("false"))),
        _ => Ok(Value::String(text.to_owned())),
    }
}
