//! Requests on the wire, for every protocol the models use, following
//! botocore's `serialize.py` rule for rule: `json` (`x-amz-target`, a JSON
//! body), `rest-json` and `rest-xml` (URI labels, query strings, headers and
//! a payload), `query` and `ec2` (form-encoded `Action=...` bodies with
//! their two flattening schemes). `smithy-rpc-v2-cbor` models mostly also
//! list `json`, which the model builder prefers; the four that list only
//! CBOR get the JSON body re-encoded by [`super::cbor`].

use base64::Engine as _;
use serde_json::{Map, Value};

use super::ExecError;
use super::timestamp::{self, Format};
use crate::model::{Location, Member, Operation, Protocol, Service, Shape, ShapeId, ShapeType};

/// An HTTP request before the endpoint and the signature.
#[derive(Debug, Clone, PartialEq)]
pub struct WireRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// The path, percent-encoded, starting with `/`.
    pub path: String,
    /// `(name, value)` query pairs, not encoded.
    pub query: Vec<(String, Option<String>)>,
    /// Headers (names as the model writes them).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The operation's host prefix with its labels filled in.
    pub host_prefix: Option<String>,
}

/// Builds the request for `operation` with `params` (API member names).
pub fn serialize(
    service: &Service,
    operation: &Operation,
    params: &Map<String, Value>,
) -> Result<WireRequest, ExecError> {
    let mut params = params.clone();
    let input = operation.input.map(|id| shape(service, id));
    if let Some(input) = input {
        fill_idempotency_tokens(input, &mut params);
    }
    let mut request = WireRequest {
        method: if operation.http_method.is_empty() {
            "POST".to_owned()
        } else {
            operation.http_method.clone()
        },
        path: "/".to_owned(),
        query: Vec::new(),
        headers: Vec::new(),
        body: Vec::new(),
        host_prefix: None,
    };
    let w = Writer { service };
    match service.protocol {
        Protocol::Json => {
            request.method = "POST".to_owned();
            let target = service.target_prefix.as_deref().unwrap_or_default();
            request.headers.push((
                "X-Amz-Target".to_owned(),
                format!("{target}.{}", operation.name),
            ));
            let version = service.json_version.as_deref().unwrap_or("1.0");
            request.headers.push((
                "Content-Type".to_owned(),
                format!("application/x-amz-json-{version}"),
            ));
            let body = match input {
                Some(input) => w.json_structure(input, &params, false)?,
                None => Value::Object(Map::new()),
            };
            request.body = serde_json::to_vec(&body).unwrap_or_default();
        }
        Protocol::RestJson | Protocol::RestXml => {
            w.rest(operation, input, &params, &mut request)?
        }
        Protocol::Query | Protocol::Ec2 => {
            request.method = "POST".to_owned();
            request.headers.push((
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            ));
            let mut pairs = vec![
                ("Action".to_owned(), operation.name.clone()),
                ("Version".to_owned(), service.api_version.clone()),
            ];
            if let Some(input) = input {
                let ec2 = service.protocol == Protocol::Ec2;
                w.query_structure(input, &params, "", ec2, &mut pairs)?;
            }
            request.body = form_encode(&pairs).into_bytes();
        }
        // botocore's RpcV2CBORSerializer.
        Protocol::SmithyRpcV2Cbor => {
            request.method = "POST".to_owned();
            let target = service.target_prefix.as_deref().unwrap_or_default();
            request.path = format!("/service/{target}/operation/{}", operation.name);
            request
                .headers
                .push(("smithy-protocol".to_owned(), "rpc-v2-cbor".to_owned()));
            request
                .headers
                .push(("Accept".to_owned(), "application/cbor".to_owned()));
            if let (Some(shape), Some(id)) = (input, operation.input) {
                let body = w.json_structure(shape, &params, false)?;
                super::cbor::encode(service, Some(id), &body, &mut request.body);
                request
                    .headers
                    .push(("Content-Type".to_owned(), "application/cbor".to_owned()));
            }
        }
    }
    if let Some(prefix) = &operation.host_prefix {
        request.host_prefix = Some(host_prefix(prefix, input, &params)?);
    }
    Ok(request)
}

fn shape(service: &Service, id: ShapeId) -> &Shape {
    &service.shapes[id as usize]
}

