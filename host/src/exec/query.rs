//! JMESPath for `--query`, evaluated the way Python's `jmespath` 1.1.0 (the
//! library AWS CLI v1 uses) evaluates it, over `serde_json::Value`.
//!
//! The `jmespath` crate is not used because its objects are `BTreeMap`s: a
//! multi-select hash `{Name: a, Desc: b}`, `keys(@)`, `values(@)`, `merge()`
//! and literal objects came out sorted by key instead of in the order the
//! expression or the document gives, and it rejects the legacy literal form
//! `` `alias/x` `` that Python (and so the CLI) still accepts. Patching its
//! AST would still leave its own lexer, number limits and error rules in
//! place, so this module is a one-to-one port of Python's `lexer.py`,
//! `parser.py` (a Pratt parser), `visitor.py` (the tree interpreter) and
//! `functions.py`. Each quirk the CLI shows is therefore kept on purpose,
//! for example:
//!
//! - `` `foo` `` (backtick content that is not JSON) is the string `"foo"`;
//! - ordering comparisons work on two strings as well as two numbers, and a
//!   string against a number is an error (Python's `TypeError`);
//! - `0`/`1` never equal `false`/`true` at the top of a comparison, yet do
//!   inside arrays and objects (`[1] == [true]`), as Python's `==` does;
//! - `{a: b c: d}` and `f(a b)` parse (commas there are optional);
//! - `a[0][1:2].b` does not project (the slice joins the index chain);
//! - `sum()` follows CPython 3.12+ (Neumaier-compensated float sums) and
//!   `avg()` divides exactly, so both agree with the CLI to the last bit on
//!   current Pythons (3.11 and older add floats plainly);
//! - `to_string()` prints like `json.dumps`: `\u00e9` escapes, `1e+16`.
//!
//! Results borrow from the input wherever Python would share a sub-value,
//! so a projection copies only what ends up in the returned `Value`.
//!
//! JSON cannot hold some values Python can. Where Python would produce one,
//! this module does the nearest honest thing and says so at that place:
//! `NaN`/`Infinity` literals and lone surrogates are syntax errors, integers
//! beyond 64 bits become floats, `to_number` of `"nan"`/`"inf"` is null, and
//! an expression reference (`&expr`) used as a value rather than a function
//! argument is an error.

use std::cmp::Ordering;
use std::rc::Rc;

use serde_json::{Map, Number, Value};

/// Deepest AST, and deepest parser recursion, accepted. Parsing and
/// evaluation recurse on it, so this bounds the stack they need (the
/// deepest accepted expressions run in 1 MiB in a debug build; Tokio's
/// threads have 2 MiB). Python's recursion limit stops it somewhere between
/// 300 and 500 levels; real queries stay far below 20.
const MAX_DEPTH: usize = 128;

/// Deepest array/object nesting accepted inside a `` `...` `` literal, as
/// `serde_json` limits parsed documents.
const MAX_LITERAL_DEPTH: usize = 128;

/// Most levels of nesting an expression may add to the values it reads:
/// results stay a few hundred levels deep at worst, which anything that
/// walks them recursively (including the output formatters) can take.
/// Python's own `json.dumps` gives up near 1000.
const MAX_NEST: usize = 256;

/// Longest value rendering kept in an error message, so a type error on a
/// large response does not echo all of it.
const MAX_SHOWN: usize = 200;

/// Why an expression could not be compiled or evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The expression is not valid JMESPath (Python's `LexerError`,
    /// `ParseError`, `IncompleteExpressionError` or `EmptyExpressionError`).
    #[error("{0}")]
    Syntax(String),
    /// The expression is valid but failed on this data, where Python
    /// raises too: unknown function, wrong argument count or type, zero
    /// slice step, an ordering comparison between a string and a number.
    /// Also a result JSON cannot hold (an expression reference as a value,
    /// a sum that overflows to infinity).
    #[error("{0}")]
    Runtime(String),
}

/// Compiles `expression` and evaluates it over `data`.
pub fn search(expression: &str, data: &Value) -> Result<Value, QueryError> {
    Query::compile(expression)?.search(data)
}

/// A compiled expression, so paginated output parses `--query` once and
/// applies it to every page.
#[derive(Debug, Clone)]
pub struct Query {
    ast: Node,
}

impl Query {
    /// Parses `expression`; only syntax errors are reported here, as in
    /// Python (unknown functions and arity are checked when evaluated).
    pub fn compile(expression: &str) -> Result<Self, QueryError> {
        let tokens = tokenize(expression)?;
        let ast = Parser::new(tokens).parse()?;
        Ok(Self { ast })
    }

    /// Evaluates the expression over `data`.
    pub fn search(&self, data: &Value) -> Result<Value, QueryError> {
        eval(&self.ast, &Cur::Json(data))?.into_value()
    }
}

fn runtime(message: impl Into<String>) -> QueryError {
    QueryError::Runtime(message.into())
}

// ---------------------------------------------------------------------------
// Lexer (port of jmespath/lexer.py)
// ---------------------------------------------------------------------------

/// A token; literal and identifier payloads are already decoded.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Dot,
    Star,
    RBracket,
    Comma,
    Colon,
    Current,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Flatten,
    Filter,
    LBracket,
    Pipe,
    Or,
    And,
    Expref,
    Lt,
    Lte,
    Gt,
    Gte,
    Eq,
    Ne,
    Not,
    /// Python's ints are unbounded; saturating at `i64` changes nothing,
    /// since no array is long enough for the difference to show.
    Number(i64),
    Unquoted(String),
    Quoted(String),
    Literal(Value),
    Eof,
}

impl Tok {
    /// Python's token type name, used in parse error messages.
    fn name(&self) -> &'static str {
        match self {
            Tok::Dot => "dot",
            Tok::Star => "star",
            Tok::RBracket => "rbracket",
            Tok::Comma => "comma",
            Tok::Colon => "colon",
            Tok::Current => "current",
            Tok::LParen => "lparen",
            Tok::RParen => "rparen",
            Tok::LBrace => "lbrace",
            Tok::RBrace => "rbrace",
            Tok::Flatten => "flatten",
            Tok::Filter => "filter",
            Tok::LBracket => "lbracket",
            Tok::Pipe => "pipe",
            Tok::Or => "or",
            Tok::And => "and",
            Tok::Expref => "expref",
            Tok::Lt => "lt",
            Tok::Lte => "lte",
            Tok::Gt => "gt",
            Tok::Gte => "gte",
            Tok::Eq => "eq",
            Tok::Ne => "ne",
            Tok::Not => "not",
            Tok::Number(_) => "number",
            Tok::Unquoted(_) => "unquoted_identifier",
            Tok::Quoted(_) => "quoted_identifier",
            Tok::Literal(_) => "literal",
            Tok::Eof => "eof",
        }
    }

    /// The token's text as Python reports it in error messages.
    fn text(&self) -> String {
        let symbol = match self {
            Tok::Number(n) => return n.to_string(),
            Tok::Unquoted(s) | Tok::Quoted(s) => return s.clone(),
            Tok::Literal(v) => return show(v),
            Tok::Dot => ".",
            Tok::Star => "*",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::Current => "@",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Flatten => "[]",
            Tok::Filter => "[?",
            Tok::LBracket => "[",
            Tok::Pipe => "|",
            Tok::Or => "||",
            Tok::And => "&&",
            Tok::Expref => "&",
            Tok::Lt => "<",
            Tok::Lte => "<=",
            Tok::Gt => ">",
            Tok::Gte => ">=",
            Tok::Eq => "==",
            Tok::Ne => "!=",
            Tok::Not => "!",
            Tok::Eof => "",
        };
        symbol.to_owned()
    }

    /// Python's `Parser.BINDING_POWER`.
    fn binding_power(&self) -> u8 {
        match self {
            Tok::Pipe => BP_PIPE,
            Tok::Or => BP_OR,
            Tok::And => BP_AND,
            Tok::Eq | Tok::Ne | Tok::Lt | Tok::Lte | Tok::Gt | Tok::Gte => BP_COMPARATOR,
            Tok::Flatten => BP_FLATTEN,
            Tok::Star => BP_STAR,
            Tok::Filter => BP_FILTER,
            Tok::Dot => BP_DOT,
            Tok::Not => BP_NOT,
            Tok::LBrace => 50,
            Tok::LBracket => 55,
            Tok::LParen => 60,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// Position in characters (code points), as Python counts columns.
    start: usize,
}

fn lex_error(message: impl std::fmt::Display, column: usize) -> QueryError {
    QueryError::Syntax(format!("{message} (column {column})"))
}

/// Python's whitespace (`str.isspace`): Unicode `White_Space` plus the
/// ASCII separators U+001C..U+001F.
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    current: Option<char>,
}

impl Lexer {
    /// `Lexer._next`: at the last character the position stays put and the
    /// current character becomes `None`.
    fn advance(&mut self) -> Option<char> {
        if self.pos + 1 >= self.chars.len() {
            self.current = None;
        } else {
            self.pos += 1;
            self.current = self.chars.get(self.pos).copied();
        }
        self.current
    }

    /// `Lexer._consume_until`: reads up to an unescaped `delimiter`, keeping
    /// every backslash and the character after it as they are.
    fn consume_until(&mut self, delimiter: char) -> Result<String, QueryError> {
        let start = self.pos;
        let mut buff = String::new();
        self.advance();
        while self.current != Some(delimiter) {
            if self.current == Some('\\') {
                buff.push('\\');
                self.advance();
            }
            match self.current {
                None => return Err(lex_error(format!("Unclosed {delimiter} delimiter"), start)),
                Some(c) => buff.push(c),
            }
            self.advance();
        }
        self.advance();
        Ok(buff)
    }

    fn consume_number(&mut self) -> String {
        let mut buff = String::new();
        buff.extend(self.current);
        while let Some(c) = self.advance() {
            if !c.is_ascii_digit() {
                break;
            }
            buff.push(c);
        }
        buff
    }

    fn match_or_else(&mut self, expected: char, matched: Tok, otherwise: Tok) -> Tok {
        if self.advance() == Some(expected) {
            self.advance();
            matched
        } else {
            otherwise
        }
    }
}

/// Parses an optionally negative run of ASCII digits, saturating at the
/// `i64` bounds.
fn saturating_int(text: &str) -> i64 {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut n: i64 = 0;
    for d in digits.chars().filter_map(|c| c.to_digit(10)) {
        n = n.saturating_mul(10).saturating_add(i64::from(d));
    }
    if negative { n.saturating_neg() } else { n }
}

fn tokenize(expression: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = expression.chars().collect();
    let length = chars.len();
    let Some(&first) = chars.first() else {
        return Err(QueryError::Syntax("the expression is empty".to_owned()));
    };
    let mut lx = Lexer {
        chars,
        pos: 0,
        current: Some(first),
    };
    let mut tokens = Vec::new();
    while let Some(c) = lx.current {
        let start = lx.pos;
        let tok = match c {
            '.' | '*' | ']' | ',' | ':' | '@' | '(' | ')' | '{' | '}' => {
                lx.advance();
                match c {
                    '.' => Tok::Dot,
                    '*' => Tok::Star,
                    ']' => Tok::RBracket,
                    ',' => Tok::Comma,
                    ':' => Tok::Colon,
                    '@' => Tok::Current,
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    '{' => Tok::LBrace,
                    _ => Tok::RBrace,
                }
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let mut buff = String::from(c);
                while let Some(n) = lx.advance() {
                    if !(n.is_ascii_alphanumeric() || n == '_') {
                        break;
                    }
                    buff.push(n);
                }
                Tok::Unquoted(buff)
            }
            ' ' | '\t' | '\n' | '\r' => {
                lx.advance();
                continue;
            }
            '[' => match lx.advance() {
                Some(']') => {
                    lx.advance();
                    Tok::Flatten
                }
                Some('?') => {
                    lx.advance();
                    Tok::Filter
                }
                _ => Tok::LBracket,
            },
            // Raw string: only `\'` is an escape; other backslashes stay.
            '\'' => Tok::Literal(Value::String(lx.consume_until('\'')?.replace("\\'", "'"))),
            '|' => lx.match_or_else('|', Tok::Or, Tok::Pipe),
            '&' => lx.match_or_else('&', Tok::And, Tok::Expref),
            '`' => {
                let lexeme = lx.consume_until('`')?.replace("\\`", "`");
                Tok::Literal(literal_value(&lexeme, start)?)
            }
            '0'..='9' => Tok::Number(saturating_int(&lx.consume_number())),
            '-' => {
                let buff = lx.consume_number();
                if buff.len() > 1 {
                    Tok::Number(saturating_int(&buff))
                } else {
                    return Err(lex_error(format!("Unknown token '{buff}'"), start));
                }
            }
            '"' => {
                let lexeme = format!("\"{}\"", lx.consume_until('"')?);
                match py_json_loads(&lexeme) {
                    Ok(Value::String(name)) => Tok::Quoted(name),
                    Ok(_) => {
                        return Err(lex_error(
                            format!("Invalid quoted identifier {lexeme}"),
                            start,
                        ));
                    }
                    Err(JsonError::Invalid(why)) => {
                        return Err(lex_error(
                            format!("{why} in quoted identifier {lexeme}"),
                            start,
                        ));
                    }
                    Err(JsonError::Unsupported(why)) => {
                        return Err(lex_error(
                            format!("Unsupported quoted identifier {lexeme}: {why}"),
                            start,
                        ));
                    }
                }
            }
            '<' => lx.match_or_else('=', Tok::Lte, Tok::Lt),
            '>' => lx.match_or_else('=', Tok::Gte, Tok::Gt),
            '!' => lx.match_or_else('=', Tok::Ne, Tok::Not),
            '=' => {
                if lx.advance() == Some('=') {
                    lx.advance();
                    Tok::Eq
                } else {
                    return Err(lex_error("Unknown token '='", start));
                }
            }
            other => return Err(lex_error(format!("Unknown token {other}"), start)),
        };
        tokens.push(Token { tok, start });
    }
    tokens.push(Token {
        tok: Tok::Eof,
        start: length,
    });
    Ok(tokens)
}

