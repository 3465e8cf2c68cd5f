//! The checks the AWS SDK makes on parameters before it sends a request
//! (botocore's parameter validation): types, required and unknown members at
//! every depth, unions, and minimum lengths and values. A command that fails
//! them could never reach AWS, so the parser refuses it with every problem
//! named by its path.

use serde_json::Value;

use crate::model::{Service, ShapeId, ShapeType};

/// Problems found in `value` against `shape`, each with its path
/// (`Filters[0].Name`).
pub fn check(
    service: &Service,
    shape: ShapeId,
    value: &Value,
    path: &str,
    problems: &mut Vec<String>,
) {
    let Some(s) = service.shapes.get(shape as usize) else {
        return;
    };
    if s.document {
        return;
    }
    let at = |what: &str| {
        if path.is_empty() {
            what.to_owned()
        } else {
            format!("`{path}` {what}")
        }
    };
    match s.kind {
        ShapeType::Structure => {
            let Value::Object(map) = value else {
                problems.push(at(&format!("must be a structure (a JSON object), not {}", kind_of(value))));
                return;
            };
            for (key, v) in map {
                match s.members.iter().find(|m| &m.name == key) {
                    Some(member) => check(service, member.shape, v, &join(path, key), problems),
                    None => problems.push(format!(
                        "unknown member `{}`; valid members are {}",
                        join(path, key),
                        s.members.iter().map(|m| format!("`{}`", m.name)).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
            if !path.is_empty() {
                for member in s.members.iter().filter(|m| m.required) {
                    if !map.contains_key(&member.name) {
                        problems.push(format!("missing required member `{}`", join(path, &member.name)));
                    }
                }
            }
            if s.union {
                let set = map.values().filter(|v| !v.is_null()).count();
                if set != 1 {
                    problems.push(at(&format!("must set exactly one of its members, and {set} are set")));
                }
            }
        }
        ShapeType::List => {
            let Value::Array(items) = value else {
                problems.push(at(&format!("must be a list, not {}", kind_of(value))));
                return;
            };
            if let Some(min) = s.min
                && (items.len() as f64) < min
            {
                problems.push(at(&format!("must have at least {min} items, and has {}", items.len())));
            }
            if let Some(member) = &s.member {
                for (i, item) in items.iter().enumerate() {
                    check(service, member.shape, item, &format!("{path}[{i}]"), problems);
                }
            }
        }
        ShapeType::Map => {
            let Value::Object(map) = value else {
                problems.push(at(&format!("must be a map (a JSON object), not {}", kind_of(value))));
                return;
            };
            for (key, v) in map {
                if let Some(k) = &s.key {
                    check(service, k.shape, &Value::String(key.clone()), &join(path, key), problems);
                }
                if let Some(vs) = &s.value {
                    check(service, vs.shape, v, &join(path, key), problems);
                }
            }
        }
        ShapeType::String => match value {
            Value::String(text) => {
                if let Some(min) = s.min
                    && (text.chars().count() as f64) < min
                {
                    problems.push(at(&format!("must be at least {min} characters long")));
                }
            }
            other => problems.push(at(&format!("must be a string, not {}", kind_of(other)))),
        },
        ShapeType::Integer | ShapeType::Long | ShapeType::BigInteger => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                if let (Some(min), Some(v)) = (s.min, n.as_f64())
                    && v < min
                {
                    problems.push(at(&format!("must be at least {min}")));
                }
            }
            other => problems.push(at(&format!("must be a whole number, not {}", kind_of(other)))),
        },
        ShapeType::Float | ShapeType::Double | ShapeType::BigDecimal => match value {
            Value::Number(n) => {
                if let (Some(min), Some(v)) = (s.min, n.as_f64())
                    && v < min
                {
                    problems.push(at(&format!("must be at least {min}")));
                }
            }
            other => problems.push(at(&format!("must be a number, not {}", kind_of(other)))),
        },
        ShapeType::Boolean => {
            if !value.is_boolean() {
                problems.push(at(&format!("must be true or false, not {}", kind_of(value))));
            }
        }
        ShapeType::Blob => match value {
            Value::String(_) => {}
            Value::Object(map) if map.contains_key("$blob") || map.contains_key("$file") => {}
            other => problems.push(at(&format!("must be binary data (a string or `fileb://` file), not {}", kind_of(other)))),
        },
        ShapeType::Timestamp => match value {
            Value::String(text) if timestamp_like(text) => {}
            Value::Number(_) => {}
            other => problems.push(at(&format!(
                "must be a timestamp (ISO 8601 such as `2026-01-31T12:00:00Z`, or seconds since 1970), not {}",
                match other {
                    Value::String(t) => format!("`{t}`"),
                    o => kind_of(o).to_owned(),
                }
            ))),
        },
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Whether text reads as a time the way botocore's parser would take it:
/// epoch seconds, or a date with optional time.
fn timestamp_like(text: &str) -> bool {
    let t = text.trim();
    if t.parse::<f64>().is_ok() {
        return true;
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    // Dates such as 2026-01-31, 2026-01-31T12:00:00Z, Jan 31 2026, RFC 822.
    digits >= 6
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || " -:.+/TZ,".contains(c))
}
