//! Every operation of every service in the command table parses a command
//! that sets all its required parameters, and arrives at the API operation
//! with those parameters.

#![allow(clippy::unwrap_used, reason = "a test fails on any unexpected error")]

use aws_api_mcp::command::{ParseContext, Parser};
use aws_api_mcp::config::FileAccessMode;
use aws_api_mcp::model::{Service, ShapeId, ShapeType};
use serde_json::{Map, Value, json};

/// A value of the shape, with every required member set.
fn sample(service: &Service, shape: ShapeId, depth: usize) -> Value {
    let s = &service.shapes[shape as usize];
    if s.document {
        return json!({});
    }
    match s.kind {
        ShapeType::Structure => {
            let mut map = Map::new();
            if depth < 8 {
                for m in s.members.iter().filter(|m| m.required) {
                    map.insert(m.name.clone(), sample(service, m.shape, depth + 1));
                }
                if s.union
                    && map.is_empty()
                    && let Some(m) = s.members.first()
                {
                    map.insert(m.name.clone(), sample(service, m.shape, depth + 1));
                }
            }
            Value::Object(map)
        }
        ShapeType::List => {
            let n = s.min.unwrap_or(0.0) as usize;
            let item = s
                .member
                .as_ref()
                .map(|m| sample(service, m.shape, depth + 1))
                .unwrap_or(json!("x"));
            Value::Array(vec![item; n])
        }
        ShapeType::Map => json!({}),
        ShapeType::Integer | ShapeType::Long | ShapeType::BigInteger => {
            json!(s.min.unwrap_or(1.0).max(1.0) as i64)
        }
        ShapeType::Float | ShapeType::Double | ShapeType::BigDecimal => {
            json!(s.min.unwrap_or(1.5).max(1.5))
        }
        ShapeType::Boolean => json!(true),
        ShapeType::Timestamp => json!("2026-01-01T00:00:00Z"),
        _ => match s.enum_values.first() {
            Some(v) => json!(v),
            None => json!("x".repeat(s.min.unwrap_or(1.0).max(1.0) as usize)),
        },
    }
}

/// A word for the shell that means `value` to the parser.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn every_operation_parses_with_its_required_parameters() {
    let parser = Parser::load(None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("body.bin"), b"data").unwrap();
    let context = ParseContext {
        working_dir: dir.path(),
        file_access: FileAccessMode::Workdir,
    };
    let mut parsed = 0;
    let mut failures = Vec::new();
    for entry in &parser.models().index().services {
        let service = parser.models().service(&entry.cli_name).unwrap().unwrap();
        for operation in service.operations.iter().filter(|o| !o.hidden) {
            let mut line = format!("aws {} {}", service.cli_name, operation.cli_name);
            let mut expected = Map::new();
            if let Some(input) = operation.input {
                for member in service.shapes[input as usize].members.iter() {
                    let over = operation.argument_override(&member.name);
                    if !over.and_then(|o| o.required).unwrap_or(member.required)
                        || over.is_some_and(|o| o.hidden)
                    {
                        continue;
                    }
                    let cli = over
                        .and_then(|o| o.cli_name.clone())
                        .unwrap_or_else(|| member.cli_name.clone());
                    let shape = &service.shapes[member.shape as usize];
                    let header_json = member.json_value
                        && member.location == Some(aws_api_mcp::model::Location::Header);
                    let value = if header_json {
                        json!({"k": "v"})
                    } else {
                        sample(&service, member.shape, 0)
                    };
                    if shape.kind == ShapeType::Blob && (shape.streaming || member.streaming) {
                        line.push_str(&format!(" --{cli} body.bin"));
                        expected.insert(member.name.clone(), json!({"$file": dir.path().canonicalize().unwrap().join("body.bin").display().to_string()}));
                        continue;
                    }
                    let word = match &value {
                        Value::String(s) if !header_json => s.clone(),
                        Value::Bool(_) => String::new(),
                        other => other.to_string(),
                    };
                    if shape.kind == ShapeType::Boolean && !shape.document {
                        line.push_str(&format!(" --{cli}"));
                    } else if shape.kind == ShapeType::List {
                        line.push_str(&format!(" --{cli} {}", quote(&value.to_string())));
                    } else {
                        line.push_str(&format!(" --{cli} {}", quote(&word)));
                    }
                    expected.insert(member.name.clone(), value);
                }
            }
            for extra in operation
                .extra_arguments
                .iter()
                .filter(|a| a.required && !a.positional && a.name != "outfile")
            {
                let value = extra
                    .choices
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "x".to_owned());
                line.push_str(&format!(" --{} {}", extra.name, quote(&value)));
                expected.insert(extra.name.clone(), json!(value));
            }
            let outfile = service.streams_output(operation);
            let outfile = outfile
                || operation
                    .extra_arguments
                    .iter()
                    .any(|a| a.positional && a.name == "outfile");
            if outfile {
                // Before any list option, which would take it as a value.
                line = line.replacen(
                    &format!("{} {}", service.cli_name, operation.cli_name),
                    &format!("{} {} out.bin", service.cli_name, operation.cli_name),
                    1,
                );
            }
            if service.api_name == "ec2" && operation.name == "RunInstances" {
                // The CLI's `--count` defaults both to 1.
                expected.insert("MinCount".to_owned(), json!(1));
                expected.insert("MaxCount".to_owned(), json!(1));
            }
            match parser.parse(&line, &context) {
                Ok(command) => {
                    parsed += 1;
                    assert_eq!(
                        command.api_operation.as_deref(),
                        Some(operation.name.as_str()),
                        "{line}"
                    );
                    let got: Map<String, Value> = command
                        .parameters
                        .iter()
                        .map(|p| (p.api_name.clone(), p.value.clone()))
                        .collect();
                    if got != expected {
                        failures.push(format!(
                            "{line}\n    expected {expected:?}\n    got      {got:?}"
                        ));
                    }
                }
                Err(e) => failures.push(format!("{line}\n    {e}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} operations failed:\n{}",
        failures.len(),
        parsed + failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(parsed > 19_000, "only {parsed} operations");
}