/// `Lexer._consume_literal` after unescaping `` \` ``: the text as JSON, or
/// else (JEP-12's deprecated form, which the CLI still accepts) the
/// left-trimmed text as the contents of a JSON string, so `` `alias/x` ``
/// is `"alias/x"` and `` `a\nb` `` holds a newline.
fn literal_value(lexeme: &str, column: usize) -> Result<Value, QueryError> {
    let unsupported =
        |why: String| lex_error(format!("Unsupported literal `{lexeme}`: {why}"), column);
    match py_json_loads(lexeme) {
        Ok(value) => Ok(value),
        Err(JsonError::Unsupported(why)) => Err(unsupported(why)),
        Err(JsonError::Invalid(_)) => {
            let quoted = format!("\"{}\"", lexeme.trim_start_matches(py_isspace));
            match py_json_loads(&quoted) {
                Ok(value) => Ok(value),
                Err(JsonError::Unsupported(why)) => Err(unsupported(why)),
                Err(JsonError::Invalid(_)) => {
                    Err(lex_error(format!("Bad token `{lexeme}`"), column))
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// JSON literals (Python's json.loads, strict)
// ---------------------------------------------------------------------------

#[derive(Debug)]
enum JsonError {
    /// Python raises `ValueError` (so a literal falls back to a string).
    Invalid(String),
    /// Python accepts it but JSON values cannot hold the result.
    Unsupported(String),
}

/// Python's `json.loads`, whose grammar is not quite `serde_json`'s: it
/// accepts `NaN`/`Infinity` and lone surrogates (reported as
/// [`JsonError::Unsupported`] here, rather than silently becoming a legacy
/// string literal), keeps integers beyond 64 bits (here they become floats),
/// and rejects a byte-order mark.
fn py_json_loads(text: &str) -> Result<Value, JsonError> {
    if text.starts_with('\u{feff}') {
        return Err(JsonError::Invalid("Unexpected UTF-8 BOM".to_owned()));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut p = JsonParser {
        chars: &chars,
        pos: 0,
        deferred: None,
    };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos != chars.len() {
        return Err(JsonError::Invalid("Extra data".to_owned()));
    }
    // Only a document Python reads whole can hold what JSON values cannot
    // (`3e5309cc-...` is invalid, so a string literal, not infinity).
    match p.deferred {
        Some(why) => Err(JsonError::Unsupported(why)),
        None => Ok(value),
    }
}

struct JsonParser<'c> {
    chars: &'c [char],
    pos: usize,
    /// Why the document, if it turns out valid, holds a value JSON values
    /// cannot (NaN, infinity, a lone surrogate).
    deferred: Option<String>,
}

fn invalid(why: &str) -> JsonError {
    JsonError::Invalid(why.to_owned())
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }

    fn skip_digits(&mut self) {
        while matches!(self.peek(), Some('0'..='9')) {
            self.pos += 1;
        }
    }

    fn starts_with(&self, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn keyword(&mut self, word: &str, value: Value) -> Value {
        self.pos += word.chars().count();
        value
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek() {
            Some('"') => {
                self.pos += 1;
                Ok(Value::String(self.string()?))
            }
            Some(c @ ('{' | '[')) => {
                if depth >= MAX_LITERAL_DEPTH {
                    return Err(JsonError::Unsupported(format!(
                        "nested deeper than {MAX_LITERAL_DEPTH} levels"
                    )));
                }
                self.pos += 1;
                if c == '{' {
                    self.object(depth + 1)
                } else {
                    self.array(depth + 1)
                }
            }
            Some('n') if self.starts_with("null") => Ok(self.keyword("null", Value::Null)),
            Some('t') if self.starts_with("true") => Ok(self.keyword("true", Value::Bool(true))),
            Some('f') if self.starts_with("false") => Ok(self.keyword("false", Value::Bool(false))),
            Some('N') if self.starts_with("NaN") => Ok(self.non_finite("NaN")),
            Some('I') if self.starts_with("Infinity") => Ok(self.non_finite("Infinity")),
            Some('-') if self.starts_with("-Infinity") => Ok(self.non_finite("-Infinity")),
            Some('-' | '0'..='9') => self.number(),
            _ => Err(invalid("Expecting value")),
        }
    }

    /// The C scanner's `_match_number_unicode`: a fraction needs a digit
    /// after the dot and an exponent needs digits, otherwise the number
    /// ends before them (and the leftover makes the document invalid).
    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        match self.peek() {
            Some('1'..='9') => {
                self.pos += 1;
                self.skip_digits();
            }
            Some('0') => self.pos += 1,
            _ => return Err(invalid("Expecting value")),
        }
        let mut is_float = false;
        if self.peek() == Some('.') && matches!(self.peek_at(1), Some('0'..='9')) {
            is_float = true;
            self.pos += 2;
            self.skip_digits();
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let e_start = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            let digits = self.pos;
            self.skip_digits();
            if self.pos > digits {
                is_float = true;
            } else {
                self.pos = e_start;
            }
        }
        let text: String = self
            .chars
            .get(start..self.pos)
            .unwrap_or_default()
            .iter()
            .collect();
        if !is_float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::from(i));
            }
            if let Ok(u) = text.parse::<u64>() {
                return Ok(Value::from(u));
            }
        }
        // A float, or an integer too wide for 64 bits (Python keeps it exact;
        // JSON values here hold the nearest float, as serde_json does).
        let f: f64 = text.parse().map_err(|_| invalid("Expecting value"))?;
        Ok(Number::from_f64(f).map_or_else(
            || {
                self.defer(format!(
                    "{text} is out of range (Python reads it as infinity)"
                ));
                Value::Null
            },
            Value::Number,
        ))
    }

    /// Notes the first reason the document cannot be held, to report once
    /// the whole document is known to be valid.
    fn defer(&mut self, why: String) {
        self.deferred.get_or_insert(why);
    }

    /// `NaN`, `Infinity` or `-Infinity`, read past and deferred.
    fn non_finite(&mut self, word: &str) -> Value {
        self.defer(format!("{word} is not a JSON value"));
        self.keyword(word, Value::Null)
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| invalid("Invalid \\uXXXX escape"))?;
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }

    /// A string body after its opening quote, strict like Python's default:
    /// raw control characters are invalid.
    fn string(&mut self) -> Result<String, JsonError> {
        let mut out = String::new();
        loop {
            let c = self
                .peek()
                .ok_or_else(|| invalid("Unterminated string starting at"))?;
            self.pos += 1;
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let escape = self
                        .peek()
                        .ok_or_else(|| invalid("Unterminated string starting at"))?;
                    self.pos += 1;
                    match escape {
                        '"' | '\\' | '/' => out.push(escape),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => out.push(self.unicode_escape()?),
                        _ => return Err(invalid("Invalid \\escape")),
                    }
                }
                c if u32::from(c) < 0x20 => return Err(invalid("Invalid control character at")),
                c => out.push(c),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let high = self.hex4()?;
        if (0xd800..=0xdbff).contains(&high)
            && self.peek() == Some('\\')
            && self.peek_at(1) == Some('u')
        {
            let after: String = self.chars.iter().skip(self.pos + 2).take(4).collect();
            if let Ok(low) = u32::from_str_radix(&after, 16)
                && after.len() == 4
                && (0xdc00..=0xdfff).contains(&low)
            {
                self.pos += 6;
                let code = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
                return Ok(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
        }
        match char::from_u32(high) {
            Some(c) => Ok(c),
            None => {
                // Python keeps a lone surrogate; JSON values cannot.
                self.defer("a lone UTF-16 surrogate is not valid in a JSON value".to_owned());
                Ok('\u{fffd}')
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        let mut map = Map::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            if self.peek() != Some('"') {
                return Err(invalid("Expecting property name enclosed in double quotes"));
            }
            self.pos += 1;
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(':') {
                return Err(invalid("Expecting ':' delimiter"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            // A repeated key keeps its first position and last value, as a
            // Python dict built from the pairs does.
            map.insert(key, value);
            self.skip_ws();
            match self.peek() {
                Some('}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                Some(',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                _ => return Err(invalid("Expecting ',' delimiter")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                _ => return Err(invalid("Expecting ',' delimiter")),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// AST and parser (port of jmespath/parser.py)
// ---------------------------------------------------------------------------

const BP_PIPE: u8 = 1;
const BP_OR: u8 = 2;
const BP_AND: u8 = 3;
const BP_COMPARATOR: u8 = 5;
const BP_FLATTEN: u8 = 9;
/// Tokens binding more loosely than this end a projection.
const BP_PROJECTION_STOP: u8 = 10;
const BP_STAR: u8 = 20;
const BP_FILTER: u8 = 21;
const BP_DOT: u8 = 40;
const BP_NOT: u8 = 45;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl Cmp {
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Lte => "<=",
            Cmp::Gt => ">",
            Cmp::Gte => ">=",
        }
    }
}

/// An AST node with two bounds the parser checks as it builds, so that
/// neither evaluation nor the values it builds can exhaust the stack (the
/// tree and `serde_json` values are recursive to walk, clone and drop):
/// its height, capped at [`MAX_DEPTH`] (left-leaning chains such as
/// `a|a|a` are built in a loop, so parser recursion alone does not bound
/// it), and `nest`, an upper bound on how many levels deeper than its input
/// (or the deepest literal) a value it produces can be, capped at
/// [`MAX_NEST`]: `[[@]] | [[@]] | ...` would otherwise build arbitrarily
/// deep values from a shallow tree.
#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    depth: usize,
    nest: usize,
}

/// Python's AST node types. `Subexpression`, `IndexExpression` and `Pipe`
/// evaluate alike but stay distinct because the parser tests for the
/// first two when deciding how to attach what follows.
#[derive(Debug, Clone)]
enum Kind {
    Comparator(Cmp, Box<Node>, Box<Node>),
    Current,
    Identity,
    Expref(Box<Node>),
    Function(String, Vec<Node>),
    Field(String),
    /// Base, projected expression, condition.
    FilterProjection(Box<Node>, Box<Node>, Box<Node>),
    Flatten(Box<Node>),
    Index(i64),
    IndexExpression(Vec<Node>),
    Literal(Value),
    MultiSelectDict(Vec<(String, Node)>),
    MultiSelectList(Vec<Node>),
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Pipe(Box<Node>, Box<Node>),
    Projection(Box<Node>, Box<Node>),
    Subexpression(Vec<Node>),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    ValueProjection(Box<Node>, Box<Node>),
}

impl Node {
    fn new(kind: Kind) -> Self {
        let depth = |n: &Node| n.depth;
        let nest = |n: &Node| n.nest;
        let (deepest, nest) = match &kind {
            Kind::Current
            | Kind::Identity
            | Kind::Field(_)
            | Kind::Index(_)
            | Kind::Literal(_)
            | Kind::Slice(..) => (0, 0),
            Kind::Expref(a) | Kind::Flatten(a) => (a.depth, a.nest),
            Kind::Not(a) => (a.depth, 0),
            Kind::Comparator(_, a, b) => (a.depth.max(b.depth), 0),
            Kind::Or(a, b) | Kind::And(a, b) => (a.depth.max(b.depth), a.nest.max(b.nest)),
            Kind::Pipe(a, b) => (a.depth.max(b.depth), a.nest + b.nest),
            // A list of the right side's results over the left's elements.
            Kind::Projection(a, b) | Kind::ValueProjection(a, b) => {
                (a.depth.max(b.depth), a.nest + b.nest + 1)
            }
            Kind::FilterProjection(a, b, c) => {
                (a.depth.max(b.depth).max(c.depth), a.nest + b.nest + 1)
            }
            Kind::IndexExpression(items) | Kind::Subexpression(items) => (
                items.iter().map(depth).max().unwrap_or(0),
                items.iter().map(nest).sum(),
            ),
            // Covers `to_array(x)` and `map(&e, xs)`; generous elsewhere.
            Kind::Function(_, items) => (
                items.iter().map(depth).max().unwrap_or(0),
                items.iter().map(nest).sum::<usize>() + 1,
            ),
            Kind::MultiSelectList(items) => (
                items.iter().map(depth).max().unwrap_or(0),
                items.iter().map(nest).max().unwrap_or(0) + 1,
            ),
            Kind::MultiSelectDict(pairs) => (
                pairs.iter().map(|(_, n)| n.depth).max().unwrap_or(0),
                pairs.iter().map(|(_, n)| n.nest).max().unwrap_or(0) + 1,
            ),
        };
        Node {
            kind,
            depth: deepest + 1,
            nest,
        }
    }

    /// The node, unless it breaks [`MAX_DEPTH`] or [`MAX_NEST`].
    fn checked(self) -> Result<Self, QueryError> {
        if self.depth > MAX_DEPTH {
            Err(QueryError::Syntax(format!(
                "the expression nests deeper than {MAX_DEPTH} levels"
            )))
        } else if self.nest > MAX_NEST {
            Err(QueryError::Syntax(format!(
                "the expression could build values nested more than {MAX_NEST} levels deep"
            )))
        } else {
            Ok(self)
        }
    }
}

fn too_deep() -> QueryError {
    QueryError::Syntax(format!(
        "the expression nests deeper than {MAX_DEPTH} levels"
    ))
}

fn parse_error(token: &Token, reason: &str) -> QueryError {
    let reason = reason.trim_end_matches('.');
    QueryError::Syntax(if token.tok == Tok::Eof {
        format!("{reason} at the end of the expression")
    } else {
        format!(
            "{reason} at column {}, token \"{}\" ({})",
            token.start,
            token.tok.text(),
            token.tok.name().to_uppercase()
        )
    })
}

/// `_raise_parse_error_maybe_eof`: running out of tokens is reported as an
/// incomplete expression.
fn expect_error(token: &Token, expected: &str) -> QueryError {
    if token.tok == Tok::Eof {
        incomplete()
    } else {
        parse_error(
            token,
            &format!("Expecting: {expected}, got: {}", token.tok.name()),
        )
    }
}

fn incomplete() -> QueryError {
    QueryError::Syntax("incomplete expression: it ends where more was expected".to_owned())
}

struct Parser {
    tokens: Vec<Token>,
    index: usize,
    depth: usize,
    eof: Token,
}

impl Parser {
    fn new(tokens: Vec<Token>) -> Self {
        let end = tokens.last().map_or(0, |t| t.start);
        Self {
            tokens,
            index: 0,
            depth: 0,
            eof: Token {
                tok: Tok::Eof,
                start: end,
            },
        }
    }

    fn parse(mut self) -> Result<Node, QueryError> {
        let node = self.expression(0)?;
        if self.current() != &Tok::Eof {
            let t = self.token(0);
            return Err(parse_error(
                t,
                &format!("Unexpected token: {}", t.tok.text()),
            ));
        }
        Ok(node)
    }

    fn token(&self, offset: isize) -> &Token {
        self.index
            .checked_add_signed(offset)
            .and_then(|i| self.tokens.get(i))
            .unwrap_or(&self.eof)
    }

    fn current(&self) -> &Tok {
        &self.token(0).tok
    }

    fn is_current(&self, tok: &Tok) -> bool {
        std::mem::discriminant(self.current()) == std::mem::discriminant(tok)
    }

    fn advance(&mut self) {
        self.index += 1;
    }

    /// `Parser._match`.
    fn expect(&mut self, tok: &Tok) -> Result<(), QueryError> {
        if self.is_current(tok) {
            self.advance();
            Ok(())
        } else {
            Err(expect_error(self.token(0), tok.name()))
        }
    }

    fn node(&self, kind: Kind) -> Result<Node, QueryError> {
        Node::new(kind).checked()
    }

    fn boxed(&self, kind: Kind) -> Result<Box<Node>, QueryError> {
        self.node(kind).map(Box::new)
    }

    /// Appends to a `Subexpression` or `IndexExpression`, as Python appends
    /// to the node's children.
    fn append(&self, mut left: Node, right: Node) -> Result<Node, QueryError> {
        let (depth, nest) = (right.depth + 1, right.nest);
        if let Kind::Subexpression(children) | Kind::IndexExpression(children) = &mut left.kind {
            children.push(right);
        }
        left.depth = left.depth.max(depth);
        left.nest += nest;
        left.checked()
    }

    fn expression(&mut self, rbp: u8) -> Result<Node, QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(too_deep());
        }
        let token = self.token(0).clone();
        self.advance();
        let mut left = self.nud(token)?;
        while rbp < self.current().binding_power() {
            let tok = self.current().clone();
            left = self.led(&tok, left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    /// Prefix position (`_token_nud_*`). Multi-line cases are separate
    /// methods to keep this recursive frame small in unoptimized builds.
    fn nud(&mut self, token: Token) -> Result<Node, QueryError> {
        match token.tok {
            Tok::Literal(value) => self.node(Kind::Literal(value)),
            Tok::Unquoted(name) => self.node(Kind::Field(name)),
            Tok::Quoted(name) => self.nud_quoted(name),
            Tok::Star => self.nud_star(),
            Tok::Filter => {
                let left = self.node(Kind::Identity)?;
                self.led_filter(left)
            }
            Tok::LBrace => self.multi_select_hash(),
            Tok::LParen => self.nud_paren(),
            Tok::Flatten => {
                let identity = self.boxed(Kind::Identity)?;
                let left = self.node(Kind::Flatten(identity))?;
                self.flatten_projection(left)
            }
            Tok::Not => self.wrap(BP_NOT, Kind::Not),
            Tok::LBracket => self.nud_lbracket(),
            Tok::Current => self.node(Kind::Current),
            Tok::Expref => self.wrap(0, Kind::Expref),
            Tok::Eof => Err(incomplete()),
            _ => Err(parse_error(&token, "invalid token")),
        }
    }

    fn nud_quoted(&mut self, name: String) -> Result<Node, QueryError> {
        if self.current() == &Tok::LParen {
            return Err(parse_error(
                self.token(0),
                "Quoted identifier not allowed for function names.",
            ));
        }
        self.node(Kind::Field(name))
    }

    fn nud_star(&mut self) -> Result<Node, QueryError> {
        let left = self.boxed(Kind::Identity)?;
        let right = if self.current() == &Tok::RBracket {
            self.node(Kind::Identity)?
        } else {
            self.projection_rhs(BP_STAR)?
        };
        self.node(Kind::ValueProjection(left, Box::new(right)))
    }

    fn nud_paren(&mut self) -> Result<Node, QueryError> {
        let expression = self.expression(0)?;
        self.expect(&Tok::RParen)?;
        Ok(expression)
    }

    /// `!expr` and `&expr`: one operand parsed at `rbp`, then wrapped.
    fn wrap(&mut self, rbp: u8, make: fn(Box<Node>) -> Kind) -> Result<Node, QueryError> {
        let expression = self.expression(rbp)?;
        self.node(make(Box::new(expression)))
    }

    fn nud_lbracket(&mut self) -> Result<Node, QueryError> {
        if matches!(self.current(), Tok::Number(_) | Tok::Colon) {
            let right = self.index_expression()?;
            let left = self.node(Kind::Identity)?;
            self.project_if_slice(left, right)
        } else if self.current() == &Tok::Star && self.token(1).tok == Tok::RBracket {
            self.advance();
            self.advance();
            let left = self.node(Kind::Identity)?;
            self.star_projection(left)
        } else {
            self.multi_select_list()
        }
    }

    /// Infix position (`_token_led_*`).
    fn led(&mut self, tok: &Tok, left: Node) -> Result<Node, QueryError> {
        if matches!(tok, Tok::Star | Tok::Not | Tok::LBrace) {
            // These bind but have no infix form (`_error_led_token`).
            return Err(parse_error(self.token(0), "invalid token"));
        }
        self.advance();
        match tok {
            Tok::Eq => self.led_comparator(Cmp::Eq, left),
            Tok::Ne => self.led_comparator(Cmp::Ne, left),
            Tok::Lt => self.led_comparator(Cmp::Lt, left),
            Tok::Lte => self.led_comparator(Cmp::Lte, left),
            Tok::Gt => self.led_comparator(Cmp::Gt, left),
            Tok::Gte => self.led_comparator(Cmp::Gte, left),
            Tok::Dot => self.led_dot(left),
            Tok::Pipe => self.led_binary(BP_PIPE, left, Kind::Pipe),
            Tok::Or => self.led_binary(BP_OR, left, Kind::Or),
            Tok::And => self.led_binary(BP_AND, left, Kind::And),
            Tok::LParen => self.led_function(left),
            Tok::Filter => self.led_filter(left),
            Tok::Flatten => {
                let left = self.node(Kind::Flatten(Box::new(left)))?;
                self.flatten_projection(left)
            }
            Tok::LBracket => self.led_lbracket(left),
            _ => Err(parse_error(self.token(-1), "invalid token")),
        }
    }

    fn led_comparator(&mut self, op: Cmp, left: Node) -> Result<Node, QueryError> {
        let right = self.expression(BP_COMPARATOR)?;
        self.node(Kind::Comparator(op, Box::new(left), Box::new(right)))
    }

    fn led_binary(
        &mut self,
        rbp: u8,
        left: Node,
        make: fn(Box<Node>, Box<Node>) -> Kind,
    ) -> Result<Node, QueryError> {
        let right = self.expression(rbp)?;
        self.node(make(Box::new(left), Box::new(right)))
    }

    fn led_dot(&mut self, left: Node) -> Result<Node, QueryError> {
        if self.current() == &Tok::Star {
            self.advance();
            let right = self.projection_rhs(BP_DOT)?;
            return self.node(Kind::ValueProjection(Box::new(left), Box::new(right)));
        }
        let right = self.dot_rhs(BP_DOT)?;
        if matches!(left.kind, Kind::Subexpression(_)) {
            self.append(left, right)
        } else {
            self.node(Kind::Subexpression(vec![left, right]))
        }
    }

    /// `name(args)`: only a plain field can be called, and (as in Python)
    /// the commas between arguments are optional.
    fn led_function(&mut self, left: Node) -> Result<Node, QueryError> {
        let Kind::Field(name) = left.kind else {
            let name_token = self.token(-2);
            return Err(parse_error(
                name_token,
                &format!("Invalid function name '{}'", name_token.tok.text()),
            ));
        };
        let mut args = Vec::new();
        while self.current() != &Tok::RParen {
            let expression = self.expression(0)?;
            if self.current() == &Tok::Comma {
                self.advance();
            }
            args.push(expression);
        }
        self.expect(&Tok::RParen)?;
        self.node(Kind::Function(name, args))
    }

    fn led_lbracket(&mut self, left: Node) -> Result<Node, QueryError> {
        if !matches!(self.current(), Tok::Number(_) | Tok::Colon) {
            self.expect(&Tok::Star)?;
            self.expect(&Tok::RBracket)?;
            return self.star_projection(left);
        }
        let right = self.index_expression()?;
        if matches!(left.kind, Kind::IndexExpression(_)) {
            // Python appends even a slice here, so `a[0][1:2]` does not
            // start a projection.
            self.append(left, right)
        } else {
            self.project_if_slice(left, right)
        }
    }

    /// `left[*]...`: a list projection.
    fn star_projection(&mut self, left: Node) -> Result<Node, QueryError> {
        let right = self.projection_rhs(BP_STAR)?;
        self.node(Kind::Projection(Box::new(left), Box::new(right)))
    }

    /// `left[]...`: `left` is already the `Flatten` node.
    fn flatten_projection(&mut self, left: Node) -> Result<Node, QueryError> {
        let right = self.projection_rhs(BP_FLATTEN)?;
        self.node(Kind::Projection(Box::new(left), Box::new(right)))
    }

    fn led_filter(&mut self, left: Node) -> Result<Node, QueryError> {
        let condition = self.expression(0)?;
        self.expect(&Tok::RBracket)?;
        let right = if self.current() == &Tok::Flatten {
            self.node(Kind::Identity)?
        } else {
            self.projection_rhs(BP_FILTER)?
        };
        self.node(Kind::FilterProjection(
            Box::new(left),
            Box::new(right),
            Box::new(condition),
        ))
    }

    fn index_expression(&mut self) -> Result<Node, QueryError> {
        if self.current() == &Tok::Colon || self.token(1).tok == Tok::Colon {
            return self.slice_expression();
        }
        let index = match self.current() {
            Tok::Number(n) => *n,
            _ => return Err(parse_error(self.token(0), "syntax error")),
        };
        self.advance();
        self.expect(&Tok::RBracket)?;
        self.node(Kind::Index(index))
    }

    /// `[start:stop:step]`; like Python, a second number in the same part
    /// replaces the first (`[1:2 3]` is `[1:3]`).
    fn slice_expression(&mut self) -> Result<Node, QueryError> {
        let mut parts = [None, None, None];
        let mut part = 0;
        while self.current() != &Tok::RBracket && part < 3 {
            match self.current() {
                Tok::Colon => {
                    part += 1;
                    if part == 3 {
                        return Err(parse_error(self.token(0), "syntax error"));
                    }
                    self.advance();
                }
                Tok::Number(n) => {
                    let n = *n;
                    if let Some(slot) = parts.get_mut(part) {
                        *slot = Some(n);
                    }
                    self.advance();
                }
                _ => return Err(parse_error(self.token(0), "syntax error")),
            }
        }
        self.expect(&Tok::RBracket)?;
        let [start, stop, step] = parts;
        self.node(Kind::Slice(start, stop, step))
    }

    fn project_if_slice(&mut self, left: Node, right: Node) -> Result<Node, QueryError> {
        let is_slice = matches!(right.kind, Kind::Slice(..));
        let index = self.node(Kind::IndexExpression(vec![left, right]))?;
        if is_slice {
            let rhs = self.projection_rhs(BP_STAR)?;
            self.node(Kind::Projection(Box::new(index), Box::new(rhs)))
        } else {
            Ok(index)
        }
    }

    fn multi_select_list(&mut self) -> Result<Node, QueryError> {
        let mut items = Vec::new();
        loop {
            items.push(self.expression(0)?);
            if self.current() == &Tok::RBracket {
                break;
            }
            self.expect(&Tok::Comma)?;
        }
        self.expect(&Tok::RBracket)?;
        self.node(Kind::MultiSelectList(items))
    }

    /// `{key: expr, ...}`; keys keep the order written. Like Python, the
    /// comma between pairs may be left out.
    fn multi_select_hash(&mut self) -> Result<Node, QueryError> {
        let mut pairs = Vec::new();
        loop {
            let key = match self.current() {
                Tok::Quoted(name) | Tok::Unquoted(name) => name.clone(),
                _ => {
                    return Err(expect_error(
                        self.token(0),
                        "['quoted_identifier', 'unquoted_identifier']",
                    ));
                }
            };
            self.advance();
            self.expect(&Tok::Colon)?;
            let value = self.expression(0)?;
            pairs.push((key, value));
            if self.current() == &Tok::Comma {
                self.advance();
            } else if self.current() == &Tok::RBrace {
                self.advance();
                break;
            }
        }
        self.node(Kind::MultiSelectDict(pairs))
    }

    fn projection_rhs(&mut self, rbp: u8) -> Result<Node, QueryError> {
        if self.current().binding_power() < BP_PROJECTION_STOP {
            return self.node(Kind::Identity);
        }
        match self.current() {
            Tok::LBracket | Tok::Filter => self.expression(rbp),
            Tok::Dot => {
                self.advance();
                self.dot_rhs(rbp)
            }
            _ => Err(parse_error(self.token(0), "syntax error")),
        }
    }

    fn dot_rhs(&mut self, rbp: u8) -> Result<Node, QueryError> {
        match self.current() {
            Tok::Quoted(_) | Tok::Unquoted(_) | Tok::Star => self.expression(rbp),
            Tok::LBracket => {
                self.advance();
                self.multi_select_list()
            }
            Tok::LBrace => {
                self.advance();
                self.multi_select_hash()
            }
            other => {
                let message = format!(
                    "Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], got: {}",
                    other.name()
                );
                Err(parse_error(self.token(0), &message))
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Interpreter (port of jmespath/visitor.py)
// ---------------------------------------------------------------------------

/// The value an expression is applied to: JSON, a list of references into
/// the input, or (as Python allows) an expression reference passed along by
/// a pipe or `not_null(&x)`.
#[derive(Debug, Clone)]
enum Cur<'a, 'v> {
    Json(&'v Value),
    Refs(Rc<[&'v Value]>),
    Expref(&'a Node),
}

/// A result. Python shares sub-values rather than copying them; likewise a
/// result here borrows from the input or the AST where it can, and the
/// arrays that projections, flattens, slices and sorts build from borrowed
/// elements are lists of references (`Refs`), so `a[].b[].c` copies nothing
/// until the final result becomes a `Value`.
#[derive(Debug, Clone)]
enum Val<'a, 'v> {
    Ref(&'v Value),
    Own(Value),
    Refs(Rc<[&'v Value]>),
    Expref(&'a Node),
}

/// A read-only look at a value, whatever holds it.
#[derive(Debug, Clone, Copy)]
enum View<'x> {
    Json(&'x Value),
    Refs(&'x [&'x Value]),
    Expref,
}

/// The elements of an array, whatever holds them.
#[derive(Debug, Clone, Copy)]
enum Elems<'x> {
    Json(&'x [Value]),
    Refs(&'x [&'x Value]),
}

impl<'x> Elems<'x> {
    fn len(self) -> usize {
        match self {
            Elems::Json(items) => items.len(),
            Elems::Refs(items) => items.len(),
        }
    }

    fn is_empty(self) -> bool {
        self.len() == 0
    }

    fn get(self, index: usize) -> Option<&'x Value> {
        match self {
            Elems::Json(items) => items.get(index),
            Elems::Refs(items) => items.get(index).copied(),
        }
    }

    fn iter(self) -> impl Iterator<Item = &'x Value> {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

impl<'x> View<'x> {
    fn json(self) -> Option<&'x Value> {
        match self {
            View::Json(v) => Some(v),
            View::Refs(_) | View::Expref => None,
        }
    }

    fn elems(self) -> Option<Elems<'x>> {
        match self {
            View::Json(Value::Array(items)) => Some(Elems::Json(items)),
            View::Refs(items) => Some(Elems::Refs(items)),
            View::Json(_) | View::Expref => None,
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            View::Json(v) => type_of(v),
            View::Refs(_) => "array",
            View::Expref => "expref",
        }
    }

    fn is_null(self) -> bool {
        matches!(self, View::Json(Value::Null))
    }

    /// JMESPath truthiness (`_is_false`): null, false, "", [] and {} are
    /// false; numbers (even 0) and expression references are true.
    fn truthy(self) -> bool {
        match self {
            View::Json(Value::Null) => false,
            View::Json(Value::Bool(b)) => *b,
            View::Json(Value::String(s)) => !s.is_empty(),
            View::Json(Value::Array(a)) => !a.is_empty(),
            View::Json(Value::Object(o)) => !o.is_empty(),
            View::Json(Value::Number(_)) | View::Expref => true,
            View::Refs(items) => !items.is_empty(),
        }
    }

    /// Compact JSON for error messages, cut short if long.
    fn show(self) -> String {
        match self {
            View::Json(v) => show(v),
            View::Refs(items) => shorten(serde_json::to_string(items).unwrap_or_default()),
            View::Expref => "<expression reference>".to_owned(),
        }
    }
}

fn null<'a, 'v>() -> Val<'a, 'v> {
    Val::Own(Value::Null)
}

fn expref_as_value() -> QueryError {
    runtime("an expression reference (&expr) is only usable as a function argument, not as a value")
}

impl<'a, 'v> Cur<'a, 'v> {
    fn val(&self) -> Val<'a, 'v> {
        match self {
            Cur::Json(v) => Val::Ref(v),
            Cur::Refs(items) => Val::Refs(Rc::clone(items)),
            Cur::Expref(node) => Val::Expref(node),
        }
    }

    fn json(&self) -> Option<&'v Value> {
        match self {
            Cur::Json(v) => Some(v),
            Cur::Refs(_) | Cur::Expref(_) => None,
        }
    }
}

impl<'a, 'v> Val<'a, 'v> {
    fn view(&self) -> View<'_> {
        match self {
            Val::Ref(v) => View::Json(v),
            Val::Own(v) => View::Json(v),
            Val::Refs(items) => View::Refs(items),
            Val::Expref(_) => View::Expref,
        }
    }

    fn is_null(&self) -> bool {
        self.view().is_null()
    }

    fn truthy(&self) -> bool {
        self.view().truthy()
    }

    /// Python could put an `_Expression` object into a list or return it,
    /// then fail to print it; a JSON value cannot hold one, so that is an
    /// error here.
    fn into_value(self) -> Result<Value, QueryError> {
        match self {
            Val::Ref(v) => Ok(v.clone()),
            Val::Own(v) => Ok(v),
            Val::Refs(items) => Ok(Value::Array(items.iter().map(|&v| v.clone()).collect())),
            Val::Expref(_) => Err(expref_as_value()),
        }
    }

    /// Rebinds to any data lifetime by copying what was borrowed.
    fn detach<'w>(self) -> Val<'a, 'w> {
        match self {
            Val::Ref(v) => Val::Own(v.clone()),
            Val::Own(v) => Val::Own(v),
            Val::Refs(items) => Val::Own(Value::Array(items.iter().map(|&v| v.clone()).collect())),
            Val::Expref(node) => Val::Expref(node),
        }
    }
}

/// Collects results into an array: a list of references when every one
/// is borrowed, otherwise a `Value` array.
fn list<'a, 'v>(items: Vec<Val<'a, 'v>>) -> Result<Val<'a, 'v>, QueryError> {
    if items.iter().all(|v| matches!(v, Val::Ref(_))) {
        let refs: Vec<&'v Value> = items
            .into_iter()
            .filter_map(|v| match v {
                Val::Ref(r) => Some(r),
                _ => None,
            })
            .collect();
        return Ok(Val::Refs(refs.into()));
    }
    let values: Result<Vec<Value>, QueryError> = items.into_iter().map(Val::into_value).collect();
    Ok(Val::Own(Value::Array(values?)))
}

/// Evaluates `node` against `cur`. Every recursive case lives in its own
/// small function: unoptimized builds give a function one stack slot per
/// local of every arm, and this one recurses once per AST level.
fn eval<'a: 'v, 'v>(node: &'a Node, cur: &Cur<'a, 'v>) -> Result<Val<'a, 'v>, QueryError> {
    match &node.kind {
        Kind::Field(name) => Ok(match cur.json() {
            Some(Value::Object(map)) => map.get(name).map_or_else(null, Val::Ref),
            _ => null(),
        }),
        Kind::Current | Kind::Identity => Ok(cur.val()),
        Kind::Literal(value) => Ok(Val::Ref(value)),
        Kind::Index(i) => Ok(match cur {
            Cur::Json(Value::Array(items)) => index_of(items.len(), *i)
                .and_then(|p| items.get(p))
                .map_or_else(null, Val::Ref),
            Cur::Refs(items) => index_of(items.len(), *i)
                .and_then(|p| items.get(p).copied())
                .map_or_else(null, Val::Ref),
            _ => null(),
        }),
        Kind::Slice(start, stop, step) => eval_slice(cur, *start, *stop, *step),
        Kind::Expref(inner) => Ok(Val::Expref(inner)),
        Kind::Subexpression(children) | Kind::IndexExpression(children) => {
            eval_chain(children, cur)
        }
        Kind::Pipe(lhs, rhs) => eval_pipe(lhs, rhs, cur),
        Kind::Projection(lhs, rhs) => {
            let base = eval(lhs, cur)?;
            project(rhs, base)
        }
        Kind::ValueProjection(lhs, rhs) => {
            let base = eval(lhs, cur)?;
            project_values(rhs, base)
        }
        Kind::FilterProjection(lhs, rhs, condition) => {
            let base = eval(lhs, cur)?;
            filter(rhs, condition, base)
        }
        Kind::Flatten(inner) => {
            let base = eval(inner, cur)?;
            Ok(flatten(base))
        }
        Kind::Comparator(op, lhs, rhs) => eval_comparator(*op, lhs, rhs, cur),
        Kind::Or(lhs, rhs) => eval_or(lhs, rhs, cur),
        Kind::And(lhs, rhs) => eval_and(lhs, rhs, cur),
        Kind::Not(inner) => eval_not(inner, cur),
        Kind::MultiSelectList(items) => eval_multi_list(items, cur),
        Kind::MultiSelectDict(pairs) => eval_multi_dict(pairs, cur),
        Kind::Function(name, args) => eval_function(name, args, cur),
    }
}

/// `[start:stop:step]`: a list of references to the chosen elements.
fn eval_slice<'a, 'v>(
    cur: &Cur<'a, 'v>,
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
) -> Result<Val<'a, 'v>, QueryError> {
    let picked: Vec<&'v Value> = match cur {
        Cur::Json(Value::Array(items)) => slice_indices(items.len(), start, stop, step)?
            .into_iter()
            .filter_map(|i| items.get(i))
            .collect(),
        Cur::Refs(items) => slice_indices(items.len(), start, stop, step)?
            .into_iter()
            .filter_map(|i| items.get(i).copied())
            .collect(),
        _ => return Ok(null()),
    };
    Ok(Val::Refs(picked.into()))
}

fn eval_chain<'a: 'v, 'v>(
    children: &'a [Node],
    cur: &Cur<'a, 'v>,
) -> Result<Val<'a, 'v>, QueryError> {
    let mut acc = cur.val();
    for child in children {
        acc = apply(child, acc)?;
    }
    Ok(acc)
}

fn eval_pipe<'a: 'v, 'v>(
    lhs: &'a Node,
    rhs: &'a Node,
    cur: &Cur<'a, 'v>,
) -> Result<Val<'a, 'v>, QueryError> {
    let left = eval(lhs, cur)?;
    apply(rhs, left)
}

/// Applies `node` to an intermediate result.
fn apply<'a: 'v, 'v>(node: &'a Node, input: Val<'a, 'v>) -> Result<Val<'a, 'v>, QueryError> {
    match input {
        Val::Ref(v) => eval(node, &Cur::Json(v)),
        Val::Refs(items) => eval(node, &Cur::Refs(items)),
        Val::Expref(e) => eval(node, &Cur::Expref(e)),
        Val::Own(value) => apply_owned(node, value),
    }
}

/// Applies `node` to a value nobody else holds: fields, elements and
/// projection inputs are moved out of it rather than copied, and only what
/// a general evaluation still borrows from it gets copied.
fn apply_owned<'a: 'v, 'v>(node: &'a Node, value: Value) -> Result<Val<'a, 'v>, QueryError> {
    match (&node.kind, value) {
        (Kind::Current | Kind::Identity, value) => Ok(Val::Own(value)),
        (Kind::Field(name), Value::Object(mut map)) => {
            Ok(Val::Own(map.remove(name).unwrap_or(Value::Null)))
        }
        (Kind::Index(i), Value::Array(items)) => {
            let item = index_of(items.len(), *i).and_then(|p| items.into_iter().nth(p));
            Ok(Val::Own(item.unwrap_or(Value::Null)))
        }
        (Kind::Subexpression(children) | Kind::IndexExpression(children), value) => {
            let mut acc = Val::Own(value);
            for child in children {
                acc = apply(child, acc)?;
            }
            Ok(acc)
        }
        (Kind::Pipe(lhs, rhs), value) => apply(rhs, apply_owned(lhs, value)?),
        (Kind::Projection(lhs, rhs), value) => project(rhs, apply_owned(lhs, value)?),
        (Kind::ValueProjection(lhs, rhs), value) => project_values(rhs, apply_owned(lhs, value)?),
        (Kind::FilterProjection(lhs, rhs, condition), value) => {
            filter(rhs, condition, apply_owned(lhs, value)?)
        }
        (Kind::Flatten(inner), value) => Ok(flatten(apply_owned(inner, value)?)),
        (_, value) => Ok(eval(node, &Cur::Json(&value))?.detach()),
    }
}

/// A list projection: `rhs` over each element of `base` (if an array),
/// dropping null results.
fn project<'a: 'v, 'v>(rhs: &'a Node, base: Val<'a, 'v>) -> Result<Val<'a, 'v>, QueryError> {
    match base {
        Val::Ref(Value::Array(items)) => project_borrowed(rhs, items.iter()),
        Val::Refs(items) => project_borrowed(rhs, items.iter().copied()),
        Val::Own(Value::Array(items)) => project_owned(rhs, items),
        _ => Ok(null()),
    }
}

/// An object projection (`*`): `rhs` over each value of `base` (if an
/// object), in document order, dropping null results.
fn project_values<'a: 'v, 'v>(rhs: &'a Node, base: Val<'a, 'v>) -> Result<Val<'a, 'v>, QueryError> {
    match base {
        Val::Ref(Value::Object(map)) => project_borrowed(rhs, map.values()),
        Val::Own(Value::Object(map)) => project_owned(rhs, map.into_iter().map(|(_, v)| v)),
        _ => Ok(null()),
    }
}

fn project_borrowed<'a: 'v, 'v>(
    rhs: &'a Node,
    items: impl Iterator<Item = &'v Value>,
) -> Result<Val<'a, 'v>, QueryError> {
    let mut out = Vec::new();
    for item in items {
        let v = eval(rhs, &Cur::Json(item))?;
        if !v.is_null() {
            out.push(v);
        }
    }
    list(out)
}

fn project_owned<'a: 'v, 'v>(
    rhs: &'a Node,
    items: impl IntoIterator<Item = Value>,
) -> Result<Val<'a, 'v>, QueryError> {
    let mut out = Vec::new();
    for item in items {
        let v = apply_owned(rhs, item)?;
        if !v.is_null() {
            out.push(v);
        }
    }
    list(out)
}

/// `base[?condition] rhs`: a projection over the elements the condition
/// holds for.
fn filter<'a: 'v, 'v>(
    rhs: &'a Node,
    condition: &'a Node,
    base: Val<'a, 'v>,
) -> Result<Val<'a, 'v>, QueryError> {
    let mut out = Vec::new();
    match base {
        Val::Ref(Value::Array(items)) => filter_borrowed(rhs, condition, items.iter(), &mut out)?,
        Val::Refs(items) => filter_borrowed(rhs, condition, items.iter().copied(), &mut out)?,
        Val::Own(Value::Array(items)) => {
            for item in items {
                if eval(condition, &Cur::Json(&item))?.truthy() {
                    let v = apply_owned(rhs, item)?;
                    if !v.is_null() {
                        out.push(v);
                    }
                }
            }
        }
        _ => return Ok(null()),
    }
    list(out)
}

fn filter_borrowed<'a: 'v, 'v>(
    rhs: &'a Node,
    condition: &'a Node,
    items: impl Iterator<Item = &'v Value>,
    out: &mut Vec<Val<'a, 'v>>,
) -> Result<(), QueryError> {
    for item in items {
        let cur = Cur::Json(item);
        if eval(condition, &cur)?.truthy() {
            let v = eval(rhs, &cur)?;
            if !v.is_null() {
                out.push(v);
            }
        }
    }
    Ok(())
}

/// `base[]`: arrays inside `base` spliced in one level.
fn flatten<'a, 'v>(base: Val<'a, 'v>) -> Val<'a, 'v> {
    fn splice<'v>(items: impl Iterator<Item = &'v Value>) -> Vec<&'v Value> {
        let mut out = Vec::new();
        for item in items {
            match item {
                Value::Array(inner) => out.extend(inner.iter()),
                other => out.push(other),
            }
        }
        out
    }
    match base {
        Val::Ref(Value::Array(items)) => Val::Refs(splice(items.iter()).into()),
        Val::Refs(items) => Val::Refs(splice(items.iter().copied()).into()),
        Val::Own(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::Array(inner) => out.extend(inner),
                    other => out.push(other),
                }
            }
            Val::Own(Value::Array(out))
        }
        _ => null(),
    }
}

