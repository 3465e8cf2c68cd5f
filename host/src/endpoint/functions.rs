//! The rule language's functions, as botocore's `RuleSetStandardLibrary`
//! defines them. A function that cannot answer returns `null`, which fails
//! the condition that called it.

use std::net::Ipv6Addr;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use super::{EndpointError, partitions};

/// Calls `name` with `args`.
pub fn call(name: &str, args: &[Value]) -> Result<Value, EndpointError> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    Ok(match name {
        "isSet" => Value::Bool(!arg(0).is_null()),
        "not" => Value::Bool(!truthy(arg(0))),
        "booleanEquals" => match (arg(0), arg(1)) {
            (Value::Bool(a), Value::Bool(b)) => Value::Bool(a == b),
            (a, b) => {
                return Err(EndpointError::Type(format!(
                    "booleanEquals needs two booleans, not {a} and {b}"
                )));
            }
        },
        "stringEquals" => match (arg(0), arg(1)) {
            (Value::String(a), Value::String(b)) => Value::Bool(a == b),
            (a, b) => {
                return Err(EndpointError::Type(format!(
                    "stringEquals needs two strings, not {a} and {b}"
                )));
            }
        },
        "getAttr" => match arg(1).as_str() {
            Some(path) => get_attr(arg(0), path),
            None => return Err(EndpointError::Invalid("getAttr needs a path".to_owned())),
        },
        "substring" => substring(arg(0), arg(1), arg(2), arg(3))?,
        "uriEncode" => match arg(0) {
            Value::Null => Value::Null,
            Value::String(text) => Value::String(uri_encode(text)),
            other => Value::String(uri_encode(&other.to_string())),
        },
        "parseURL" => arg(0).as_str().and_then(parse_url).unwrap_or(Value::Null),
        "isValidHostLabel" => Value::Bool(match (arg(0).as_str(), arg(1)) {
            (Some(label), Value::Bool(subdomains)) => is_valid_host_label(label, *subdomains),
            _ => false,
        }),
        "aws.partition" => partition(arg(0).as_str()),
        "aws.parseArn" => arg(0).as_str().and_then(parse_arn).unwrap_or(Value::Null),
        "aws.isVirtualHostableS3Bucket" => Value::Bool(match (arg(0).as_str(), arg(1)) {
            (Some(bucket), Value::Bool(subdomains)) => is_virtual_hostable(bucket, *subdomains),
            _ => false,
        }),
        other => {
            return Err(EndpointError::Invalid(format!(
                "the function `{other}` is not known to this host"
            )));
        }
    })
}

/// Python's truthiness, which `not` uses.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
    }
}

/// `resourceId[2]`, `name`, `a.b[0]`: the index, when present, ends the
/// path.
fn get_attr(value: &Value, path: &str) -> Value {
    let mut current = value.clone();
    for part in path.split('.') {
        if let Some((name, rest)) = part.split_once('[')
            && let Some(index) = rest.strip_suffix(']').and_then(|i| i.parse::<usize>().ok())
        {
            if !name.is_empty() {
                current = current.get(name).cloned().unwrap_or(Value::Null);
            }
            return current.get(index).cloned().unwrap_or(Value::Null);
        }
        current = current.get(part).cloned().unwrap_or(Value::Null);
    }
    current
}

fn substring(
    value: &Value,
    start: &Value,
    stop: &Value,
    reverse: &Value,
) -> Result<Value, EndpointError> {
    let Value::String(text) = value else {
        return Err(EndpointError::Type(format!(
            "substring needs a string, not {value}"
        )));
    };
    let (Some(start), Some(stop)) = (start.as_u64(), stop.as_u64()) else {
        return Err(EndpointError::Invalid(
            "substring needs two indexes".to_owned(),
        ));
    };
    let (start, stop) = (start as usize, stop as usize);
    if start >= stop || text.len() < stop || !text.is_ascii() {
        return Ok(Value::Null);
    }
    Ok(Value::String(if reverse.as_bool() == Some(true) {
        text[text.len() - stop..text.len() - start].to_owned()
    } else {
        text[start..stop].to_owned()
    }))
}

/// Percent-encoding with only `-._~` and alphanumerics left as they are.
pub fn uri_encode(text: &str) -> String {
    percent_encode(text, b"-._~")
}

