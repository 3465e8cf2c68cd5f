//! `--output text`: `awscli.text.format_text`.
//!
//! The text formatter writes as it walks, so when it meets a shape it cannot
//! handle (a list mixing dicts with other values) the lines written so far
//! stay on stdout and the exception ends the command. [`FormatError`] keeps
//! both.

use serde_json::{Map, Value};

use super::FormatError;
use super::py;

/// What `aws ... --output text` prints for `value` (already filtered by
/// `--query`, with `ResponseMetadata` already removed).
///
/// The rules, from `awscli/text.py`:
/// * a scalar prints as `str(value)` and a newline (`None`, `True`, `1.0`,
///   strings raw, including any tabs or newlines in them);
/// * a dict prints one line with the `str()` of its scalar values, tab
///   separated, in key order sorted by code point, preceded by the
///   upper-cased key it was found under (if any); then each list/dict value,
///   in sorted key order, under its own key;
/// * a list of scalars prints on one tab-separated line when it has no key
///   (top level or inside a list), else one `KEY\tvalue` line per element;
/// * a list holding dicts uses, for every dict, the sorted union of the keys
///   that are scalar in any of them, so the columns line up (missing ones
///   print empty, a key that is a list/dict in this element prints its
///   `repr`); keys never scalar are recursed into;
/// * a list holding lists prints its scalars first (as above), then each
///   inner list under the same key;
/// * empty lists and dicts print nothing.
///
/// For a paginated operation the CLI formats every page separately (query
/// applied per page): call this once per page and concatenate. If a resume
/// token remains it then formats `{"NextToken": {"NextToken": token}}`
/// (through the query too).
///
/// # Errors
///
/// A list containing a dict and a non-dict makes the CLI raise
/// `AttributeError: '<type>' object has no attribute 'items'`; the error
/// carries the output already written.
pub fn text(value: &Value) -> Result<String, FormatError> {
    let mut out = String::new();
    match format_text(&mut out, value, None, None) {
        Ok(()) => Ok(out),
        Err(message) => Err(FormatError {
            stdout: out,
            message,
        }),
    }
}

fn format_text(
    out: &mut String,
    item: &Value,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
) -> Result<(), String> {
    match item {
        Value::Object(map) => format_dict(out, scalar_keys, map, identifier),
        Value::Array(items) => format_list(out, items, identifier),
        scalar => {
            out.push_str(&py::str_of(scalar));
            out.push('\n');
            Ok(())
        }
    }
}

fn format_list(out: &mut String, items: &[Value], identifier: Option<&str>) -> Result<(), String> {
    if items.is_empty() {
        return Ok(());
    }
    if items.iter().any(Value::is_object) {
        let all_keys = all_scalar_keys(items)?;
        for element in items {
            format_text(out, element, identifier, Some(&all_keys))?;
        }
    } else if items.iter().any(Value::is_array) {
        let (scalars, non_scalars): (Vec<&Value>, Vec<&Value>) =
            items.iter().partition(|v| py::is_scalar(v));
        if !scalars.is_empty() {
            format_scalar_list(out, &scalars, identifier);
        }
        for non_scalar in non_scalars {
            format_text(out, non_scalar, identifier, None)?;
        }
    } else {
        let all: Vec<&Value> = items.iter().collect();
        format_scalar_list(out, &all, identifier);
    }
    Ok(())
}

fn format_scalar_list(out: &mut String, elements: &[&Value], identifier: Option<&str>) {
    if let Some(identifier) = identifier {
        let ident = py::upper(identifier);
        for item in elements {
            out.push_str(&ident);
            out.push('\t');
            out.push_str(&py::str_of(item));
            out.push('\n');
        }
    } else {
        let cells: Vec<String> = elements.iter().map(|v| py::str_of(v)).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
}

fn format_dict(
    out: &mut String,
    scalar_keys: Option<&[String]>,
    map: &Map<String, Value>,
    identifier: Option<&str>,
) -> Result<(), String> {
    let (mut scalars, non_scalars) = partition_dict(map, scalar_keys);
    if !scalars.is_empty() {
        if let Some(identifier) = identifier {
            scalars.insert(0, py::upper(identifier));
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (key, value) in non_scalars {
        format_text(out, value, Some(key), None)?;
    }
    Ok(())
}

/// `_all_scalar_keys`: the sorted, deduplicated keys that hold a scalar in
/// any element. It calls `.items()` on every element, which is what fails
/// on a non-dict.
fn all_scalar_keys(items: &[Value]) -> Result<Vec<String>, String> {
    let mut keys: Vec<String> = Vec::new();
    for item in items {
        let Value::Object(map) = item else {
            return Err(format!(
                "'{}' object has no attribute 'items'",
                py::type_name(item)
            ));
        };
        for (key, value) in map {
            if py::is_scalar(value) {
                keys.push(key.clone());
            }
        }
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// `_partition_dict`: the `str()` of the scalar values and the (key, value)
/// pairs to recurse into, both in sorted key order (Python sorts `str` by
/// code point, as Rust's `String` ordering does).
fn partition_dict<'a>(
    map: &'a Map<String, Value>,
    scalar_keys: Option<&[String]>,
) -> (Vec<String>, Vec<(&'a str, &'a Value)>) {
    let mut scalars = Vec::new();
    let mut non_scalars = Vec::new();
    match scalar_keys {
        None => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (key, value) in entries {
                if py::is_scalar(value) {
                    scalars.push(py::str_of(value));
                } else {
                    non_scalars.push((key.as_str(), value));
                }
            }
        }
        Some(keys) => {
            for key in keys {
                scalars.push(map.get(key).map(py::str_of).unwrap_or_default());
            }
            let mut remaining: Vec<(&String, &Value)> = map
                .iter()
                .filter(|(key, _)| keys.binary_search(key).is_err())
                .collect();
            remaining.sort_by(|a, b| a.0.cmp(b.0));
            non_scalars.extend(remaining.into_iter().map(|(k, v)| (k.as_str(), v)));
        }
    }
    (scalars, non_scalars)
}