fn eval_comparator<'a: 'v, 'v>(
    op: Cmp,
    lhs: &'a Node,
    rhs: &'a Node,
    cur: &Cur<'a, 'v>,
) -> Result<Val<'a, 'v>, QueryError> {
    let left = eval(lhs, cur)?;
    let right = eval(rhs, cur)?;
    Ok(Val::Own(compare(op, left.view(), right.view())?))
}

fn eval_or<'a: 'v, 'v>(
    lhs: &'a Node,
    rhs: &'a Node,
    cur: &Cur<'a, 'v>,
) -> Result<Val<'a, 'v>, QueryError> {
    let left = eval(lhs, cur)?;
    if left.truthy() {
        Ok(left)
    } else {
        eval(rhs, cur)
    }
}

fn eval_and<'a: 'v, 'v>(
    lhs: &'a Node,
    rhs: &'a Node,
    cur: &Cur<'a, 'v>,
) -> Result<Val<'a, 'v>, QueryError> {
    let left = eval(lhs, cur)?;
    if left.truthy() {
        eval(rhs, cur)
    } else {
        Ok(left)
    }
}

/// `!x`: Python special-cases 0 to give false, which is what JMESPath
/// truthiness (numbers are true) gives anyway.
fn eval_not<'a: 'v, 'v>(inner: &'a Node, cur: &Cur<'a, 'v>) -> Result<Val<'a, 'v>, QueryError> {
    let value = eval(inner, cur)?;
    Ok(Val::Own(Value::Bool(!value.truthy())))
}

