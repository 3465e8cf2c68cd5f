//! The AWS CLI's shorthand syntax (`Key=Name,Values=a,b`, `[...]`, `{...}`),
//! read the way the CLI reads it: first syntactically, into strings, lists
//! and maps; then adjusted to the parameter's shape (numbers, booleans, a
//! single value where a list is expected) by [`adjust`].

use serde_json::{Map, Value};

use crate::model::{Service, ShapeId, ShapeType};

/// A shorthand value that does not parse, with the position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at character {position} of `{input}`")]
pub struct ShorthandError {
    pub input: String,
    pub position: usize,
    pub message: String,
}

/// A value read with `@=` (`Key@=file://path`): the CLI would load a file.
pub const FILE_VALUE_KEY: &str = "$paramfile";

/// Parses one shorthand word into a map.
pub fn parse(input: &str) -> Result<Value, ShorthandError> {
    let mut parser = Parser {
        chars: input.chars().collect(),
        input,
        index: 0,
        paramfile: false,
        depth: 0,
    };
    parser.parameter()
}

/// Deepest nesting of `[...]` and `{...}` read. The CLI's own parser
/// recurses without a limit (Python stops it at its recursion limit); here
/// a 64 KiB command of `[[[[...` would overflow a worker thread's stack and
/// end the server, so deeper values are an error. No AWS parameter comes
/// near it.
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    chars: Vec<char>,
    input: &'a str,
    index: usize,
    paramfile: bool,
    /// Lists and maps open at the current character.
    depth: usize,
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.#/:".contains(c)
}

/// Characters that may start an unquoted value.
fn is_start(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z' | '|'..)
}

/// Characters that may follow in a first (key's) value: no `,` `=` `[`
/// `]` `{` `}`... as the CLI's `_FIRST_FOLLOW_CHARS`.
fn is_first_follow(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|' | '~')
        || c as u32 >= 0x7f
}

/// Characters that may follow in a later CSV value (`_SECOND_FOLLOW_CHARS`).
fn is_second_follow(c: char) -> bool {
    c.is_whitespace() || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..)
}

