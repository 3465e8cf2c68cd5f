//! Parameters against the operation's input shape, when the host sends the
//! model's facts: required members (also inside structures and lists),
//! enum values, numeric ranges, string, list and map lengths, string
//! patterns, and unions, at every depth of JSON and shorthand values.

use std::cell::RefCell;
use std::collections::HashMap;

use aws_mcp_policy_sdk::{OperationFacts, Request, ShapeType};
use regex::Regex;
use serde_json::Value;

/// How deep a value is followed; the parser already refuses deeper ones.
const MAX_DEPTH: usize = 64;

thread_local! {
    /// Compiled patterns, by source; `None` for patterns this regex engine
    /// cannot compile (they are skipped, not failed).
    static PATTERNS: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
}

/// The first parameter problem, with the reason.
pub fn check(request: &Request) -> Option<String> {
    let facts = request.facts.as_ref()?;
    let missing: Vec<String> = facts
        .input
        .iter()
        .filter(|m| m.required)
        .filter(|m| {
            !request
                .command
                .parameters
                .iter()
                .any(|p| p.api_name == m.api_name)
        })
        .map(|m| format!("`--{}`", m.cli_name))
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "missing required parameters: {}",
            missing.join(", ")
        ));
    }
    for member in &facts.input {
        let Some(parameter) = request
            .command
            .parameters
            .iter()
            .find(|p| p.api_name == member.api_name)
        else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<Value>(&parameter.value_json) else {
            continue;
        };
        let path = format!("--{}", member.cli_name);
        let problem = match member.shape_index {
            Some(index) => walk(facts, index, &value, &path, 0),
            // An older host: only the member's own constraints.
            None => scalar(
                &member.shape,
                &member.enum_values,
                member.min,
                member.max,
                member.pattern.as_deref(),
                &value,
                &path,
            ),
        };
        if problem.is_some() {
            return problem;
        }
    }
    None
}

/// Checks `value` against shape `index`; `path` names it for people
/// (`--ip-permissions[0].FromPort`).
fn walk(
    facts: &OperationFacts,
    index: u32,
    value: &Value,
    path: &str,
    depth: usize,
) -> Option<String> {
    let shape = facts.shapes.get(index as usize)?;
    if shape.document || depth > MAX_DEPTH || value.is_null() {
        return None;
    }
    match shape.shape {
        ShapeType::Structure => {
            let object = value.as_object()?;
            for member in shape.members.iter().filter(|m| m.required) {
                if object.get(&member.name).is_none_or(Value::is_null) {
                    return Some(format!(
                        "`{path}` is missing its required member `{}`",
                        member.name
                    ));
                }
            }
            if shape.is_union {
                let set: Vec<&str> = shape
                    .members
                    .iter()
                    .filter(|m| object.get(&m.name).is_some_and(|v| !v.is_null()))
                    .map(|m| m.name.as_str())
                    .collect();
                if set.len() != 1 {
                    let names: Vec<&str> = shape.members.iter().map(|m| m.name.as_str()).collect();
                    return Some(format!(
                        "`{path}` must set exactly one of {}; it sets {}",
                        names.join(", "),
                        if set.is_empty() {
                            "none".to_owned()
                        } else {
                            set.join(", ")
                        }
                    ));
                }
            }
            shape.members.iter().find_map(|member| {
                let inner = object.get(&member.name)?;
                walk(
                    facts,
                    member.shape,
                    inner,
                    &format!("{path}.{}", member.name),
                    depth + 1,
                )
            })
        }
        ShapeType::List => {
            let items = value.as_array()?;
            length(items.len(), shape.min, shape.max, path, "items").or_else(|| {
                let item = shape.item?;
                items
                    .iter()
                    .enumerate()
                    .find_map(|(i, v)| walk(facts, item, v, &format!("{path}[{i}]"), depth + 1))
            })
        }
        ShapeType::Map => {
            let entries = value.as_object()?;
            length(entries.len(), shape.min, shape.max, path, "entries").or_else(|| {
                entries.iter().find_map(|(k, v)| {
                    let key_problem = shape.key.and_then(|key| {
                        walk(
                            facts,
                            key,
                            &Value::String(k.clone()),
                            &format!("{path} key `{k}`"),
                            depth + 1,
                        )
                    });
                    key_problem.or_else(|| {
                        let item = shape.item?;
                        walk(facts, item, v, &format!("{path}.{k}"), depth + 1)
                    })
                })
            })
        }
        _ => scalar(
            &shape.shape,
            &shape.enum_values,
            shape.min,
            shape.max,
            shape.pattern.as_deref(),
            value,
            path,
        ),
    }
}