/// `[a, b]`: null when the current value is null (only null; `false` or
/// `[]` still build the list).
fn eval_multi_list<'a: 'v, 'v>(
    items: &'a [Node],
    cur: &Cur<'a, 'v>,
) -> Result<Val<'a, 'v>, QueryError> {
    if matches!(cur, Cur::Json(Value::Null)) {
        return Ok(null());
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(eval(item, cur)?);
    }
    list(out)
}

/// `{k: v, ...}` with keys in the order written.
fn eval_multi_dict<'a: 'v, 'v>(
    pairs: &'a [(String, Node)],
    cur: &Cur<'a, 'v>,
) -> Result<Val<'a, 'v>, QueryError> {
    if matches!(cur, Cur::Json(Value::Null)) {
        return Ok(null());
    }
    let mut out = Map::new();
    for (key, value) in pairs {
        out.insert(key.clone(), eval(value, cur)?.into_value()?);
    }
    Ok(Val::Own(Value::Object(out)))
}

/// Arguments are all evaluated before the function is even looked up, so
/// an unknown function or a bad arity only fails where it is reached.
fn eval_function<'a: 'v, 'v>(
    name: &str,
    args: &'a [Node],
    cur: &Cur<'a, 'v>,
) -> Result<Val<'a, 'v>, QueryError> {
    let mut values = Vec::with_capacity(args.len());
    for arg in args {
        values.push(eval(arg, cur)?);
    }
    call(name, values)
}

