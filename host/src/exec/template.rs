//! CloudFormation templates as `aws cloudformation deploy` and `package`
//! read and write them (`awscli.customizations.cloudformation.yamlhelper`):
//! JSON when the text is JSON, YAML otherwise, with the short-form
//! intrinsic functions (`!Ref x`, `!GetAtt a.b`, `!Sub ...`) read as their
//! long form (`{"Ref": "x"}`, `{"Fn::GetAtt": ["a", "b"]}`); written back as
//! PyYAML's `yaml.dump(default_flow_style=False)` writes them, so that a
//! packaged template is the same text the CLI writes.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

/// A template that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the template is neither JSON nor YAML: {0}")]
pub struct TemplateError(String);

/// Reads a template: JSON first, then YAML with CloudFormation's tags.
pub fn parse(text: &str) -> Result<Value, TemplateError> {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok(value);
    }
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| TemplateError(e.to_string()))?;
    from_yaml(yaml)
}

fn from_yaml(value: serde_yaml_ng::Value) -> Result<Value, TemplateError> {
    use serde_yaml_ng::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            Value::Array(items.into_iter().map(from_yaml).collect::<Result<_, _>>()?)
        }
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => if b { "true" } else { "false" }.to_owned(),
                    Y::Null => "null".to_owned(),
                    _ => {
                        return Err(TemplateError(
                            "a mapping key is itself a list or mapping".to_owned(),
                        ));
                    }
                };
                out.insert(key, from_yaml(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let long = match name {
                "Ref" | "Condition" => name.to_owned(),
                _ => format!("Fn::{name}"),
            };
            let inner = match (name, tagged.value) {
                ("GetAtt", Y::String(s)) => Value::Array(
                    s.splitn(2, '.')
                        .map(|p| Value::String(p.to_owned()))
                        .collect(),
                ),
                (_, v) => from_yaml(v)?,
            };
            Value::Object(Map::from_iter([(long, inner)]))
        }
    })
}

/// `json.dumps(template, indent=4, ensure_ascii=False)`.
pub fn to_json(value: &Value) -> String {
    if matches!(value, Value::Object(m) if m.is_empty()) {
        return "{}".to_owned();
    }
    let mut text = super::output::json::json(value);
    text.pop();
    text
}

/// `yaml.dump(template, default_flow_style=False)` with PyYAML's safe
/// dumper: block style, two-space indent, lists under a key not indented,
/// scalars plain when PyYAML would leave them plain (else single, else
/// double quoted), long scalars folded at 80 columns.
pub fn to_yaml(value: &Value) -> String {
    let mut e = Emitter::default();
    match value {
        Value::Object(m) if !m.is_empty() => e.mapping(m, 0),
        Value::Array(a) if !a.is_empty() => e.sequence(a, 0),
        other => {
            e.scalar(other, 0, false);
            e.out.push_str("\n...");
        }
    }
    e.out.push('\n');
    e.out
}

const WIDTH: usize = 80;

#[derive(Default)]
struct Emitter {
    out: String,
    column: usize,
}

impl Emitter {
    fn write(&mut self, text: &str) {
        self.out.push_str(text);
        self.column += text.chars().count();
    }

    fn line(&mut self, indent: usize) {
        self.out.push('\n');
        self.column = 0;
        self.write(&" ".repeat(indent));
    }

    /// A block mapping whose keys start at `indent`; the cursor is already
    /// at the first key's place.
    fn mapping(&mut self, map: &Map<String, Value>, indent: usize) {
        for (i, (key, value)) in map.iter().enumerate() {
            if i > 0 {
                self.line(indent);
            }
            self.string(key, indent + 2, true);
            self.write(":");
            self.node(value, indent);
        }
    }