impl Parser<'_> {
    fn error(&self, message: String) -> ShorthandError {
        ShorthandError {
            input: self.input.to_owned(),
            position: self.index,
            message,
        }
    }

    fn current(&self) -> Option<char> {
        self.chars.get(self.index).copied()
    }

    fn at_eof(&self) -> bool {
        self.index >= self.chars.len()
    }

    fn whitespace(&mut self) {
        while self.current().is_some_and(char::is_whitespace) {
            self.index += 1;
        }
    }

    fn expect(&mut self, expected: char, whitespace: bool) -> Result<(), ShorthandError> {
        if whitespace {
            self.whitespace();
        }
        match self.current() {
            Some(c) if c == expected => {
                self.index += 1;
                if whitespace {
                    self.whitespace();
                }
                Ok(())
            }
            Some(c) => Err(self.error(format!("expected `{expected}`, found `{c}`"))),
            None => Err(self.error(format!("expected `{expected}`, found the end"))),
        }
    }

    fn parameter(&mut self) -> Result<Value, ShorthandError> {
        let mut params = Map::new();
        let (key, value) = self.keyval()?;
        params.insert(key, value);
        while !self.at_eof() {
            self.expect(',', true)?;
            let start = self.index;
            let (key, value) = self.keyval()?;
            if params.contains_key(&key) {
                self.index = start;
                return Err(self.error(format!("the key `{key}` is given twice")));
            }
            params.insert(key, value);
        }
        Ok(Value::Object(params))
    }

    fn keyval(&mut self) -> Result<(String, Value), ShorthandError> {
        let key = self.key_and_equals()?;
        let value = self.values()?;
        Ok((key, value))
    }

    /// A key, then `=` or `@=` (the value names a file to load).
    fn key_and_equals(&mut self) -> Result<String, ShorthandError> {
        let key = self.key();
        self.paramfile = false;
        self.whitespace();
        if self.current() == Some('@') {
            self.index += 1;
            self.paramfile = true;
        }
        self.expect('=', true)?;
        Ok(key)
    }

    fn key(&mut self) -> String {
        let start = self.index;
        while self.current().is_some_and(is_key_char) {
            self.index += 1;
        }
        self.chars[start..self.index].iter().collect()
    }

    fn values(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            None => Ok(Value::String(String::new())),
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            Some(_) => self.csv_value(),
        }
    }

    fn csv_value(&mut self) -> Result<Value, ShorthandError> {
        let first = self.first_value()?;
        self.whitespace();
        if self.at_eof() || self.current() != Some(',') {
            return Ok(first);
        }
        self.expect(',', true)?;
        let mut list = vec![first.clone()];
        loop {
            let step = self.second_value().and_then(|current| {
                self.whitespace();
                if self.at_eof() {
                    return Ok((current, true));
                }
                self.expect(',', true)?;
                Ok((current, false))
            });
            match step {
                Ok((current, done)) => {
                    list.push(current);
                    if done {
                        break;
                    }
                }
                Err(e) => {
                    if self.at_eof() {
                        return Err(e);
                    }
                    // The word was the next key: back up to its comma.
                    while self.index > 0 && self.current() != Some(',') {
                        self.index -= 1;
                    }
                    break;
                }
            }
        }
        if list.len() == 1 {
            return Ok(first);
        }
        Ok(Value::Array(list))
    }

    /// Enters a `[` or `{`, refusing more than [`MAX_DEPTH`] levels.
    fn enter(&mut self) -> Result<(), ShorthandError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!(
                "values are nested deeper than {MAX_DEPTH} levels of `[` and `{{`"
            )));
        }
        self.depth += 1;
        Ok(())
    }

    fn explicit_list(&mut self) -> Result<Value, ShorthandError> {
        self.enter()?;
        self.expect('[', true)?;
        let mut values = Vec::new();
        while self.current() != Some(']') {
            if self.at_eof() {
                return Err(self.error("expected `]`, found the end".to_owned()));
            }
            values.push(self.explicit_values()?);
            self.whitespace();
            if self.current() != Some(']') {
                self.expect(',', false)?;
                self.whitespace();
            }
        }
        self.expect(']', false)?;
        self.depth -= 1;
        Ok(Value::Array(values))
    }

    fn explicit_values(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            _ => self.first_value(),
        }
    }

    fn hash_literal(&mut self) -> Result<Value, ShorthandError> {
        self.enter()?;
        self.expect('{', true)?;
        let mut map = Map::new();
        while self.current() != Some('}') {
            if self.at_eof() {
                return Err(self.error("expected `}`, found the end".to_owned()));
            }
            let key = self.key_and_equals()?;
            let value = self.explicit_values()?;
            self.whitespace();
            if self.current() != Some('}') {
                self.expect(',', false)?;
                self.whitespace();
            }
            map.insert(key, value);
        }
        self.expect('}', false)?;
        self.depth -= 1;
        Ok(Value::Object(map))
    }

    fn first_value(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            Some('\'') => self.quoted('\''),
            Some('"') => self.quoted('"'),
            _ => Ok(self.unquoted(is_first_follow).unwrap_or_default()).map(|v| self.finish(v)),
        }
    }

    fn second_value(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            Some('\'') => self.quoted('\''),
            Some('"') => self.quoted('"'),
            _ => match self.unquoted(is_second_follow) {
                Some(v) => Ok(self.finish(v)),
                None => Err(self.error("expected a value".to_owned())),
            },
        }
    }

    /// An unquoted value: a start character (or `\,`), then followers.
    fn unquoted(&mut self, follow: fn(char) -> bool) -> Option<String> {
        let start = self.index;
        let mut i = self.index;
        let mut first = true;
        loop {
            let c = self.chars.get(i).copied();
            let escaped_comma = c == Some('\\') && self.chars.get(i + 1) == Some(&',');
            if escaped_comma {
                i += 2;
            } else if c.is_some_and(|c| if first { is_start(c) } else { follow(c) }) {
                i += 1;
            } else {
                break;
            }
            first = false;
        }
        if i == start {
            return None;
        }
        self.index = i;
        let text: String = self.chars[start..i].iter().collect();
        Some(text.replace("\\,", ",").trim_end().to_owned())
    }

    fn quoted(&mut self, quote: char) -> Result<Value, ShorthandError> {
        let start = self.index;
        let mut i = start + 1;
        loop {
            match self.chars.get(i) {
                None => {
                    return Err(self.error(format!("this `{quote}` is never closed")));
                }
                Some('\\') if self.chars.get(i + 1) == Some(&quote) => i += 2,
                Some(&c) if c == quote => break,
                Some(_) => i += 1,
            }
        }
        self.index = i + 1;
        let inner: String = self.chars[start + 1..i].iter().collect();
        let text = inner
            .replace(&format!("\\{quote}"), &quote.to_string())
            .replace("\\\\", "\\");
        Ok(self.finish(text))
    }

    /// A value after `@=` names a file the CLI would load.
    fn finish(&self, text: String) -> Value {
        if self.paramfile && (text.starts_with("file://") || text.starts_with("fileb://")) {
            let mut map = Map::new();
            map.insert(FILE_VALUE_KEY.to_owned(), Value::String(text));
            return Value::Object(map);
        }
        Value::String(text)
    }
}