/// botocore fills top-level idempotency tokens the user left out with a
/// random UUID.
fn fill_idempotency_tokens(input: &Shape, params: &mut Map<String, Value>) {
    for member in &input.members {
        if member.idempotency_token && !params.contains_key(&member.name) {
            params.insert(member.name.clone(), Value::String(uuid4()));
        }
    }
}

/// A random version-4 UUID.
pub fn uuid4() -> String {
    let mut b = [0u8; 16];
    for byte in &mut b {
        *byte = fastrand::u8(..);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn host_prefix(
    template: &str,
    input: Option<&Shape>,
    params: &Map<String, Value>,
) -> Result<String, ExecError> {
    fill_template(template, "host prefix", |name| {
        let member = input.and_then(|s| s.members.iter().find(|m| m.name == name && m.host_label));
        let value = member
            .and_then(|m| params.get(&m.name))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ExecError::Request(format!("`{name}` is needed to build the endpoint host"))
            })?;
        if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ExecError::Request(format!(
                "`{name}` must be a valid host label (letters, digits and hyphens), not `{value}`"
            )));
        }
        Ok(value.to_owned())
    })
}

/// `template` with each `{label}` replaced by `fill(label)`; `what` names
/// the template in errors.
fn fill_template(
    template: &str,
    what: &str,
    mut fill: impl FnMut(&str) -> Result<String, ExecError>,
) -> Result<String, ExecError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| ExecError::Request(format!("bad {what} `{template}`")))?;
        out.push_str(&fill(&rest[open + 1..close])?);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The bytes of a blob parameter: text as UTF-8, `fileb://` content, or a
