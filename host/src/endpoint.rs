//! Endpoints as the AWS SDKs resolve them: an interpreter for the models'
//! endpoint rule sets (`endpoint-rule-set-1.json`, kept per service in the
//! model file) and the partitions table, so FIPS, dual-stack, global
//! services, S3 virtual hosting and access points, and the aws, aws-cn and
//! aws-us-gov partitions come out as botocore computes them.
//!
//! The rule language: a rule set has parameters (with defaults and
//! built-ins such as `AWS::Region`) and rules; a rule has conditions
//! (function calls that may bind their result to a name) and is a tree of
//! further rules, an endpoint (URL template, properties, headers) or an
//! error. The first rule whose conditions hold decides. Twelve functions
//! exist, in `functions.rs`; this module follows botocore's
//! `endpoint_provider.py` step for step.

mod functions;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

/// The partitions table built into the binary (botocore's
/// `partitions.json`).
pub const PARTITIONS: &str = include_str!("../data/partitions.json");

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Endpoint {
    /// `https://s3.us-east-1.amazonaws.com`.
    pub url: String,
    /// Signing details (`authSchemes`) and other properties.
    pub properties: Map<String, Value>,
    /// Headers the request must carry.
    pub headers: BTreeMap<String, Vec<String>>,
}

/// Why no endpoint came out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// The rule set's own error rule, in its words (`Invalid region: region
    /// was not a valid DNS name.`).
    #[error("{0}")]
    Rule(String),
    /// No rule matched.
    #[error("no endpoint matches these parameters: {0}")]
    NoMatch(String),
    /// A parameter has the wrong type, or a required one is missing.
    #[error("endpoint parameter {0}")]
    Parameter(String),
    /// A rule function got arguments of the wrong type (a parameter that is
    /// not set where the rules compare it, for example).
    #[error("the endpoint rules cannot be applied: {0}")]
    Type(String),
    /// The rule set itself is malformed.
    #[error("the endpoint rules are not valid: {0}")]
    Invalid(String),
}

/// The partitions table, parsed once.
/// Whether `name` can be a region: botocore's `validate_region_name`
/// (letters, digits and `-`, 1 to 63 characters, no `-` at either end). The
/// region becomes part of the endpoint's host name, so anything else
/// (`evil.example/`, `x:80?`) could send a signed request to another host.
pub fn is_valid_region(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

pub fn partitions() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(PARTITIONS).unwrap_or(Value::Null))
}

/// Resolves `params` (by parameter name: `Region`, `UseFIPS`, `Bucket`...)
/// against `rules`, a service's rule set.
pub fn resolve(rules: &Value, params: &BTreeMap<String, Value>) -> Result<Endpoint, EndpointError> {
    let mut scope = Map::new();
    let definitions = rules
        .get("parameters")
        .and_then(Value::as_object)
        .ok_or_else(|| EndpointError::Invalid("no `parameters`".to_owned()))?;
    for (name, spec) in definitions {
        let value = match params.get(name).filter(|v| !v.is_null()) {
            Some(value) => {
                check_type(name, spec, value)?;
                value.clone()
            }
            None => match spec.get("default") {
                Some(default) if !default.is_null() => default.clone(),
                _ if spec.get("required").and_then(Value::as_bool) == Some(true) => {
                    return Err(EndpointError::Parameter(format!(
                        "`{name}` is required and has no value"
                    )));
                }
                _ => continue,
            },
        };
        scope.insert(name.clone(), value);
    }
    let rules_list = rules
        .get("rules")
        .and_then(Value::as_array)
        .ok_or_else(|| EndpointError::Invalid("no `rules`".to_owned()))?;
    for rule in rules_list {
        if let Some(endpoint) = evaluate(rule, scope.clone())? {
            return Ok(endpoint);
        }
    }
    let shown: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    Err(EndpointError::NoMatch(shown.join(", ")))
}

fn check_type(name: &str, spec: &Value, value: &Value) -> Result<(), EndpointError> {
    let kind = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string")
        .to_ascii_lowercase();
    let ok = match kind.as_str() {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "stringarray" => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string)),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(EndpointError::Parameter(format!(
            "`{name}` must be a {kind}, not {value}"
        )))
    }
}

