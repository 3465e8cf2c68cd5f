//! The AWS CLI's own commands outside `aws s3` that this server runs, and,
//! for the ones it does not run, the API operations to use instead (the
//! README's table says the same).

use base64::Engine as _;
use serde_json::{Map, Value};

use super::{ExecError, Executor, Outcome};
use crate::command::ParsedCommand;
use crate::model::Service;

/// Whether this server runs `aws <service> <command>` (a CLI command).
pub fn supported(service: &str, command: &str) -> bool {
    matches!(
        (service, command),
        ("ecr" | "ecr-public", "get-login-password")
    )
}

/// What to use instead of a CLI command this server does not run.
pub fn alternative(service: &str, command: &str) -> Option<&'static str> {
    Some(match (service, command) {
        ("eks", "get-token") => {
            "`aws eks describe-cluster` gives the endpoint and certificate; a token is a presigned `sts get-caller-identity`"
        }
        ("rds", "generate-db-auth-token") => {
            "IAM database authentication tokens are presigned URLs this server does not make yet; use a database password from `aws secretsmanager get-secret-value`"
        }
        ("codeartifact", "login") => "`aws codeartifact get-authorization-token`",
        ("cloudformation", "package") => {
            "upload the artifacts with `aws s3 cp` and reference their S3 URLs in the template"
        }
        ("cloudformation", "deploy") => {
            "`aws cloudformation create-change-set`, `aws cloudformation wait change-set-create-complete`, `aws cloudformation execute-change-set`"
        }
        ("ecs", "deploy") => "`aws ecs update-service`, or `aws deploy create-deployment`",
        ("deploy", "push" | "register" | "deregister") => {
            "`aws deploy register-application-revision`, `aws deploy create-deployment`, `aws deploy register-on-premises-instance`"
        }
        ("emr", "create-cluster") => "`aws emr run-job-flow`",
        ("emr", "add-steps") => "`aws emr add-job-flow-steps`",
        ("emr", _) => {
            "the `aws emr` API operations (`run-job-flow`, `add-job-flow-steps`, `describe-cluster`, ...)"
        }
        ("eks", "update-kubeconfig") => {
            "`aws eks describe-cluster` gives the endpoint and certificate data a kubeconfig needs"
        }
        ("cloudtrail", "validate-logs") => {
            "`aws cloudtrail list-public-keys` and the digest files with `aws s3api get-object`"
        }
        ("cloudfront", "sign") => "signed URLs need a private key this server does not read",
        ("gamelift", "upload-build") => {
            "`aws gamelift create-build` and `aws gamelift request-upload-credentials`"
        }
        ("servicecatalog", "generate") => {
            "`aws servicecatalog create-product` or `create-provisioning-artifact`"
        }
        ("datapipeline", "list-runs") => "`aws datapipeline query-objects` and `describe-objects`",
        ("configservice", "subscribe") => {
            "`aws configservice put-delivery-channel` and `put-configuration-recorder`"
        }
        ("configservice", "get-status") => {
            "`aws configservice describe-configuration-recorder-status` and `describe-delivery-channel-status`"
        }
        ("cloudtrail", "create-subscription" | "update-subscription") => {
            "`aws cloudtrail create-trail` / `update-trail`, with the bucket made by `aws s3 mb`"
        }
        (_, c) if c.starts_with("create-default-role") => {
            "`aws iam create-role` with the service's trust policy"
        }
        _ => return None,
    })
}

impl Executor {
    /// Runs a CLI command [`supported`] says this server runs.
    pub(super) async fn cli_command(
        &self,
        service: &Service,
        command: &ParsedCommand,
    ) -> Result<Outcome, ExecError> {
        let target = self.target(service, &command.global).await?;
        let operation = super::s3::op(service, "GetAuthorizationToken")?;
        let answer = self
            .call(service, operation, &Map::new(), &target, None)
            .await?;
        // `ecr` answers a list of authorization data, `ecr-public` one.
        let data = match answer.get("authorizationData") {
            Some(Value::Array(items)) => items.first(),
            other => other,
        };
        let token = data
            .and_then(|d| d.get("authorizationToken"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ExecError::Response("GetAuthorizationToken gave no authorizationToken".to_owned())
            })?;
        // The token is base64 of `AWS:<password>`: the CLI prints the password.
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                ExecError::Response("the authorization token is not base64 text".to_owned())
            })?;
        let password = decoded
            .split_once(':')
            .map_or(decoded.as_str(), |(_, p)| p)
            .to_owned();
        Ok(Outcome {
            response: Value::Null,
            printed: format!("{password}\n"),
            pages: 1,
            cut_at_page_limit: None,
            next_token: None,
        })
    }
}
