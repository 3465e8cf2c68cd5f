//! Pagination as the AWS CLI does it (botocore's `PageIterator` and
//! `build_full_result`): every page fetched and the result keys merged,
//! the non-aggregate keys of the first page kept, `--max-items` cutting the
//! result with a `NextToken` that `--starting-token` resumes, and tokens
//! encoded the way botocore encodes them (base64 of a JSON object), so a
//! token from the CLI works here and the other way round.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::ExecError;
use super::output::search;
use crate::command::{GlobalOptions, ParsedCommand};
use crate::model::{Operation, Paginator};

/// Whether the CLI would paginate `command`: the operation has a
/// paginator, `--no-paginate` is not given, and the user did not set a
/// paging member by hand (`--next-token`, `--max-results`), which turns
/// pagination off in the CLI.
pub fn applies(operation: &Operation, command: &ParsedCommand) -> bool {
    let Some(p) = &operation.paginator else {
        return false;
    };
    if command.global.no_paginate {
        return false;
    }
    let manual = command.parameters.iter().any(|param| {
        let paging = p.input_token.contains(&param.api_name)
            || p.limit_key.as_ref() == Some(&param.api_name);
        paging && param.cli_name != "starting-token" && param.cli_name != "page-size"
    });
    !manual
}

/// What to do after a page.
pub enum Next {
    /// Stop.
    Done,
    /// Fetch the next page with these input tokens.
    Request(Vec<(String, Value)>),
}

/// Merges pages.
pub struct Pager<'a> {
    paginator: &'a Paginator,
    max_items: Option<usize>,
    /// Items to skip from the first page (`boto_truncate_amount`).
    starting_truncation: usize,
    /// The tokens that fetched the current page.
    current_tokens: Map<String, Value>,
    total_items: usize,
    first: bool,
    complete: Map<String, Value>,
    non_aggregate: Map<String, Value>,
    resume: Option<String>,
    /// Each page as the CLI's text output shows it.
    pages: Vec<Value>,
    /// Whether to keep `pages` (only `--output text` prints page by page;
    /// keeping them otherwise doubles the memory of a long listing).
    keep_pages: bool,
}

/// The merged pages.
pub struct Merged {
    /// The full result (`build_full_result`).
    pub result: Map<String, Value>,
    /// The pages one by one, for `--output text`.
    pub pages: Vec<Value>,
    /// The resume token, when cut.
    pub next_token: Option<String>,
}

impl<'a> Pager<'a> {
    /// A pager; puts the decoded `--starting-token` into `params`.
    pub fn new(
        paginator: &'a Paginator,
        global: &GlobalOptions,
        params: &mut Map<String, Value>,
    ) -> Result<Self, ExecError> {
        let mut current_tokens = Map::new();
        let mut starting_truncation = 0;
        if let Some(token) = &global.starting_token {
            let (tokens, skip) = decode_token(token, &paginator.input_token)?;
            starting_truncation = skip;
            for (k, v) in tokens {
                if v.is_null() {
                    params.remove(&k);
                } else {
                    params.insert(k.clone(), v.clone());
                }
                current_tokens.insert(k, v);
            }
        }
        Ok(Pager {
            paginator,
            max_items: global.max_items.map(|m| m as usize),
            starting_truncation,
            current_tokens,
            total_items: 0,
            first: true,
            complete: Map::new(),
            non_aggregate: Map::new(),
            resume: None,
            pages: Vec::new(),
            keep_pages: global.output.as_deref() == Some("text"),
        })
    }

