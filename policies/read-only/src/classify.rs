//! Read or write, for any command.
//!
//! The rules, in order:
//! 1. Commands the CLI implements itself have a fixed class (`s3 ls` reads,
//!    `s3 cp` writes, every `wait` reads).
//! 2. Operations that hand out credentials or secrets are writes whatever
//!    their IAM level says (`sts get-session-token`,
//!    `secretsmanager get-secret-value`).
//! 3. The access level of the operation's IAM action (the host's
//!    `iam-action` fact) in the Service Authorization Reference: `List` and
//!    `Read` read; `Write`, `Tagging` and `Permissions management` write.
//! 4. Where no IAM action is known, the operation's verb: `describe`, `get`,
//!    `list`, `search`, `head`, `batch-get`, `query`, `scan`, `select`,
//!    `lookup`, `estimate`, `preview`, `simulate`, `validate`, `detect`,
//!    `check` read; everything else writes.

use aws_mcp_policy_sdk::Request;

mod levels {
    include!(concat!(env!("OUT_DIR"), "/levels.rs"));
}

pub use levels::SOURCE as LEVELS_SOURCE;

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
    // A presigned URL, a signed CloudFront URL, a registry password, a
    // cluster token and a database token are bearer credentials: whoever
    // holds them gets access (rule 2).
    ("s3", "presign", Access::Write),
    ("s3", "cp", Access::Write),
    ("s3", "mv", Access::Write),
    ("s3", "rm", Access::Write),
    ("s3", "sync", Access::Write),
    ("s3", "mb", Access::Write),
    ("s3", "rb", Access::Write),
    ("s3", "website", Access::Write),
    ("cloudfront", "sign", Access::Write),
    ("cloudtrail", "validate-logs", Access::Read),
    ("ecr", "get-login-password", Access::Write),
    ("ecr-public", "get-login-password", Access::Write),
    ("eks", "get-token", Access::Write),
    ("rds", "generate-db-auth-token", Access::Write),
    ("configservice", "get-status", Access::Read),
];

/// API operations that return credentials, tokens, private keys or secret
/// values: writes, whatever their IAM level or verb says, because their
/// answer hands the caller new access (the Python server's list, extended).
const CREDENTIAL_ISSUERS: &[(&str, &str)] = &[
    ("sts", "assume-role"),
    ("sts", "assume-role-with-saml"),
    ("sts", "assume-role-with-web-identity"),
    ("sts", "assume-root"),
    ("sts", "get-session-token"),
    ("sts", "get-federation-token"),
    ("sts", "get-web-identity-token"),
    ("sts", "get-scoped-credentials"),
    ("iam", "create-access-key"),
    ("cognito-identity", "get-credentials-for-identity"),
    ("cognito-identity", "get-open-id-token"),
    (
        "cognito-identity",
        "get-open-id-token-for-developer-identity",
    ),
    ("cognito-idp", "get-client-token"),
    ("cognito-idp", "get-derived-token"),
    ("sso", "get-role-credentials"),
    ("account-access-runtime", "get-role-credentials"),
    ("signin", "create-oauth2-token"),
    ("redshift", "get-cluster-credentials"),
    ("redshift", "get-cluster-credentials-with-iam"),
    ("redshift", "get-identity-center-auth-token"),
    ("redshift-serverless", "get-credentials"),
    ("redshift-serverless", "get-identity-center-auth-token"),
    ("ecr", "get-authorization-token"),
    ("ecr-public", "get-authorization-token"),
    ("codeartifact", "get-authorization-token"),
    ("secretsmanager", "get-secret-value"),
    ("secretsmanager", "batch-get-secret-value"),
    ("acm", "export-certificate"),
    ("acm", "get-acme-external-account-binding-credentials"),
    ("amplifybackend", "get-token"),
    ("bedrock-agentcore", "get-resource-oauth2-token"),
    ("bedrock-agentcore", "get-resource-payment-token"),
    ("bedrock-agentcore", "get-resource-api-key"),
    ("cloudwatchomni", "get-space-credentials-for-organization"),
    ("connect", "get-federation-token"),
    ("datazone", "get-environment-credentials"),
    ("gamelift", "get-compute-auth-token"),
    ("gamelift", "get-compute-access"),
    ("gamelift", "get-instance-access"),
    ("gamelift", "request-upload-credentials"),
    ("kinesisanalyticsv2", "create-application-presigned-url"),
    ("lakeformation", "get-temporary-data-location-credentials"),
    ("lakeformation", "get-temporary-glue-function-credentials"),
    ("lakeformation", "get-temporary-glue-partition-credentials"),
    ("lakeformation", "get-temporary-glue-table-credentials"),
    ("license-manager", "get-access-token"),
    ("lightsail", "get-bucket-access-keys"),
    ("pca-connector-scep", "get-challenge-password"),
    ("route53globalresolver", "get-access-token"),
    ("snowball", "get-job-manifest"),
    ("snowball", "get-job-unlock-code"),
    ("ssm", "get-access-token"),
    ("storagegateway", "describe-chap-credentials"),
    ("wafv2", "get-decrypted-api-key"),
];

const READ_VERBS: &[&str] = &[
    "describe", "get", "list", "search", "head", "query", "scan", "select", "lookup", "estimate",
    "preview", "simulate", "validate", "detect", "check",
];