    fn sequence(&mut self, items: &[Value], indent: usize) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.line(indent);
            }
            self.write("-");
            match item {
                Value::Object(m) if !m.is_empty() => {
                    self.write(" ");
                    self.mapping(m, indent + 2);
                }
                Value::Array(a) if !a.is_empty() => {
                    self.write(" ");
                    self.sequence(a, indent + 2);
                }
                other => {
                    self.write(" ");
                    self.scalar(other, indent + 2, false);
                }
            }
        }
    }

    /// The value after `key:` of a mapping at `indent`.
    fn node(&mut self, value: &Value, indent: usize) {
        match value {
            Value::Object(m) if !m.is_empty() => {
                self.line(indent + 2);
                self.mapping(m, indent + 2);
            }
            // PyYAML writes a list under a key at the key's own indent.
            Value::Array(a) if !a.is_empty() => {
                self.line(indent);
                self.sequence(a, indent);
            }
            other => {
                self.write(" ");
                self.scalar(other, indent + 2, false);
            }
        }
    }

    fn scalar(&mut self, value: &Value, indent: usize, key: bool) {
        match value {
            Value::Null => self.write("null"),
            Value::Bool(true) => self.write("true"),
            Value::Bool(false) => self.write("false"),
            Value::Number(n) => {
                let text = match n.as_f64() {
                    Some(f) if !(n.is_i64() || n.is_u64()) => float(f),
                    _ => n.to_string(),
                };
                self.write(&text);
            }
            Value::String(s) => self.string(s, indent, key),
            Value::Object(_) => self.write("{}"),
            Value::Array(_) => self.write("[]"),
        }
    }

    /// A string in the style PyYAML's emitter chooses.
    fn string(&mut self, s: &str, indent: usize, key: bool) {
        let a = analyze(s);
        let implicit = resolves_to_str(s);
        if implicit && !(key && (a.empty || a.multiline)) && a.allow_block_plain {
            self.plain(s, indent, !key);
        } else if a.allow_single_quoted && !(key && a.multiline) {
            self.single_quoted(s, indent, !key);
        } else {
            self.double_quoted(s, indent, !key);
        }
    }

    fn plain(&mut self, text: &str, indent: usize, split: bool) {
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        let mut spaces = false;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > WIDTH && split {
                        self.line(indent);
                    } else {
                        self.write(&chars[start..end].iter().collect::<String>());
                    }
                    start = end;
                }
            } else if ch.is_none() || ch == Some(' ') {
                self.write(&chars[start..end].iter().collect::<String>());
                start = end;
            }
            spaces = ch == Some(' ');
        }
    }

    fn single_quoted(&mut self, text: &str, indent: usize, split: bool) {
        self.write("'");
        let chars: Vec<char> = text.chars().collect();
        let (mut start, mut spaces, mut breaks) = (0, false, false);
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end
                        && self.column > WIDTH
                        && split
                        && start != 0
                        && end != chars.len()
                    {
                        self.line(indent);
                    } else {
                        self.write(&chars[start..end].iter().collect::<String>());
                    }
                    start = end;
                }
            } else if breaks {
                if ch.is_none_or(|c| !is_break(c)) {
                    if chars[start] == '\n' {
                        self.out.push('\n');
                    }
                    for _ in start..end {
                        self.out.push('\n');
                    }
                    self.column = 0;
                    self.write(&" ".repeat(indent));
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || c == '\'' || is_break(c)) && start < end {
                self.write(&chars[start..end].iter().collect::<String>());
                start = end;
            }
            if ch == Some('\'') {
                self.write("''");
                start = end + 1;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
        self.write("'");
    }

    fn double_quoted(&mut self, text: &str, indent: usize, split: bool) {
        self.write("\"");
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if ch.is_none_or(|c| {
                matches!(
                    c,
                    '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
                ) || !(' '..='~').contains(&c)
            }) {
                if start < end {
                    self.write(&chars[start..end].iter().collect::<String>());
                    start = end;
                }
                if let Some(c) = ch {
                    let escaped = match c {
                        '\0' => "\\0".to_owned(),
                        '\x07' => "\\a".to_owned(),
                        '\x08' => "\\b".to_owned(),
                        '\t' => "\\t".to_owned(),
                        '\n' => "\\n".to_owned(),
                        '\x0b' => "\\v".to_owned(),
                        '\x0c' => "\\f".to_owned(),
                        '\r' => "\\r".to_owned(),
                        '\x1b' => "\\e".to_owned(),
                        '"' => "\\\"".to_owned(),
                        '\\' => "\\\\".to_owned(),
                        '\u{85}' => "\\N".to_owned(),
                        '\u{a0}' => "\\_".to_owned(),
                        '\u{2028}' => "\\L".to_owned(),
                        '\u{2029}' => "\\P".to_owned(),
                        c if (c as u32) <= 0xff => format!("\\x{:02X}", c as u32),
                        c if (c as u32) <= 0xffff => format!("\\u{:04X}", c as u32),
                        c => format!("\\U{:08X}", c as u32),
                    };
                    self.write(&escaped);
                    start = end + 1;
                }
            }
            if end > 0
                && end + 1 < chars.len()
                && (ch == Some(' ') || start >= end)
                && self.column + end.saturating_sub(start) > WIDTH
                && split
            {
                let mut data: String = chars[start.min(end)..end].iter().collect();
                data.push('\\');
                if start < end {
                    start = end;
                }
                self.write(&data);
                self.line(indent);
                if chars[start] == ' ' {
                    self.write("\\");
                }
            }
        }
        self.write("\"");
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// PyYAML's `represent_float`.
fn float(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_owned()
    } else {
        let text = super::output::py::float_repr(f).to_lowercase();
        if !text.contains('.') && text.contains('e') {
            text.replacen('e', ".0e", 1)
        } else {
            text
        }
    }
}