/// Adjusts a parsed shorthand value to the shape, as the CLI's
/// `BackCompatVisitor` does: numbers and booleans from strings, a single
/// value wrapped in a list where a list is expected.
pub fn adjust(service: &Service, shape: ShapeId, value: &mut Value) -> Result<(), String> {
    let Some(s) = service.shapes.get(shape as usize) else {
        return Ok(());
    };
    match s.kind {
        ShapeType::Structure => {
            if s.document && !value.is_null() {
                return Err(
                    "shorthand syntax does not support document types; use JSON for this parameter"
                        .to_owned(),
                );
            }
            if let Value::Object(map) = value {
                for member in &s.members {
                    if let Some(v) = map.get_mut(&member.name) {
                        let target = &service.shapes[member.shape as usize];
                        if target.document {
                            return Err(format!(
                                "shorthand syntax does not support document types; use JSON for the whole parameter to set `{}`",
                                member.name
                            ));
                        }
                        adjust(service, member.shape, v)?;
                    }
                }
            }
        }
        ShapeType::List => {
            let Some(member) = &s.member else {
                return Ok(());
            };
            match value {
                Value::Array(items) => {
                    for item in items {
                        adjust(service, member.shape, item)?;
                    }
                }
                Value::Null => {}
                other => {
                    let mut single = other.take();
                    adjust(service, member.shape, &mut single)?;
                    *other = Value::Array(vec![single]);
                }
            }
        }
        ShapeType::Map => {
            if let (Value::Object(map), Some(v)) = (value, &s.value) {
                for item in map.values_mut() {
                    adjust(service, v.shape, item)?;
                }
            }
        }
        ShapeType::Integer | ShapeType::Long => {
            if let Value::String(text) = value {
                let n: i64 = text
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{text}` is not a whole number"))?;
                *value = Value::from(n);
            }
        }
        ShapeType::Float | ShapeType::Double => {
            if let Value::String(text) = value {
                let n: f64 = text
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{text}` is not a number"))?;
                *value = serde_json::Number::from_f64(n)
                    .map(Value::Number)
                    .unwrap_or(Value::Null);
            }
        }
        ShapeType::Boolean => {
            if let Value::String(text) = value {
                match text.to_ascii_lowercase().as_str() {
                    "true" => *value = Value::Bool(true),
                    "false" => *value = Value::Bool(false),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nesting_is_bounded() {
        let nested = |n: usize| format!("a={}x{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        let error = parse(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert!(error.message.contains("nested deeper than 64"), "{error}");
        let maps = format!(
            "a={}b=1{}",
            "{k=".repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert!(parse(&maps).is_err());
    }

    #[test]
    fn key_values_lists_and_nesting() {
        assert_eq!(parse("a=b").unwrap(), json!({"a": "b"}));
        assert_eq!(parse("a=b,c").unwrap(), json!({"a": ["b", "c"]}));
        assert_eq!(
            parse("Name=instance-state-name,Values=running,stopped").unwrap(),
            json!({"Name": "instance-state-name", "Values": ["running", "stopped"]})
        );
        assert_eq!(parse("a=b,c=d").unwrap(), json!({"a": "b", "c": "d"}));
        assert_eq!(
            parse("a=1,b,c=2").unwrap(),
            json!({"a": ["1", "b"], "c": "2"})
        );
        assert_eq!(
            parse("a=[b,c],d={e=f,g=[h]}").unwrap(),
            json!({"a": ["b", "c"], "d": {"e": "f", "g": ["h"]}})
        );
        assert_eq!(
            parse("a='b,c',d=\"e f\"").unwrap(),
            json!({"a": "b,c", "d": "e f"})
        );
        assert_eq!(parse("a=b\\,c").unwrap(), json!({"a": "b,c"}));
        assert_eq!(parse("a=").unwrap(), json!({"a": ""}));
        assert_eq!(
            parse("Key=Name , Value = x y ").unwrap(),
            json!({"Key": "Name", "Value": "x y"})
        );
        assert_eq!(
            parse("a@=file://x.txt").unwrap(),
            json!({"a": {"$paramfile": "file://x.txt"}})
        );
    }

    #[test]
    fn errors_point_at_the_problem() {
        // The CLI reads an empty list item as the end of the list.
        assert_eq!(parse("a=b,,c=d").unwrap(), json!({"a": "b", "c": "d"}));
        let err = parse("a=b,c=d,").unwrap_err();
        assert!(err.message.contains("expected a value"), "{err}");
        assert_eq!(err.position, 8);
        assert!(parse("a=[b,c").is_err());
        assert!(parse("a='b").unwrap_err().message.contains("never closed"));
        assert!(
            parse("a=b,a=c")
                .unwrap_err()
                .message
                .contains("given twice")
        );
        assert!(parse("novalue").is_err());
    }
}
