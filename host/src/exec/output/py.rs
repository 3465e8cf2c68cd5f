//! Python's `str()`, `repr()`, `str.upper()` and `unicodedata` width rules,
//! as the CLI's formatters apply them to what botocore parsed.
//!
//! The formatters never see Rust values: they see Python objects (`str`,
//! `int`, `float`, `bool`, `None`, `list`, `dict`) and print them with
//! `str()` (text and table cells), `repr()` (anything nested inside a cell)
//! or `json.dump`. A `serde_json::Value` maps onto those one to one, with
//! `Value::Number` holding either an `int` (integer JSON) or a `float`.

use serde_json::{Number, Value};

use super::unicode_tables::{NON_PRINTABLE, UPPER, WIDE};

/// Whether `cp` falls in one of the sorted, disjoint `ranges`.
fn in_ranges(ranges: &[(u32, u32)], cp: u32) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `awscli.table.get_text_length`: every character counts 1, except those
/// whose `unicodedata.east_asian_width` is W, F or A, which count 2. Note
/// that this is not terminal width: combining marks count, and ambiguous
/// characters (Greek, Cyrillic, `°`, `×`, ...) count 2.
pub(crate) fn text_length(text: &str) -> usize {
    text.chars()
        .map(|c| if in_ranges(WIDE, u32::from(c)) { 2 } else { 1 })
        .sum()
}

/// `str.isprintable()` for one character (Python 3.11's Unicode 14 tables).
fn is_printable(c: char) -> bool {
    !in_ranges(NON_PRINTABLE, u32::from(c))
}

/// `str.upper()`, used on the text formatter's row identifiers.
///
/// Taken from Python 3.11's own mappings (including the multi-character
/// ones such as `ß` to `SS`) rather than Rust's `to_uppercase`, whose newer
/// Unicode version upper-cases letters Python leaves alone.
pub(crate) fn upper(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_uppercase());
            continue;
        }
        let cp = u32::from(c);
        match UPPER.binary_search_by_key(&cp, |&(from, _)| from) {
            Ok(i) => out.push_str(UPPER.get(i).map_or("", |&(_, to)| to)),
            Err(_) => out.push(c),
        }
    }
    out
}

/// Python's `float.__repr__` (which `str()`, f-strings and `json.dump` all
/// use): the shortest digits that round-trip, written in positional notation
/// when the decimal exponent is in `-4 < decpt <= 16` (with `.0` added to
/// whole numbers) and as `d.ddde+XX` otherwise (`1e+16`, `1.5e-07`).
///
/// Rust's `{:e}` also yields the shortest round-tripping digits, so only the
/// layout has to be redone. `inf` and `nan` cannot come out of serde_json but
/// are rendered as Python would, to stay total.
pub(crate) fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let (digits, exp) = shortest_digits(f.abs());
    let ndigits = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let decpt = exp + 1;
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            out.push_str("0.");
            push_repeat(&mut out, '0', -decpt);
            out.push_str(&digits);
        } else if decpt >= ndigits {
            out.push_str(&digits);
            push_repeat(&mut out, '0', decpt - ndigits);
            out.push_str(".0");
        } else {
            let (int, frac) = digits.split_at(usize::try_from(decpt).unwrap_or(0));
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
    } else {
        let mut chars = digits.chars();
        if let Some(first) = chars.next() {
            out.push(first);
        }
        let rest = chars.as_str();
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push_str(&format!("e{:+03}", decpt - 1));
    }
    out
}

/// The digits and decimal exponent of `repr(f)` for a finite `f >= 0`.
///
/// Python (David Gay's `dtoa` mode 0) picks the shortest digit string that
/// reads back as `f` and, of those, the one nearest the exact binary value,
/// ties to even. Rust's `{:e}` finds the same length but, between two
/// equally short strings, may pick the other one (`…455.63` for Python's
/// `…455.62`, where the double is exactly `…455.625`). So the length comes
/// from `{:e}` and the digits from `{:.N$e}`, which rounds the exact value
/// half to even, whenever that string still reads back as `f`.
fn shortest_digits(f: f64) -> (String, i64) {
    fn split(sci: &str) -> (String, i64) {
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
        let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
        (digits, exp.parse().unwrap_or(0))
    }
    let shortest = split(&format!("{f:e}"));
    let precision = shortest.0.len().saturating_sub(1);
    let nearest = format!("{f:.precision$e}");
    if nearest.parse::<f64>().ok() == Some(f) {
        split(&nearest)
    } else {
        shortest
    }
}

