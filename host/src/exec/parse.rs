//! Responses and errors off the wire, as botocore's `parsers.py` reads them
//! with the AWS CLI v1's scalar settings: members come out in model order
//! under their model names, values outside the model are dropped,
//! timestamps and blobs stay exactly as sent (`cli_timestamp_format =
//! wire`, blobs base64), XML lists and maps follow their `flattened` and
//! `locationName` traits, and REST headers and status codes land in their
//! members.

use serde_json::{Map, Value};

use super::xml::{self, Node};
use crate::model::{Location, Member, Operation, Protocol, Service, Shape, ShapeId, ShapeType};

/// An HTTP response, body read.
#[derive(Debug, Clone)]
pub struct WireResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl WireResponse {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A service's error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
}

/// Why a response could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the response could not be read: {0}")]
pub struct ParseError(pub String);

/// Reads a successful response into the operation's output (without the
/// payload of a streaming blob, which the caller writes to a file).
pub fn output(
    service: &Service,
    operation: &Operation,
    response: &WireResponse,
) -> Result<Map<String, Value>, ParseError> {
    let Some(id) = operation.output else {
        return Ok(Map::new());
    };
    let shape = &service.shapes[id as usize];
    let r = Reader { service };
    match service.protocol {
        Protocol::Json => {
            let body = json_body(&response.body)?;
            Ok(r.json_structure(shape, &body))
        }
        Protocol::SmithyRpcV2Cbor => {
            let body = super::cbor::decode(&response.body).map_err(ParseError)?;
            Ok(r.json_structure(shape, &body))
        }
        Protocol::RestJson | Protocol::RestXml => r.rest(shape, response),
        Protocol::Query | Protocol::Ec2 => {
            if response.body.is_empty() {
                return Ok(Map::new());
            }
            let root = xml::parse(&response.body).map_err(ParseError)?;
            // Every query model names the result wrapper
            // `<{Operation}Result>` (checked over botocore's models).
            let start = if service.protocol == Protocol::Query {
                root.child(&format!("{}Result", operation.name))
                    .unwrap_or(&root)
            } else {
                &root
            };
            match r.xml_value_node(shape, start) {
                Value::Object(map) => Ok(map),
                _ => Ok(Map::new()),
            }
        }
    }
}

/// Reads an error answer: the code, the message and the request id, by the
/// protocol's rules (the JSON `__type`, `x-amzn-ErrorType`, the XML
/// `<Error>`, or for bodiless answers such as S3's `HEAD`, the HTTP status
/// and its reason phrase).
pub fn error(service: &Service, response: &WireResponse) -> ServiceError {
    let mut request_id = response
        .header("x-amzn-requestid")
        .or_else(|| response.header("x-amz-request-id"))
        .map(str::to_owned);
    let status_error = || ServiceError {
        code: response.status.to_string(),
        message: reason_phrase(response.status).to_owned(),
        request_id: None,
    };
    let mut err = match service.protocol {
        Protocol::Json | Protocol::RestJson | Protocol::SmithyRpcV2Cbor => {
            let body = if service.protocol == Protocol::SmithyRpcV2Cbor {
                super::cbor::decode(&response.body).unwrap_or(Value::Null)
            } else {
                json_body(&response.body).unwrap_or(Value::Null)
            };
            let message = body
                .get("message")
                .or_else(|| body.get("Message"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let mut code = body
                .get("__type")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| response.status.to_string());
            if service.protocol == Protocol::RestJson {
                if let Some(header) = response.header("x-amzn-errortype") {
                    code = header.to_owned();
                } else if let Some(c) = body
                    .get("code")
                    .or_else(|| body.get("Code"))
                    .and_then(Value::as_str)
                {
                    code = c.to_owned();
                }
            }
            if let Some((head, _)) = code.split_once(':') {
                code = head.to_owned();
            }
            if let Some((_, tail)) = code.rsplit_once('#') {
                code = tail.to_owned();
            }
            if let Some(query) = response.header("x-amzn-query-error")
                && let Some((c, _)) = query.split_once(';')
            {
                code = c.to_owned();
            }
            ServiceError {
                code,
                message,
                request_id: None,
            }
        }
        Protocol::RestXml | Protocol::Query | Protocol::Ec2 => {
            match (!response.body.is_empty())
                .then(|| xml::parse(&response.body).ok())
                .flatten()
            {
                None => status_error(),
                Some(root) => {
                    let error = if root.name == "Error" {
                        Some(&root)
                    } else {
                        root.child("Error")
                            .or_else(|| root.child("Errors").and_then(|e| e.child("Error")))
                    };
                    if request_id.is_none() {
                        request_id = root
                            .child("RequestId")
                            .or_else(|| root.child("RequestID"))
                            .or_else(|| error.and_then(|e| e.child("RequestId")))
                            .map(|n| n.text.clone());
                    }
                    match error {
                        Some(e) => ServiceError {
                            code: e.child("Code").map(|n| n.text.clone()).unwrap_or_default(),
                            message: e
                                .child("Message")
                                .map(|n| n.text.clone())
                                .unwrap_or_default(),
                            request_id: None,
                        },
                        None => status_error(),
                    }
                }
            }
        }
    };
    err.request_id = request_id;
    err
}

/// The HTTP reason phrase Python's `http.client.responses` gives.
pub fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

fn json_body(body: &[u8]) -> Result<Value, ParseError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(body)
        .map_err(|e| ParseError(format!("the body is not valid JSON ({e})")))
}

