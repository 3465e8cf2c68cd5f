//! The Smithy RPC v2 CBOR protocol (RFC 8949 bodies), for the few services
//! whose models offer nothing else. A request body is the JSON protocol's
//! body re-encoded with the shapes' help (blobs as byte strings, timestamps
//! as tag 1); a response body is decoded back to that JSON form, so the
//! JSON protocol's response and error parsing reads it unchanged.

use base64::Engine as _;
use serde_json::{Map, Number, Value};

use crate::model::{Service, ShapeId, ShapeType};

/// Deepest nesting decoded; responses stay far below it.
const MAX_DEPTH: usize = 128;

/// Encodes `value`, the JSON protocol's form of a value of `shape`.
pub fn encode(service: &Service, shape: Option<ShapeId>, value: &Value, out: &mut Vec<u8>) {
    let kind = shape
        .and_then(|s| service.shapes.get(s as usize))
        .map(|s| s.kind);
    match value {
        Value::Null => out.push(0xf6),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Number(n) => {
            if kind == Some(ShapeType::Timestamp) {
                out.push(0xc1);
            }
            number(n, out);
        }
        Value::String(s) if kind == Some(ShapeType::Blob) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s)
                .unwrap_or_else(|_| s.as_bytes().to_vec());
            head(2, bytes.len() as u64, out);
            out.extend_from_slice(&bytes);
        }
        Value::String(s) => {
            head(3, s.len() as u64, out);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            let member = shape
                .and_then(|s| service.shapes.get(s as usize))
                .and_then(|s| s.member.as_ref())
                .map(|m| m.shape);
            head(4, items.len() as u64, out);
            for item in items {
                encode(service, member, item, out);
            }
        }
        Value::Object(map) => {
            let shape = shape.and_then(|s| service.shapes.get(s as usize));
            head(5, map.len() as u64, out);
            for (key, item) in map {
                let member = shape.and_then(|s| match s.kind {
                    ShapeType::Map => s.value.as_ref().map(|v| v.shape),
                    _ => s
                        .members
                        .iter()
                        .find(|m| m.name == *key || m.location_name.as_deref() == Some(key))
                        .map(|m| m.shape),
                });
                head(3, key.len() as u64, out);
                out.extend_from_slice(key.as_bytes());
                encode(service, member, item, out);
            }
        }
    }
}

fn number(n: &Number, out: &mut Vec<u8>) {
    if let Some(u) = n.as_u64() {
        head(0, u, out);
    } else if let Some(i) = n.as_i64() {
        // -1 - n, for negative n.
        head(1, (-1 - i) as u64, out);
    } else {
        out.push(0xfb);
        out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_be_bytes());
    }
}