/// Strings (enum, length, pattern) and numbers (range).
fn scalar(
    kind: &ShapeType,
    enum_values: &[String],
    min: Option<f64>,
    max: Option<f64>,
    pattern: Option<&str>,
    value: &Value,
    path: &str,
) -> Option<String> {
    match (kind, value) {
        (ShapeType::String, Value::String(text)) => {
            if !enum_values.is_empty() && !enum_values.iter().any(|e| e == text) {
                return Some(format!(
                    "`{path}` is `{text}`; expected one of: {}",
                    enum_values.join(", ")
                ));
            }
            length(text.chars().count(), min, max, path, "characters")
                .or_else(|| pattern.and_then(|p| matches(p, text, path)))
        }
        (
            ShapeType::Integer | ShapeType::Long | ShapeType::Float | ShapeType::Double,
            Value::Number(number),
        ) => {
            let n = number.as_f64()?;
            if let Some(min) = min
                && n < min
            {
                return Some(format!("`{path}` is {number}; it must be at least {min}"));
            }
            if let Some(max) = max
                && n > max
            {
                return Some(format!("`{path}` is {number}; it must be at most {max}"));
            }
            None
        }
        _ => None,
    }
}

fn length(n: usize, min: Option<f64>, max: Option<f64>, path: &str, unit: &str) -> Option<String> {
    let n = n as f64;
    if let Some(min) = min
        && n < min
    {
        return Some(format!("`{path}` has {n} {unit}; it needs at least {min}"));
    }
    if let Some(max) = max
        && n > max
    {
        return Some(format!(
            "`{path}` has {n} {unit}; it may have at most {max}"
        ));
    }
    None
}