/// Appends `c` `n` times; like Python's `c * n`, a negative `n` adds nothing.
pub(crate) fn push_repeat(out: &mut String, c: char, n: i64) {
    for _ in 0..n.max(0) {
        out.push(c);
    }
}

/// Python's `c * n` as a new string (empty for `n <= 0`).
pub(crate) fn repeat(c: char, n: i64) -> String {
    let mut out = String::new();
    push_repeat(&mut out, c, n);
    out
}

/// `str()`/`repr()` of a number: an `int` prints its digits, a `float` its
/// `repr`. A number serde_json keeps as text (the `arbitrary_precision`
/// feature, for integers beyond 64 bits) prints that text, as Python's
/// unbounded `int` would.
pub(crate) fn number_str(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else if n.is_f64() {
        n.as_f64().map_or_else(|| n.to_string(), float_repr)
    } else {
        n.to_string()
    }
}

/// Python's `str(value)`: strings as they are, `None`, `True`/`False`,
/// numbers as above, and lists and dicts as their `repr`.
pub(crate) fn str_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => repr(other),
    }
}

/// Python's `repr(value)`: `[1, 'a', None]`, `{'Key': 'v', 'N': 1.5}`.
pub(crate) fn repr(value: &Value) -> String {
    let mut out = String::new();
    push_repr(&mut out, value);
    out
}

fn push_repr(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => out.push_str(&number_str(n)),
        Value::String(s) => push_str_repr(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_repr(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_str_repr(out, key);
                out.push_str(": ");
                push_repr(out, item);
            }
            out.push('}');
        }
    }
}

/// `repr(str)`: single quotes unless the text has `'` and no `"`; escapes
/// the quote, `\`, `\t`, `\n`, `\r`, other ASCII controls as `\xNN` and
/// non-printable non-ASCII as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
fn push_str_repr(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        let cp = u32::from(c);
        match c {
            _ if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if cp < 0x20 || cp == 0x7f => out.push_str(&format!("\\x{cp:02x}")),
            _ if cp < 0x7f => out.push(c),
            _ if is_printable(c) => out.push(c),
            _ if cp <= 0xff => out.push_str(&format!("\\x{cp:02x}")),
            _ if cp <= 0xffff => out.push_str(&format!("\\u{cp:04x}")),
            _ => out.push_str(&format!("\\U{cp:08x}")),
        }
    }
    out.push(quote);
}

/// Python truthiness, which decides whether the table formatter prints
/// anything at all (`if not current: return False`).
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i != 0
            } else if let Some(u) = n.as_u64() {
                u != 0
            } else if let Some(f) = n.as_f64() {
                f != 0.0
            } else {
                true
            }
        }
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// Python's type name, as it appears in the exceptions the formatters raise
/// on shapes they do not expect (`'NoneType' object has no attribute ...`).
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) => {
            if n.is_f64() {
                "float"
            } else {
                "int"
            }
        }
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Not a `list` or `dict`: what both formatters call a scalar.
pub(crate) fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_layouts() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (123.456, "123.456"),
            (f64::INFINITY, "inf"),
        ];
        for (f, want) in cases {
            assert_eq!(float_repr(f), want, "{f:?}");
        }
    }

    #[test]
    fn str_reprs() {
        let v: Value =
            serde_json::json!(["it's", "a\"b", "both'\"", "t\tn\n\u{7f}é\u{a0}\u{200b}"]);
        assert_eq!(
            repr(&v),
            r#"["it's", 'a"b', 'both\'"', 't\tn\n\x7fé\xa0\u200b']"#
        );
    }
}
