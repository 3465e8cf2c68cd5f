//! Reads botocore's data folder (as shipped in the `botocore` wheel) into
//! the compact model, naming everything the way the AWS CLI does.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::ModelError;
use super::docs::{first_paragraph, first_sentence};
use super::naming::{Exceptions, kebab};
use super::types::{
    Acceptor, ArgumentOverride, Location, Member, Operation, Paginator, Protocol, Service, Shape,
    ShapeId, ShapeType, Waiter,
};

/// The protocols botocore prefers when a model lists several, best first.
const PROTOCOL_PREFERENCE: &[Protocol] = &[
    Protocol::Json,
    Protocol::RestJson,
    Protocol::RestXml,
    Protocol::SmithyRpcV2Cbor,
    Protocol::Query,
    Protocol::Ec2,
];

/// The AWS CLI's own global options. An operation member with one of these
/// names would be taken by `aws` itself, so the CLI renames such members
/// (`--version` of `swf register-activity-type` is `--activity-version`);
/// for members the CLI's own table does not cover (services newer than the
/// CLI), the generator applies the same idea: `<resource>-<name>`.
pub const GLOBAL_OPTION_NAMES: &[&str] = &[
    "debug",
    "endpoint-url",
    "no-verify-ssl",
    "no-paginate",
    "output",
    "query",
    "profile",
    "region",
    "version",
    "color",
    "no-sign-request",
    "ca-bundle",
    "cli-read-timeout",
    "cli-connect-timeout",
    "cli-binary-format",
    "no-cli-pager",
    "cli-auto-prompt",
    "no-cli-auto-prompt",
];

/// A name for a member that collides with a global option: the last word
/// of the operation's object before the member's own name, then the name
/// (`get-available-module-version` + `version` → `module-version`).
fn collision_name(operation_cli: &str, member_cli: &str) -> String {
    let mut words: Vec<&str> = operation_cli.split('-').skip(1).collect();
    if words.last() == Some(&member_cli) {
        words.pop();
    }
    match words.last() {
        Some(object) => format!("{object}-{member_cli}"),
        None => format!("{operation_cli}-{member_cli}"),
    }
}

/// How the AWS CLI renames or hides what the models name, as read from the
/// CLI itself (see `tests/awscli/overrides.py`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CliOverrides {
    /// The `awscli` release these were read from.
    #[serde(default)]
    pub awscli_version: String,
    /// botocore service name → CLI service name (`s3` → `s3api`).
    #[serde(default)]
    pub service_renames: BTreeMap<String, String>,
    /// Other CLI names for a service: alias → CLI service name.
    #[serde(default)]
    pub service_aliases: BTreeMap<String, String>,
    /// `service.Operation` → options the CLI adds to the command.
    #[serde(default)]
    pub extra_arguments: BTreeMap<String, Vec<CliArg>>,
    /// `service.Operation` → its CLI command.
    #[serde(default)]
    pub operations: BTreeMap<String, NameOverride>,
    /// `service.Operation.Member` → its CLI option.
    #[serde(default)]
    pub arguments: BTreeMap<String, NameOverride>,
    /// Commands the CLI implements itself (`s3 cp`, `emr ssh`,
    /// `configure set`), with their options.
    #[serde(default)]
    pub commands: Vec<CliCommand>,
}

/// A command the AWS CLI implements itself.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CliCommand {
    /// The CLI service (`s3`, `emr`, `configure`).
    pub service: String,
    /// The command (`cp`, `ssh`); empty for a service-level command such as
    /// `aws configure`.
    pub name: String,
    /// Its options and positional arguments, in order.
    #[serde(default)]
    pub args: Vec<CliArg>,
    /// Its own subcommands (`configure set`).
    #[serde(default)]
    pub subcommands: Vec<CliCommand>,
}

/// An option or positional argument of a CLI command.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CliArg {
    /// Without dashes.
    pub name: String,
    /// A positional argument rather than an option.
    #[serde(default)]
    pub positional: bool,
    /// argparse's `nargs`: absent for one value, `0` for a flag, `?`, `*`,
    /// `+`, or a count.
    #[serde(default)]
    pub nargs: Option<String>,
    /// Required.
    #[serde(default)]
    pub required: bool,
    /// The allowed values.
    #[serde(default)]
    pub choices: Vec<String>,
    /// A flag that sets its boolean to false (`--ingress` for `Egress`).
    #[serde(default)]
    pub negative: bool,
}