/// Python's `list[i]`, negative indices counting from the end.
fn index_of(len: usize, index: i64) -> Option<usize> {
    let len = i128::try_from(len).ok()?;
    let mut i = i128::from(index);
    if i < 0 {
        i += len;
    }
    if i < 0 || i >= len {
        None
    } else {
        usize::try_from(i).ok()
    }
}

/// The positions Python's `list[start:stop:step]` picks
/// (`PySlice_AdjustIndices`).
fn slice_indices(
    len: usize,
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
) -> Result<Vec<usize>, QueryError> {
    let step = i128::from(step.unwrap_or(1));
    if step == 0 {
        return Err(runtime("slice step cannot be zero"));
    }
    let len = i128::try_from(len).unwrap_or(i128::MAX);
    let adjust = |bound: Option<i64>, default: i128| -> i128 {
        let Some(b) = bound else { return default };
        let mut b = i128::from(b);
        if b < 0 {
            b += len;
            if b < 0 {
                b = if step < 0 { -1 } else { 0 };
            }
        } else if b >= len {
            b = if step < 0 { len - 1 } else { len };
        }
        b
    };
    let (mut i, end) = if step > 0 {
        (adjust(start, 0), adjust(stop, len))
    } else {
        (adjust(start, len - 1), adjust(stop, -1))
    };
    let mut out = Vec::new();
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.extend(usize::try_from(i).ok());
        i += step;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Numbers, equality and ordering with Python's semantics
// ---------------------------------------------------------------------------

/// A JSON number as Python holds it: `int` (exact) or `float`.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

fn num(n: &Number) -> Num {
    if let Some(i) = n.as_i64() {
        Num::Int(i128::from(i))
    } else if let Some(u) = n.as_u64() {
        Num::Int(i128::from(u))
    } else {
        Num::Float(n.as_f64().unwrap_or(0.0))
    }
}

/// Exact comparison of an int with a float, as Python compares them.
fn cmp_int_float(i: i128, f: f64) -> Ordering {
    if f.is_nan() {
        return Ordering::Equal;
    }
    if f >= 1.7e38 {
        return Ordering::Less;
    }
    if f <= -1.7e38 {
        return Ordering::Greater;
    }
    let whole = f.trunc();
    // `whole` is integral and well inside i128, so the cast is exact.
    match i.cmp(&(whole as i128)) {
        Ordering::Equal => whole.partial_cmp(&f).unwrap_or(Ordering::Equal),
        other => other,
    }
}

fn cmp_num(a: Num, b: Num) -> Ordering {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x.cmp(&y),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Num::Int(x), Num::Float(y)) => cmp_int_float(x, y),
        (Num::Float(x), Num::Int(y)) => cmp_int_float(y, x).reverse(),
    }
}

/// Python's `==` on decoded JSON: numbers by value (`1 == 1.0`), `true`
/// equal to `1` and `false` to `0` (bool is an int subclass), containers
/// element-wise, objects regardless of key order.
fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Bool(x), Value::Number(n)) | (Value::Number(n), Value::Bool(x)) => {
            cmp_num(num(n), Num::Int(i128::from(*x))) == Ordering::Equal
        }
        (Value::Number(x), Value::Number(y)) => cmp_num(num(x), num(y)) == Ordering::Equal,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => false,
    }
}

fn is_zero_or_one(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            let n = num(n);
            cmp_num(n, Num::Int(0)) == Ordering::Equal || cmp_num(n, Num::Int(1)) == Ordering::Equal
        }
        _ => false,
    }
}

/// Python's `==` on any two values (arrays compare element-wise).
fn py_eq_view(a: View<'_>, b: View<'_>) -> bool {
    match (a.elems(), b.elems()) {
        (Some(x), Some(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| py_eq(p, q))
        }
        (None, None) => match (a.json(), b.json()) {
            (Some(p), Some(q)) => py_eq(p, q),
            _ => false,
        },
        _ => false,
    }
}

/// `visitor._equals`: Python's `==`, except that at the top level 0 and 1
/// never equal a boolean. Expression references are distinct objects in
/// Python, so never equal anything.
fn equals(left: View<'_>, right: View<'_>) -> bool {
    if let (Some(a), Some(b)) = (left.json(), right.json())
        && ((is_zero_or_one(a) && b.is_boolean()) || (is_zero_or_one(b) && a.is_boolean()))
    {
        return false;
    }
    py_eq_view(left, right)
}

/// Orders two numbers or two strings; anything else is Python's
/// `TypeError` for `<` between unrelated types.
fn order(a: &Value, b: &Value, symbol: &str) -> Result<Ordering, QueryError> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Ok(cmp_num(num(x), num(y))),
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => Err(runtime(format!(
            "'{symbol}' is not supported between a {} and a {}",
            type_of(a),
            type_of(b)
        ))),
    }
}

/// A comparator node. Ordering works on two numbers or two strings (Python
/// added strings back); other non-comparable operands give null, while a
/// string against a number is an error, as in Python.
fn compare(op: Cmp, left: View<'_>, right: View<'_>) -> Result<Value, QueryError> {
    if op == Cmp::Eq || op == Cmp::Ne {
        return Ok(Value::Bool(equals(left, right) == (op == Cmp::Eq)));
    }
    let (
        Some(a @ (Value::Number(_) | Value::String(_))),
        Some(b @ (Value::Number(_) | Value::String(_))),
    ) = (left.json(), right.json())
    else {
        return Ok(Value::Null);
    };
    let ordering = order(a, b, op.symbol())?;
    Ok(Value::Bool(match op {
        Cmp::Lt => ordering == Ordering::Less,
        Cmp::Lte => ordering != Ordering::Greater,
        Cmp::Gt => ordering == Ordering::Greater,
        Cmp::Gte => ordering != Ordering::Less,
        Cmp::Eq | Cmp::Ne => false,
    }))
}

/// A Python number as a JSON value. Integers beyond 64 bits, which Python
/// keeps exact, become the nearest float.
fn num_value(n: Num) -> Result<Value, QueryError> {
    match n {
        Num::Int(i) => {
            if let Ok(x) = i64::try_from(i) {
                Ok(Value::from(x))
            } else if let Ok(x) = u64::try_from(i) {
                Ok(Value::from(x))
            } else {
                float_value(i as f64)
            }
        }
        Num::Float(f) => float_value(f),
    }
}

fn float_value(f: f64) -> Result<Value, QueryError> {
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| runtime("the result is not a finite number (Python would give NaN or Infinity, which JSON cannot hold)"))
}

/// `math.ceil`/`math.floor` return an `int` in Python 3.
fn integral_value(f: f64) -> Result<Value, QueryError> {
    if f.is_finite() && f.abs() < 1.7e38 {
        num_value(Num::Int(f as i128))
    } else {
        float_value(f)
    }
}

fn py_add(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x
            .checked_add(y)
            .map_or(Num::Float(x as f64 + y as f64), Num::Int),
        (Num::Int(x), Num::Float(y)) => Num::Float(x as f64 + y),
        (Num::Float(x), Num::Int(y)) => Num::Float(x + y as f64),
        (Num::Float(x), Num::Float(y)) => Num::Float(x + y),
    }
}

/// CPython 3.12+'s `sum()`: an exact integer fast path; once a float
/// appears, Neumaier-compensated addition of floats (ints added plainly);
/// an int beyond 64 bits drops to plain `+` for the rest. Bit-for-bit the
/// CLI's result on current Pythons (3.11 and older add floats plainly).
fn py_sum<'x>(items: impl Iterator<Item = &'x Value>) -> Num {
    enum State {
        Int(i64),
        Float { sum: f64, comp: f64 },
        Plain(Num),
    }
    let settle = |sum: f64, comp: f64| {
        if comp != 0.0 && comp.is_finite() {
            sum + comp
        } else {
            sum
        }
    };
    let mut state = State::Int(0);
    for item in items {
        let Value::Number(n) = item else { continue };
        let x = num(n);
        state = match state {
            State::Int(acc) => match x {
                Num::Int(i) => match i64::try_from(i).ok().and_then(|i| acc.checked_add(i)) {
                    Some(total) => State::Int(total),
                    None => State::Plain(py_add(Num::Int(i128::from(acc)), x)),
                },
                Num::Float(f) => State::Float {
                    sum: acc as f64 + f,
                    comp: 0.0,
                },
            },
            State::Float { sum, comp } => match x {
                Num::Float(f) => {
                    let total = sum + f;
                    let comp = if sum.abs() >= f.abs() {
                        comp + ((sum - total) + f)
                    } else {
                        comp + ((f - total) + sum)
                    };
                    State::Float { sum: total, comp }
                }
                Num::Int(i) => match i64::try_from(i) {
                    Ok(small) => State::Float {
                        sum: sum + small as f64,
                        comp,
                    },
                    Err(_) => State::Plain(py_add(Num::Float(settle(sum, comp)), x)),
                },
            },
            State::Plain(acc) => State::Plain(py_add(acc, x)),
        };
    }
    match state {
        State::Int(i) => Num::Int(i128::from(i)),
        State::Float { sum, comp } => Num::Float(settle(sum, comp)),
        State::Plain(n) => n,
    }
}

/// Python's `int / int`: the exact quotient, correctly rounded (a plain
/// float division would round twice once the sum passes 2^53).
fn int_true_div(numerator: i128, denominator: usize) -> f64 {
    let magnitude = numerator.unsigned_abs();
    let Ok(d) = u128::try_from(denominator) else {
        return f64::NAN;
    };
    if d == 0 {
        return f64::NAN;
    }
    if magnitude == 0 {
        return 0.0;
    }
    let bits = |x: u128| 128 - x.leading_zeros();
    // Scale so the quotient has at least 55 bits; the remainder then only
    // matters as a sticky bit below the rounding position.
    let shift = (bits(d) + 55).saturating_sub(bits(magnitude));
    let scaled = magnitude << shift;
    let quotient = (scaled / d) | u128::from(!scaled.is_multiple_of(d));
    let value = quotient as f64 * 2f64.powi(-(shift as i32));
    if numerator < 0 { -value } else { value }
}