/// A data item's head: its major type and argument, in the shortest form.
fn head(major: u8, n: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

/// Decodes a response body to the JSON protocol's form: byte strings as
/// base64, tag 1 as its number.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    if body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut reader = Reader { bytes: body, at: 0 };
    let value = reader.item(0)?;
    if reader.at != body.len() {
        return Err("bytes follow the CBOR body".to_owned());
    }
    Ok(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// What a head says.
enum Arg {
    Value(u64),
    Indefinite,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| "the CBOR body ends early".to_owned())?;
        self.at += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| "the CBOR body ends early".to_owned())?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn arg(&mut self, info: u8) -> Result<Arg, String> {
        let be = |b: &[u8]| b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x));
        Ok(Arg::Value(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.byte()?),
            25 => be(self.take(2)?),
            26 => be(self.take(4)?),
            27 => be(self.take(8)?),
            31 => return Ok(Arg::Indefinite),
            _ => return Err(format!("CBOR additional information {info} is reserved")),
        }))
    }

    fn length(&mut self, info: u8) -> Result<Option<usize>, String> {
        match self.arg(info)? {
            Arg::Indefinite => Ok(None),
            Arg::Value(n) => usize::try_from(n)
                .ok()
                .filter(|n| *n <= self.bytes.len())
                .map(Some)
                .ok_or_else(|| "a CBOR length is longer than the body".to_owned()),
        }
    }

    fn at_break(&mut self) -> bool {
        if self.bytes.get(self.at) == Some(&0xff) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// The chunks of a (possibly indefinite) byte or text string.
    fn string(&mut self, major: u8, info: u8) -> Result<Vec<u8>, String> {
        match self.length(info)? {
            Some(n) => Ok(self.take(n)?.to_vec()),
            None => {
                let mut all = Vec::new();
                while !self.at_break() {
                    let b = self.byte()?;
                    if b >> 5 != major {
                        return Err("a CBOR string chunk of the wrong type".to_owned());
                    }
                    let n = self
                        .length(b & 0x1f)?
                        .ok_or_else(|| "a nested indefinite CBOR string".to_owned())?;
                    all.extend_from_slice(self.take(n)?);
                }
                Ok(all)
            }
        }
    }

    fn item(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("the CBOR body nests too deeply".to_owned());
        }
        let b = self.byte()?;
        let (major, info) = (b >> 5, b & 0x1f);
        Ok(match major {
            0 => match self.arg(info)? {
                Arg::Value(n) => Value::from(n),
                Arg::Indefinite => return Err("an indefinite CBOR integer".to_owned()),
            },
            1 => match self.arg(info)? {
                Arg::Value(n) => i64::try_from(n)
                    .map(|n| Value::from(-1 - n))
                    .unwrap_or_else(|_| Value::from(-1.0 - n as f64)),
                Arg::Indefinite => return Err("an indefinite CBOR integer".to_owned()),
            },
            2 => Value::String(
                base64::engine::general_purpose::STANDARD.encode(self.string(2, info)?),
            ),
            3 => Value::String(
                String::from_utf8(self.string(3, info)?)
                    .map_err(|_| "a CBOR text string that is not UTF-8".to_owned())?,
            ),
            4 => {
                let mut items = Vec::new();
                match self.length(info)? {
                    Some(n) => {
                        for _ in 0..n {
                            items.push(self.item(depth + 1)?);
                        }
                    }
                    None => {
                        while !self.at_break() {
                            items.push(self.item(depth + 1)?);
                        }
                    }
                }
                Value::Array(items)
            }
            5 => {
                let mut map = Map::new();
                let mut entry = |r: &mut Self| -> Result<(), String> {
                    // Keys are strings in this protocol; a scalar is
                    // written out, but a list or map as a key is refused:
                    // printing nested keys as JSON doubles their escapes
                    // at every level, so a 1 KiB body could take gigabytes.
                    let key = match r.item(depth + 1)? {
                        Value::String(s) => s,
                        Value::Array(_) | Value::Object(_) => {
                            return Err("a CBOR map key that is a list or a map".to_owned());
                        }
                        other => other.to_string(),
                    };
                    let value = r.item(depth + 1)?;
                    map.insert(key, value);
                    Ok(())
                };
                match self.length(info)? {
                    Some(n) => {
                        for _ in 0..n {
                            entry(self)?;
                        }
                    }
                    None => {
                        while !self.at_break() {
                            entry(self)?;
                        }
                    }
                }
                Value::Object(map)
            }
            // Tags: 1 (epoch time) and any other, by their content.
            6 => {
                self.arg(info)?;
                self.item(depth + 1)?
            }
            _ => match info {
                20 => Value::Bool(false),
                21 => Value::Bool(true),
                22 | 23 => Value::Null,
                25 => float(half(self.take(2)?)),
                26 => {
                    let b = self.take(4)?;
                    float(f64::from(f32::from_be_bytes([b[0], b[1], b[2], b[3]])))
                }
                27 => {
                    let b = self.take(8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    float(f64::from_be_bytes(a))
                }
                _ => return Err(format!("CBOR simple value {info} is not used by AWS")),
            },
        })
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// IEEE 754 half precision.
fn half(b: &[u8]) -> f64 {
    let bits = (u16::from(b[0]) << 8) | u16::from(b[1]);
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f64::from(bits & 0x3ff);
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_that_are_maps_are_refused() {
        // {{{...}: 1}: 1} nested: each level would double the escapes.
        let mut body = vec![0xa1; 40];
        body.push(0xa0);
        body.extend(std::iter::repeat_n(0x01, 40));
        let error = super::decode(&body).unwrap_err();
        assert!(error.contains("key that is a list or a map"), "{error}");
    }

    use super::*;
    use serde_json::json;

    fn service(name: &str) -> Service {
        let models = crate::model::ModelStore::embedded().unwrap();
        (*models.service(name).unwrap().unwrap()).clone()
    }

    #[test]
    fn rfc_8949_examples_decode() {
        let hex = |s: &str| {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect::<Vec<u8>>()
        };
        for (bytes, want) in [
            ("00", json!(0)),
            ("1903e8", json!(1000)),
            ("3903e7", json!(-1000)),
            ("f93c00", json!(1.0)),
            ("fb3ff199999999999a", json!(1.1)),
            ("f5", json!(true)),
            ("f6", json!(null)),
            ("c11a514b67b0", json!(1_363_896_240)),
            ("4401020304", json!("AQIDBA==")),
            ("6449455446", json!("IETF")),
            ("83010203", json!([1, 2, 3])),
            ("a26161016162820203", json!({"a": 1, "b": [2, 3]})),
            ("9f018202039f0405ffff", json!([1, [2, 3], [4, 5]])),
            ("bf61610161629f0203ffff", json!({"a": 1, "b": [2, 3]})),
            ("7f657374726561646d696e67ff", json!("streaming")),
        ] {
            assert_eq!(decode(&hex(bytes)).unwrap(), want, "{bytes}");
        }
        assert!(decode(&hex("1a0000")).is_err());
        assert!(decode(&[0x9f; 200]).is_err());
    }

    #[test]
    fn encodes_what_it_decodes() {
        let service = service("cloudwatch");
        let mut out = Vec::new();
        let value = json!({"a": [1, -2, 2.5, "x", true, null], "big": 70000, "neg": -300});
        encode(&service, None, &value, &mut out);
        assert_eq!(decode(&out).unwrap(), value);
    }

    #[test]
    fn a_cbor_only_service_is_called_as_botocore_calls_it() {
        let service = service("cloudwatchomni");
        let operation = service
            .operations
            .iter()
            .find(|o| o.name == "ListDomains")
            .unwrap();
        let params = json!({"maxResults": 5});
        let wire =
            super::super::serialize::serialize(&service, operation, params.as_object().unwrap())
                .unwrap();
        assert_eq!(wire.method, "POST");
        assert_eq!(
            wire.path,
            "/service/CloudWatchOmniFrontend/operation/ListDomains"
        );
        assert!(
            wire.headers
                .contains(&("smithy-protocol".to_owned(), "rpc-v2-cbor".to_owned()))
        );
        // {"maxResults": 5}
        assert_eq!(wire.body, b"\xa1\x6amaxResults\x05");
        let answer = b"\xa2\x65items\x81\xa1\x64name\x61d\x69nextToken\x62tk";
        let response = super::super::parse::WireResponse {
            status: 200,
            headers: Vec::new(),
            body: answer.to_vec(),
        };
        let output = super::super::parse::output(&service, operation, &response).unwrap();
        assert_eq!(
            Value::Object(output),
            json!({"items": [{"name": "d"}], "nextToken": "tk"})
        );
    }
}
