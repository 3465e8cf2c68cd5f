//! `--output json`: `awscli.formatter.JSONFormatter`.
//!
//! The CLI calls `json.dump(response, stream, indent=4, default=json_encoder,
//! ensure_ascii=False)` and then writes `'\n'`. With `indent` set, Python's
//! separators are `','` (no trailing space before the newline) and `': '`.

use std::fmt::Write as _;

use serde_json::Value;

use super::py;

/// What `aws ... --output json` prints for `value` (already filtered by
/// `--query`, with `ResponseMetadata` already removed).
///
/// Mirrors `JSONFormatter._format_response`: an empty dict prints nothing at
/// all (it is how the CLI hides operations without a body), while every other
/// value, falsy or not (`[]`, `null`, `""`, `0`, `false`), prints as JSON
/// followed by a newline.
pub fn json(value: &Value) -> String {
    if matches!(value, Value::Object(map) if map.is_empty()) {
        return String::new();
    }
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out.push('\n');
    out
}

/// Python's `json` encoder with `indent=4`: empty containers print as `[]` /
/// `{}` on one line, other containers put each item on its own line indented
/// four spaces per level, and keys keep their order (the order botocore
/// built the dict in).
fn write_value(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(&json_number(n)),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(out, level + 1);
                write_value(out, item, level + 1);
            }
            newline_indent(out, level);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(out, level + 1);
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item, level + 1);
            }
            newline_indent(out, level);
            out.push('}');
        }
    }
}

fn newline_indent(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("    ");
    }
}

/// Integers print their digits and floats their Python `repr` (`1.0`,
/// `1e-07`, `1e+16`); Python's encoder spells the non-finite floats
/// `NaN`/`Infinity`, which serde_json cannot hold anyway.
fn json_number(n: &serde_json::Number) -> String {
    if n.as_i64().is_none()
        && n.as_u64().is_none()
        && let Some(f) = n.as_f64().filter(|_| n.is_f64())
    {
        if f.is_nan() {
            return "NaN".to_owned();
        }
        if f.is_infinite() {
            return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
        }
    }
    py::number_str(n)
}

/// `json.encoder.py_encode_basestring` (what `ensure_ascii=False` selects):
/// only `"`, `\` and the C0 controls are escaped, the usual ones by name and
/// the rest as `\u00XX` with lowercase hex. DEL, U+2028/U+2029 and all
/// non-ASCII characters are written as they are.
fn write_string(out: &mut String, s: &str) {
    write_python_string(out, s, false);
}

/// A JSON string as Python's `json` writes it: with `ensure_ascii`, every
/// character outside printable ASCII as `\uXXXX` (UTF-16 units); without,
/// only `"`, `\` and the C0 controls escaped.
pub fn write_python_string(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 || (ensure_ascii && !(' '..='~').contains(&c)) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