// ---------------------------------------------------------------------------
// Python json.dumps(separators=(',', ':')) and float repr
// ---------------------------------------------------------------------------

/// `json.dumps(value, separators=(',', ':'))` as `to_string()` uses it:
/// ASCII-only output (`\u00e9`), key order kept, floats as Python's
/// `repr` (`1e+16`, `1.0`).
fn py_dumps(value: &Value) -> String {
    let mut out = String::new();
    dump_into(value, &mut out);
    out
}

/// Python's `json.dumps(value)` with its default separators (`", "` and
/// `": "`) and ASCII escapes: what botocore's paging tokens are made of.
pub fn python_json(value: &Value) -> String {
    let mut out = String::new();
    dump_with(value, &mut out, (", ", ": "));
    out
}

fn dump_into(value: &Value, out: &mut String) {
    dump_with(value, out, (",", ":"));
}

/// `json.dumps` with `separators`.
fn dump_with(value: &Value, out: &mut String, separators: (&str, &str)) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match num(n) {
            Num::Int(i) => out.push_str(&i.to_string()),
            Num::Float(f) => out.push_str(&py_float_repr(f)),
        },
        Value::String(s) => quote_ascii(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(separators.0);
                }
                dump_with(item, out, separators);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(separators.0);
                }
                quote_ascii(key, out);
                out.push_str(separators.1);
                dump_with(item, out, separators);
            }
            out.push('}');
        }
    }
}

fn quote_ascii(s: &str, out: &mut String) {
    super::output::json::write_python_string(out, s, true);
}

/// Python's `repr(float)`: the shortest round-trip digits, positional for
/// exponents -4..=15 (always with a fractional part), otherwise
/// `d.ddde±XX`.
fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digit count, but breaks
    // an exact tie between two such strings upwards (1688178892235502.25
    // prints as ...502.3). Python takes the nearest, ties to even, which is
    // what Rust's fixed-precision formatting does at that digit count.
    let shortest = format!("{:e}", f.abs());
    let count = shortest
        .split('e')
        .next()
        .map_or(1, |m| m.chars().filter(char::is_ascii_digit).count());
    let nearest = format!("{:.*e}", count.saturating_sub(1), f.abs());
    let sci = if nearest.parse::<f64>() == Ok(f.abs()) {
        nearest
    } else {
        shortest
    };
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if f < 0.0 {
        out.push('-');
    }
    let point = exponent + 1;
    let count = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    if (-3..=16).contains(&point) {
        if point <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n(
                '0',
                usize::try_from(-point).unwrap_or(0),
            ));
            out.push_str(&digits);
        } else if point >= count {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n(
                '0',
                usize::try_from(point - count).unwrap_or(0),
            ));
            out.push_str(".0");
        } else {
            let (int_part, frac_part) =
                digits.split_at(usize::try_from(point).unwrap_or(0).min(digits.len()));
            out.push_str(int_part);
            out.push('.');
            out.push_str(frac_part);
        }
    } else {
        let mut chars = digits.chars();
        out.extend(chars.next());
        let rest = chars.as_str();
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push_str(&format!(
            "e{}{:02}",
            if exponent < 0 { '-' } else { '+' },
            exponent.unsigned_abs()
        ));
    }
    out
}

/// Compact JSON for error messages, cut short if long.
fn show(value: &Value) -> String {
    shorten(serde_json::to_string(value).unwrap_or_default())
}

fn shorten(text: String) -> String {
    if text.chars().count() <= MAX_SHOWN {
        return text;
    }
    let mut short: String = text.chars().take(MAX_SHOWN).collect();
    short.push('…');
    short
}

// ---------------------------------------------------------------------------
// Python's int()/float() for to_number
// ---------------------------------------------------------------------------

/// The value of each Unicode decimal digit zero (category Nd, Python 3.13's
/// Unicode 15.1); every one starts a run of ten.
const DECIMAL_ZEROS: [u32; 68] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60, 0x16AC0,
    0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950,
    0x1FBF0,
];

fn unicode_decimal(c: char) -> Option<char> {
    let code = u32::from(c);
    DECIMAL_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|&zero| char::from_digit(code - zero, 10))
}

/// Removes PEP 515 underscores, which Python allows only between digits.
fn strip_underscores(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '_' {
            let after_digit = prev.is_some_and(|p| p.is_ascii_digit());
            let before_digit = chars.peek().is_some_and(char::is_ascii_digit);
            if !(after_digit && before_digit) {
                return None;
            }
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    Some(out)
}

/// `to_number` on a string: Python's `int(s)`, else `float(s)`, else null.
/// Both first map Unicode digits to ASCII and trim whitespace, and accept
/// `1_000`. A `nan` or `inf` result, which JSON cannot hold, is null here.
fn py_str_to_number(s: &str) -> Option<Num> {
    let mut ascii = String::with_capacity(s.len());
    for c in s.chars() {
        if u32::from(c) < 127 {
            ascii.push(c);
        } else if py_isspace(c) {
            ascii.push(' ');
        } else {
            ascii.push(unicode_decimal(c)?);
        }
    }
    let text = ascii.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r'));
    let text = strip_underscores(text)?;
    let digits = text.strip_prefix(['+', '-']).unwrap_or(&text);
    if !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && let Ok(i) = text.parse::<i128>()
    {
        return Some(Num::Int(i));
    }
    let f: f64 = text.parse().ok()?;
    f.is_finite().then_some(Num::Float(f))
}

// ---------------------------------------------------------------------------
// Functions (port of jmespath/functions.py)
// ---------------------------------------------------------------------------

/// A type in a function signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Number,
    String,
    Array,
    Object,
    Expref,
    ArrayNumber,
    ArrayString,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Number => "number",
            Ty::String => "string",
            Ty::Array => "array",
            Ty::Object => "object",
            Ty::Expref => "expref",
            Ty::ArrayNumber => "array-number",
            Ty::ArrayString => "array-string",
        }
    }

    fn top(self) -> &'static str {
        match self {
            Ty::ArrayNumber | Ty::ArrayString => "array",
            other => other.name(),
        }
    }

    fn element(self) -> Option<&'static str> {
        match self {
            Ty::ArrayNumber => Some("number"),
            Ty::ArrayString => Some("string"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Abs,
    Avg,
    Ceil,
    Contains,
    EndsWith,
    Floor,
    Join,
    Keys,
    Length,
    Map,
    Max,
    MaxBy,
    Merge,
    Min,
    MinBy,
    NotNull,
    Reverse,
    Sort,
    SortBy,
    StartsWith,
    Sum,
    ToArray,
    ToNumber,
    ToString,
    Type,
    Values,
}

/// Allowed types per argument (empty = any); with `variadic`, the last
/// entry may repeat and, as in Python, only the listed positions are
/// type-checked.
struct Signature {
    args: &'static [&'static [Ty]],
    variadic: bool,
}

fn lookup(name: &str) -> Option<(Func, Signature)> {
    use Ty::*;
    let fixed = |args| Signature {
        args,
        variadic: false,
    };
    Some(match name {
        "abs" => (Func::Abs, fixed(&[&[Number]])),
        "avg" => (Func::Avg, fixed(&[&[ArrayNumber]])),
        "ceil" => (Func::Ceil, fixed(&[&[Number]])),
        "contains" => (Func::Contains, fixed(&[&[Array, String], &[]])),
        "ends_with" => (Func::EndsWith, fixed(&[&[String], &[String]])),
        "floor" => (Func::Floor, fixed(&[&[Number]])),
        "join" => (Func::Join, fixed(&[&[String], &[ArrayString]])),
        "keys" => (Func::Keys, fixed(&[&[Object]])),
        "length" => (Func::Length, fixed(&[&[String, Array, Object]])),
        "map" => (Func::Map, fixed(&[&[Expref], &[Array]])),
        "max" => (Func::Max, fixed(&[&[ArrayNumber, ArrayString]])),
        "max_by" => (Func::MaxBy, fixed(&[&[Array], &[Expref]])),
        "merge" => (
            Func::Merge,
            Signature {
                args: &[&[Object]],
                variadic: true,
            },
        ),
        "min" => (Func::Min, fixed(&[&[ArrayNumber, ArrayString]])),
        "min_by" => (Func::MinBy, fixed(&[&[Array], &[Expref]])),
        "not_null" => (
            Func::NotNull,
            Signature {
                args: &[&[]],
                variadic: true,
            },
        ),
        "reverse" => (Func::Reverse, fixed(&[&[Array, String]])),
        "sort" => (Func::Sort, fixed(&[&[ArrayString, ArrayNumber]])),
        "sort_by" => (Func::SortBy, fixed(&[&[Array], &[Expref]])),
        "starts_with" => (Func::StartsWith, fixed(&[&[String], &[String]])),
        "sum" => (Func::Sum, fixed(&[&[ArrayNumber]])),
        "to_array" => (Func::ToArray, fixed(&[&[]])),
        "to_number" => (Func::ToNumber, fixed(&[&[]])),
        "to_string" => (Func::ToString, fixed(&[&[]])),
        "type" => (Func::Type, fixed(&[&[]])),
        "values" => (Func::Values, fixed(&[&[Object]])),
        _ => return None,
    })
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_error(name: &str, shown: &str, actual: &str, expected: &[&str]) -> QueryError {
    let expected: Vec<String> = expected.iter().map(|t| format!("'{t}'")).collect();
    runtime(format!(
        "In function {name}(), invalid type for value: {shown}, expected one of: [{}], received: \"{actual}\"",
        expected.join(", ")
    ))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "argument" } else { "arguments" }
}

/// `Functions._validate_arguments`: arity, then each listed argument's
/// type and, for `array-number`/`array-string`, its elements' types (with
/// two element types, the first element picks which one applies).
fn check_args(name: &str, sig: &Signature, args: &[Val<'_, '_>]) -> Result<(), QueryError> {
    let expected = sig.args.len();
    if sig.variadic && args.len() < expected {
        return Err(runtime(format!(
            "Expected at least {expected} {} for function {name}(), received {}",
            plural(expected),
            args.len()
        )));
    }
    if !sig.variadic && args.len() != expected {
        return Err(runtime(format!(
            "Expected {expected} {} for function {name}(), received {}",
            plural(expected),
            args.len()
        )));
    }
    for (arg, types) in args.iter().zip(sig.args) {
        if types.is_empty() {
            continue;
        }
        let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
        let view = arg.view();
        let actual = view.type_name();
        if !types.iter().any(|t| t.top() == actual) {
            return Err(type_error(name, &view.show(), actual, &names));
        }
        let element_types: Vec<&str> = types.iter().filter_map(|t| t.element()).collect();
        let Some(items) = view.elems() else {
            continue;
        };
        let allowed = match (element_types.as_slice(), items.get(0)) {
            ([], _) | (_, None) => continue,
            ([only], _) => *only,
            (_, Some(first)) => {
                let first_type = type_of(first);
                match element_types.iter().find(|t| **t == first_type) {
                    Some(t) => *t,
                    None => return Err(type_error(name, &show(first), first_type, &names)),
                }
            }
        };
        if let Some(bad) = items.iter().find(|item| type_of(item) != allowed) {
            return Err(type_error(name, &show(bad), type_of(bad), &names));
        }
    }
    Ok(())
}

fn internal(name: &str) -> QueryError {
    runtime(format!(
        "internal error: {name}() received an argument its signature excludes"
    ))
}

fn take<'a, 'v, const N: usize>(
    name: &str,
    args: Vec<Val<'a, 'v>>,
) -> Result<[Val<'a, 'v>; N], QueryError> {
    <[Val<'a, 'v>; N]>::try_from(args).map_err(|_| internal(name))
}

fn number_arg(name: &str, val: &Val<'_, '_>) -> Result<Num, QueryError> {
    match val.view().json() {
        Some(Value::Number(n)) => Ok(num(n)),
        _ => Err(internal(name)),
    }
}

fn string_arg<'s>(name: &str, val: &'s Val<'_, '_>) -> Result<&'s str, QueryError> {
    match val.view().json() {
        Some(Value::String(s)) => Ok(s),
        _ => Err(internal(name)),
    }
}

fn array_arg<'s>(name: &str, val: &'s Val<'_, '_>) -> Result<Elems<'s>, QueryError> {
    val.view().elems().ok_or_else(|| internal(name))
}

fn object_arg<'s>(name: &str, val: &'s Val<'_, '_>) -> Result<&'s Map<String, Value>, QueryError> {
    match val.view().json() {
        Some(Value::Object(map)) => Ok(map),
        _ => Err(internal(name)),
    }
}

fn expref_arg<'a>(name: &str, val: &Val<'a, '_>) -> Result<&'a Node, QueryError> {
    match val {
        Val::Expref(node) => Ok(node),
        _ => Err(internal(name)),
    }
}

/// The element at `index` of an array argument, borrowed or moved out.
fn element<'a, 'v>(array: Val<'a, 'v>, index: usize) -> Val<'a, 'v> {
    let picked = match array {
        Val::Ref(Value::Array(items)) => items.get(index).map(Val::Ref),
        Val::Refs(items) => items.get(index).copied().map(Val::Ref),
        Val::Own(Value::Array(items)) => items.into_iter().nth(index).map(Val::Own),
        _ => None,
    };
    picked.unwrap_or_else(null)
}

/// The elements of an array argument in `order`: references when it was
/// borrowed, moved out when owned.
fn reorder<'a, 'v>(array: Val<'a, 'v>, order: &[usize]) -> Val<'a, 'v> {
    match array {
        Val::Ref(Value::Array(items)) => {
            Val::Refs(order.iter().filter_map(|&i| items.get(i)).collect())
        }
        Val::Refs(items) => Val::Refs(
            order
                .iter()
                .filter_map(|&i| items.get(i).copied())
                .collect(),
        ),
        Val::Own(Value::Array(items)) => {
            let mut slots: Vec<Option<Value>> = items.into_iter().map(Some).collect();
            let picked = order
                .iter()
                .filter_map(|&i| slots.get_mut(i).and_then(Option::take));
            Val::Own(Value::Array(picked.collect()))
        }
        _ => Val::Own(Value::Array(Vec::new())),
    }
}