    /// Adds a page; says whether to fetch another.
    pub fn add(&mut self, mut page: Map<String, Value>) -> Result<Next, ExecError> {
        let keys = &self.paginator.result_key;
        let primary = keys.first().cloned().unwrap_or_default();
        if self.first {
            for expr in &self.paginator.non_aggregate_keys {
                let v = search(expr, &Value::Object(page.clone()))?;
                set_path(&mut self.non_aggregate, expr, v);
            }
            if self.starting_truncation > 0 {
                let data = get_path(&page, &primary);
                let cut = match data {
                    Some(Value::Array(items)) => Value::Array(
                        items
                            .iter()
                            .skip(self.starting_truncation)
                            .cloned()
                            .collect(),
                    ),
                    Some(Value::String(s)) => {
                        Value::String(s.chars().skip(self.starting_truncation).collect())
                    }
                    _ => Value::Null,
                };
                set_path(&mut page, &primary, cut);
                for k in keys.iter().skip(1) {
                    // Numbers stay: DynamoDB's Count still says how many
                    // items the server evaluated (botocore 1.29+).
                    let empty = match get_path(&page, k) {
                        Some(Value::Array(_)) => Value::Array(Vec::new()),
                        Some(Value::String(_)) => Value::String(String::new()),
                        Some(n @ Value::Number(_)) => n.clone(),
                        _ => Value::Null,
                    };
                    set_path(&mut page, k, empty);
                }
            }
        }
        let count = match get_path(&page, &primary) {
            Some(Value::Array(items)) => items.len(),
            Some(Value::String(s)) => s.chars().count(),
            _ => 0,
        };
        let next = self.next_tokens(&page)?;
        if let Some(max) = self.max_items
            && self.total_items + count > max
        {
            let keep = max - self.total_items;
            if let Some(Value::Array(items)) = get_path(&page, &primary) {
                let kept: Vec<Value> = items.iter().take(keep).cloned().collect();
                set_path(&mut page, &primary, Value::Array(kept));
            }
            let skip = if self.first {
                self.starting_truncation
            } else {
                0
            };
            let mut token = self.current_tokens.clone();
            for name in &self.paginator.input_token {
                token.entry(name.clone()).or_insert(Value::Null);
            }
            token.insert("boto_truncate_amount".to_owned(), Value::from(keep + skip));
            self.resume = Some(encode_token(&token));
            self.merge(&page);
            self.first = false;
            return Ok(Next::Done);
        }
        self.merge(&page);
        self.first = false;
        self.total_items += count;
        let Some(next) = next else {
            return Ok(Next::Done);
        };
        if self.max_items == Some(self.total_items) {
            self.resume = Some(encode_token(&next));
            return Ok(Next::Done);
        }
        if !self.current_tokens.is_empty() && self.current_tokens == next {
            return Err(ExecError::Pagination(format!(
                "the service sent the same next token twice ({}); stopping to avoid a loop",
                Value::Object(next)
            )));
        }
        self.current_tokens = next.clone();
        Ok(Next::Request(next.into_iter().collect()))
    }

    /// The token that resumes before `tokens` (for a cut at the page limit).
    pub fn resume_token(&mut self, tokens: &[(String, Value)]) -> String {
        let map: Map<String, Value> = tokens.iter().cloned().collect();
        let token = encode_token(&map);
        self.resume = Some(token.clone());
        token
    }

    /// The merged result, with `NextToken` when cut.
    pub fn finish(mut self) -> Merged {
        let non_aggregate = std::mem::take(&mut self.non_aggregate);
        merge_dicts(&mut self.complete, non_aggregate);
        if let Some(token) = &self.resume {
            self.complete
                .insert("NextToken".to_owned(), Value::String(token.clone()));
        }
        Merged {
            result: self.complete,
            pages: self.pages,
            next_token: self.resume,
        }
    }

    /// The output tokens, or `None` when there are no more pages.
    fn next_tokens(
        &self,
        page: &Map<String, Value>,
    ) -> Result<Option<Map<String, Value>>, ExecError> {
        let page_value = Value::Object(page.clone());
        if let Some(more) = &self.paginator.more_results {
            let v = search(more, &page_value)?;
            if !truthy(&v) {
                return Ok(None);
            }
        }
        let mut tokens = Map::new();
        for (output, input) in self
            .paginator
            .output_token
            .iter()
            .zip(&self.paginator.input_token)
        {
            let v = search(output, &page_value)?;
            tokens.insert(input.clone(), if truthy(&v) { v } else { Value::Null });
        }
        if tokens.values().all(Value::is_null) {
            return Ok(None);
        }
        Ok(Some(tokens))
    }