/// A renamed or hidden name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameOverride {
    /// The CLI's name, when it differs from the rule.
    pub cli_name: Option<String>,
    /// The CLI does not offer it.
    #[serde(default)]
    pub hidden: bool,
    /// Whether the CLI requires it, when that differs from the model (an
    /// idempotency token the CLI fills in, an option a customization
    /// replaces).
    #[serde(default)]
    pub required: Option<bool>,
    /// Other options that set the member (`--authentication-code1` beside
    /// `--authentication-code-1`, `--no-source-dest-check`).
    #[serde(default)]
    pub aliases: Vec<CliArg>,
    /// How many words the option takes, when the CLI differs from the
    /// shape (`0` for an attribute flag such as `--source-dest-check`).
    #[serde(default)]
    pub nargs: Option<String>,
}

/// botocore's version and every service, from a folder that holds
/// `botocore/__init__.py` and `botocore/data` (an unpacked wheel), or the
/// `botocore` or `data` folder itself.
pub fn read(root: &Path, overrides: &CliOverrides) -> Result<(String, Vec<Service>), ModelError> {
    let package = find_package(root)?;
    let init = read_text(&package.join("__init__.py"))?;
    let version = init
        .lines()
        .find_map(|l| l.strip_prefix("__version__ = "))
        .map(|v| v.trim().trim_matches(['\'', '"']).to_owned())
        .ok_or_else(|| ModelError::Source {
            path: package.join("__init__.py"),
            message: "no `__version__` line".to_owned(),
        })?;
    let exceptions = Exceptions::from_botocore_source(&init);
    let data = package.join("data");
    let mut names: Vec<String> = std::fs::read_dir(&data)
        .map_err(|e| io(&data, e))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut services = Vec::new();
    for name in names {
        let Some(dir) = newest_version(&data.join(&name))? else {
            continue;
        };
        services.push(read_service(
            &name,
            &dir,
            &data.join(&name),
            &exceptions,
            overrides,
        )?);
    }
    Ok((version, services))
}

fn find_package(root: &Path) -> Result<PathBuf, ModelError> {
    for candidate in [root.join("botocore"), root.to_path_buf(), root.join("..")] {
        if candidate.join("__init__.py").is_file() && candidate.join("data").is_dir() {
            return Ok(candidate);
        }
    }
    Err(ModelError::Source {
        path: root.to_path_buf(),
        message: "not a botocore package: expected `botocore/__init__.py` and `botocore/data/` (unzip the wheel from `pip download botocore --no-deps`)".to_owned(),
    })
}

/// The newest API version folder that has a service model.
fn newest_version(dir: &Path) -> Result<Option<PathBuf>, ModelError> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("service-2.json").is_file() || p.join("service-2.json.gz").is_file())
        .collect();
    versions.sort();
    Ok(versions.pop())
}

fn io(path: &Path, e: std::io::Error) -> ModelError {
    ModelError::Io {
        path: path.to_path_buf(),
        error: e,
    }
}

fn read_text(path: &Path) -> Result<String, ModelError> {
    std::fs::read_to_string(path).map_err(|e| io(path, e))
}