/// A sort key from an expression reference: a number or a string.
enum Key {
    Num(Num),
    Str(String),
}

impl Key {
    fn type_name(&self) -> &'static str {
        match self {
            Key::Num(_) => "number",
            Key::Str(_) => "string",
        }
    }

    fn cmp(&self, other: &Key, symbol: &str) -> Result<Ordering, QueryError> {
        match (self, other) {
            (Key::Num(a), Key::Num(b)) => Ok(cmp_num(*a, *b)),
            (Key::Str(a), Key::Str(b)) => Ok(a.cmp(b)),
            (a, b) => Err(runtime(format!(
                "'{symbol}' is not supported between a {} and a {}",
                a.type_name(),
                b.type_name()
            ))),
        }
    }
}

/// `_create_key_func`: evaluates `node` on `item`, requiring one of
/// `allowed` (JMESPath type names).
fn key_of(name: &str, node: &Node, item: &Value, allowed: &[&str]) -> Result<Key, QueryError> {
    let result = eval(node, &Cur::Json(item))?;
    match result.view() {
        View::Json(Value::Number(n)) if allowed.contains(&"number") => Ok(Key::Num(num(n))),
        View::Json(Value::String(s)) if allowed.contains(&"string") => Ok(Key::Str(s.clone())),
        view => Err(type_error(name, &view.show(), view.type_name(), allowed)),
    }
}

/// `max`/`min`: the first greatest (least) element, as Python's builtins.
fn extreme(items: Elems<'_>, want: Ordering) -> Result<Option<usize>, QueryError> {
    let symbol = if want == Ordering::Greater { ">" } else { "<" };
    let mut best: Option<(usize, &Value)> = None;
    for (i, item) in items.iter().enumerate() {
        best = match best {
            Some((_, current)) if order(item, current, symbol)? != want => best,
            _ => Some((i, item)),
        };
    }
    Ok(best.map(|(i, _)| i))
}

/// `max_by`/`min_by`: keys are computed and compared item by item, as
/// Python's `max(array, key=...)` does, so a string key against a number
/// key is an error.
fn extreme_by(
    name: &str,
    node: &Node,
    items: Elems<'_>,
    want: Ordering,
) -> Result<Option<usize>, QueryError> {
    let symbol = if want == Ordering::Greater { ">" } else { "<" };
    let mut best: Option<(usize, Key)> = None;
    for (i, item) in items.iter().enumerate() {
        let key = key_of(name, node, item, &["number", "string"])?;
        best = match best {
            Some((j, current)) if key.cmp(&current, symbol)? != want => Some((j, current)),
            _ => Some((i, key)),
        };
    }
    Ok(best.map(|(i, _)| i))
}

/// `sort_by`: the first element's key fixes the key type (number or
/// string); every key must then have it. Stable, like Python's `sorted`.
fn sort_by_order(node: &Node, items: Elems<'_>) -> Result<Vec<usize>, QueryError> {
    let Some(first) = items.get(0) else {
        return Ok(Vec::new());
    };
    let required = match key_of("sort_by", node, first, &["number", "string"]) {
        Ok(key) => key.type_name(),
        Err(_) => {
            let result = eval(node, &Cur::Json(first))?;
            let actual = result.view().type_name();
            return Err(type_error(
                "sort_by",
                &show(first),
                actual,
                &["string", "number"],
            ));
        }
    };
    let mut keys = Vec::with_capacity(items.len());
    for item in items.iter() {
        keys.push(key_of("sort_by", node, item, &[required])?);
    }
    let mut ranks: Vec<usize> = (0..items.len()).collect();
    ranks.sort_by(|&a, &b| match (keys.get(a), keys.get(b)) {
        (Some(x), Some(y)) => x.cmp(y, "<").unwrap_or(Ordering::Equal),
        _ => Ordering::Equal,
    });
    Ok(ranks)
}

/// `dict.update(other)` for a `merge()` argument after the first, which
/// Python does not type-check: an object merges; otherwise Python iterates
/// it as key/value pairs (so `[]` and `""` add nothing, `[["k", v]]` adds
/// `k`). Pairs with a non-string key, which JSON objects cannot hold, and
/// everything Python itself rejects, are errors.
fn merge_into(merged: &mut Map<String, Value>, arg: View<'_>) -> Result<(), QueryError> {
    let fail = |what: String| Err(runtime(format!("In function merge(), {what}")));
    if let Some(items) = arg.elems() {
        for (i, item) in items.iter().enumerate() {
            let (key, value) = match item {
                Value::Array(pair) if pair.len() == 2 => match (pair.first(), pair.get(1)) {
                    (Some(Value::String(k)), Some(v)) => (k.clone(), v.clone()),
                    _ => return fail(format!("element #{i} has a key that is not a string")),
                },
                Value::String(pair) if pair.chars().count() == 2 => {
                    let mut chars = pair.chars();
                    let key: String = chars.next().into_iter().collect();
                    (key, Value::String(chars.collect()))
                }
                Value::Object(pair) if pair.len() == 2 => {
                    let mut keys = pair.keys().cloned();
                    match (keys.next(), keys.next()) {
                        (Some(k), Some(v)) => (k, Value::String(v)),
                        _ => return fail(format!("element #{i} is not a key/value pair")),
                    }
                }
                other => {
                    return fail(format!(
                        "element #{i} ({}) is not a key/value pair",
                        show(other)
                    ));
                }
            };
            merged.insert(key, value);
        }
        return Ok(());
    }
    match arg.json() {
        Some(Value::Object(map)) => {
            for (key, value) in map {
                merged.insert(key.clone(), value.clone());
            }
            Ok(())
        }
        Some(Value::String(s)) if s.is_empty() => Ok(()),
        Some(other) => fail(format!("cannot merge a {} into an object", type_of(other))),
        None => fail("cannot merge an expression reference into an object".to_owned()),
    }
}