    fn merge(&mut self, page: &Map<String, Value>) {
        if self.keep_pages {
            let mut view = if self.first {
                self.non_aggregate.clone()
            } else {
                Map::new()
            };
            for key in &self.paginator.result_key {
                set_path(
                    &mut view,
                    key,
                    get_path(page, key).cloned().unwrap_or(Value::Null),
                );
            }
            self.pages.push(Value::Object(view));
        }
        for key in &self.paginator.result_key {
            let Some(value) = get_path(page, key).filter(|v| !v.is_null()).cloned() else {
                continue;
            };
            match get_path(&self.complete, key).cloned() {
                None | Some(Value::Null) => set_path(&mut self.complete, key, value),
                Some(Value::Array(mut existing)) => {
                    if let Value::Array(items) = value {
                        existing.extend(items);
                    }
                    set_path(&mut self.complete, key, Value::Array(existing));
                }
                Some(Value::String(existing)) => {
                    if let Value::String(more) = value {
                        set_path(&mut self.complete, key, Value::String(existing + &more));
                    }
                }
                Some(Value::Number(existing)) => {
                    if let (Some(a), Some(b)) = (existing.as_i64(), value.as_i64()) {
                        set_path(&mut self.complete, key, Value::from(a + b));
                    } else if let (Some(a), Some(b)) = (existing.as_f64(), value.as_f64()) {
                        set_path(&mut self.complete, key, Value::from(a + b));
                    }
                }
                Some(_) => {}
            }
        }
    }
}

/// JMESPath truthiness.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(_) => true,
    }
}

fn get_path<'v>(map: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    let mut parts = path.split('.');
    let mut current = map.get(parts.next()?)?;
    for part in parts {
        current = current.get(part)?;
    }
    Some(current)
}

/// botocore's `set_value_from_jmespath` for dotted paths.
fn set_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = map
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(inner) = entry {
                set_path(inner, rest, value);
            }
        }
    }
}

/// botocore's `merge_dicts`: nested objects merged, other values replaced.
fn merge_dicts(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge_dicts(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// botocore's `TokenEncoder`: base64 of the token's JSON.
pub fn encode_token(token: &Map<String, Value>) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(super::query::python_json(&Value::Object(token.clone())))
}

/// botocore's `TokenDecoder`, with its fallback for raw service tokens
/// (`a___b___2`: tokens and a skip count joined by `___`).
pub fn decode_token(
    token: &str,
    inputs: &[String],
) -> Result<(Vec<(String, Value)>, usize), ExecError> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    if let Some(Value::Object(mut map)) = decoded {
        let skip = map
            .remove("boto_truncate_amount")
            .and_then(|v| v.as_u64())
            .unwrap_or(0) as usize;
        return Ok((map.into_iter().collect(), skip));
    }
    let mut parts: Vec<&str> = token.split("___").collect();
    let mut skip = 0;
    if parts.len() == inputs.len() + 1 {
        skip = parts.pop().and_then(|p| p.parse().ok()).ok_or_else(|| {
            ExecError::Pagination(format!("`{token}` is not a valid --starting-token"))
        })?;
    }
    if parts.len() != inputs.len() {
        return Err(ExecError::Pagination(format!(
            "`{token}` is not a valid --starting-token: use the NextToken of an earlier result"
        )));
    }
    let tokens = inputs
        .iter()
        .zip(parts)
        .map(|(name, p)| {
            let v = if p == "None" {
                Value::Null
            } else {
                Value::String(p.to_owned())
            };
            (name.clone(), v)
        })
        .collect();
    Ok((tokens, skip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_like_botocore() {
        let mut token = Map::new();
        token.insert("Marker".into(), Value::String("k\u{e9}y".into()));
        token.insert("boto_truncate_amount".into(), Value::from(2));
        // base64 of `{"Marker": "k\u00e9y", "boto_truncate_amount": 2}`, as
        // Python's json.dumps writes it.
        let encoded = encode_token(&token);
        let text = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(&encoded)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(text, r#"{"Marker": "k\u00e9y", "boto_truncate_amount": 2}"#);
        let (tokens, skip) = decode_token(&encoded, &["Marker".to_owned()]).unwrap();
        assert_eq!(skip, 2);
        assert_eq!(
            tokens,
            vec![("Marker".to_owned(), Value::String("k\u{e9}y".into()))]
        );
        let (raw, skip) = decode_token("abc", &["NextToken".to_owned()]).unwrap();
        assert_eq!((raw[0].1.as_str(), skip), (Some("abc"), 0));
    }
}
