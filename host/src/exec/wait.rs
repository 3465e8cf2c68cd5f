//! `aws <service> wait <waiter>`: poll an operation until one of the
//! waiter's acceptors says success or failure, as botocore's `Waiter.wait`
//! does, with the model's delay and attempt count.

use serde_json::{Map, Value, json};

use super::ExecError;
use crate::model::{Acceptor, Waiter};

/// What one poll gave: the output, or the service's error.
pub enum Poll {
    /// The operation's output and its HTTP status.
    Output(Map<String, Value>, u16),
    /// The service answered with an error.
    Error {
        status: u16,
        code: String,
        message: String,
    },
}

impl Poll {
    /// The response as botocore hands it to the acceptors: the output, or
    /// `{"Error": {...}}`, with `ResponseMetadata.HTTPStatusCode`.
    fn response(&self) -> Value {
        match self {
            Poll::Output(output, status) => {
                let mut response = output.clone();
                response.insert(
                    "ResponseMetadata".to_owned(),
                    json!({ "HTTPStatusCode": status }),
                );
                Value::Object(response)
            }
            Poll::Error {
                status,
                code,
                message,
            } => json!({
                "Error": { "Code": code, "Message": message },
                "ResponseMetadata": { "HTTPStatusCode": status },
            }),
        }
    }
}

/// What the acceptors made of a poll.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Poll again after the delay.
    Waiting,
    /// Done.
    Success,
    /// A terminal failure, or an error no acceptor expected: the
    /// `WaiterError` reason.
    Failure(String),
}

/// Judges one poll. `last` remembers the acceptor that matched last, for
/// the "previously accepted state" of a timeout.
pub fn judge<'w>(
    waiter: &'w Waiter,
    poll: &Poll,
    last: &mut Option<&'w Acceptor>,
) -> Result<State, ExecError> {
    let response = poll.response();
    for acceptor in &waiter.acceptors {
        if matches(acceptor, &response)? {
            *last = Some(acceptor);
            return Ok(match acceptor.state.as_str() {
                "success" => State::Success,
                "failure" => State::Failure(format!(
                    "Waiter encountered a terminal failure state: {}",
                    explanation(acceptor)
                )),
                _ => State::Waiting,
            });
        }
    }
    if let Poll::Error { code, message, .. } = poll {
        return Ok(State::Failure(format!(
            "An error occurred ({code}): {message}"
        )));
    }
    Ok(State::Waiting)
}

/// The reason when the attempts run out.
pub fn timeout_reason(last: Option<&Acceptor>) -> String {
    match last {
        None => "Max attempts exceeded".to_owned(),
        Some(a) => format!(
            "Max attempts exceeded. Previously accepted state: {}",
            explanation(a)
        ),
    }
}

fn matches(acceptor: &Acceptor, response: &Value) -> Result<bool, ExecError> {
    let expected: Value = serde_json::from_str(&acceptor.expected)
        .unwrap_or_else(|_| Value::String(acceptor.expected.clone()));
    let search = || -> Result<Value, ExecError> {
        let argument = acceptor.argument.as_deref().unwrap_or("@");
        super::output::search(argument, response)
    };
    Ok(match acceptor.matcher.as_str() {
        "path" => same(&search()?, &expected),
        "pathAll" => match search()? {
            Value::Array(items) if !items.is_empty() => items.iter().all(|i| same(i, &expected)),
            _ => false,
        },
        "pathAny" => match search()? {
            Value::Array(items) if !items.is_empty() => items.iter().any(|i| same(i, &expected)),
            _ => false,
        },
        "status" => {
            let status = &response["ResponseMetadata"]["HTTPStatusCode"];
            same(status, &expected)
        }
        "error" => {
            let code = response.get("Error").and_then(|e| e.get("Code"));
            match expected {
                Value::Bool(true) => code.is_some(),
                Value::Bool(false) => response.get("Error").is_none(),
                other => code.is_some_and(|c| same(c, &other)),
            }
        }
        _ => false,
    })
}