struct Reader<'a> {
    service: &'a Service,
}

impl Reader<'_> {
    fn shape(&self, id: ShapeId) -> &Shape {
        &self.service.shapes[id as usize]
    }

    // ---- JSON ----

    fn json_structure(&self, s: &Shape, value: &Value) -> Map<String, Value> {
        let mut out = Map::new();
        let Value::Object(map) = value else {
            return out;
        };
        for member in &s.members {
            if member.location.is_some() {
                continue;
            }
            let wire = member.location_name.as_deref().unwrap_or(&member.name);
            if let Some(v) = map.get(wire).filter(|v| !v.is_null()) {
                out.insert(member.name.clone(), self.json_value(member.shape, v));
            }
        }
        out
    }

    fn json_value(&self, id: ShapeId, value: &Value) -> Value {
        let s = self.shape(id);
        if s.document {
            return value.clone();
        }
        match s.kind {
            ShapeType::Structure => Value::Object(self.json_structure(s, value)),
            ShapeType::List => match (value, &s.member) {
                (Value::Array(items), Some(m)) => Value::Array(
                    items
                        .iter()
                        .map(|v| {
                            if v.is_null() {
                                Value::Null
                            } else {
                                self.json_value(m.shape, v)
                            }
                        })
                        .collect(),
                ),
                (other, _) => other.clone(),
            },
            ShapeType::Map => match (value, &s.value) {
                (Value::Object(map), Some(m)) => Value::Object(
                    map.iter()
                        .map(|(k, v)| {
                            let v = if v.is_null() {
                                Value::Null
                            } else {
                                self.json_value(m.shape, v)
                            };
                            (k.clone(), v)
                        })
                        .collect(),
                ),
                (other, _) => other.clone(),
            },
            _ => value.clone(),
        }
    }

    // ---- REST ----

    fn rest(&self, s: &Shape, response: &WireResponse) -> Result<Map<String, Value>, ParseError> {
        let mut out = Map::new();
        for member in &s.members {
            let wire = member.location_name.as_deref().unwrap_or(&member.name);
            match member.location {
                Some(Location::Header) => {
                    if let Some(text) = response.header(wire) {
                        out.insert(member.name.clone(), self.header_value(member, text));
                    }
                }
                Some(Location::Headers) => {
                    let prefix = wire.to_ascii_lowercase();
                    let map: Map<String, Value> = response
                        .headers
                        .iter()
                        .filter(|(k, _)| k.to_ascii_lowercase().starts_with(&prefix))
                        .map(|(k, v)| (k[prefix.len()..].to_owned(), Value::String(v.clone())))
                        .collect();
                    out.insert(member.name.clone(), Value::Object(map));
                }
                Some(Location::StatusCode) => {
                    out.insert(member.name.clone(), Value::from(response.status));
                }
                _ => {}
            }
        }
        let xml = self.service.protocol == Protocol::RestXml;
        if let Some(payload) = &s.payload {
            let Some(member) = s.members.iter().find(|m| &m.name == payload) else {
                return Ok(out);
            };
            let ps = self.shape(member.shape);
            match ps.kind {
                ShapeType::Blob if ps.streaming || member.streaming => {}
                ShapeType::Blob | ShapeType::String => {
                    out.insert(
                        member.name.clone(),
                        Value::String(String::from_utf8_lossy(&response.body).into_owned()),
                    );
                }
                _ if ps.event_stream => {}
                _ => {
                    if xml {
                        if !response.body.is_empty() {
                            let root = xml::parse(&response.body).map_err(ParseError)?;
                            out.insert(member.name.clone(), self.xml_value_node(ps, &root));
                        } else {
                            out.insert(member.name.clone(), Value::Object(Map::new()));
                        }
                    } else {
                        let body = json_body(&response.body)?;
                        out.insert(member.name.clone(), self.json_value(member.shape, &body));
                    }
                }
            }
        } else if xml {
            if !response.body.is_empty() {
                let root = xml::parse(&response.body).map_err(ParseError)?;
                if let Value::Object(map) = self.xml_value_node(s, &root) {
                    out.extend(map);
                }
            }
        } else {
            let body = json_body(&response.body)?;
            out.extend(self.json_structure(s, &body));
        }
        Ok(out)
    }

    fn header_value(&self, member: &Member, text: &str) -> Value {
        let s = self.shape(member.shape);
        if member.json_value {
            use base64::Engine as _;
            return base64::engine::general_purpose::STANDARD
                .decode(text)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_else(|| Value::String(text.to_owned()));
        }
        match s.kind {
            ShapeType::List => {
                let item = s.member.as_ref().map_or(member.shape, |m| m.shape);
                Value::Array(
                    text.split(',')
                        .map(|p| scalar(self.shape(item).kind, p.trim()))
                        .collect(),
                )
            }
            kind => scalar(kind, text),
        }
    }

    // ---- XML ----

    /// `node` read as shape `s`.
    fn xml_value_node(&self, s: &Shape, node: &Node) -> Value {
        match s.kind {
            ShapeType::Structure => Value::Object(self.xml_structure(s, node)),
            ShapeType::List => {
                let Some(m) = &s.member else {
                    return Value::Array(Vec::new());
                };
                let ms = self.shape(m.shape);
                Value::Array(
                    node.children
                        .iter()
                        .map(|c| self.xml_value_node(ms, c))
                        .collect(),
                )
            }
            ShapeType::Map => self.xml_map(s, std::slice::from_ref(node), false),
            kind => scalar(kind, &node.text),
        }
    }

    fn xml_structure(&self, s: &Shape, node: &Node) -> Map<String, Value> {
        let mut out = Map::new();
        for member in &s.members {
            if member.location.is_some() {
                continue;
            }
            let ms = self.shape(member.shape);
            let flattened = ms.flattened || member.flattened;
            let mut name = member.location_name.as_deref().unwrap_or(&member.name);
            if ms.kind == ShapeType::List
                && flattened
                && let Some(item_name) = ms.member.as_ref().and_then(|m| m.location_name.as_deref())
            {
                name = item_name;
            }
            let nodes: Vec<&Node> = node.children.iter().filter(|c| c.name == name).collect();
            if nodes.is_empty() {
                if member.xml_attribute
                    && let Some((_, v)) = node.attributes.iter().find(|(k, _)| k == name)
                {
                    out.insert(member.name.clone(), Value::String(v.clone()));
                }
                continue;
            }
            let value = match ms.kind {
                ShapeType::List if flattened => {
                    let item = ms.member.as_ref().map_or(member.shape, |m| m.shape);
                    let is = self.shape(item);
                    Value::Array(nodes.iter().map(|n| self.xml_value_node(is, n)).collect())
                }
                ShapeType::Map if flattened => {
                    self.xml_map(ms, &nodes.into_iter().cloned().collect::<Vec<_>>(), true)
                }
                // A repeated element where one is expected: botocore reads
                // the first's children (its `_build_name_to_xml_node`).
                _ => self.xml_value_node(ms, nodes[0]),
            };
            out.insert(member.name.clone(), value);
        }
        out
    }

    /// A map: `entries` are the `<entry>` elements (flattened) or the one
    /// wrapper whose children are entries.
    fn xml_map(&self, s: &Shape, nodes: &[Node], flattened: bool) -> Value {
        let (Some(k), Some(v)) = (&s.key, &s.value) else {
            return Value::Object(Map::new());
        };
        let key_name = k.location_name.as_deref().unwrap_or("key");
        let value_name = v.location_name.as_deref().unwrap_or("value");
        let entries: Vec<&Node> = if flattened {
            nodes.iter().collect()
        } else {
            nodes.iter().flat_map(|n| n.children.iter()).collect()
        };
        let vs = self.shape(v.shape);
        let mut out = Map::new();
        for entry in entries {
            let key = entry
                .child(key_name)
                .map(|n| n.text.clone())
                .unwrap_or_default();
            let value = entry
                .child(value_name)
                .map(|n| self.xml_value_node(vs, n))
                .unwrap_or(Value::Null);
            out.insert(key, value);
        }
        Value::Object(out)
    }
}

/// A scalar from text, typed by its shape (`true`, numbers); timestamps and
/// blobs stay text.
fn scalar(kind: ShapeType, text: &str) -> Value {
    match kind {
        ShapeType::Boolean => Value::Bool(text == "true"),
        ShapeType::Integer | ShapeType::Long | ShapeType::BigInteger => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        ShapeType::Float | ShapeType::Double | ShapeType::BigDecimal => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
            .unwrap_or_else(|| Value::String(text.to_owned())),
        _ => Value::String(text.to_owned()),
    }
}
