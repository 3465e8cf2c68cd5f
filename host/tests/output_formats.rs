//! The output formatters against what awscli 1.46.3's own formatter classes
//! printed for the same values (`data/cli-output.json`, written by
//! `tests/awscli/output_fixtures.py`).

use aws_api_mcp::exec::output::{FormatError, json, table, table_styled, text};
use serde_json::Value;

fn fixtures() -> Value {
    let raw = include_str!("data/cli-output.json");
    serde_json::from_str(raw).expect("cli-output.json is JSON")
}

fn expected(case: &Value, format: &str) -> (String, Option<String>) {
    let result = &case[format];
    (
        result["stdout"].as_str().expect("stdout").to_owned(),
        result["error"].as_str().map(str::to_owned),
    )
}

fn actual(result: Result<String, FormatError>) -> (String, Option<String>) {
    match result {
        Ok(stdout) => (stdout, None),
        Err(e) => (e.stdout, Some(e.message)),
    }
}

#[test]
fn formatters_match_the_cli() {
    let fixtures = fixtures();
    let cases = fixtures["cases"].as_array().expect("cases");
    assert!(cases.len() >= 150);
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let title = case["title"].as_str().expect("title");
        let width = case["width"].as_u64().expect("width") as usize;
        let mut input = case["input"].clone();
        if let Value::Object(map) = &mut input {
            map.shift_remove("ResponseMetadata");
        }
        let got = [
            ("json", (json(&input), None)),
            ("text", actual(text(&input))),
            ("table", actual(table(title, &input, width))),
            (
                "table_color",
                actual(table_styled(title, &input, width, true)),
            ),
        ];
        for (format, got) in got {
            let want = expected(case, format);
            if got != want {
                failures.push(format!(
                    "{name} --output {format}\n--- CLI ---\n{}{:?}\n--- ours ---\n{}{:?}\n",
                    want.0, want.1, got.0, got.1
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks differ:\n{}",
        failures.len(),
        cases.len() * 4,
        failures.iter().take(8).cloned().collect::<String>()
    );
}

/// Python's `float.__repr__`, which the JSON, text and table outputs use.
#[test]
fn floats_match_python_repr() {
    let fixtures = fixtures();
    let floats = fixtures["floats"].as_array().expect("floats");
    assert!(floats.len() >= 1000);
    let mut failures = Vec::new();
    for pair in floats {
        let repr = pair[0].as_str().expect("repr");
        let parsed: f64 = repr.parse().expect("float");
        let got = json(&Value::from(parsed));
        if got.trim_end() != repr {
            failures.push(format!("{repr} -> {got}"));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}