fn call<'a: 'v, 'v>(name: &str, args: Vec<Val<'a, 'v>>) -> Result<Val<'a, 'v>, QueryError> {
    let Some((func, sig)) = lookup(name) else {
        return Err(runtime(format!("Unknown function: {name}()")));
    };
    check_args(name, &sig, &args)?;
    match func {
        Func::Abs => {
            let [a] = take(name, args)?;
            let n = match number_arg(name, &a)? {
                Num::Int(i) => Num::Int(i.abs()),
                Num::Float(f) => Num::Float(f.abs()),
            };
            Ok(Val::Own(num_value(n)?))
        }
        Func::Avg => {
            let [a] = take(name, args)?;
            let items = array_arg(name, &a)?;
            if items.is_empty() {
                return Ok(null());
            }
            let mean = match py_sum(items.iter()) {
                Num::Int(total) => int_true_div(total, items.len()),
                Num::Float(total) => total / items.len() as f64,
            };
            Ok(Val::Own(float_value(mean)?))
        }
        Func::Ceil | Func::Floor => {
            let [a] = take(name, args)?;
            match number_arg(name, &a)? {
                Num::Int(_) => Ok(a),
                Num::Float(f) => {
                    let whole = if func == Func::Ceil {
                        f.ceil()
                    } else {
                        f.floor()
                    };
                    Ok(Val::Own(integral_value(whole)?))
                }
            }
        }
        Func::Contains => {
            let [subject, search] = take(name, args)?;
            let (subject, search) = (subject.view(), search.view());
            let found = if let Some(items) = subject.elems() {
                items
                    .iter()
                    .any(|item| py_eq_view(View::Json(item), search))
            } else if let Some(Value::String(haystack)) = subject.json() {
                match search.json() {
                    Some(Value::String(needle)) => haystack.contains(needle.as_str()),
                    _ => {
                        return Err(runtime(format!(
                            "In function contains(), searching a string needs a string, not a {}",
                            search.type_name()
                        )));
                    }
                }
            } else {
                return Err(internal(name));
            };
            Ok(Val::Own(Value::Bool(found)))
        }
        Func::EndsWith | Func::StartsWith => {
            let [subject, affix] = take(name, args)?;
            let (subject, affix) = (string_arg(name, &subject)?, string_arg(name, &affix)?);
            let result = if func == Func::EndsWith {
                subject.ends_with(affix)
            } else {
                subject.starts_with(affix)
            };
            Ok(Val::Own(Value::Bool(result)))
        }
        Func::Join => {
            let [separator, a] = take(name, args)?;
            let separator = string_arg(name, &separator)?;
            let parts: Vec<&str> = array_arg(name, &a)?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            Ok(Val::Own(Value::String(parts.join(separator))))
        }
        Func::Keys => {
            let [a] = take(name, args)?;
            let keys = object_arg(name, &a)?.keys().cloned().map(Value::String);
            Ok(Val::Own(Value::Array(keys.collect())))
        }
        Func::Values => {
            let [a] = take(name, args)?;
            match a {
                Val::Ref(Value::Object(map)) => Ok(Val::Refs(map.values().collect())),
                Val::Own(Value::Object(map)) => Ok(Val::Own(Value::Array(
                    map.into_iter().map(|(_, v)| v).collect(),
                ))),
                _ => Err(internal(name)),
            }
        }
        Func::Length => {
            let [a] = take(name, args)?;
            let view = a.view();
            let length = match (view.json(), view.elems()) {
                (_, Some(items)) => items.len(),
                (Some(Value::String(s)), _) => s.chars().count(),
                (Some(Value::Object(map)), _) => map.len(),
                _ => return Err(internal(name)),
            };
            Ok(Val::Own(Value::from(length)))
        }
        Func::Map => {
            let [e, a] = take(name, args)?;
            let node = expref_arg(name, &e)?;
            let mut out = Vec::new();
            for item in array_arg(name, &a)?.iter() {
                out.push(eval(node, &Cur::Json(item))?.into_value()?);
            }
            Ok(Val::Own(Value::Array(out)))
        }
        Func::Max | Func::Min => {
            let [a] = take(name, args)?;
            let want = if func == Func::Max {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            Ok(match extreme(array_arg(name, &a)?, want)? {
                Some(i) => element(a, i),
                None => null(),
            })
        }
        Func::MaxBy | Func::MinBy => {
            let [a, e] = take(name, args)?;
            let want = if func == Func::MaxBy {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            Ok(
                match extreme_by(name, expref_arg(name, &e)?, array_arg(name, &a)?, want)? {
                    Some(i) => element(a, i),
                    None => null(),
                },
            )
        }
        Func::SortBy => {
            let [a, e] = take(name, args)?;
            let ranks = sort_by_order(expref_arg(name, &e)?, array_arg(name, &a)?)?;
            Ok(reorder(a, &ranks))
        }
        Func::Sort => {
            let [a] = take(name, args)?;
            let items = array_arg(name, &a)?;
            let mut ranks: Vec<usize> = (0..items.len()).collect();
            ranks.sort_by(|&x, &y| match (items.get(x), items.get(y)) {
                (Some(p), Some(q)) => order(p, q, "<").unwrap_or(Ordering::Equal),
                _ => Ordering::Equal,
            });
            Ok(reorder(a, &ranks))
        }
        Func::Merge => {
            let mut merged = Map::new();
            for arg in &args {
                merge_into(&mut merged, arg.view())?;
            }
            Ok(Val::Own(Value::Object(merged)))
        }
        Func::NotNull => Ok(args.into_iter().find(|a| !a.is_null()).unwrap_or_else(null)),
        Func::Reverse => {
            let [a] = take(name, args)?;
            if let Some(Value::String(s)) = a.view().json() {
                return Ok(Val::Own(Value::String(s.chars().rev().collect())));
            }
            let count = array_arg(name, &a)?.len();
            let ranks: Vec<usize> = (0..count).rev().collect();
            Ok(reorder(a, &ranks))
        }
        Func::Sum => {
            let [a] = take(name, args)?;
            Ok(Val::Own(num_value(py_sum(array_arg(name, &a)?.iter()))?))
        }
        Func::ToArray => {
            let [a] = take(name, args)?;
            if a.view().elems().is_some() {
                Ok(a)
            } else {
                Ok(Val::Own(Value::Array(vec![a.into_value()?])))
            }
        }
        Func::ToNumber => {
            let [a] = take(name, args)?;
            match a.view() {
                View::Json(Value::Number(_)) => Ok(a),
                View::Json(Value::String(s)) => match py_str_to_number(s) {
                    Some(n) => Ok(Val::Own(num_value(n)?)),
                    None => Ok(null()),
                },
                View::Json(_) | View::Refs(_) => Ok(null()),
                // Python calls int() on its expression object: TypeError.
                View::Expref => Err(runtime(
                    "In function to_number(), an expression reference cannot be converted",
                )),
            }
        }
        Func::ToString => {
            let [a] = take(name, args)?;
            match a.view() {
                View::Json(Value::String(_)) => Ok(a),
                View::Json(value) => Ok(Val::Own(Value::String(py_dumps(value)))),
                View::Refs(items) => {
                    let mut out = String::from("[");
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        dump_into(item, &mut out);
                    }
                    out.push(']');
                    Ok(Val::Own(Value::String(out)))
                }
                View::Expref => Err(expref_as_value()),
            }
        }
        Func::Type => {
            let [a] = take(name, args)?;
            // Python's type() has no branch for its expression objects: None.
            match a.view() {
                View::Expref => Ok(null()),
                view => Ok(Val::Own(Value::String(view.type_name().to_owned()))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(expression: &str, data: &Value) -> Value {
        match search(expression, data) {
            Ok(v) => v,
            Err(e) => panic!("`{expression}` failed: {e}"),
        }
    }

    fn keys_of(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Strict JSON equality for the compliance suite: numbers by value
    /// (`2.0 == 2`, as the suite's Python harness compares), booleans never
    /// equal to numbers, objects regardless of key order.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => cmp_num(num(x), num(y)) == Ordering::Equal,
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    #[test]
    fn compliance_suite() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/jmespath-compliance"
        );
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        let (mut passed, mut benches) = (0, 0);
        let mut failures = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let suites: Vec<Value> = serde_json::from_str(&text).unwrap_or_default();
            let file_name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            for suite in &suites {
                let given = &suite["given"];
                for case in suite["cases"].as_array().into_iter().flatten() {
                    let expression = case["expression"].as_str().unwrap_or_default();
                    let got = search(expression, given);
                    let ok = if let Some(expected) = case.get("result") {
                        got.as_ref().is_ok_and(|v| same(v, expected))
                    } else if let Some(kind) = case.get("error").and_then(Value::as_str) {
                        match &got {
                            Err(QueryError::Syntax(_)) => kind == "syntax",
                            Err(QueryError::Runtime(_)) => kind != "syntax",
                            Ok(_) => false,
                        }
                    } else {
                        // Benchmark cases carry no expectation; they must
                        // merely not panic (two fail in Python too).
                        benches += 1;
                        continue;
                    };
                    if ok {
                        passed += 1;
                    } else {
                        failures.push(format!(
                            "{file_name}: {expression:?} -> {got:?}, expected {case}"
                        ));
                    }
                }
            }
        }
        eprintln!(
            "JMESPath compliance: {passed} passed, {} failed, {benches} benchmark cases run",
            failures.len()
        );
        assert!(
            failures.is_empty(),
            "compliance failures:\n{}",
            failures.join("\n")
        );
        assert!(
            passed >= 861,
            "only {passed} compliance cases found in {dir}"
        );
    }

    #[test]
    fn multi_select_hash_keeps_written_order() {
        let data = json!({"a": 1, "b": 2, "c": 3});
        assert_eq!(keys_of(&q("{b: b, a: a, c: c}", &data)), ["b", "a", "c"]);
        assert_eq!(keys_of(&q("{Name: a, Desc: b}", &data)), ["Name", "Desc"]);
        // A repeated key keeps its first place and takes the last value.
        let repeated = q("{z: a, y: b, z: c}", &data);
        assert_eq!(keys_of(&repeated), ["z", "y"]);
        assert_eq!(repeated["z"], json!(3));
    }

    #[test]
    fn document_order_is_kept() {
        let data: Value =
            serde_json::from_str(r#"{"zeta": 1, "alpha": 2, "mid": {"y": 1, "x": 2}}"#)
                .unwrap_or_default();
        assert_eq!(q("keys(@)", &data), json!(["zeta", "alpha", "mid"]));
        assert_eq!(q("values(mid)", &data), json!([1, 2]));
        assert_eq!(q("*", &data), json!([1, 2, {"y": 1, "x": 2}]));
        assert_eq!(keys_of(&q("mid", &data)), ["y", "x"]);
        assert_eq!(
            keys_of(&q("merge(mid, `{\"b\": 1, \"a\": 2, \"y\": 9}`)", &data)),
            ["y", "x", "b", "a"]
        );
        assert_eq!(keys_of(&q("`{\"b\": 1, \"a\": 2}`", &data)), ["b", "a"]);
        assert_eq!(q("to_string(mid)", &data), json!("{\"y\":1,\"x\":2}"));
    }

    #[test]
    fn legacy_literals_are_strings() {
        let data = json!({
            "Aliases": [{"AliasName": "alias/same"}, {"AliasName": "alias/diff-key", "TargetKeyId": "k2"}],
            "Keys": [{"KeyId": "44b1dd03-fbe4-4e5b-9c52-2f3a0c1d2e3f"}, {"KeyId": "other"}]
        });
        assert_eq!(q("`foo`", &data), json!("foo"));
        assert_eq!(q("`alias/x`", &data), json!("alias/x"));
        assert_eq!(q("`44b1-x`", &data), json!("44b1-x"));
        assert_eq!(q("`  padded `", &data), json!("padded "));
        assert_eq!(q("`44`", &data), json!(44));
        // Ids whose start reads as a huge number or NaN are still invalid
        // JSON as a whole, so strings (KMS key ids are random hex).
        assert_eq!(
            q("`3e5309cc-f9f8-4268-91f3-72c6e802bf15`", &data),
            json!("3e5309cc-f9f8-4268-91f3-72c6e802bf15")
        );
        assert_eq!(q("`NaNny`", &data), json!("NaNny"));
        assert_eq!(q("`Infinity-x`", &data), json!("Infinity-x"));
        assert!(search("`3e5309`", &data).is_err());
        assert!(search("`NaN`", &data).is_err());
        assert!(search("`\"\\ud800\"`", &data).is_err());
        assert_eq!(q("`\"\\ud83d\\ude00\"`", &data), json!("\u{1f600}"));
        assert_eq!(
            q("Aliases[?AliasName == `alias/diff-key`].TargetKeyId", &data),
            json!(["k2"])
        );
        assert_eq!(
            q(
                "Keys[?KeyId == `44b1dd03-fbe4-4e5b-9c52-2f3a0c1d2e3f`] | length(@)",
                &data
            ),
            json!(1)
        );
        assert_eq!(
            q(
                "Keys[0].KeyId == `44b1dd03-fbe4-4e5b-9c52-2f3a0c1d2e3f`",
                &data
            ),
            json!(true)
        );
        // JSON escapes apply to the fallback string too; a bare quote cannot.
        assert_eq!(q(r"`a\tb`", &data), json!("a\tb"));
        assert!(matches!(
            search("`a\"b`", &data),
            Err(QueryError::Syntax(_))
        ));
    }

    #[test]
    fn escaped_backticks() {
        let data = json!({"a`b": 1});
        assert_eq!(q(r#"`"a\`b"`"#, &data), json!("a`b"));
        assert_eq!(q(r"`a\`b`", &data), json!("a`b"));
        // Backticks inside raw strings and quoted identifiers are plain text.
        assert_eq!(q("'a`b'", &data), json!("a`b"));
        assert_eq!(q(r#""a`b""#, &data), json!(1));
        assert_eq!(q(r"'it\'s'", &data), json!("it's"));
        assert_eq!(q(r"'a\\b'", &data), json!("a\\\\b"));
        assert!(matches!(search("`abc", &data), Err(QueryError::Syntax(_))));
    }

    #[test]
    fn numbers_keep_python_types() {
        let data = json!({"i": [1, 2, 3], "f": [1.5, 2.5], "e": []});
        assert_eq!(q("sum(i)", &data), json!(6));
        assert!(q("sum(i)", &data).is_i64());
        assert!(q("sum(f)", &data).is_f64());
        assert_eq!(q("sum(e)", &data), json!(0));
        assert_eq!(q("avg(i)", &data), json!(2.0));
        assert!(q("avg(i)", &data).is_f64());
        assert_eq!(q("avg(e)", &data), Value::Null);
        assert_eq!(q("abs(`-1`)", &data), json!(1));
        assert!(q("abs(`-1`)", &data).is_i64());
        assert_eq!(q("ceil(`1.5`)", &data), json!(2));
        assert!(q("ceil(`1.5`)", &data).is_i64());
        assert!(q("floor(`-1.5`)", &data).is_i64());
        assert_eq!(q("length('héllo')", &data), json!(5));
        assert_eq!(q("to_number('1_000')", &data), json!(1000));
        assert_eq!(q("to_number(' 2.50 ')", &data), json!(2.5));
        assert_eq!(q("to_number('nope')", &data), Value::Null);
        assert_eq!(q("sum(`[0.1, 0.2, 0.3]`)", &data), json!(0.6));
        assert_eq!(
            q("to_string(`[1.0, 1e16, 0.00001, \"é\"]`)", &data),
            json!("[1.0,1e+16,1e-05,\"\\u00e9\"]")
        );
    }

    #[test]
    fn python_comparison_quirks() {
        let data = json!({"n": 1, "t": true, "s": "b"});
        assert_eq!(q("n == t", &data), json!(false));
        assert_eq!(q("[n] == [t]", &data), json!(true));
        assert_eq!(q("`1` == `1.0`", &data), json!(true));
        assert_eq!(q("s > 'a'", &data), json!(true));
        assert_eq!(q("t > `0`", &data), Value::Null);
        assert!(matches!(
            search("s < n", &data),
            Err(QueryError::Runtime(_))
        ));
        assert_eq!(q("!`0`", &data), json!(false));
        assert_eq!(q("contains(`[1]`, `true`)", &data), json!(true));
    }

    #[test]
    fn python_parse_quirks() {
        let data = json!({"a": [[{"b": 1}], [{"b": 2}]], "c": 1, "d": 2});
        assert_eq!(q("a[0][0:2].b", &data), Value::Null);
        assert_eq!(q("a[0:2][0].b", &data), json!([1, 2]));
        assert_eq!(q("{x: c y: d}", &data), json!({"x": 1, "y": 2}));
        assert_eq!(q("not_null(missing c)", &data), json!(1));
        assert_eq!(q("a[99999999999999999999]", &data), Value::Null);
        assert_eq!(q("a[-99999999999999999999:]", &data), data["a"]);
    }

    #[test]
    fn errors_are_classified() {
        let data = json!({"a": [1, 2]});
        for bad in [
            "", "a[", "a.", "foo bar", "a[?]", "\"a\"()", "`[1,`x", "a == = b", "`NaN`", "'abc",
        ] {
            assert!(
                matches!(search(bad, &data), Err(QueryError::Syntax(_))),
                "{bad:?} should be a syntax error"
            );
        }
        for bad in [
            "nope(a)",
            "length(a, a)",
            "abs('x')",
            "a[::0]",
            "&a",
            "[&a]",
            "sort_by(a, &[@])",
        ] {
            assert!(
                matches!(search(bad, &data), Err(QueryError::Runtime(_))),
                "{bad:?} should be a runtime error"
            );
        }
        // Unknown functions are only an error where Python evaluates them.
        assert_eq!(q("missing[*].nope(@)", &data), Value::Null);
        assert_eq!(q("type(&a)", &data), Value::Null);
    }

    #[test]
    fn deep_expressions_fail_cleanly() {
        let data = json!({"a": 1});
        let nested = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(matches!(search(&nested, &data), Err(QueryError::Syntax(_))));
        let piped = vec!["a"; 100_000].join("|");
        assert!(matches!(search(&piped, &data), Err(QueryError::Syntax(_))));
        let flattened = format!("a{}", "[]".repeat(100_000));
        assert!(matches!(
            search(&flattened, &data),
            Err(QueryError::Syntax(_))
        ));
        let growing = vec!["[[[[@]]]]"; 100].join(" | ");
        assert!(matches!(
            search(&growing, &data),
            Err(QueryError::Syntax(_))
        ));
        let literal = format!("`{}1{}`", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(
            search(&literal, &data),
            Err(QueryError::Syntax(_))
        ));
    }

    #[test]
    fn deepest_accepted_expressions_fit_a_small_stack() {
        type Shape = fn(usize) -> String;
        let shapes: [Shape; 10] = [
            |n| format!("{}@{}", "sort_by([".repeat(n), "], &a)".repeat(n)),
            |n| format!("{}@{}", "map(&[".repeat(n), "], @)".repeat(n)),
            |n| format!("{}a{}", "(".repeat(n), ")".repeat(n)),
            |n| vec!["@"; n].join(" | "),
            |n| format!("{}@{}", "[".repeat(n), "]".repeat(n)),
            |n| format!("{}@{}", "{a: ".repeat(n), "}".repeat(n)),
            |n| format!("{}a", "!".repeat(n)),
            |n| format!("a{}", "[?a]".repeat(n)),
            |n| format!("a{}", "[*]".repeat(n)),
            |n| format!("{}a{}", "not_null(".repeat(n), ")".repeat(n)),
        ];
        // Tokio's worker and blocking threads have 2 MiB stacks; this passes
        // with 1 MiB in a debug build.
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let data = json!({"a": [{"a": [1]}]});
                let mut deepest = Vec::new();
                for shape in shapes {
                    let n = (1..=MAX_DEPTH)
                        .rev()
                        .find(|&n| Query::compile(&shape(n)).is_ok())
                        .unwrap_or(0);
                    // Only finishing matters: some of these fail at runtime.
                    let _ = search(&shape(n), &data);
                    deepest.push(n);
                }
                // The deepest value an accepted expression can build, from
                // the deepest document serde_json parses, walked every way.
                let stage = format!("{}@{}", "[".repeat(16), "]".repeat(16));
                let expression = vec![stage; MAX_NEST / 16].join(" | ");
                let text = format!("{}1{}", "[".repeat(127), "]".repeat(127));
                let document: Value = serde_json::from_str(&text).unwrap_or_default();
                let built = search(&expression, &document).unwrap_or_default();
                let printed = serde_json::to_string_pretty(&built).unwrap_or_default();
                let compared = search("to_string(@) == to_string(@) && @ == @", &built);
                deepest.push(usize::from(
                    printed.len() > 1000 && compared == Ok(json!(true)),
                ));
                deepest
            });
        let mut deepest = handle
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(deepest.pop(), Some(1), "the deepest value was not built");
        assert_eq!(deepest.len(), 10);
        assert!(
            deepest.iter().all(|&n| n >= MAX_DEPTH / 3 - 2),
            "{deepest:?}"
        );
    }

    #[test]
    fn compiled_query_is_reusable() {
        fn shareable<T: Send + Sync>(_: &T) {}
        let query = match Query::compile("Items[].{Id: id, Name: name}") {
            Ok(query) => query,
            Err(e) => panic!("{e}"),
        };
        // Pages may be rendered on any thread.
        shareable(&query);
        let pages = [
            json!({"Items": [{"name": "x", "id": 1}]}),
            json!({"Items": [{"name": "y", "id": 2}]}),
        ];
        let results: Vec<Value> = pages.iter().filter_map(|p| query.search(p).ok()).collect();
        assert_eq!(
            results,
            [
                json!([{"Id": 1, "Name": "x"}]),
                json!([{"Id": 2, "Name": "y"}])
            ]
        );
        assert_eq!(
            results.first().and_then(|r| r.get(0)).map(keys_of),
            Some(vec!["Id", "Name"])
        );
    }
}