/// streaming file.
pub fn blob_bytes(value: &Value) -> Result<Vec<u8>, ExecError> {
    match value {
        Value::String(s) => Ok(s.clone().into_bytes()),
        Value::Object(o) if o.contains_key("$blob") => {
            let text = o.get("$blob").and_then(Value::as_str).unwrap_or_default();
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| ExecError::Request(format!("binary value is not valid: {e}")))
        }
        Value::Object(o) if o.contains_key("$file") => {
            let path = o.get("$file").and_then(Value::as_str).unwrap_or_default();
            std::fs::read(path)
                .map_err(|e| ExecError::Request(format!("`{path}` cannot be read: {e}")))
        }
        other => Err(ExecError::Request(format!("`{other}` is not binary data"))),
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Python's `str()` of a number as botocore puts it in text: floats keep
/// their `.0`.
fn number_text(shape: &Shape, value: &Value) -> String {
    match (shape.kind, value) {
        (ShapeType::Float | ShapeType::Double, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            format!("{n}.0")
        }
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

struct Writer<'a> {
    service: &'a Service,
}

impl Writer<'_> {
    fn shape(&self, id: ShapeId) -> &Shape {
        shape(self.service, id)
    }

    /// A scalar as text (query strings, headers, labels, form values).
    fn text(
        &self,
        member: &Member,
        value: &Value,
        default_ts: Format,
    ) -> Result<String, ExecError> {
        let s = self.shape(member.shape);
        Ok(match s.kind {
            ShapeType::Boolean => match value {
                Value::Bool(b) => b.to_string(),
                other => other.as_str().unwrap_or("false").to_owned(),
            },
            ShapeType::Timestamp => {
                let moment = timestamp::read(value).map_err(ExecError::Request)?;
                let format = Format::from_model(
                    member
                        .timestamp_format
                        .as_deref()
                        .or(s.timestamp_format.as_deref()),
                    default_ts,
                );
                match timestamp::write(moment, format) {
                    Value::String(s) => s,
                    other => other.to_string(),
                }
            }
            ShapeType::Blob => b64(&blob_bytes(value)?),
            _ => number_text(s, value),
        })
    }

    // ---- JSON bodies (json, rest-json) ----

    /// A structure as JSON; `body_only` leaves out members bound to the URI,
    /// query string or headers (rest-json).
    fn json_structure(
        &self,
        s: &Shape,
        value: &Map<String, Value>,
        body_only: bool,
    ) -> Result<Value, ExecError> {
        let mut out = Map::new();
        for (key, v) in value {
            let Some(member) = s.members.iter().find(|m| &m.name == key) else {
                continue;
            };
            if body_only && member.location.is_some() {
                continue;
            }
            if v.is_null() {
                continue;
            }
            let name = member
                .location_name
                .clone()
                .unwrap_or_else(|| member.name.clone());
            out.insert(name, self.json_value(member, v)?);
        }
        Ok(Value::Object(out))
    }

    fn json_value(&self, member: &Member, value: &Value) -> Result<Value, ExecError> {
        let s = self.shape(member.shape);
        if s.document {
            return Ok(value.clone());
        }
        Ok(match s.kind {
            ShapeType::Structure => match value {
                Value::Object(map) => self.json_structure(s, map, false)?,
                other => other.clone(),
            },
            ShapeType::List => match (value, &s.member) {
                (Value::Array(items), Some(item)) => Value::Array(
                    items
                        .iter()
                        .map(|v| self.json_value(item, v))
                        .collect::<Result<_, _>>()?,
                ),
                (other, _) => other.clone(),
            },
            ShapeType::Map => match (value, &s.value) {
                (Value::Object(map), Some(item)) => {
                    let mut out = Map::new();
                    for (k, v) in map {
                        out.insert(k.clone(), self.json_value(item, v)?);
                    }
                    Value::Object(out)
                }
                (other, _) => other.clone(),
            },
            ShapeType::Timestamp => {
                let moment = timestamp::read(value).map_err(ExecError::Request)?;
                let format = Format::from_model(
                    member
                        .timestamp_format
                        .as_deref()
                        .or(s.timestamp_format.as_deref()),
                    Format::Unix,
                );
                timestamp::write(moment, format)
            }
            ShapeType::Blob => Value::String(b64(&blob_bytes(value)?)),
            ShapeType::Float | ShapeType::Double => match value {
                Value::Number(n) => n.as_f64().map(Value::from).unwrap_or_else(|| value.clone()),
                Value::String(t) => t
                    .parse::<f64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| value.clone()),
                other => other.clone(),
            },
            _ => value.clone(),
        })
    }

    // ---- REST (rest-json, rest-xml) ----

    fn rest(
        &self,
        operation: &Operation,
        input: Option<&Shape>,
        params: &Map<String, Value>,
        request: &mut WireRequest,
    ) -> Result<(), ExecError> {
        let xml = self.service.protocol == Protocol::RestXml;
        // S3's endpoint rules put the bucket in the host or the endpoint's
        // path, so botocore drops `/{Bucket}` from S3's request URIs.
        let uri = match self.service.api_name.as_str() {
            "s3" => operation
                .request_uri
                .strip_prefix("/{Bucket}")
                .unwrap_or(&operation.request_uri),
            _ => operation.request_uri.as_str(),
        };
        let (template, static_query) = match uri.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (uri, None),
        };
        let mut labels: Vec<(&str, String)> = Vec::new();
        if let Some(input) = input {
            for (key, value) in params {
                let Some(member) = input.members.iter().find(|m| &m.name == key) else {
                    continue;
                };
                if value.is_null() {
                    continue;
                }
                let wire = member.location_name.as_deref().unwrap_or(&member.name);
                match member.location {
                    Some(Location::Uri) => {
                        labels.push((wire, self.text(member, value, Format::Iso8601)?))
                    }
                    Some(Location::Querystring) => self.rest_query(member, wire, value, request)?,
                    Some(Location::Header) => {
                        if let Some(text) = self.header_value(member, value)? {
                            request.headers.push((wire.to_owned(), text));
                        }
                    }
                    Some(Location::Headers) => {
                        if let Value::Object(map) = value {
                            for (k, v) in map {
                                let text = v
                                    .as_str()
                                    .map(str::to_owned)
                                    .unwrap_or_else(|| v.to_string());
                                request.headers.push((format!("{wire}{k}"), text));
                            }
                        }
                    }
                    Some(Location::StatusCode) | None => {}
                }
            }
        }
        request.path = if template.is_empty() {
            String::new()
        } else {
            render_uri(template, &labels)?
        };
        if let Some(query) = static_query {
            for part in query.split('&').filter(|p| !p.is_empty()) {
                match part.split_once('=') {
                    Some((k, v)) => request.query.insert(0, (k.to_owned(), Some(v.to_owned()))),
                    None => request.query.insert(0, (part.to_owned(), None)),
                }
            }
        }
        let Some(input) = input else {
            return Ok(());
        };
        if let Some(payload) = &input.payload {
            let member = input.members.iter().find(|m| &m.name == payload);
            let Some(member) = member else {
                return Ok(());
            };
            let ps = self.shape(member.shape);
            match (params.get(payload), ps.kind) {
                (Some(v), ShapeType::Blob) => request.body = blob_bytes(v)?,
                (Some(Value::String(s)), ShapeType::String) => {
                    request.body = s.clone().into_bytes()
                }
                (Some(Value::Object(map)), ShapeType::Structure) => {
                    if xml {
                        let name = member
                            .location_name
                            .clone()
                            .or_else(|| ps.location_name.clone())
                            .unwrap_or_else(|| ps.name.clone());
                        let ns = member
                            .xml_namespace
                            .as_deref()
                            .or(ps.xml_namespace.as_deref());
                        let mut out = String::new();
                        self.xml_structure(ps, map, &name, ns, &mut out)?;
                        request.body = out.into_bytes();
                    } else {
                        request.body = serde_json::to_vec(&self.json_structure(ps, map, false)?)
                            .unwrap_or_default();
                    }
                }
                (None, _) => {
                    if !xml && ps.kind == ShapeType::Structure {
                        request.body = b"{}".to_vec();
                    }
                }
                (Some(other), _) => request.body = other.to_string().into_bytes(),
            }
        } else {
            let has_body_members = input.members.iter().any(|m| m.location.is_none());
            let body_params: Map<String, Value> = params
                .iter()
                .filter(|(k, _)| {
                    input
                        .members
                        .iter()
                        .any(|m| &&m.name == k && m.location.is_none())
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if xml {
                if !body_params.is_empty() {
                    let name = input
                        .location_name
                        .clone()
                        .unwrap_or_else(|| input.name.clone());
                    let mut out = String::new();
                    self.xml_structure(
                        input,
                        &body_params,
                        &name,
                        input.xml_namespace.as_deref(),
                        &mut out,
                    )?;
                    request.body = out.into_bytes();
                }
            } else if !body_params.is_empty() || has_body_members {
                request.body =
                    serde_json::to_vec(&self.json_structure(input, &body_params, true)?)
                        .unwrap_or_default();
            }
        }
        if !request.body.is_empty()
            && !request
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            let streaming = input
                .payload
                .as_ref()
                .and_then(|p| input.members.iter().find(|m| &m.name == p))
                .is_some_and(|m| self.shape(m.shape).kind == ShapeType::Blob);
            if !streaming {
                let kind = if xml {
                    "application/xml"
                } else {
                    "application/json"
                };
                request
                    .headers
                    .push(("Content-Type".to_owned(), kind.to_owned()));
            }
        }
        Ok(())
    }

    fn rest_query(
        &self,
        member: &Member,
        wire: &str,
        value: &Value,
        request: &mut WireRequest,
    ) -> Result<(), ExecError> {
        let s = self.shape(member.shape);
        match (s.kind, value) {
            (ShapeType::List, Value::Array(items)) => {
                let item = s.member.as_deref().unwrap_or(member);
                for v in items {
                    request
                        .query
                        .push((wire.to_owned(), Some(self.text(item, v, Format::Iso8601)?)));
                }
            }
            (ShapeType::Map, Value::Object(map)) => {
                let item_shape = s.value.as_deref();
                for (k, v) in map {
                    match (v, item_shape) {
                        (Value::Array(items), Some(im)) => {
                            let inner = self.shape(im.shape).member.as_deref().unwrap_or(im);
                            for i in items {
                                request
                                    .query
                                    .push((k.clone(), Some(self.text(inner, i, Format::Iso8601)?)));
                            }
                        }
                        (v, Some(im)) => request
                            .query
                            .push((k.clone(), Some(self.text(im, v, Format::Iso8601)?))),
                        (v, None) => request
                            .query
                            .push((k.clone(), v.as_str().map(str::to_owned))),
                    }
                }
            }
            _ => request.query.push((
                wire.to_owned(),
                Some(self.text(member, value, Format::Iso8601)?),
            )),
        }
        Ok(())
    }

    fn header_value(&self, member: &Member, value: &Value) -> Result<Option<String>, ExecError> {
        let s = self.shape(member.shape);
        if member.json_value {
            let text = serde_json::to_string(value).unwrap_or_default();
            return Ok(Some(b64(text.as_bytes())));
        }
        Ok(Some(match (s.kind, value) {
            (ShapeType::List, Value::Array(items)) => {
                let item = s.member.as_deref().unwrap_or(member);
                let mut parts = Vec::new();
                for v in items {
                    let t = self.text(item, v, Format::Rfc822)?;
                    parts.push(if t.contains(',') || t.contains('"') {
                        format!("\"{}\"", t.replace('"', "\\\""))
                    } else {
                        t
                    });
                }
                parts.join(",")
            }
            _ => self.text(member, value, Format::Rfc822)?,
        }))
    }

    // ---- XML bodies (rest-xml) ----

    fn xml_structure(
        &self,
        s: &Shape,
        value: &Map<String, Value>,
        name: &str,
        namespace: Option<&str>,
        out: &mut String,
    ) -> Result<(), ExecError> {
        out.push('<');
        out.push_str(name);
        if let Some(ns) = namespace {
            out.push_str(" xmlns=\"");
            out.push_str(&xml_escape(ns));
            out.push('"');
        }
        let mut children = String::new();
        for (key, v) in value {
            let Some(member) = s.members.iter().find(|m| &m.name == key) else {
                continue;
            };
            if v.is_null() {
                continue;
            }
            let wire = member.location_name.as_deref().unwrap_or(&member.name);
            if member.xml_attribute {
                let text = self.text(member, v, Format::Iso8601)?;
                out.push_str(&format!(" {wire}=\"{}\"", xml_escape(&text)));
                continue;
            }
            self.xml_value(member, v, wire, &mut children)?;
        }
        out.push('>');
        out.push_str(&children);
        out.push_str("</");
        out.push_str(name);
        out.push('>');
        Ok(())
    }

    fn xml_value(
        &self,
        member: &Member,
        value: &Value,
        name: &str,
        out: &mut String,
    ) -> Result<(), ExecError> {
        let s = self.shape(member.shape);
        match (s.kind, value) {
            (ShapeType::Structure, Value::Object(map)) => {
                let ns = member
                    .xml_namespace
                    .as_deref()
                    .or(s.xml_namespace.as_deref());
                self.xml_structure(s, map, name, ns, out)?;
            }
            (ShapeType::List, Value::Array(items)) => {
                let item = s.member.as_deref().unwrap_or(member);
                if s.flattened || member.flattened {
                    for v in items {
                        self.xml_value(item, v, name, out)?;
                    }
                } else {
                    let item_name = item.location_name.as_deref().unwrap_or("member");
                    out.push_str(&format!("<{name}>"));
                    for v in items {
                        self.xml_value(item, v, item_name, out)?;
                    }
                    out.push_str(&format!("</{name}>"));
                }
            }
            (ShapeType::Map, Value::Object(map)) => {
                let (Some(k), Some(vm)) = (s.key.as_deref(), s.value.as_deref()) else {
                    return Ok(());
                };
                let key_name = k.location_name.as_deref().unwrap_or("key");
                let value_name = vm.location_name.as_deref().unwrap_or("value");
                out.push_str(&format!("<{name}>"));
                for (key, v) in map {
                    out.push_str("<entry>");
                    self.xml_value(k, &Value::String(key.clone()), key_name, out)?;
                    self.xml_value(vm, v, value_name, out)?;
                    out.push_str("</entry>");
                }
                out.push_str(&format!("</{name}>"));
            }
            _ => {
                let text = self.text(member, value, Format::Iso8601)?;
                out.push_str(&format!("<{name}>{}</{name}>", xml_escape(&text)));
            }
        }
        Ok(())
    }

    // ---- query and ec2 ----

    fn query_name(&self, member: &Member, default: &str, ec2: bool) -> String {
        if ec2 {
            if let Some(q) = &member.query_name {
                return q.clone();
            }
            if let Some(n) = &member.location_name {
                let mut c = n.chars();
                return c
                    .next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default();
            }
            default.to_owned()
        } else {
            member
                .location_name
                .clone()
                .unwrap_or_else(|| default.to_owned())
        }
    }

    fn query_structure(
        &self,
        s: &Shape,
        value: &Map<String, Value>,
        prefix: &str,
        ec2: bool,
        out: &mut Vec<(String, String)>,
    ) -> Result<(), ExecError> {
        for (key, v) in value {
            let Some(member) = s.members.iter().find(|m| &m.name == key) else {
                continue;
            };
            if v.is_null() {
                continue;
            }
            let name = self.query_name(member, key, ec2);
            let full = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}.{name}")
            };
            self.query_value(member, v, &full, ec2, out)?;
        }
        Ok(())
    }

    fn query_value(
        &self,
        member: &Member,
        value: &Value,
        prefix: &str,
        ec2: bool,
        out: &mut Vec<(String, String)>,
    ) -> Result<(), ExecError> {
        let s = self.shape(member.shape);
        match (s.kind, value) {
            (ShapeType::Structure, Value::Object(map)) => {
                self.query_structure(s, map, prefix, ec2, out)?
            }
            (ShapeType::List, Value::Array(items)) => {
                let item = s.member.as_deref().unwrap_or(member);
                if ec2 {
                    for (i, v) in items.iter().enumerate() {
                        self.query_value(item, v, &format!("{prefix}.{}", i + 1), ec2, out)?;
                    }
                    return Ok(());
                }
                if items.is_empty() {
                    out.push((prefix.to_owned(), String::new()));
                    return Ok(());
                }
                let list_prefix = if s.flattened || member.flattened {
                    match &item.location_name {
                        Some(name) => match prefix.rsplit_once('.') {
                            Some((head, _)) => format!("{head}.{name}"),
                            None => name.clone(),
                        },
                        None => prefix.to_owned(),
                    }
                } else {
                    format!(
                        "{prefix}.{}",
                        item.location_name.as_deref().unwrap_or("member")
                    )
                };
                for (i, v) in items.iter().enumerate() {
                    self.query_value(item, v, &format!("{list_prefix}.{}", i + 1), ec2, out)?;
                }
            }
            (ShapeType::Map, Value::Object(map)) => {
                let (Some(k), Some(vm)) = (s.key.as_deref(), s.value.as_deref()) else {
                    return Ok(());
                };
                let full = if s.flattened || member.flattened {
                    prefix.to_owned()
                } else {
                    format!("{prefix}.entry")
                };
                let key_suffix = self.query_name(k, "key", ec2);
                let value_suffix = self.query_name(vm, "value", ec2);
                for (i, (key, v)) in map.iter().enumerate() {
                    let n = i + 1;
                    self.query_value(
                        k,
                        &Value::String(key.clone()),
                        &format!("{full}.{n}.{key_suffix}"),
                        ec2,
                        out,
                    )?;
                    self.query_value(vm, v, &format!("{full}.{n}.{value_suffix}"), ec2, out)?;
                }
            }
            _ => out.push((
                prefix.to_owned(),
                self.text(member, value, Format::Iso8601)?,
            )),
        }
        Ok(())
    }
}