/// One rule: `None` when its conditions do not hold (or a tree's rules all
/// pass), the endpoint, or the rule's error.
fn evaluate(
    rule: &Value,
    mut scope: Map<String, Value>,
) -> Result<Option<Endpoint>, EndpointError> {
    let conditions = rule
        .get("conditions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for condition in conditions {
        let result = call(condition, &mut scope)?;
        if result.is_null() || result == Value::Bool(false) {
            return Ok(None);
        }
    }
    match rule.get("type").and_then(Value::as_str) {
        Some("tree") => {
            let rules = rule
                .get("rules")
                .and_then(Value::as_array)
                .ok_or_else(|| EndpointError::Invalid("a tree rule without `rules`".to_owned()))?;
            for inner in rules {
                if let Some(endpoint) = evaluate(inner, scope.clone())? {
                    return Ok(Some(endpoint));
                }
            }
            Ok(None)
        }
        Some("endpoint") => {
            let endpoint = rule.get("endpoint").ok_or_else(|| {
                EndpointError::Invalid("an endpoint rule without `endpoint`".to_owned())
            })?;
            let url = match value(endpoint.get("url").unwrap_or(&Value::Null), &mut scope)? {
                Value::String(url) => url,
                other => {
                    return Err(EndpointError::Invalid(format!(
                        "an endpoint URL resolved to {other}"
                    )));
                }
            };
            let properties = match endpoint.get("properties") {
                Some(properties) => match resolve_properties(properties, &scope)? {
                    Value::Object(map) => map,
                    _ => Map::new(),
                },
                None => Map::new(),
            };
            let mut headers = BTreeMap::new();
            if let Some(map) = endpoint.get("headers").and_then(Value::as_object) {
                for (name, values) in map {
                    let mut resolved = Vec::new();
                    for item in values.as_array().map(Vec::as_slice).unwrap_or_default() {
                        match value(item, &mut scope)? {
                            Value::String(text) => resolved.push(text),
                            other => resolved.push(other.to_string()),
                        }
                    }
                    headers.insert(name.clone(), resolved);
                }
            }
            Ok(Some(Endpoint {
                url,
                properties,
                headers,
            }))
        }
        Some("error") => {
            let message = value(rule.get("error").unwrap_or(&Value::Null), &mut scope)?;
            Err(EndpointError::Rule(match message {
                Value::String(text) => text,
                other => other.to_string(),
            }))
        }
        other => Err(EndpointError::Invalid(format!(
            "unknown rule type {other:?}"
        ))),
    }
}

/// A value: a function call, a reference, a template string, or a literal.
fn value(item: &Value, scope: &mut Map<String, Value>) -> Result<Value, EndpointError> {
    if let Some(object) = item.as_object() {
        if object.contains_key("fn") {
            return call(item, scope);
        }
        if let Some(name) = object.get("ref").and_then(Value::as_str) {
            return Ok(scope.get(name).cloned().unwrap_or(Value::Null));
        }
    }
    if let Value::String(text) = item
        && is_template(text)
    {
        return template(text, scope).map(Value::String);
    }
    Ok(item.clone())
}

/// A function call; binds the result when the call says `assign`.
fn call(item: &Value, scope: &mut Map<String, Value>) -> Result<Value, EndpointError> {
    let name = item
        .get("fn")
        .and_then(Value::as_str)
        .ok_or_else(|| EndpointError::Invalid(format!("not a function call: {item}")))?;
    let mut args = Vec::new();
    for arg in item
        .get("argv")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        args.push(value(arg, scope)?);
    }
    let result = functions::call(name, &args)?;
    if let Some(assign) = item.get("assign").and_then(Value::as_str) {
        if scope.contains_key(assign) {
            return Err(EndpointError::Invalid(format!(
                "`{assign}` is assigned twice"
            )));
        }
        scope.insert(assign.to_owned(), result.clone());
    }
    Ok(result)
}

/// Properties with their template strings filled in (nothing else is
/// evaluated inside them, as in botocore).
fn resolve_properties(item: &Value, scope: &Map<String, Value>) -> Result<Value, EndpointError> {
    Ok(match item {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| resolve_properties(i, scope))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), resolve_properties(v, scope)?)))
                .collect::<Result<_, EndpointError>>()?,
        ),
        Value::String(text) if is_template(text) => Value::String(template(text, scope)?),
        other => other.clone(),
    })
}