/// Which rule decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// `wait` and the CLI's own commands.
    Customization,
    /// The list of operations that hand out credentials or secrets.
    CredentialIssuer,
    /// The IAM action's access level (`L`, `R`, `W`, `T` or `P`).
    IamLevel(u8),
    /// The operation's verb, for operations without a known IAM action.
    Verb,
}

/// A command's class, the rule that decided it, and the IAM action when
/// known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub access: Access,
    pub basis: Basis,
    pub iam_action: Option<String>,
}

impl Class {
    /// The grounds, in words for a reason.
    pub fn describe(&self) -> String {
        match (self.basis, &self.iam_action) {
            (Basis::Customization, _) => "the CLI command's own class".to_owned(),
            (Basis::CredentialIssuer, _) => "it hands out credentials or secrets".to_owned(),
            (Basis::IamLevel(code), Some(action)) => format!(
                "its IAM action {action} has the access level {}",
                level_name(code)
            ),
            (Basis::IamLevel(_), None) | (Basis::Verb, _) => match self.access {
                Access::Read => "its name says it reads".to_owned(),
                Access::Write => "its name does not say it only reads".to_owned(),
            },
        }
    }
}

/// The level of an IAM action (`prefix:Action`, any case), as its code.
pub fn level(action: &str) -> Option<u8> {
    let key = action.to_ascii_lowercase();
    levels::LEVELS
        .binary_search_by(|(k, _)| (*k).cmp(key.as_str()))
        .ok()
        .map(|i| levels::LEVELS[i].1)
}

/// How many actions the table holds.
pub fn level_count() -> usize {
    levels::LEVELS.len()
}

fn level_name(code: u8) -> &'static str {
    match code {
        b'L' => "List",
        b'R' => "Read",
        b'W' => "Write",
        b'T' => "Tagging",
        _ => "Permissions management",
    }
}

/// The class of a command.
pub fn classify(request: &Request) -> Class {
    let service = request.command.cli_service.as_str();
    let operation = request.command.cli_operation.as_str();
    let iam_action = request.facts.as_ref().and_then(|f| f.iam_action.clone());
    let class = |access, basis| Class {
        access,
        basis,
        iam_action: iam_action.clone(),
    };
    if operation == "wait" {
        return class(Access::Read, Basis::Customization);
    }
    if let Some((_, _, access)) = CUSTOMIZATIONS
        .iter()
        .find(|(s, o, _)| *s == service && *o == operation)
    {
        return class(*access, Basis::Customization);
    }
    if CREDENTIAL_ISSUERS
        .iter()
        .any(|(s, o)| *s == service && *o == operation)
    {
        return class(Access::Write, Basis::CredentialIssuer);
    }
    if let Some(code) = iam_action.as_deref().and_then(level) {
        let access = if matches!(code, b'L' | b'R') {
            Access::Read
        } else {
            Access::Write
        };
        return class(access, Basis::IamLevel(code));
    }
    let verb = operation.strip_prefix("batch-").unwrap_or(operation);
    let verb = verb.split('-').next().unwrap_or(verb);
    if READ_VERBS.contains(&verb) {
        class(Access::Read, Basis::Verb)
    } else {
        class(Access::Write, Basis::Verb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_mcp_policy_sdk::RequestBuilder;

    fn class(service: &str, op: &str) -> Access {
        classify(&RequestBuilder::new(service, op).build()).access
    }

    fn with_action(service: &str, op: &str, action: &str) -> Class {
        classify(&RequestBuilder::new(service, op).iam_action(action).build())
    }

    #[test]
    fn the_iam_level_decides_where_the_action_is_known() {
        let tag = with_action("s3api", "put-bucket-tagging", "s3:PutBucketTagging");
        assert_eq!(
            (tag.access, tag.basis),
            (Access::Write, Basis::IamLevel(b'W'))
        );
        assert!(
            tag.describe()
                .contains("s3:PutBucketTagging has the access level Write")
        );
        let list = with_action("s3api", "list-objects-v2", "s3:listbucket");
        assert_eq!(
            (list.access, list.basis),
            (Access::Read, Basis::IamLevel(b'L'))
        );
        // A verb that sounds like a read does not beat the reference.
        let get = with_action("ec2", "get-password-data", "ec2:GetPasswordData");
        assert_eq!(
            get.basis,
            Basis::IamLevel(level("ec2:GetPasswordData").unwrap_or(0))
        );
        // An action the table does not know falls back to the verb.
        let new = with_action("ec2", "describe-things", "ec2:DescribeThings");
        assert_eq!((new.access, new.basis), (Access::Read, Basis::Verb));
        // Credential issuers stay writes although the reference says Read.
        let secret = with_action(
            "secretsmanager",
            "get-secret-value",
            "secretsmanager:GetSecretValue",
        );
        assert_eq!(level("secretsmanager:GetSecretValue"), Some(b'R'));
        assert_eq!(secret.access, Access::Write);
    }

    #[test]
    fn the_table_is_sorted_and_complete() {
        assert!(level_count() > 20_000, "{}", level_count());
        assert_eq!(level("iam:AttachRolePolicy"), Some(b'P'));
        assert_eq!(level("nothing:Here"), None);
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
