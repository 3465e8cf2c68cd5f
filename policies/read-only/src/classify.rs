//! Read or write, for any command.
//!
//! The rules, in order:
//! 1. Commands the CLI implements itself have a fixed class (`s3 ls` reads,
//!    `s3 cp` writes, every `wait` reads).
//! 2. Operations that hand out credentials are writes whatever their name
//!    says (`sts get-session-token`, `redshift get-cluster-credentials`).
//! 3. Otherwise the operation's verb: `describe`, `get`, `list`, `search`,
//!    `head`, `batch-get`, `query`, `scan`, `select`, `lookup`, `estimate`,
//!    `preview`, `simulate`, `validate`, `detect`, `check` read; everything
//!    else writes. This fallback is what the IAM access-level table replaces
//!    where an operation maps to an IAM action.

use aws_mcp_policy_sdk::Request;

/// The class of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Changes nothing.
    Read,
    /// Changes resources, or hands out credentials.
    Write,
}

/// Commands the CLI implements itself: `(service, command, class)`.
const CUSTOMIZATIONS: &[(&str, &str, Access)] = &[
    ("s3", "ls", Access::Read),
    ("s3", "presign", Access::Read),
    ("s3", "cp", Access::Write),
    ("s3", "mv", Access::Write),
    ("s3", "rm", Access::Write),
    ("s3", "sync", Access::Write),
    ("s3", "mb", Access::Write),
    ("s3", "rb", Access::Write),
    ("s3", "website", Access::Write),
    ("cloudfront", "sign", Access::Read),
    ("cloudtrail", "validate-logs", Access::Read),
    ("ecr", "get-login-password", Access::Read),
    ("ecr-public", "get-login-password", Access::Read),
    ("eks", "get-token", Access::Read),
    ("rds", "generate-db-auth-token", Access::Read),
    ("configservice", "get-status", Access::Read),
];

/// API operations that return credentials: writes, whatever the verb.
const CREDENTIAL_ISSUERS: &[(&str, &str)] = &[
    ("sts", "assume-role"),
    ("sts", "assume-role-with-saml"),
    ("sts", "assume-role-with-web-identity"),
    ("sts", "assume-root"),
    ("sts", "get-session-token"),
    ("sts", "get-federation-token"),
    ("sts", "get-web-identity-token"),
    ("iam", "create-access-key"),
    ("cognito-identity", "get-credentials-for-identity"),
    ("cognito-identity", "get-open-id-token"),
    (
        "cognito-identity",
        "get-open-id-token-for-developer-identity",
    ),
    ("sso", "get-role-credentials"),
    ("redshift", "get-cluster-credentials"),
    ("redshift", "get-cluster-credentials-with-iam"),
    ("redshift-serverless", "get-credentials"),
    ("ecr", "get-authorization-token"),
    ("codeartifact", "get-authorization-token"),
    ("secretsmanager", "get-secret-value"),
    ("secretsmanager", "batch-get-secret-value"),
];

const READ_VERBS: &[&str] = &[
    "describe", "get", "list", "search", "head", "query", "scan", "select", "lookup", "estimate",
    "preview", "simulate", "validate", "detect", "check",
];

/// The class of the command and why, in words for a reason.
pub fn classify(request: &Request) -> (Access, &'static str) {
    let service = request.command.cli_service.as_str();
    let operation = request.command.cli_operation.as_str();
    if operation == "wait" {
        return (Access::Read, "waiters only poll");
    }
    if let Some((_, _, access)) = CUSTOMIZATIONS
        .iter()
        .find(|(s, o, _)| *s == service && *o == operation)
    {
        return (*access, "the CLI command's own class");
    }
    if CREDENTIAL_ISSUERS
        .iter()
        .any(|(s, o)| *s == service && *o == operation)
    {
        return (Access::Write, "it hands out credentials or secrets");
    }
    let verb = operation.strip_prefix("batch-").unwrap_or(operation);
    let verb = verb.split('-').next().unwrap_or(verb);
    if READ_VERBS.contains(&verb) {
        (Access::Read, "its name says it reads")
    } else {
        (Access::Write, "its name does not say it only reads")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_mcp_policy_sdk::RequestBuilder;

    fn class(service: &str, op: &str) -> Access {
        classify(&RequestBuilder::new(service, op).build()).0
    }

    #[test]
    fn classes() {
        assert_eq!(class("s3", "ls"), Access::Read);
        assert_eq!(class("s3", "sync"), Access::Write);
        assert_eq!(class("ec2", "describe-instances"), Access::Read);
        assert_eq!(class("dynamodb", "batch-get-item"), Access::Read);
        assert_eq!(class("sts", "get-session-token"), Access::Write);
        assert_eq!(class("iam", "attach-role-policy"), Access::Write);
        assert_eq!(class("ec2", "wait"), Access::Read);
        assert_eq!(class("lambda", "invoke"), Access::Write);
    }
}