/// What PyYAML's `Emitter.analyze_scalar` finds about a string (without
/// `allow_unicode`, so anything outside printable ASCII is special).
struct Analysis {
    empty: bool,
    multiline: bool,
    allow_block_plain: bool,
    allow_single_quoted: bool,
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            empty: true,
            multiline: false,
            allow_block_plain: true,
            allow_single_quoted: true,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let space_or_break = |c: char| matches!(c, '\0' | ' ' | '\t' | '\r') || is_break(c);
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = chars.len() == 1 || space_or_break(chars[1]);
    for (index, &ch) in chars.iter().enumerate() {
        if index == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(ch) {
                block_indicators = true;
            }
            if (ch == '?' || ch == ':' || ch == '-') && followed_by_whitespace {
                block_indicators = true;
            }
        } else {
            if ch == ':' && followed_by_whitespace {
                block_indicators = true;
            }
            if ch == '#' && preceded_by_whitespace {
                block_indicators = true;
            }
        }
        if is_break(ch) {
            line_breaks = true;
        }
        if !(ch == '\n' || (' '..='~').contains(&ch)) {
            special = true;
        }
        if ch == ' ' {
            if index == 0 {
                leading_space = true;
            }
            if index == chars.len() - 1 {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(ch) {
            if index == 0 {
                leading_break = true;
            }
            if index == chars.len() - 1 {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = space_or_break(ch);
        followed_by_whitespace = index + 2 >= chars.len() || space_or_break(chars[index + 2]);
    }
    let mut allow_block_plain = true;
    let mut allow_single_quoted = true;
    if leading_space || leading_break || trailing_space || trailing_break {
        allow_block_plain = false;
    }
    if break_space {
        allow_block_plain = false;
        allow_single_quoted = false;
    }
    if space_break || special {
        allow_block_plain = false;
        allow_single_quoted = false;
    }
    if line_breaks || block_indicators {
        allow_block_plain = false;
    }
    Analysis {
        empty: false,
        multiline: line_breaks,
        allow_block_plain,
        allow_single_quoted,
    }
}

/// Whether PyYAML's resolver reads `s`, written plain, as a string (and not
/// as a bool, number, null, date, merge or value key of YAML 1.1).
fn resolves_to_str(s: &str) -> bool {
    static OTHER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"^(?:",
            r"yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
            r"|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?",
            r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?",
            r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*",
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
            r"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+",
            r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
            r"|<<|~|null|Null|NULL|=",
            r"|[0-9]{4}-[0-9]{2}-[0-9]{2}",
            r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?",
            r")$"
        ))
        .expect("the YAML 1.1 resolver patterns compile")
    });
    !s.is_empty() && !OTHER.is_match(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_form_tags_read_as_long_form() {
        let t = parse(
            "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${AWS::StackName}-q'\n      Tags:\n        - Key: a\n          Value: !GetAtt T.TopicName\n        - !Ref P\n",
        )
        .unwrap();
        assert_eq!(
            t["Resources"]["Q"]["Properties"],
            json!({
                "QueueName": {"Fn::Sub": "${AWS::StackName}-q"},
                "Tags": [{"Key": "a", "Value": {"Fn::GetAtt": ["T", "TopicName"]}}, {"Ref": "P"}]
            })
        );
    }

    #[test]
    fn yaml_as_pyyaml_dumps_it() {
        let t = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": "yes",
            "Parameters": {"P": {"Type": "String", "Default": ""}},
            "Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {
                "Code": {"S3Bucket": "b", "S3Key": "k"},
                "Handler": "index.handler",
                "Timeout": 3,
                "List": ["a", {"x": 1, "y": [1, 2]}, ["n", "m"]],
                "Empty": [],
                "Text": "a: b",
                "Quote": "it's",
                "Multi": "line one\nline two"
            }}}
        });
        assert_eq!(
            to_yaml(&t),
            "AWSTemplateFormatVersion: '2010-09-09'\nDescription: 'yes'\nParameters:\n  P:\n    Type: String\n    Default: ''\nResources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code:\n        S3Bucket: b\n        S3Key: k\n      Handler: index.handler\n      Timeout: 3\n      List:\n      - a\n      - x: 1\n        y:\n        - 1\n        - 2\n      - - n\n        - m\n      Empty: []\n      Text: 'a: b'\n      Quote: it's\n      Multi: 'line one\n\n        line two'\n"
        );
    }

    #[test]
    fn long_plain_scalars_fold_at_80_columns() {
        let words = "word ".repeat(30);
        let t = json!({"Description": words.trim_end()});
        let yaml = to_yaml(&t);
        assert!(yaml.lines().count() > 1, "{yaml}");
        assert!(
            yaml.lines().skip(1).all(|l| l.starts_with("  word")),
            "{yaml}"
        );
        assert_eq!(
            parse(&yaml).unwrap()["Description"],
            json!(words.trim_end())
        );
    }

    #[test]
    fn json_with_four_spaces() {
        assert_eq!(
            to_json(&json!({"a": [1]})),
            "{\n    \"a\": [\n        1\n    ]\n}"
        );
    }
}
