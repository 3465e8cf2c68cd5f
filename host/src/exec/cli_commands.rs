//! The AWS CLI's own commands outside `aws s3` that this server runs, and,
//! for the ones it does not run, the API operations to use instead (the
//! README's table says the same).

use base64::Engine as _;
use serde_json::{Map, Value};

use super::{ExecError, Executor, Outcome, Target};
use crate::command::ParsedCommand;
use crate::model::Service;

/// Whether this server runs `aws <service> <command>` (a CLI command).
pub fn supported(service: &str, command: &str) -> bool {
    matches!(
        (service, command),
        ("ecr" | "ecr-public", "get-login-password")
            | ("eks", "get-token" | "update-kubeconfig")
            | ("configservice", "get-status")
            | ("deploy", "push")
            | ("rds", "generate-db-auth-token")
            | ("cloudformation", "deploy" | "package")
            | (
                "rds",
                "add-option-to-option-group" | "remove-option-from-option-group"
            )
    )
}

/// What to use instead of a CLI command this server does not run.
pub fn alternative(service: &str, command: &str) -> Option<&'static str> {
    Some(match (service, command) {
        ("codeartifact", "login") => "`aws codeartifact get-authorization-token`",
        ("ecs", "deploy") => "`aws ecs update-service`, or `aws deploy create-deployment`",
        ("deploy", "register" | "deregister") => {
            "`aws deploy register-application-revision`, `aws deploy create-deployment`, `aws deploy register-on-premises-instance`"
        }
        ("emr", _) => {
            "the `aws emr` API operations (`run-job-flow`, `add-job-flow-steps`, `describe-cluster`, ...)"
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
        companion: Option<&Service>,
        command: &ParsedCommand,
    ) -> Result<Outcome, ExecError> {
        let printed = match (command.cli_service.as_str(), command.cli_operation.as_str()) {
            ("cloudformation", "deploy") => Some(
                self.cloudformation_deploy(service, companion, command)
                    .await?,
            ),
            ("cloudformation", "package") => {
                Some(self.cloudformation_package(companion, command).await?)
            }
            ("deploy", "push") => Some(self.deploy_push(service, companion, command).await?),
            ("eks", "update-kubeconfig") => Some(self.update_kubeconfig(service, command).await?),
            _ => None,
        };
        if let Some(printed) = printed {
            return Ok(Outcome::printed(printed));
        }
        let target = self.target(service, &command.global).await?;
        let printed = match command.cli_operation.as_str() {
            "add-option-to-option-group" => {
                self.option_group(service, command, &target, true).await?
            }
            "get-status" => self.config_status(service, &target).await?,
            "remove-option-from-option-group" => {
                self.option_group(service, command, &target, false).await?
            }
            "get-token" => self.eks_token(command, &target).await?,
            "generate-db-auth-token" => self.rds_token(command, &target).await?,
            _ => self.login_password(service, &target).await?,
        };
        Ok(Outcome::printed(printed))
    }

    /// `rds add-option-to-option-group` and `remove-option-from-option-group`:
    /// ModifyOptionGroup with `--options` as `OptionsToInclude` (option
    /// configurations, in shorthand or JSON) or `OptionsToRemove` (names).
    async fn option_group(
        &self,
        service: &Service,
        command: &ParsedCommand,
        target: &Target,
        add: bool,
    ) -> Result<String, ExecError> {
        let operation = super::s3::op(service, "ModifyOptionGroup")?;
        let member_name = if add {
            "OptionsToInclude"
        } else {
            "OptionsToRemove"
        };
        let member = operation
            .input
            .and_then(|input| service.shapes.get(input as usize))
            .and_then(|shape| shape.members.iter().find(|m| m.name == member_name))
            .ok_or_else(|| {
                ExecError::Unsupported(format!("ModifyOptionGroup has no {member_name}"))
            })?;
        let words = command.option_list("options");
        let mut items = Vec::new();
        for word in &words {
            let bad = |why: String| {
                ExecError::Request(format!("`--options` value `{word}` cannot be read: {why}"))
            };
            let value = if word.trim_start().starts_with(['[', '{']) {
                serde_json::from_str::<Value>(word).map_err(|e| bad(e.to_string()))?
            } else if add {
                crate::command::parse_shorthand(word).map_err(|e| bad(e.to_string()))?
            } else {
                Value::String(word.clone())
            };
            match value {
                Value::Array(list) => items.extend(list),
                other => items.push(other),
            }
        }
        let mut options = Value::Array(items);
        crate::command::adjust_shorthand(service, member.shape, &mut options)
            .map_err(|why| ExecError::Request(format!("`--options`: {why}")))?;
        let mut params = Map::new();
        params.insert(
            "OptionGroupName".to_owned(),
            Value::String(command.option_text("option-group-name").unwrap_or_default()),
        );
        if !words.is_empty() {
            params.insert(member_name.to_owned(), options);
        }
        if command.flag("apply-immediately") || command.flag("no-apply-immediately") {
            params.insert(
                "ApplyImmediately".to_owned(),
                Value::Bool(command.flag("apply-immediately")),
            );
        }
        let answer = self.call(service, operation, &params, target, None).await?;
        super::output::render(&Value::Object(answer), &command.global, "ModifyOptionGroup")
    }

    /// `configservice get-status`: each configuration recorder and delivery
    /// channel with its last status, as text.
    async fn config_status(&self, service: &Service, target: &Target) -> Result<String, ExecError> {
        let call = |name: &'static str| async move {
            let operation = super::s3::op(service, name)?;
            self.call(service, operation, &Map::new(), target, None)
                .await
        };
        let recorders = call("DescribeConfigurationRecorderStatus").await?;
        let channels = call("DescribeDeliveryChannelStatus").await?;
        Ok(config_status_text(&recorders, &channels))
    }

    /// `ecr get-login-password`: the password in GetAuthorizationToken's
    /// token.
    async fn login_password(
        &self,
        service: &Service,
        target: &Target,
    ) -> Result<String, ExecError> {
        let operation = super::s3::op(service, "GetAuthorizationToken")?;
        let answer = self
            .call(service, operation, &Map::new(), target, None)
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
        Ok(format!("{password}\n"))
    }

    /// `eks get-token --cluster-name c`: a presigned STS
    /// GetCallerIdentity naming the cluster in `x-k8s-aws-id`, valid 60 s,
    /// as `k8s-aws-v1.` + its URL in unpadded base64url, inside the
    /// `ExecCredential` the CLI prints (which kubectl reads).
    async fn eks_token(
        &self,
        command: &ParsedCommand,
        target: &Target,
    ) -> Result<String, ExecError> {
        let option = |name: &str| command.option_text(name);
        let cluster = option("cluster-name")
            .or_else(|| option("cluster-id"))
            .ok_or_else(|| {
                ExecError::Request("`aws eks get-token` needs `--cluster-name`".to_owned())
            })?;
        let base = std::env::var("AWS_ENDPOINT_URL_STS")
            .ok()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .filter(|u| !u.is_empty() && !super::env_flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
            .unwrap_or_else(|| {
                let suffix = if target.region.starts_with("cn-") {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                format!("https://sts.{}.{suffix}", target.region)
            });
        let url = format!(
            "{}/?Action=GetCallerIdentity&Version=2011-06-15",
            base.trim_end_matches('/')
        );
        let credentials = self
            .credentials
            .credentials(target.profile.as_deref())
            .await?;
        let now = std::time::SystemTime::now();
        let scope = super::sign::Scope {
            name: "sts".to_owned(),
            region: target.region.clone(),
            s3: false,
        };
        let signed = super::sign::presign_url(
            &url,
            &[("x-k8s-aws-id", cluster.as_str())],
            &credentials,
            &scope,
            now,
            std::time::Duration::from_secs(60),
        )?;
        let token = format!(
            "k8s-aws-v1.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signed)
        );
        // The CLI says the token expires 14 minutes from now (STS accepts
        // it for 15).
        let expires = now + std::time::Duration::from_secs(14 * 60);
        let secs = expires
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let credential = serde_json::json!({
            "kind": "ExecCredential",
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "spec": {},
            "status": {
                "expirationTimestamp": super::timestamp::iso8601(super::timestamp::Moment {
                    secs: i64::try_from(secs).unwrap_or(i64::MAX),
                    nanos: 0,
                }),
                "token": token,
            }
        });
        Ok(format!("{}\n", super::query::python_json(&credential)))
    }

    /// `rds generate-db-auth-token --hostname h --port p --username u`:
    /// a presigned `connect` for `rds-db`, valid 15 minutes, printed
    /// without its scheme, as the CLI prints it.
    async fn rds_token(
        &self,
        command: &ParsedCommand,
        target: &Target,
    ) -> Result<String, ExecError> {
        let option = |name: &str| command.option_text(name);
        let missing = |name: &str| {
            ExecError::Request(format!("`aws rds generate-db-auth-token` needs `--{name}`"))
        };
        let host = option("hostname").ok_or_else(|| missing("hostname"))?;
        let port = option("port").ok_or_else(|| missing("port"))?;
        let user = option("username").ok_or_else(|| missing("username"))?;
        let url = format!(
            "https://{host}:{port}/?Action=connect&DBUser={}",
            super::serialize::encode(&user, true)
        );
        let credentials = self
            .credentials
            .credentials(target.profile.as_deref())
            .await?;
        let scope = super::sign::Scope {
            name: "rds-db".to_owned(),
            region: target.region.clone(),
            s3: false,
        };
        let signed = super::sign::presign_url(
            &url,
            &[],
            &credentials,
            &scope,
            std::time::SystemTime::now(),
            std::time::Duration::from_secs(900),
        )?;
        Ok(format!("{}\n", signed.trim_start_matches("https://")))
    }
}

/// What `configservice get-status` prints for the two status answers.
fn config_status_text(recorders: &Map<String, Value>, channels: &Map<String, Value>) -> String {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "None".to_owned(),
        Some(other) => other.to_string(),
    };
    let last_status = |out: &mut String, status: &Value, what: &str| {
        let last = text(status.get("lastStatus"));
        out.push_str(&format!("last {what}status: {last}\n"));
        if last == "FAILURE" {
            out.push_str(&format!(
                "error code: {}\n",
                text(status.get("lastErrorCode"))
            ));
            out.push_str(&format!(
                "message: {}\n",
                text(status.get("lastErrorMessage"))
            ));
        }
    };
    let mut out = String::from("Configuration Recorders:\n\n");
    for recorder in recorders
        .get("ConfigurationRecordersStatus")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push_str(&format!("name: {}\n", text(recorder.get("name"))));
        let recording = recorder.get("recording") == Some(&Value::Bool(true));
        out.push_str(&format!(
            "recorder: {}\n",
            if recording { "ON" } else { "OFF" }
        ));
        if recording {
            last_status(&mut out, recorder, "");
        }
        out.push('\n');
    }
    out.push_str("Delivery Channels:\n\n");
    for channel in channels
        .get("DeliveryChannelsStatus")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push_str(&format!("name: {}\n", text(channel.get("name"))));
        for (key, what) in [
            ("configStreamDeliveryInfo", "stream delivery "),
            ("configHistoryDeliveryInfo", "history delivery "),
            ("configSnapshotDeliveryInfo", "snapshot delivery "),
        ] {
            if let Some(info) = channel.get(key).filter(|i| super::output::py::truthy(i)) {
                last_status(&mut out, info, what);
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn config_status_reads_as_the_cli_prints_it() {
        let recorders = json!({"ConfigurationRecordersStatus": [
            {"name": "default", "recording": true, "lastStatus": "FAILURE", "lastErrorCode": "AccessDenied", "lastErrorMessage": "no"},
            {"name": "off", "recording": false}
        ]});
        let channels = json!({"DeliveryChannelsStatus": [
            {"name": "default", "configStreamDeliveryInfo": {"lastStatus": "SUCCESS"}, "configHistoryDeliveryInfo": {}, "configSnapshotDeliveryInfo": {"lastStatus": "NOT_APPLICABLE"}}
        ]});
        assert_eq!(
            config_status_text(
                recorders.as_object().unwrap(),
                channels.as_object().unwrap()
            ),
            "Configuration Recorders:\n\nname: default\nrecorder: ON\nlast status: FAILURE\nerror code: AccessDenied\nmessage: no\n\nname: off\nrecorder: OFF\n\nDelivery Channels:\n\nname: default\nlast stream delivery status: SUCCESS\nlast snapshot delivery status: NOT_APPLICABLE\n\n"
        );
    }
}