/// Fills `{Label}` and greedy `{Label+}` in a URI template.
fn render_uri(template: &str, labels: &[(&str, String)]) -> Result<String, ExecError> {
    fill_template(template, "request URI", |raw| {
        let (name, greedy) = match raw.strip_suffix('+') {
            Some(n) => (n, true),
            None => (raw, false),
        };
        let value = labels
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| {
                ExecError::Request(format!(
                    "`{name}` is required: it is part of the request's path"
                ))
            })?;
        if value.is_empty() {
            return Err(ExecError::Request(format!(
                "`{name}` must not be empty: it is part of the request's path"
            )));
        }
        Ok(encode(value, greedy))
    })
}

/// Percent-encodes all but the unreserved characters (and `/` in greedy
/// labels), as botocore's `percent_encode`.
pub fn encode(value: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `application/x-www-form-urlencoded` as Python's `urlencode` writes it.
pub fn form_encode(pairs: &[(String, String)]) -> String {
    let plus = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            match b {
                b' ' => out.push('+'),
                b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') => {
                    out.push(b as char)
                }
                b => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", plus(k), plus(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_botocore() {
        assert_eq!(encode("a b/c~d", false), "a%20b%2Fc~d");
        assert_eq!(encode("dir/a b.txt", true), "dir/a%20b.txt");
        assert_eq!(
            form_encode(&[
                ("Action".into(), "Send Message".into()),
                ("A.1".into(), "x&y=z~".into())
            ]),
            "Action=Send+Message&A.1=x%26y%3Dz~"
        );
    }

    #[test]
    fn renders_uri_templates() {
        let labels = [("Bucket", "b".to_owned()), ("Key", "a/b c".to_owned())];
        assert_eq!(
            render_uri("/{Bucket}/{Key+}", &labels).unwrap(),
            "/b/a/b%20c"
        );
        assert!(render_uri("/{Missing}", &labels).is_err());
    }

    #[test]
    fn uuids_are_version_4() {
        let u = uuid4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