/// A JSON file, or its `.gz`; `None` when neither exists.
fn read_json(path: &Path) -> Result<Option<Value>, ModelError> {
    let gz = PathBuf::from(format!("{}.gz", path.display()));
    let text = if path.is_file() {
        read_text(path)?
    } else if gz.is_file() {
        let file = std::fs::File::open(&gz).map_err(|e| io(&gz, e))?;
        let mut text = String::new();
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut text)
            .map_err(|e| io(&gz, e))?;
        text
    } else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| ModelError::Source {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

/// Merges `extras["merge"]` into `base`, as botocore's loader does for
/// `*.sdk-extras.json`.
fn merge_extras(base: &mut Value, extras: Option<Value>) {
    fn merge(base: &mut Value, extra: Value) {
        match (base, extra) {
            (Value::Object(b), Value::Object(e)) => {
                for (k, v) in e {
                    match b.get_mut(&k) {
                        Some(existing) if existing.is_object() && v.is_object() => {
                            merge(existing, v)
                        }
                        _ => {
                            b.insert(k, v);
                        }
                    }
                }
            }
            (b, e) => *b = e,
        }
    }
    if let Some(Value::Object(mut extras)) = extras
        && let Some(m) = extras.remove("merge")
    {
        merge(base, m);
    }
}

fn read_service(
    api_name: &str,
    dir: &Path,
    service_dir: &Path,
    exceptions: &Exceptions,
    overrides: &CliOverrides,
) -> Result<Service, ModelError> {
    let path = dir.join("service-2.json");
    let mut model = read_json(&path)?.ok_or_else(|| ModelError::Source {
        path: path.clone(),
        message: "missing".to_owned(),
    })?;
    merge_extras(
        &mut model,
        read_json(&dir.join("service-2.sdk-extras.json"))?,
    );
    let mut paginators = read_json(&dir.join("paginators-1.json"))?.unwrap_or(Value::Null);
    merge_extras(
        &mut paginators,
        read_json(&dir.join("paginators-1.sdk-extras.json"))?,
    );
    let waiters = read_json(&dir.join("waiters-2.json"))?.unwrap_or(Value::Null);
    let rules = read_json(&dir.join("endpoint-rule-set-1.json"))?
        .or(read_json(&service_dir.join("endpoint-rule-set-1.json"))?)
        .map(|v| v.to_string());
    Convert {
        api_name,
        exceptions,
        overrides,
        path: &path,
    }
    .service(&model, &paginators, &waiters, rules)
}

struct Convert<'a> {
    api_name: &'a str,
    exceptions: &'a Exceptions,
    overrides: &'a CliOverrides,
    path: &'a Path,
}

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn b(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn f(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

impl Convert<'_> {
    fn bad(&self, message: String) -> ModelError {
        ModelError::Source {
            path: self.path.to_path_buf(),
            message,
        }
    }

    fn service(
        &self,
        model: &Value,
        paginators: &Value,
        waiters: &Value,
        rules: Option<String>,
    ) -> Result<Service, ModelError> {
        let meta = model
            .get("metadata")
            .ok_or_else(|| self.bad("no `metadata`".to_owned()))?;
        let listed: Vec<Protocol> = strings(meta.get("protocols"))
            .iter()
            .filter_map(|p| Protocol::from_name(p))
            .collect();
        let declared = s(meta, "protocol").and_then(|p| Protocol::from_name(&p));
        let protocol = PROTOCOL_PREFERENCE
            .iter()
            .copied()
            .find(|p| listed.contains(p))
            .or(declared)
            .ok_or_else(|| self.bad("no protocol this host speaks".to_owned()))?;
        let shapes_json = model
            .get("shapes")
            .and_then(Value::as_object)
            .ok_or_else(|| self.bad("no `shapes`".to_owned()))?;
        let ids: HashMap<&str, ShapeId> = shapes_json
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i as ShapeId))
            .collect();
        let shapes = shapes_json
            .iter()
            .map(|(name, shape)| self.shape(name, shape, &ids))
            .collect::<Result<Vec<_>, _>>()?;
        let pages = paginators.get("pagination").and_then(Value::as_object);
        let mut operations = Vec::new();
        for (name, op) in model
            .get("operations")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let mut operation = self.operation(name, op, &ids, pages.and_then(|p| p.get(name)))?;
            if let Some(input) = operation.input {
                for member in &shapes[input as usize].members {
                    if GLOBAL_OPTION_NAMES.contains(&member.cli_name.as_str())
                        && operation.argument_override(&member.name).is_none()
                    {
                        operation.argument_overrides.push(ArgumentOverride {
                            member: member.name.clone(),
                            cli_name: Some(collision_name(&operation.cli_name, &member.cli_name)),
                            hidden: false,
                            required: None,
                            aliases: Vec::new(),
                            nargs: None,
                        });
                    }
                }
            }
            operations.push(operation);
        }
        operations.sort_by(|a, b| a.cli_name.cmp(&b.cli_name));
        let mut waiter_list: Vec<Waiter> = waiters
            .get("waiters")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, w)| Waiter {
                name: name.clone(),
                cli_name: kebab(name, self.exceptions),
                operation: s(w, "operation").unwrap_or_default(),
                delay: w.get("delay").and_then(Value::as_u64).unwrap_or(15) as u32,
                max_attempts: w.get("maxAttempts").and_then(Value::as_u64).unwrap_or(40) as u32,
                acceptors: w
                    .get("acceptors")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|a| Acceptor {
                        matcher: s(a, "matcher").unwrap_or_default(),
                        expected: a.get("expected").map(Value::to_string).unwrap_or_default(),
                        state: s(a, "state").unwrap_or_default(),
                        argument: s(a, "argument"),
                    })
                    .collect(),
            })
            .collect();
        waiter_list.sort_by(|a, b| a.cli_name.cmp(&b.cli_name));
        let endpoint_prefix = s(meta, "endpointPrefix").unwrap_or_else(|| self.api_name.to_owned());
        Ok(Service {
            api_name: self.api_name.to_owned(),
            cli_name: self
                .overrides
                .service_renames
                .get(self.api_name)
                .cloned()
                .unwrap_or_else(|| self.api_name.to_owned()),
            full_name: s(meta, "serviceFullName").unwrap_or_default(),
            api_version: s(meta, "apiVersion").unwrap_or_default(),
            protocol,
            protocols: if listed.is_empty() {
                vec![protocol]
            } else {
                listed
            },
            signing_name: s(meta, "signingName").unwrap_or_else(|| endpoint_prefix.clone()),
            endpoint_prefix,
            service_id: s(meta, "serviceId").unwrap_or_default(),
            target_prefix: s(meta, "targetPrefix"),
            json_version: s(meta, "jsonVersion"),
            xml_namespace: s(meta, "xmlNamespace")
                .or_else(|| meta.get("xmlNamespace").and_then(|n| s(n, "uri"))),
            signature_version: s(meta, "signatureVersion").unwrap_or_else(|| "v4".to_owned()),
            global_endpoint: s(meta, "globalEndpoint"),
            aws_query_compatible: meta.get("awsQueryCompatible").is_some(),
            operations,
            shapes,
            waiters: waiter_list,
            endpoint_rules: rules,
        })
    }

    fn id(
        &self,
        ids: &HashMap<&str, ShapeId>,
        reference: Option<&Value>,
    ) -> Result<Option<ShapeId>, ModelError> {
        let Some(name) = reference
            .and_then(|r| r.get("shape"))
            .and_then(Value::as_str)
        else {
            return Ok(None);
        };
        ids.get(name)
            .copied()
            .map(Some)
            .ok_or_else(|| self.bad(format!("a reference to the unknown shape `{name}`")))
    }

    fn member(
        &self,
        name: &str,
        cli_name: String,
        required: bool,
        reference: &Value,
        ids: &HashMap<&str, ShapeId>,
        hidden: bool,
    ) -> Result<Member, ModelError> {
        let shape = self
            .id(ids, Some(reference))?
            .ok_or_else(|| self.bad(format!("member `{name}` has no shape")))?;
        Ok(Member {
            name: name.to_owned(),
            cli_name,
            shape,
            required,
            location: s(reference, "location").and_then(|l| match l.as_str() {
                "uri" => Some(Location::Uri),
                "querystring" => Some(Location::Querystring),
                "header" => Some(Location::Header),
                "headers" => Some(Location::Headers),
                "statusCode" => Some(Location::StatusCode),
                _ => None,
            }),
            location_name: s(reference, "locationName"),
            query_name: s(reference, "queryName"),
            xml_attribute: b(reference, "xmlAttribute"),
            xml_namespace: reference
                .get("xmlNamespace")
                .and_then(|n| s(n, "uri").or_else(|| n.as_str().map(str::to_owned))),
            flattened: b(reference, "flattened"),
            idempotency_token: b(reference, "idempotencyToken"),
            host_label: b(reference, "hostLabel"),
            json_value: b(reference, "jsonvalue"),
            streaming: b(reference, "streaming"),
            context_param: reference.get("contextParam").and_then(|c| s(c, "name")),
            timestamp_format: s(reference, "timestampFormat"),
            deprecated: b(reference, "deprecated"),
            hidden,
            documentation: s(reference, "documentation")
                .map(|d| first_sentence(&d))
                .unwrap_or_default(),
        })
    }

    fn shape(
        &self,
        name: &str,
        shape: &Value,
        ids: &HashMap<&str, ShapeId>,
    ) -> Result<Shape, ModelError> {
        let kind = match s(shape, "type").as_deref() {
            Some("string") => ShapeType::String,
            Some("integer") => ShapeType::Integer,
            Some("long") => ShapeType::Long,
            Some("float") => ShapeType::Float,
            Some("double") => ShapeType::Double,
            Some("boolean") => ShapeType::Boolean,
            Some("timestamp") => ShapeType::Timestamp,
            Some("blob") => ShapeType::Blob,
            Some("structure") => ShapeType::Structure,
            Some("list") => ShapeType::List,
            Some("map") => ShapeType::Map,
            Some("bigInteger") => ShapeType::BigInteger,
            Some("bigDecimal") => ShapeType::BigDecimal,
            other => return Err(self.bad(format!("shape `{name}` has the unknown type {other:?}"))),
        };
        let required = strings(shape.get("required"));
        let mut members = Vec::new();
        for (member, reference) in shape
            .get("members")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let cli = kebab(member, self.exceptions);
            members.push(self.member(
                member,
                cli,
                required.contains(member),
                reference,
                ids,
                false,
            )?);
        }
        let inner = |key: &str| -> Result<Option<Box<Member>>, ModelError> {
            match shape.get(key) {
                Some(reference) => Ok(Some(Box::new(self.member(
                    "",
                    String::new(),
                    false,
                    reference,
                    ids,
                    false,
                )?))),
                None => Ok(None),
            }
        };
        Ok(Shape {
            name: name.to_owned(),
            kind,
            members,
            member: inner("member")?,
            key: inner("key")?,
            value: inner("value")?,
            enum_values: strings(shape.get("enum")),
            min: f(shape, "min"),
            max: f(shape, "max"),
            pattern: s(shape, "pattern"),
            flattened: b(shape, "flattened"),
            location_name: s(shape, "locationName"),
            xml_namespace: shape.get("xmlNamespace").and_then(|n| s(n, "uri")),
            timestamp_format: s(shape, "timestampFormat"),
            streaming: b(shape, "streaming"),
            event_stream: b(shape, "eventstream"),
            document: b(shape, "document"),
            union: b(shape, "union"),
            sensitive: b(shape, "sensitive"),
            exception: b(shape, "exception"),
            error_code: shape.get("error").and_then(|e| s(e, "code")),
            error_status: shape
                .get("error")
                .and_then(|e| e.get("httpStatusCode"))
                .and_then(Value::as_u64)
                .map(|c| c as u16),
            payload: s(shape, "payload"),
            documentation: s(shape, "documentation")
                .map(|d| first_sentence(&d))
                .unwrap_or_default(),
        })
    }

    fn operation(
        &self,
        name: &str,
        op: &Value,
        ids: &HashMap<&str, ShapeId>,
        paginator: Option<&Value>,
    ) -> Result<Operation, ModelError> {
        let key = format!("{}.{name}", self.api_name);
        let over = self.overrides.operations.get(&key);
        let http = op.get("http").cloned().unwrap_or(Value::Null);
        let checksum = op.get("httpChecksum");
        Ok(Operation {
            name: name.to_owned(),
            cli_name: over
                .and_then(|o| o.cli_name.clone())
                .unwrap_or_else(|| kebab(name, self.exceptions)),
            http_method: s(&http, "method").unwrap_or_else(|| "POST".to_owned()),
            request_uri: s(&http, "requestUri").unwrap_or_else(|| "/".to_owned()),
            response_code: http
                .get("responseCode")
                .and_then(Value::as_u64)
                .map(|c| c as u16),
            input: self.id(ids, op.get("input"))?,
            output: self.id(ids, op.get("output"))?,
            errors: op
                .get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|e| self.id(ids, Some(e)))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .collect(),
            documentation: s(op, "documentation")
                .map(|d| first_paragraph(&d))
                .unwrap_or_default(),
            paginator: paginator.map(|p| Paginator {
                input_token: strings(p.get("input_token")),
                output_token: strings(p.get("output_token")),
                limit_key: s(p, "limit_key"),
                result_key: strings(p.get("result_key")),
                more_results: s(p, "more_results"),
                non_aggregate_keys: strings(p.get("non_aggregate_keys")),
            }),
            deprecated: b(op, "deprecated"),
            host_prefix: op.get("endpoint").and_then(|e| s(e, "hostPrefix")),
            auth_type: s(op, "authtype"),
            checksum_required: b(op, "httpChecksumRequired")
                || checksum.is_some_and(|c| b(c, "requestChecksumRequired")),
            checksum_algorithm_member: checksum.and_then(|c| s(c, "requestAlgorithmMember")),
            static_context_params: op
                .get("staticContextParams")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.get("value").map(Value::to_string).unwrap_or_default(),
                    )
                })
                .collect(),
            hidden: over.is_some_and(|o| o.hidden),
            argument_overrides: self
                .arguments(name)
                .map(|(member, o)| ArgumentOverride {
                    member: member.to_owned(),
                    cli_name: o.cli_name.clone(),
                    hidden: o.hidden,
                    required: o.required,
                    aliases: o.aliases.clone(),
                    nargs: o.nargs.clone(),
                })
                .collect(),
            extra_arguments: self
                .overrides
                .extra_arguments
                .get(&key)
                .cloned()
                .unwrap_or_default(),
            iam_action: None,
        })
    }

    /// The argument overrides of one operation: `(member, override)`.
    fn arguments<'s>(
        &'s self,
        operation: &'s str,
    ) -> impl Iterator<Item = (&'s str, &'s NameOverride)> + 's {
        let prefix = format!("{}.{operation}.", self.api_name);
        self.overrides
            .arguments
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .filter_map(move |(k, v)| k.rsplit('.').next().map(|m| (m, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_members_get_a_qualified_name() {
        assert_eq!(
            collision_name("get-available-module-version", "version"),
            "module-version"
        );
        assert_eq!(collision_name("search-events", "query"), "events-query");
        assert_eq!(collision_name("publish", "output"), "publish-output");
    }
}
