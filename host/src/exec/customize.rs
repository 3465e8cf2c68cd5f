//! botocore's per-service handlers (`botocore/handlers.py`) that change a
//! request before it is built or a result after it is parsed. Without them
//! the same command gives a different answer than the CLI: IAM policy
//! documents stay URL-encoded, S3 keys come back percent-encoded, EC2 user
//! data is sent unencoded.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::xml;
use crate::model::{Operation, Service, ShapeId, ShapeType};

/// What a request handler decided that its response handler needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tweaks {
    /// `EncodingType=url` was added by us, not asked for by the user, so
    /// the keys in the answer are decoded back.
    list_encoding_auto: bool,
}

/// The request handlers (`before-parameter-build`); an error is botocore's
/// `ParamValidationError`, raised before anything is sent.
pub fn before(
    service: &Service,
    operation: &Operation,
    params: &mut Map<String, Value>,
) -> Result<Tweaks, String> {
    let mut tweaks = Tweaks::default();
    if service.api_name == "s3"
        && let Some(Value::String(bucket)) = params.get("Bucket")
    {
        validate_bucket_name(bucket)?;
    }
    match (service.api_name.as_str(), operation.name.as_str()) {
        // _handle_request_validation_mode_member, with the CLI's default
        // response_checksum_validation = when_supported.
        ("s3", "GetObject" | "GetObjectAnnotation") => {
            params
                .entry("ChecksumMode")
                .or_insert_with(|| Value::String("ENABLED".to_owned()));
        }
        // set_list_objects_encoding_type_url: keys with characters XML
        // cannot carry survive the trip.
        ("s3", "ListObjects" | "ListObjectsV2" | "ListObjectVersions")
            if !params.contains_key("EncodingType") =>
        {
            params.insert("EncodingType".to_owned(), Value::String("url".to_owned()));
            tweaks.list_encoding_auto = true;
        }
        // base64_encode_user_data.
        ("ec2", "RunInstances") | ("autoscaling", "CreateLaunchConfiguration") => {
            if let Some(Value::String(data)) = params.get_mut("UserData") {
                *data = base64::engine::general_purpose::STANDARD.encode(data.as_bytes());
            }
        }
        // inject_account_id: `-` is the caller's own account.
        ("glacier", _)
            if operation.input.is_some_and(|i| {
                service.shapes[i as usize]
                    .members
                    .iter()
                    .any(|m| m.name == "accountId")
            }) =>
        {
            params
                .entry("accountId")
                .or_insert_with(|| Value::String("-".to_owned()));
        }
        // fix_route53_ids: `/hostedzone/Z123` is sent as `Z123`.
        ("route53", _) => {
            if let Some(input) = operation.input {
                for member in &service.shapes[input as usize].members {
                    let shape = &service.shapes[member.shape as usize].name;
                    if matches!(
                        shape.as_str(),
                        "ResourceId" | "DelegationSetId" | "ChangeId"
                    ) && let Some(Value::String(id)) = params.get_mut(&member.name)
                        && let Some((_, last)) = id.rsplit_once('/')
                    {
                        *id = last.to_owned();
                    }
                }
            }
        }
        _ => {}
    }
    Ok(tweaks)
}

/// validate_bucket_name: a bucket name or an access point ARN, as botocore
/// checks it (`/` in a name would change the request's path).
fn validate_bucket_name(bucket: &str) -> Result<(), String> {
    const VALID_BUCKET: &str = r"^[a-zA-Z0-9.\-_]{1,255}$";
    const VALID_S3_ARN: &str = r"^arn:(aws).*:(s3|s3-object-lambda):[a-z\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\-.]{1,63}$|^arn:(aws).*:s3-outposts:[a-z\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\-]{1,63}$";
    static PATTERNS: std::sync::LazyLock<Option<(regex::Regex, regex::Regex)>> =
        std::sync::LazyLock::new(|| {
            Some((
                regex::Regex::new(VALID_BUCKET).ok()?,
                regex::Regex::new(VALID_S3_ARN).ok()?,
            ))
        });
    if let Some((name, arn)) = PATTERNS.as_ref()
        && (name.is_match(bucket) || arn.is_match(bucket))
    {
        return Ok(());
    }
    Err(format!(
        "Parameter validation failed:\nInvalid bucket name \"{bucket}\": Bucket name must match the regex \"{VALID_BUCKET}\" or be an ARN matching the regex \"{VALID_S3_ARN}\""
    ))
}