/// Python's `quote(text, safe)`: alphanumerics and `safe` stay, every other
/// byte of the UTF-8 text becomes `%XX`.
fn percent_encode(text: &str, safe: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || safe.contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `scheme://authority/path` without a query; `None` for anything else,
/// as Python's `urlparse` plus botocore's checks decide.
fn parse_url(url: &str) -> Option<Value> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !query.is_empty() {
        return None;
    }
    let (authority, path) = match before_query.find('/') {
        Some(i) => (&before_query[..i], &before_query[i..]),
        None => (before_query, ""),
    };
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(inner) = host_port.strip_prefix('[') {
        let (host, after) = inner.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if let Some(port) = port
        && !port.is_empty()
        && port.parse::<u16>().is_err()
    {
        return None;
    }
    let is_ip = is_ipv4(host) || (host_port.starts_with('[') && host.parse::<Ipv6Addr>().is_ok());
    let mut normalized = quote_path(&remove_dot_segments(path));
    if !normalized.ends_with('/') {
        normalized.push('/');
    }
    Some(json!({
        "scheme": scheme,
        "authority": authority,
        "path": path,
        "normalizedPath": normalized,
        "isIp": is_ip,
    }))
}

/// botocore's `IPV4_RE`: four groups of one to three digits.
fn is_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// RFC 3986 dot-segment removal; runs of slashes collapse, as AWS expects.
fn remove_dot_segments(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let first = if path.starts_with('/') { "/" } else { "" };
    let last = if path.ends_with('/') && !out.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{first}{}{last}", out.join("/"))
}

/// Python's `quote(path)`: `/` stays too.
fn quote_path(path: &str) -> String {
    percent_encode(path, b"-._~/")
}

/// RFC 1123 labels (one to 63 letters, digits and inner hyphens); with
/// `subdomains`, every dot-separated label.
fn is_valid_host_label(value: &str, subdomains: bool) -> bool {
    if subdomains {
        return value
            .split('.')
            .all(|label| is_valid_host_label(label, false));
    }
    let bytes = value.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

fn is_virtual_hostable(bucket: &str, subdomains: bool) -> bool {
    bucket.len() >= 3
        && bucket.to_lowercase() == bucket
        && !is_ipv4(bucket)
        && is_valid_host_label(bucket, subdomains)
}

/// The partition a region belongs to (by list, then by pattern), or the
/// first partition (`aws`).
fn partition(region: Option<&str>) -> Value {
    /// Each partition with its compiled region pattern.
    static COMPILED: OnceLock<Vec<(Value, Option<regex::Regex>)>> = OnceLock::new();
    let list = COMPILED.get_or_init(|| {
        partitions()
            .get("partitions")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|p| {
                let pattern = p
                    .get("regionRegex")
                    .and_then(Value::as_str)
                    .and_then(|re| regex::Regex::new(re).ok());
                (p.clone(), pattern)
            })
            .collect()
    });
    let found = region.and_then(|region| {
        list.iter().find(|(p, pattern)| {
            p.get("regions").and_then(|r| r.get(region)).is_some()
                // Python's `re.match`: anchored at the start.
                || pattern
                    .as_ref()
                    .is_some_and(|re| re.find(region).is_some_and(|m| m.start() == 0))
        })
    });
    match found.or(list.first()).map(|(p, _)| p) {
        Some(p) => {
            let mut outputs = p
                .get("outputs")
                .cloned()
                .unwrap_or(Value::Object(Map::new()));
            if let Some(map) = outputs.as_object_mut() {
                map.insert(
                    "name".to_owned(),
                    p.get("id").cloned().unwrap_or(Value::Null),
                );
            }
            outputs
        }
        None => Value::Null,
    }
}

/// `arn:partition:service:region:account:resource`, with the resource
/// split on `:` and `/`.
fn parse_arn(arn: &str) -> Option<Value> {
    if !arn.starts_with("arn:") {
        return None;
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[1].is_empty() || parts[2].is_empty() || parts[5].is_empty() {
        return None;
    }
    let resource: Vec<Value> = parts[5]
        .replace(':', "/")
        .split('/')
        .map(|s| Value::String(s.to_owned()))
        .collect();
    Some(json!({
        "partition": parts[1],
        "service": parts[2],
        "region": parts[3],
        "accountId": parts[4],
        "resourceId": resource,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_behave_as_botocore_s() {
        assert_eq!(uri_encode("a b/c~"), "a%20b%2Fc~");
        assert_eq!(remove_dot_segments("/a//b/../c/"), "/a/c/");
        let url = parse_url("https://example.com:8443/a b/./c").unwrap();
        assert_eq!(url["authority"], "example.com:8443");
        assert_eq!(url["normalizedPath"], "/a%20b/c/");
        assert_eq!(url["isIp"], false);
        assert_eq!(parse_url("http://127.0.0.1:9000").unwrap()["isIp"], true);
        assert_eq!(parse_url("http://[::1]:9000/").unwrap()["isIp"], true);
        assert!(parse_url("https://example.com/?x=1").is_none());
        assert!(parse_url("ftp://example.com").is_none());
        assert!(parse_url("https://example.com:http").is_none());
        assert!(is_valid_host_label("my-bucket", false));
        assert!(!is_valid_host_label("my.bucket", false));
        assert!(is_valid_host_label("my.bucket", true));
        assert!(!is_virtual_hostable("192.168.1.1", true));
        assert!(!is_virtual_hostable("MyBucket", false));
        assert_eq!(partition(Some("cn-north-1"))["name"], "aws-cn");
        assert_eq!(partition(Some("us-gov-west-1"))["name"], "aws-us-gov");
        assert_eq!(partition(Some("mars-east-1"))["name"], "aws");
        let arn = parse_arn("arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap").unwrap();
        assert_eq!(arn["resourceId"], json!(["accesspoint", "my-ap"]));
        assert_eq!(get_attr(&arn, "resourceId[1]"), json!("my-ap"));
        assert_eq!(get_attr(&arn, "resourceId[5]"), Value::Null);
        assert_eq!(
            substring(&json!("abcdef"), &json!(0), &json!(2), &json!(true)).unwrap(),
            json!("ef")
        );
    }
}