/// Whether `text` holds a `{Name}` or `{Name#attr}` placeholder.
fn is_template(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_alphabetic() || bytes[j] == b'#') {
                j += 1;
            }
            if j > i + 1 && j < bytes.len() && bytes[j] == b'}' {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// Fills a template: `{{` and `}}` are braces, `{Name#attr}` looks `attr`
/// up in the value bound to `Name`.
fn template(text: &str, scope: &Map<String, Value>) -> Result<String, EndpointError> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut reference = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    reference.push(c);
                }
                let mut parts = reference.split('#');
                let first = parts.next().unwrap_or_default();
                let mut current = scope.get(first).cloned().ok_or_else(|| {
                    EndpointError::Invalid(format!("`{{{reference}}}` names nothing in scope"))
                })?;
                for part in parts {
                    current = current.get(part).cloned().ok_or_else(|| {
                        EndpointError::Invalid(format!("`{{{reference}}}` has no `{part}`"))
                    })?;
                }
                match current {
                    Value::String(text) => out.push_str(&text),
                    Value::Bool(b) => out.push_str(if b { "True" } else { "False" }),
                    other => out.push_str(&other.to_string()),
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn region_names_as_botocore_checks_them() {
        for good in ["us-east-1", "eu-west-2", "us-gov-west-1", "local", "a"] {
            assert!(super::is_valid_region(good), "{good}");
        }
        for bad in [
            "",
            "evil.example/",
            "evil.example:80/",
            "us-east-1.",
            "-us",
            "us-",
            "us east",
            "us_east_1",
            "ús-east-1",
            &"a".repeat(64),
        ] {
            assert!(!super::is_valid_region(bad), "{bad}");
        }
    }

    use super::*;
    use serde_json::json;

    fn params(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn templates_and_braces() {
        let scope: Map<String, Value> = serde_json::from_value(
            json!({"Region": "eu-west-1", "PartitionResult": {"dnsSuffix": "amazonaws.com"}}),
        )
        .unwrap();
        assert!(is_template(
            "https://s3.{Region}.{PartitionResult#dnsSuffix}"
        ));
        assert!(!is_template("{\"a\": 1}"));
        assert_eq!(
            template("https://s3.{Region}.{PartitionResult#dnsSuffix}", &scope).unwrap(),
            "https://s3.eu-west-1.amazonaws.com"
        );
        assert_eq!(template("{{Region}}", &scope).unwrap(), "{Region}");
    }

    #[test]
    fn a_small_rule_set() {
        let rules = json!({
            "version": "1.0",
            "parameters": {
                "Region": {"type": "String", "builtIn": "AWS::Region"},
                "UseFIPS": {"type": "Boolean", "default": false, "required": true}
            },
            "rules": [
                {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]},
                                {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}],
                 "type": "tree",
                 "rules": [
                    {"conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
                     "type": "endpoint",
                     "endpoint": {"url": "https://svc-fips.{Region}.{P#dnsSuffix}", "properties": {}, "headers": {}}},
                    {"conditions": [], "type": "endpoint",
                     "endpoint": {"url": "https://svc.{Region}.{P#dnsSuffix}",
                                  "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Region}"}]},
                                  "headers": {}}}
                 ]},
                {"conditions": [], "type": "error", "error": "Invalid Configuration: Missing Region"}
            ]
        });
        let endpoint = resolve(&rules, &params(&[("Region", json!("cn-north-1"))])).unwrap();
        assert_eq!(endpoint.url, "https://svc.cn-north-1.amazonaws.com.cn");
        assert_eq!(
            endpoint.properties["authSchemes"][0]["signingRegion"],
            "cn-north-1"
        );
        let fips = resolve(
            &rules,
            &params(&[("Region", json!("us-west-2")), ("UseFIPS", json!(true))]),
        )
        .unwrap();
        assert_eq!(fips.url, "https://svc-fips.us-west-2.amazonaws.com");
        assert_eq!(
            resolve(&rules, &params(&[])).unwrap_err(),
            EndpointError::Rule("Invalid Configuration: Missing Region".to_owned())
        );
        assert!(matches!(
            resolve(&rules, &params(&[("UseFIPS", json!("yes"))])),
            Err(EndpointError::Parameter(_))
        ));
    }
}