/// The response handlers (`after-call`), on the parsed `result` and the raw
/// `body`.
pub fn after(
    service: &Service,
    operation: &Operation,
    tweaks: Tweaks,
    result: &mut Map<String, Value>,
    body: &[u8],
) {
    match (service.api_name.as_str(), operation.name.as_str()) {
        ("iam", _) => {
            if let Some(output) = operation.output {
                let mut value = Value::Object(std::mem::take(result));
                decode_policies(service, output, &mut value);
                if let Value::Object(map) = value {
                    *result = map;
                }
            }
        }
        // json_decode_template_body: a JSON template is shown as JSON.
        ("cloudformation", "GetTemplate") => {
            if let Some(Value::String(text)) = result.get("TemplateBody")
                && let Ok(parsed) = serde_json::from_str::<Value>(text)
            {
                result.insert("TemplateBody".to_owned(), parsed);
            }
        }
        // parse_get_bucket_location: the model cannot describe the body.
        ("s3", "GetBucketLocation") => {
            let region = xml::parse(body)
                .ok()
                .map(|root| root.text)
                .filter(|t| !t.is_empty());
            result.insert(
                "LocationConstraint".to_owned(),
                region.map_or(Value::Null, Value::String),
            );
        }
        ("s3", "ListObjects") if tweaks.list_encoding_auto => decode_list(
            result,
            &["Delimiter", "Marker", "NextMarker"],
            &[("Contents", "Key"), ("CommonPrefixes", "Prefix")],
        ),
        ("s3", "ListObjectsV2") if tweaks.list_encoding_auto => decode_list(
            result,
            &["Delimiter", "Prefix", "StartAfter"],
            &[("Contents", "Key"), ("CommonPrefixes", "Prefix")],
        ),
        ("s3", "ListObjectVersions") if tweaks.list_encoding_auto => decode_list(
            result,
            &["KeyMarker", "NextKeyMarker", "Prefix", "Delimiter"],
            &[
                ("Versions", "Key"),
                ("DeleteMarkers", "Key"),
                ("CommonPrefixes", "Prefix"),
            ],
        ),
        // decode_console_output.
        ("ec2", "GetConsoleOutput") => {
            if let Some(Value::String(output)) = result.get_mut("Output")
                && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(output.trim())
            {
                *output = String::from_utf8_lossy(&bytes).into_owned();
            }
        }
        _ => {}
    }
}

/// json_decode_policies: members of IAM's `policyDocumentType` are
/// URL-encoded JSON; they are shown decoded, as objects.
fn decode_policies(service: &Service, shape: ShapeId, value: &mut Value) {
    let Some(shape) = service.shapes.get(shape as usize) else {
        return;
    };
    match (shape.kind, value) {
        (ShapeType::Structure, Value::Object(map)) => {
            for member in &shape.members {
                let Some(v) = map.get_mut(&member.name) else {
                    continue;
                };
                let member_shape = &service.shapes[member.shape as usize];
                if member_shape.kind == ShapeType::String
                    && member_shape.name == "policyDocumentType"
                {
                    if let Value::String(text) = v
                        && let Ok(doc) = serde_json::from_str::<Value>(&unquote(text, false))
                    {
                        *v = doc;
                    }
                } else {
                    decode_policies(service, member.shape, v);
                }
            }
        }
        (ShapeType::List, Value::Array(items)) => {
            if let Some(member) = &shape.member {
                for item in items {
                    decode_policies(service, member.shape, item);
                }
            }
        }
        _ => {}
    }
}

/// _decode_list_object: the keys S3 sent URL-encoded, decoded.
fn decode_list(result: &mut Map<String, Value>, top: &[&str], nested: &[(&str, &str)]) {
    if result.get("EncodingType").and_then(Value::as_str) != Some("url") {
        return;
    }
    for key in top {
        if let Some(Value::String(s)) = result.get_mut(*key) {
            *s = unquote(s, true);
        }
    }
    for (list, key) in nested {
        if let Some(Value::Array(items)) = result.get_mut(*list) {
            for item in items {
                if let Some(Value::String(s)) = item.get_mut(*key) {
                    *s = unquote(s, true);
                }
            }
        }
    }
}

/// Python's `urllib.parse.unquote` (`unquote_plus` when `plus`): `%XX`
/// decoded as UTF-8 with replacement, malformed escapes left as written.
pub fn unquote(text: &str, plus: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::unquote;

    #[test]
    fn unquote_as_python_does() {
        assert_eq!(unquote("a%20b", false), "a b");
        assert_eq!(unquote("a+b%2Bc", true), "a b+c");
        assert_eq!(unquote("a+b", false), "a+b");
        assert_eq!(unquote("100%", false), "100%");
        assert_eq!(unquote("%zz%4", false), "%zz%4");
        assert_eq!(unquote("%E2%82%AC", false), "€");
        assert_eq!(unquote("%7B%22a%22%3A1%7D", false), "{\"a\":1}");
    }

    #[test]
    fn bucket_names_as_botocore_checks_them() {
        assert!(super::validate_bucket_name("my-bucket.logs_1").is_ok());
        assert!(
            super::validate_bucket_name("arn:aws:s3:us-east-1:123456789012:accesspoint/ap-1")
                .is_ok()
        );
        let error = super::validate_bucket_name("bad/bucket").unwrap_err();
        assert!(
            error.contains("Invalid bucket name \"bad/bucket\""),
            "{error}"
        );
        assert!(super::validate_bucket_name("").is_err());
    }
}
