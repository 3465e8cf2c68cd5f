//! `aws deploy push` (`awscli.customizations.codedeploy.push`): a local
//! application folder (with its `appspec.yml`) zipped, uploaded to S3 and
//! registered as a CodeDeploy application revision.

use serde_json::{Map, Value, json};

use super::archive::zip_folder;
use super::s3_transfer::S3At;
use super::{ExecError, Executor, s3};
use crate::command::ParsedCommand;
use crate::model::Service;

impl Executor {
    /// `aws deploy push --application-name A --s3-location s3://b/k
    /// [--source DIR]`: what it prints.
    pub(super) async fn deploy_push(
        &self,
        service: &Service,
        s3_model: Option<&Service>,
        command: &ParsedCommand,
    ) -> Result<String, ExecError> {
        let location = command.option_text("s3-location").unwrap_or_default();
        let (bucket, key) = location
            .strip_prefix("s3://")
            .and_then(|rest| rest.split_once('/'))
            .filter(|(b, k)| !b.is_empty() && !k.is_empty())
            .ok_or_else(|| {
                ExecError::Request(
                    "--s3-location must specify the Amazon S3 URL format as s3://<bucket>/<key>."
                        .to_owned(),
                )
            })?;
        if command.flag("ignore-hidden-files") && command.flag("no-ignore-hidden-files") {
            return Err(ExecError::Request(
                "You cannot specify both --ignore-hidden-files and --no-ignore-hidden-files."
                    .to_owned(),
            ));
        }
        let application = command.option_text("application-name").unwrap_or_default();
        let description = command.option_text("description").unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            format!(
                "Uploaded by AWS CLI {} UTC",
                super::cloudformation::iso_now(now)
            )
        });
        let source = command
            .file("source")
            .ok_or_else(|| ExecError::Request("no --source folder was recorded".to_owned()))?;
        if !source.resolved.is_dir() {
            return Err(ExecError::Request(format!(
                "`{}` is not a folder; --source names the application's folder (with its appspec.yml)",
                source.written
            )));
        }
        let appspec = source.absolute.join("appspec.yml");
        if !source.resolved.join("appspec.yml").is_file() {
            return Err(ExecError::Request(format!(
                "{} was not found",
                appspec.display()
            )));
        }
        let bundle = zip_folder(
            &source.resolved,
            &self.settings.link_root(),
            command.flag("ignore-hidden-files"),
        )?;

        let model = s3_model
            .ok_or_else(|| ExecError::Unsupported("the s3api model is not loaded".to_owned()))?;
        let s3_target = self.s3_target(model, command).await?;
        let params = Map::from_iter([
            ("Bucket".to_owned(), json!(bucket)),
            ("Key".to_owned(), json!(key)),
        ]);
        let uploaded = self
            .put_file(
                S3At {
                    service: model,
                    target: &s3_target,
                },
                &bundle.path,
                params,
            )
            .await
            .map_err(|e| {
                ExecError::Request(format!(
                    "Failed to upload '{}' to '{location}': {e}",
                    source.written
                ))
            })?;
        let etag = uploaded
            .get("ETag")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .replace('"', "");
        let version = uploaded
            .get("VersionId")
            .and_then(Value::as_str)
            .map(str::to_owned);

        let mut s3_location = Map::from_iter([
            ("bucket".to_owned(), json!(bucket)),
            ("key".to_owned(), json!(key)),
            ("bundleType".to_owned(), json!("zip")),
            ("eTag".to_owned(), json!(etag)),
        ]);
        if let Some(v) = &version {
            s3_location.insert("version".to_owned(), json!(v));
        }
        let target = self.target(service, &command.global).await?;
        let register = s3::op(service, "RegisterApplicationRevision")?;
        self.call(
            service,
            register,
            &Map::from_iter([
                ("applicationName".to_owned(), json!(application)),
                (
                    "revision".to_owned(),
                    json!({"revisionType": "S3", "s3Location": s3_location}),
                ),
                ("description".to_owned(), json!(description)),
            ]),
            &target,
            None,
        )
        .await?;
        let version_text = version.map(|v| format!(",version={v}")).unwrap_or_default();
        Ok(format!(
            "To deploy with this revision, run:\naws deploy create-deployment --application-name {application} --s3-location bucket={bucket},key={key},bundleType=zip,eTag={etag}{version_text} --deployment-group-name <deployment-group-name> --deployment-config-name <deployment-config-name> --description <description>\n"
        ))
    }
}