/// Whether `text` matches the model's pattern; patterns the engine cannot
/// compile are not checked.
fn matches(pattern: &str, text: &str, path: &str) -> Option<String> {
    let ok = PATTERNS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let compiled = cache.entry(pattern.to_owned()).or_insert_with(|| {
            regex::RegexBuilder::new(pattern)
                .size_limit(1 << 20)
                .build()
                .ok()
        });
        compiled.as_ref().is_none_or(|r| r.is_match(text))
    });
    (!ok).then(|| {
        let shown: String = text.chars().take(80).collect();
        format!("`{path}` is `{shown}`, which does not match the pattern `{pattern}`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_mcp_policy_sdk::{MemberFacts, RequestBuilder, ShapeFacts, ShapeMember};

    fn member(name: &str, required: bool, enums: &[&str]) -> MemberFacts {
        MemberFacts {
            api_name: name.to_owned(),
            cli_name: name.to_lowercase(),
            required,
            shape: ShapeType::String,
            enum_values: enums.iter().map(|s| (*s).to_owned()).collect(),
            min: None,
            max: None,
            pattern: None,
            shape_index: None,
        }
    }

    fn facts(members: Vec<MemberFacts>, shapes: Vec<ShapeFacts>) -> OperationFacts {
        OperationFacts {
            iam_action: None,
            http_method: None,
            input: members,
            shapes,
            documentation: None,
        }
    }

    fn shape(kind: ShapeType) -> ShapeFacts {
        ShapeFacts {
            shape: kind,
            members: Vec::new(),
            item: None,
            key: None,
            enum_values: Vec::new(),
            min: None,
            max: None,
            pattern: None,
            is_union: false,
            document: false,
        }
    }

    #[test]
    fn missing_required_members_are_all_named() {
        let request = RequestBuilder::new("s3api", "put-object")
            .facts(facts(
                vec![member("Bucket", true, &[]), member("Key", true, &[])],
                Vec::new(),
            ))
            .build();
        assert_eq!(
            check(&request).unwrap(),
            "missing required parameters: `--bucket`, `--key`"
        );
    }

    #[test]
    fn enum_values_are_checked() {
        let mut request = RequestBuilder::new("s3api", "put-bucket-acl")
            .param("acl", "\"public\"")
            .facts(facts(
                vec![member("acl", false, &["private", "public-read"])],
                Vec::new(),
            ))
            .build();
        assert!(
            check(&request)
                .unwrap()
                .contains("expected one of: private, public-read")
        );
        request.command.parameters[0].value_json = "\"private\"".to_owned();
        assert_eq!(check(&request), None);
    }

    /// `--ip-permissions`: a list (at most 2) of structures with a required
    /// `IpProtocol` (pattern), a `FromPort` (0 to 65535) and a union.
    fn ip_permissions(value: &str) -> Option<String> {
        let mut list = shape(ShapeType::List);
        list.item = Some(1);
        list.max = Some(2.0);
        let mut permission = shape(ShapeType::Structure);
        permission.members = vec![
            ShapeMember {
                name: "IpProtocol".into(),
                shape: 2,
                required: true,
            },
            ShapeMember {
                name: "FromPort".into(),
                shape: 3,
                required: false,
            },
            ShapeMember {
                name: "Target".into(),
                shape: 4,
                required: false,
            },
        ];
        let mut protocol = shape(ShapeType::String);
        protocol.pattern = Some("^(tcp|udp|-1)$".into());
        let mut port = shape(ShapeType::Integer);
        port.min = Some(0.0);
        port.max = Some(65535.0);
        let mut target = shape(ShapeType::Structure);
        target.is_union = true;
        target.members = vec![
            ShapeMember {
                name: "Cidr".into(),
                shape: 2,
                required: false,
            },
            ShapeMember {
                name: "Group".into(),
                shape: 2,
                required: false,
            },
        ];
        let mut top = member("IpPermissions", false, &[]);
        top.cli_name = "ip-permissions".into();
        top.shape = ShapeType::List;
        top.shape_index = Some(0);
        let request = RequestBuilder::new("ec2", "authorize-security-group-ingress")
            .param("ip-permissions", value)
            .facts(facts(
                vec![top],
                vec![list, permission, protocol, port, target],
            ))
            .build();
        let mut request = request;
        request.command.parameters[0].api_name = "IpPermissions".into();
        check(&request)
    }

    #[test]
    fn nested_values_are_checked_with_their_path() {
        assert_eq!(
            ip_permissions(r#"[{"IpProtocol": "tcp", "FromPort": 22}]"#),
            None
        );
        assert_eq!(
            ip_permissions(r#"[{"IpProtocol": "tcp"}, {"FromPort": 22}]"#).unwrap(),
            "`--ip-permissions[1]` is missing its required member `IpProtocol`"
        );
        assert_eq!(
            ip_permissions(r#"[{"IpProtocol": "tcp", "FromPort": 70000}]"#).unwrap(),
            "`--ip-permissions[0].FromPort` is 70000; it must be at most 65535"
        );
        assert!(
            ip_permissions(r#"[{"IpProtocol": "icmpx"}]"#)
                .unwrap()
                .contains("does not match the pattern `^(tcp|udp|-1)$`")
        );
        assert_eq!(
            ip_permissions(
                r#"[{"IpProtocol": "tcp"}, {"IpProtocol": "tcp"}, {"IpProtocol": "tcp"}]"#
            )
            .unwrap(),
            "`--ip-permissions` has 3 items; it may have at most 2"
        );
        assert_eq!(
            ip_permissions(r#"[{"IpProtocol": "tcp", "Target": {"Cidr": "tcp", "Group": "udp"}}]"#)
                .unwrap(),
            "`--ip-permissions[0].Target` must set exactly one of Cidr, Group; it sets Cidr, Group"
        );
    }

    #[test]
    fn patterns_the_engine_cannot_compile_are_skipped() {
        assert_eq!(matches("(?<=a)b", "b", "--x"), None);
        assert!(matches(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$", "bad|tag", "--x").is_some());
        assert_eq!(
            matches(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$", "Émile 1", "--x"),
            None
        );
    }
}