/// Python's `==`: `1 == 1.0`.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// botocore's `AcceptorConfig.explanation`.
fn explanation(acceptor: &Acceptor) -> String {
    let expected = python_str(&acceptor.expected);
    let argument = acceptor.argument.as_deref().unwrap_or_default();
    match acceptor.matcher.as_str() {
        "path" => format!("For expression \"{argument}\" we matched expected path: \"{expected}\""),
        "pathAll" => format!(
            "For expression \"{argument}\" all members matched expected path: \"{expected}\""
        ),
        "pathAny" => format!(
            "For expression \"{argument}\" we matched expected path: \"{expected}\" at least once"
        ),
        "status" => format!("Matched expected HTTP status code: {expected}"),
        "error" => format!("Matched expected service error code: {expected}"),
        other => format!("No explanation for unknown waiter type: \"{other}\""),
    }
}

/// The expected value as Python's `str()` shows it.
fn python_str(json_text: &str) -> String {
    match serde_json::from_str::<Value>(json_text) {
        Ok(Value::String(s)) => s,
        Ok(Value::Bool(true)) => "True".to_owned(),
        Ok(Value::Bool(false)) => "False".to_owned(),
        Ok(Value::Null) => "None".to_owned(),
        Ok(other) => other.to_string(),
        Err(_) => json_text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiter() -> Waiter {
        let acceptor =
            |matcher: &str, expected: &str, state: &str, argument: Option<&str>| Acceptor {
                matcher: matcher.to_owned(),
                expected: expected.to_owned(),
                state: state.to_owned(),
                argument: argument.map(str::to_owned),
            };
        let path = "Reservations[].Instances[].State.Name";
        Waiter {
            name: "InstanceRunning".to_owned(),
            cli_name: "instance-running".to_owned(),
            operation: "DescribeInstances".to_owned(),
            delay: 15,
            max_attempts: 40,
            acceptors: vec![
                acceptor("pathAll", "\"running\"", "success", Some(path)),
                acceptor("pathAny", "\"terminated\"", "failure", Some(path)),
                acceptor("error", "\"InvalidInstanceID.NotFound\"", "retry", None),
            ],
        }
    }

    fn instances(states: &[&str]) -> Poll {
        let instances: Vec<Value> = states
            .iter()
            .map(|s| json!({ "State": { "Name": s } }))
            .collect();
        let output = json!({ "Reservations": [{ "Instances": instances }] });
        Poll::Output(output.as_object().cloned().unwrap_or_default(), 200)
    }

    #[test]
    fn acceptors_decide_as_botocore_does() {
        let waiter = waiter();
        let mut last = None;
        assert_eq!(
            judge(&waiter, &instances(&["running", "running"]), &mut last).unwrap(),
            State::Success
        );
        assert_eq!(
            judge(&waiter, &instances(&["running", "pending"]), &mut last).unwrap(),
            State::Waiting
        );
        // pathAll is false on an empty list.
        assert_eq!(
            judge(&waiter, &instances(&[]), &mut last).unwrap(),
            State::Waiting
        );
        let State::Failure(reason) =
            judge(&waiter, &instances(&["pending", "terminated"]), &mut last).unwrap()
        else {
            panic!("a terminated instance fails the wait");
        };
        assert_eq!(
            reason,
            "Waiter encountered a terminal failure state: For expression \"Reservations[].Instances[].State.Name\" we matched expected path: \"terminated\" at least once"
        );
        let missing = Poll::Error {
            status: 400,
            code: "InvalidInstanceID.NotFound".to_owned(),
            message: "no such instance".to_owned(),
        };
        let mut last = None;
        assert_eq!(judge(&waiter, &missing, &mut last).unwrap(), State::Waiting);
        assert_eq!(
            timeout_reason(last),
            "Max attempts exceeded. Previously accepted state: Matched expected service error code: InvalidInstanceID.NotFound"
        );
        let other = Poll::Error {
            status: 403,
            code: "UnauthorizedOperation".to_owned(),
            message: "no".to_owned(),
        };
        assert_eq!(
            judge(&waiter, &other, &mut None).unwrap(),
            State::Failure("An error occurred (UnauthorizedOperation): no".to_owned())
        );
        assert_eq!(timeout_reason(None), "Max attempts exceeded");
    }
}
