//! Parameters against the operation's input shape, when the host sends the
//! model's facts.

use aws_mcp_policy_sdk::Request;

/// The first parameter problem, with the reason.
pub fn check(request: &Request) -> Option<String> {
    let facts = request.facts.as_ref()?;
    let missing: Vec<String> = facts
        .input
        .iter()
        .filter(|m| m.required)
        .filter(|m| {
            !request
                .command
                .parameters
                .iter()
                .any(|p| p.api_name == m.api_name)
        })
        .map(|m| format!("`--{}`", m.cli_name))
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "missing required parameters: {}",
            missing.join(", ")
        ));
    }
    for member in &facts.input {
        let Some(parameter) = request
            .command
            .parameters
            .iter()
            .find(|p| p.api_name == member.api_name)
        else {
            continue;
        };
        if member.enum_values.is_empty() {
            continue;
        }
        if let Ok(serde_json::Value::String(value)) =
            serde_json::from_str::<serde_json::Value>(&parameter.value_json)
            && !member.enum_values.contains(&value)
        {
            return Some(format!(
                "`--{}` is `{value}`; expected one of: {}",
                member.cli_name,
                member.enum_values.join(", ")
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_mcp_policy_sdk::{MemberFacts, OperationFacts, RequestBuilder, ShapeType};

    fn member(name: &str, required: bool, enums: &[&str]) -> MemberFacts {
        MemberFacts {
            api_name: name.to_owned(),
            cli_name: name.to_lowercase(),
            required,
            shape: ShapeType::String,
            enum_values: enums.iter().map(|s| (*s).to_owned()).collect(),
            min: None,
            max: None,
            pattern: None,
        }
    }

    fn facts(members: Vec<MemberFacts>) -> OperationFacts {
        OperationFacts {
            iam_action: None,
            http_method: None,
            input: members,
            documentation: None,
        }
    }

    #[test]
    fn missing_required_members_are_all_named() {
        let request = RequestBuilder::new("s3api", "put-object")
            .facts(facts(vec![
                member("Bucket", true, &[]),
                member("Key", true, &[]),
            ]))
            .build();
        assert_eq!(
            check(&request).unwrap(),
            "missing required parameters: `--bucket`, `--key`"
        );
    }

    #[test]
    fn enum_values_are_checked() {
        let mut request = RequestBuilder::new("s3api", "put-bucket-acl")
            .param("acl", "\"public\"")
            .facts(facts(vec![member(
                "acl",
                false,
                &["private", "public-read"],
            )]))
            .build();
        assert!(
            check(&request)
                .unwrap()
                .contains("expected one of: private, public-read")
        );
        request.command.parameters[0].value_json = "\"private\"".to_owned();
        assert_eq!(check(&request), None);
    }
}
