//! `aws cloudformation deploy` and `aws cloudformation package`, as the
//! CLI v1 runs them (`awscli.customizations.cloudformation`).
//!
//! `deploy` is CreateChangeSet (CREATE or UPDATE, after DescribeStacks),
//! the change set's waiter, ExecuteChangeSet and the stack's waiter, with
//! the CLI's parameter merging and messages. `package` uploads the local
//! artifacts a template names (files as they are, folders zipped) under
//! the MD5 of their content and writes the template back with S3
//! locations. Every local path `package` reaches through the template is
//! checked against the server's file access rule, as `--template-file`
//! itself is by the policies.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::archive::{TempFile, is_zip, zip_folder, zip_single};
use super::s3_transfer::S3At;
use super::{ExecError, Executor, Target, s3, template};
use crate::command::ParsedCommand;
use crate::model::Service;

/// Above this, CloudFormation takes a template only from S3.
const MAX_TEMPLATE_BODY: u64 = 51_200;
const CHANGESET_PREFIX: &str = "awscli-cloudformation-package-deploy-";

/// How the CLI's S3 uploader names and sends artifacts.
struct Uploader<'a> {
    at: S3At<'a>,
    bucket: String,
    prefix: Option<String>,
    kms_key_id: Option<String>,
    force: bool,
    metadata: Option<Map<String, Value>>,
}

impl Executor {
    /// `aws cloudformation deploy`: what it prints.
    pub(super) async fn cloudformation_deploy(
        &self,
        cfn: &Service,
        s3_model: Option<&Service>,
        command: &ParsedCommand,
    ) -> Result<String, ExecError> {
        let target = self.target(cfn, &command.global).await?;
        let text = template_text(command)?;
        let stack = command
            .option_text("stack-name")
            .ok_or_else(|| ExecError::Request("`--stack-name` is required".to_owned()))?;
        let overrides = key_values(
            &command.option_list("parameter-overrides"),
            "parameter-overrides",
        )?;
        let tags: Vec<Value> = key_values(&command.option_list("tags"), "tags")?
            .into_iter()
            .map(|(k, v)| json!({ "Key": k, "Value": v }))
            .collect();
        let template = template::parse(&text).map_err(|e| ExecError::Request(e.to_string()))?;
        let mut parameters = merge_parameters(&template, &overrides);
        let bucket = command.option_text("s3-bucket");
        if text.len() as u64 > MAX_TEMPLATE_BODY && bucket.is_none() {
            return Err(ExecError::Request(
                "Templates with a size greater than 51,200 bytes must be deployed via an S3 Bucket. Please add the --s3-bucket parameter to your command. The local template will be copied to that S3 bucket and then deployed.".to_owned(),
            ));
        }
        let s3_target;
        let uploader = match &bucket {
            Some(bucket) => {
                let model = s3_model.ok_or_else(|| {
                    ExecError::Unsupported("the s3api model is not loaded".to_owned())
                })?;
                s3_target = self.s3_target(model, command).await?;
                Some(uploader(command, model, &s3_target, bucket))
            }
            None => None,
        };

        // Create the change set.
        let call = |name: &'static str, params: Map<String, Value>| {
            let target = &target;
            async move {
                let op = s3::op(cfn, name)?;
                self.call(cfn, op, &params, target, None).await
            }
        };
        let exists = match call(
            "DescribeStacks",
            Map::from_iter([("StackName".to_owned(), json!(stack))]),
        )
        .await
        {
            Ok(answer) => match answer.get("Stacks").and_then(Value::as_array) {
                Some(stacks) if stacks.len() == 1 => {
                    stacks[0].get("StackStatus").and_then(Value::as_str)
                        != Some("REVIEW_IN_PROGRESS")
                }
                _ => false,
            },
            Err(ExecError::Service { error, .. })
                if error
                    .message
                    .contains(&format!("Stack with id {stack} does not exist")) =>
            {
                false
            }
            Err(other) => return Err(other),
        };
        let changeset_type = if exists {
            let summary = call(
                "GetTemplateSummary",
                Map::from_iter([("StackName".to_owned(), json!(stack))]),
            )
            .await?;
            let existing: Vec<&str> = summary
                .get("Parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| p.get("ParameterKey").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default();
            parameters.retain(|p| {
                p.get("UsePreviousValue") != Some(&Value::Bool(true))
                    || existing.contains(&p["ParameterKey"].as_str().unwrap_or_default())
            });
            "UPDATE"
        } else {
            parameters.retain(|p| p.get("UsePreviousValue") != Some(&Value::Bool(true)));
            "CREATE"
        };
        let now = std::time::SystemTime::now();
        let since_epoch = now
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let changeset_name = format!("{CHANGESET_PREFIX}{}", since_epoch.as_secs());
        let mut params = Map::from_iter([
            ("ChangeSetName".to_owned(), json!(changeset_name)),
            ("StackName".to_owned(), json!(stack)),
            ("TemplateBody".to_owned(), json!(text)),
            ("ChangeSetType".to_owned(), json!(changeset_type)),
            (
                "Parameters".to_owned(),
                Value::Array(parameters.into_iter().map(Value::Object).collect()),
            ),
            (
                "Capabilities".to_owned(),
                json!(command.option_list("capabilities")),
            ),
            (
                "Description".to_owned(),
                json!(format!(
                    "Created by AWS CLI at {} UTC",
                    iso_now(since_epoch)
                )),
            ),
            ("Tags".to_owned(), Value::Array(tags)),
        ]);
        if let Some(uploader) = &uploader {
            params.remove("TemplateBody");
            let temporary = TempFile::write(text.as_bytes())?;
            let url = self
                .upload_with_dedup(uploader, &temporary.path, Some("template"))
                .await?;
            params.insert(
                "TemplateURL".to_owned(),
                json!(uploader.path_style_url(key_of(&url))),
            );
        }
        if let Some(role) = command.option_text("role-arn") {
            params.insert("RoleARN".to_owned(), json!(role));
        }
        let notifications = command.option_list("notification-arns");
        if !notifications.is_empty() {
            params.insert("NotificationARNs".to_owned(), json!(notifications));
        }
        let created = call("CreateChangeSet", params).await?;
        let changeset_id = created
            .get("Id")
            .and_then(Value::as_str)
            .ok_or_else(|| ExecError::Response("CreateChangeSet gave no Id".to_owned()))?
            .to_owned();

        let mut printed = String::from("\nWaiting for changeset to be created..\n");
        let ids = Map::from_iter([
            ("ChangeSetName".to_owned(), json!(changeset_id)),
            ("StackName".to_owned(), json!(stack)),
        ]);
        if let Err((error, last)) = self
            .wait_as(
                cfn,
                "change-set-create-complete",
                &ids,
                &target,
                Some((5, None)),
            )
            .await
        {
            let last = last.unwrap_or_default();
            let field = |name: &str| last.get(name).and_then(Value::as_str).unwrap_or_default();
            let (status, reason) = (field("Status"), field("StatusReason"));
            if (status == "FAILED"
                && reason.contains("The submitted information didn't contain changes."))
                || reason.contains("No updates are to be performed")
            {
                let empty = format!("No changes to deploy. Stack {stack} is up to date");
                if command.flag("no-fail-on-empty-changeset") {
                    printed.push_str(&format!("\n{empty}\n"));
                    return Ok(printed);
                }
                return Err(ExecError::Request(empty));
            }
            return Err(ExecError::Request(format!(
                "Failed to create the changeset: {error} Status: {status}. Reason: {reason}"
            )));
        }
        if command.flag("no-execute-changeset") {
            printed.push_str(&format!(
                "Changeset created successfully. Run the following command to review changes:\naws cloudformation describe-change-set --change-set-name {changeset_id}\n"
            ));
            return Ok(printed);
        }
        let disable_rollback =
            command.flag("disable-rollback") && !command.flag("no-disable-rollback");
        let mut execute = ids.clone();
        execute.insert("DisableRollback".to_owned(), json!(disable_rollback));
        call("ExecuteChangeSet", execute).await?;
        printed.push_str("Waiting for stack create/update to complete\n");
        let waiter = if changeset_type == "CREATE" {
            "stack-create-complete"
        } else {
            "stack-update-complete"
        };
        let stack_only = Map::from_iter([("StackName".to_owned(), json!(stack))]);
        if self
            .wait_as(cfn, waiter, &stack_only, &target, Some((30, Some(120))))
            .await
            .is_err()
        {
            return Err(ExecError::Request(format!(
                "Failed to create/update the stack. Run the following command\nto fetch the list of events leading up to the failure\naws cloudformation describe-stack-events --stack-name {stack}"
            )));
        }
        printed.push_str(&format!("Successfully created/updated stack - {stack}\n"));
        Ok(printed)
    }

    /// `aws cloudformation package`: what it prints.
    pub(super) async fn cloudformation_package(
        &self,
        s3_model: Option<&Service>,
        command: &ParsedCommand,
    ) -> Result<String, ExecError> {
        let model = s3_model
            .ok_or_else(|| ExecError::Unsupported("the s3api model is not loaded".to_owned()))?;
        let target = self.s3_target(model, command).await?;
        let bucket = command
            .option_text("s3-bucket")
            .ok_or_else(|| ExecError::Request("`--s3-bucket` is required".to_owned()))?;
        let uploader = uploader(command, model, &target, &bucket);
        let file = template_file(command)?;
        let exported = Box::pin(self.export_template(&uploader, &file.resolved)).await?;
        let text = if command.flag("use-json") {
            template::to_json(&exported)
        } else {
            template::to_yaml(&exported)
        };
        let mut printed = String::from("\n");
        match command.file("output-template-file") {
            Some(out) => {
                std::fs::write(&out.resolved, &text).map_err(|e| {
                    ExecError::Output(format!("`{}` cannot be written: {e}", out.written))
                })?;
                printed.push_str(&format!(
                    "Successfully packaged artifacts and wrote output template to file {}.\nExecute the following command to deploy the packaged template\naws cloudformation deploy --template-file {} --stack-name <YOUR STACK NAME>\n",
                    out.written,
                    out.absolute.display()
                ));
            }
            None => printed.push_str(&text),
        }
        Ok(printed)
    }

    /// S3 as the CLI's nested client reaches it: the command's region and
    /// profile, but not its `--endpoint-url` (which names CloudFormation's).
    pub(super) async fn s3_target(
        &self,
        model: &Service,
        command: &ParsedCommand,
    ) -> Result<Target, ExecError> {
        let mut global = command.global.clone();
        global.endpoint_url = None;
        self.target(model, &global).await
    }

    /// `Template.export`: the template at `path` with its local artifacts
    /// uploaded and replaced by their S3 locations.
    async fn export_template(
        &self,
        uploader: &Uploader<'_>,
        path: &Path,
    ) -> Result<Value, ExecError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ExecError::Request(format!("`{}` cannot be read: {e}", path.display())))?;
        let mut template = template::parse(&text).map_err(|e| ExecError::Request(e.to_string()))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(Value::Object(metadata)) = template.get_mut("Metadata") {
            for (kind, value) in metadata.iter_mut() {
                for exporter in EXPORTERS.iter().filter(|e| e.metadata && e.kind == kind) {
                    self.export(uploader, exporter, kind, Some(value), &dir)
                        .await?;
                }
            }
        }
        if template.get("Resources").is_none() {
            return Ok(template);
        }
        self.export_includes(uploader, &mut template, &dir).await?;
        if let Some(Value::Object(resources)) = template.get_mut("Resources") {
            Box::pin(self.export_resources(uploader, resources, &dir)).await?;
        }
        Ok(template)
    }

    async fn export_resources(
        &self,
        uploader: &Uploader<'_>,
        resources: &mut Map<String, Value>,
        dir: &Path,
    ) -> Result<(), ExecError> {
        for (id, resource) in resources.iter_mut() {
            if id.starts_with("Fn::ForEach::") {
                match resource.as_array_mut() {
                    Some(parts) if parts.len() == 3 => {
                        if let Value::Object(inner) = &mut parts[2] {
                            Box::pin(self.export_resources(uploader, inner, dir)).await?;
                        }
                        continue;
                    }
                    _ => {
                        return Err(ExecError::Request(format!(
                            "The value of {id} has an invalid \"Fn::ForEach::\" format: Must be a list of three entries"
                        )));
                    }
                }
            }
            let kind = resource
                .get("Type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            for exporter in EXPORTERS.iter().filter(|e| !e.metadata && e.kind == kind) {
                let properties = resource.get_mut("Properties");
                self.export(uploader, exporter, id, properties, dir).await?;
            }
        }
        Ok(())
    }

    /// `Fn::Transform` of `AWS::Include` with a local `Location`, anywhere.
    async fn export_includes(
        &self,
        uploader: &Uploader<'_>,
        value: &mut Value,
        dir: &Path,
    ) -> Result<(), ExecError> {
        match value {
            Value::Object(map) => {
                for (key, val) in map.iter_mut() {
                    if key == "Fn::Transform" {
                        let include =
                            val.get("Name").and_then(Value::as_str) == Some("AWS::Include");
                        let location = val
                            .get("Parameters")
                            .and_then(|p| p.get("Location"))
                            .and_then(Value::as_str)
                            .filter(|l| !l.is_empty() && !is_s3_url(l))
                            .map(str::to_owned);
                        if let (true, Some(location)) = (include, location) {
                            let joined = dir.join(&location);
                            let path = self.local_path(&joined.to_string_lossy(), dir)?;
                            if !path.is_file() {
                                return Err(ExecError::Request(format!(
                                    "Parameter Location of resource AWS::Include refers to a file or folder that does not exist {}",
                                    joined.display()
                                )));
                            }
                            let url = self.upload_with_dedup(uploader, &path, None).await?;
                            val["Parameters"]["Location"] = json!(url);
                        }
                    } else {
                        Box::pin(self.export_includes(uploader, val, dir)).await?;
                    }
                }
            }
            Value::Array(items) => {
                for item in items.iter_mut().filter(|i| i.is_object()) {
                    Box::pin(self.export_includes(uploader, item, dir)).await?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `Resource.export`: one property of one resource.
    async fn export(
        &self,
        uploader: &Uploader<'_>,
        exporter: &Exporter,
        id: &str,
        properties: Option<&mut Value>,
        dir: &Path,
    ) -> Result<(), ExecError> {
        let Some(properties) = properties.filter(|p| p.is_object()) else {
            return Ok(());
        };
        let value = get_path(properties, exporter.property).cloned();
        let empty = value.as_ref().is_none_or(|v| !super::output::py::truthy(v));
        if (empty && !exporter.package_null) || value.as_ref().is_some_and(Value::is_object) {
            return Ok(());
        }
        let shown = match &value {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => "None".to_owned(),
        };
        let result = self
            .export_value(uploader, exporter, id, properties, value.as_ref(), dir)
            .await;
        result.map_err(|e| {
            let reason = match e {
                ExecError::Request(r) => r,
                other => other.to_string(),
            };
            ExecError::Request(format!(
                "Unable to upload artifact {shown} referenced by {} parameter of {id} resource.\n{reason}",
                exporter.property
            ))
        })
    }

    async fn export_value(
        &self,
        uploader: &Uploader<'_>,
        exporter: &Exporter,
        id: &str,
        properties: &mut Value,
        value: Option<&Value>,
        dir: &Path,
    ) -> Result<(), ExecError> {
        if exporter.shape == Shape::Stack {
            let Some(Value::String(path)) = value else {
                return Ok(());
            };
            if is_s3_url(path) || path.starts_with("http://") || path.starts_with("https://") {
                return Ok(());
            }
            let joined = normpath(&dir.join(path));
            let resolved = self.local_path(&joined.to_string_lossy(), dir)?;
            if !resolved.is_file() {
                return Err(ExecError::Request(format!(
                    "{} parameter of {id} resource is invalid. It must be a S3 URL or path to CloudFormation template file. Actual: {}",
                    exporter.property,
                    joined.display()
                )));
            }
            let nested = Box::pin(self.export_template(uploader, &resolved)).await?;
            let temporary = TempFile::write(template::to_yaml(&nested).as_bytes())?;
            let url = self
                .upload_with_dedup(uploader, &temporary.path, Some("template"))
                .await?;
            set_path(
                properties,
                exporter.property,
                json!(uploader.path_style_url(key_of(&url))),
            );
            return Ok(());
        }
        // A lone file where a zip is wanted is zipped as a folder of one.
        let text = value.and_then(Value::as_str);
        let mut url = match text {
            Some(t) if is_s3_url(t) => t.to_owned(),
            _ => {
                let written =
                    text.map_or_else(|| dir.to_string_lossy().into_owned(), str::to_owned);
                let joined = normpath(&dir.join(&written));
                let path = self.local_path(&joined.to_string_lossy(), dir)?;
                if path.is_dir() {
                    let zip = zip_folder(&path, &self.settings.link_root(), false)?;
                    self.upload_with_dedup(uploader, &zip.path, None).await?
                } else if path.is_file() {
                    if exporter.force_zip && !is_zip(&path) {
                        let zip = zip_single(&path)?;
                        self.upload_with_dedup(uploader, &zip.path, None).await?
                    } else {
                        self.upload_with_dedup(uploader, &path, None).await?
                    }
                } else {
                    return Err(ExecError::Request(format!(
                        "Parameter {} of resource {id} refers to a file or folder that does not exist {}",
                        exporter.property,
                        joined.display()
                    )));
                }
            }
        };
        if let Shape::S3Dict {
            bucket,
            key,
            version,
        } = exporter.shape
        {
            let (b, k, v) = parse_s3_url(&url).ok_or_else(|| {
                ExecError::Request(format!(
                    "URL given to the parse method is not a valid S3 url {url}"
                ))
            })?;
            let mut dict =
                Map::from_iter([(bucket.to_owned(), json!(b)), (key.to_owned(), json!(k))]);
            if let (Some(name), Some(v)) = (version, v) {
                dict.insert(name.to_owned(), json!(v));
            }
            set_path(properties, exporter.property, Value::Object(dict));
            return Ok(());
        }
        set_path(
            properties,
            exporter.property,
            Value::String(std::mem::take(&mut url)),
        );
        Ok(())
    }

    /// A local path a template names, resolved and checked against the
    /// server's file access rule.
    fn local_path(&self, written: &str, dir: &Path) -> Result<PathBuf, ExecError> {
        let (_, resolved, _) = crate::command::resolve_path(written, dir)
            .map_err(|reason| ExecError::Request(format!("`{written}`: {reason}")))?;
        let working_dir = self.settings.working_dir_or_root();
        if !crate::command::file_allowed(&working_dir, self.settings.file_access, &resolved) {
            return Err(ExecError::Request(format!(
                "the template names `{written}`, which this server may not read: it is outside the working directory `{}` (or local file access is off)",
                working_dir.display()
            )));
        }
        Ok(resolved)
    }

    /// `S3Uploader.upload_with_dedup`: the object is named by the MD5 of
    /// the file, and not sent again when one of that name exists (unless
    /// `--force-upload`). The `s3://` URL.
    async fn upload_with_dedup(
        &self,
        uploader: &Uploader<'_>,
        file: &Path,
        extension: Option<&str>,
    ) -> Result<String, ExecError> {
        let mut key = md5_hex(file)?;
        if let Some(ext) = extension {
            key = format!("{key}.{ext}");
        }
        if let Some(prefix) = uploader.prefix.as_deref().filter(|p| !p.is_empty()) {
            key = format!("{prefix}/{key}");
        }
        let url = format!("s3://{}/{key}", uploader.bucket);
        let ids = Map::from_iter([
            ("Bucket".to_owned(), json!(uploader.bucket)),
            ("Key".to_owned(), json!(key)),
        ]);
        if !uploader.force {
            let head = s3::op(uploader.at.service, "HeadObject")?;
            if self
                .call(uploader.at.service, head, &ids, uploader.at.target, None)
                .await
                .is_ok()
            {
                return Ok(url);
            }
        }
        let mut params = ids;
        match &uploader.kms_key_id {
            Some(kms) => {
                params.insert("ServerSideEncryption".to_owned(), json!("aws:kms"));
                params.insert("SSEKMSKeyId".to_owned(), json!(kms));
            }
            None => {
                params.insert("ServerSideEncryption".to_owned(), json!("AES256"));
            }
        }
        if let Some(metadata) = &uploader.metadata {
            params.insert("Metadata".to_owned(), Value::Object(metadata.clone()));
        }
        match self.put_file(uploader.at, file, params).await {
            Err(ExecError::Service { error, .. }) if error.code == "NoSuchBucket" => {
                Err(ExecError::Request(format!(
                    "S3 Bucket does not exist. Execute the command to create a new bucket\naws s3 mb s3://{}",
                    uploader.bucket
                )))
            }
            other => other.map(|_| url),
        }
    }
}

fn uploader<'a>(
    command: &ParsedCommand,
    model: &'a Service,
    target: &'a Target,
    bucket: &str,
) -> Uploader<'a> {
    let metadata = command.option_text("metadata").and_then(|m| {
        if m.trim_start().starts_with('{') {
            serde_json::from_str::<Map<String, Value>>(&m).ok()
        } else {
            crate::command::parse_shorthand(&m)
                .ok()
                .and_then(|v| v.as_object().cloned())
        }
    });
    Uploader {
        at: S3At {
            service: model,
            target,
        },
        bucket: bucket.to_owned(),
        prefix: command.option_text("s3-prefix"),
        kms_key_id: command.option_text("kms-key-id"),
        force: command.flag("force-upload"),
        metadata,
    }
}

impl Uploader<'_> {
    /// `to_path_style_s3_url`: the S3 client's endpoint, the bucket, the
    /// key, as `TemplateURL` needs.
    fn path_style_url(&self, key: &str) -> String {
        let base = match &self.at.target.endpoint_override {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let region = &self.at.target.region;
                if region == "us-east-1" || region == "aws-global" {
                    "https://s3.amazonaws.com".to_owned()
                } else if region.starts_with("cn-") {
                    format!("https://s3.{region}.amazonaws.com.cn")
                } else {
                    format!("https://s3.{region}.amazonaws.com")
                }
            }
        };
        format!("{base}/{}/{key}", self.bucket)
    }
}

/// The file `--template-file` names, which must be a file.
fn template_file(command: &ParsedCommand) -> Result<&crate::command::LocalFile, ExecError> {
    let file = command
        .file("template-file")
        .ok_or_else(|| ExecError::Request("`--template-file` is required".to_owned()))?;
    if !file.resolved.is_file() {
        return Err(ExecError::Request(format!(
            "Invalid template path {}",
            file.written
        )));
    }
    Ok(file)
}

/// The template file's text, as `--template-file` names it.
fn template_text(command: &ParsedCommand) -> Result<String, ExecError> {
    let file = template_file(command)?;
    std::fs::read_to_string(&file.resolved)
        .map_err(|e| ExecError::Request(format!("`{}` cannot be read: {e}", file.written)))
}

/// `Key=Value` words as an ordered map (a later key replaces an earlier
/// one in place, as a Python dict does).
fn key_values(words: &[String], option: &str) -> Result<Vec<(String, String)>, ExecError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for word in words {
        let Some((k, v)) = word.split_once('=') else {
            return Err(ExecError::Request(format!(
                "['{}'] value passed to --{option} must be of format Key=Value",
                word.replace('\\', "\\\\").replace('\'', "\\'")
            )));
        };
        match out.iter_mut().find(|(key, _)| key == k) {
            Some(entry) => entry.1 = v.to_owned(),
            None => out.push((k.to_owned(), v.to_owned())),
        }
    }
    Ok(out)
}

/// `DeployCommand.merge_parameters`: every template parameter, with the
/// override's value or `UsePreviousValue`.
fn merge_parameters(template: &Value, overrides: &[(String, String)]) -> Vec<Map<String, Value>> {
    let Some(Value::Object(declared)) = template.get("Parameters") else {
        return Vec::new();
    };
    declared
        .keys()
        .map(|key| {
            let mut p = Map::from_iter([("ParameterKey".to_owned(), json!(key))]);
            match overrides.iter().find(|(k, _)| k == key) {
                Some((_, v)) => p.insert("ParameterValue".to_owned(), json!(v)),
                None => p.insert("UsePreviousValue".to_owned(), json!(true)),
            };
            p
        })
        .collect()
}

/// `datetime.utcnow().isoformat()`.
pub(super) fn iso_now(since_epoch: std::time::Duration) -> String {
    let secs = i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX);
    let micros = since_epoch.subsec_micros();
    let text = super::timestamp::iso8601(super::timestamp::Moment { secs, nanos: 0 });
    let base = text.trim_end_matches('Z').trim_end_matches("+00:00");
    if micros == 0 {
        base.to_owned()
    } else {
        format!("{base}.{micros:06}")
    }
}

/// What a resource type's exporter does with its property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The property becomes the `s3://` URL.
    Url,
    /// The property becomes `{bucket: .., key: .., version: ..}`.
    S3Dict {
        bucket: &'static str,
        key: &'static str,
        version: Option<&'static str>,
    },
    /// A nested template: packaged too, uploaded, named by its URL.
    Stack,
}

struct Exporter {
    kind: &'static str,
    property: &'static str,
    shape: Shape,
    /// Without a value, the template's own folder is uploaded.
    package_null: bool,
    force_zip: bool,
    /// Found under `Metadata`, not `Resources`.
    metadata: bool,
}

const fn url(
    kind: &'static str,
    property: &'static str,
    package_null: bool,
    force_zip: bool,
) -> Exporter {
    Exporter {
        kind,
        property,
        shape: Shape::Url,
        package_null,
        force_zip,
        metadata: false,
    }
}

const fn dict(
    kind: &'static str,
    property: &'static str,
    names: (&'static str, &'static str, Option<&'static str>),
    package_null: bool,
    force_zip: bool,
) -> Exporter {
    Exporter {
        kind,
        property,
        shape: Shape::S3Dict {
            bucket: names.0,
            key: names.1,
            version: names.2,
        },
        package_null,
        force_zip,
        metadata: false,
    }
}

/// `RESOURCES_EXPORT_LIST` and `METADATA_EXPORT_LIST`, in the CLI's order.
static EXPORTERS: &[Exporter] = &[
    url("AWS::Serverless::Function", "CodeUri", true, true),
    url("AWS::Serverless::Api", "DefinitionUri", false, false),
    url(
        "AWS::AppSync::GraphQLSchema",
        "DefinitionS3Location",
        false,
        false,
    ),
    url(
        "AWS::AppSync::Resolver",
        "RequestMappingTemplateS3Location",
        false,
        false,
    ),
    url(
        "AWS::AppSync::Resolver",
        "ResponseMappingTemplateS3Location",
        false,
        false,
    ),
    url(
        "AWS::AppSync::FunctionConfiguration",
        "RequestMappingTemplateS3Location",
        false,
        false,
    ),
    url(
        "AWS::AppSync::FunctionConfiguration",
        "ResponseMappingTemplateS3Location",
        false,
        false,
    ),
    dict(
        "AWS::ApiGateway::RestApi",
        "BodyS3Location",
        ("Bucket", "Key", Some("Version")),
        false,
        false,
    ),
    dict(
        "AWS::Lambda::Function",
        "Code",
        ("S3Bucket", "S3Key", Some("S3ObjectVersion")),
        true,
        true,
    ),
    dict(
        "AWS::ElasticBeanstalk::ApplicationVersion",
        "SourceBundle",
        ("S3Bucket", "S3Key", None),
        true,
        false,
    ),
    Exporter {
        kind: "AWS::CloudFormation::Stack",
        property: "TemplateURL",
        shape: Shape::Stack,
        package_null: true,
        force_zip: false,
        metadata: false,
    },
    Exporter {
        kind: "AWS::Serverless::Application",
        property: "Location",
        shape: Shape::Stack,
        package_null: true,
        force_zip: false,
        metadata: false,
    },
    url("AWS::Serverless::LayerVersion", "ContentUri", true, true),
    dict(
        "AWS::Lambda::LayerVersion",
        "Content",
        ("S3Bucket", "S3Key", Some("S3ObjectVersion")),
        true,
        true,
    ),
    url("AWS::Glue::Job", "Command.ScriptLocation", true, false),
    dict(
        "AWS::StepFunctions::StateMachine",
        "DefinitionS3Location",
        ("Bucket", "Key", Some("Version")),
        false,
        false,
    ),
    dict(
        "AWS::Serverless::StateMachine",
        "DefinitionUri",
        ("Bucket", "Key", Some("Version")),
        false,
        false,
    ),
    dict(
        "AWS::CodeCommit::Repository",
        "Code.S3",
        ("Bucket", "Key", Some("ObjectVersion")),
        false,
        true,
    ),
    Exporter {
        kind: "AWS::ServerlessRepo::Application",
        property: "ReadmeUrl",
        shape: Shape::Url,
        package_null: false,
        force_zip: false,
        metadata: true,
    },
    Exporter {
        kind: "AWS::ServerlessRepo::Application",
        property: "LicenseUrl",
        shape: Shape::Url,
        package_null: false,
        force_zip: false,
        metadata: true,
    },
];

/// The value at a dotted path (`Command.ScriptLocation`).
fn get_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, part| v.get(part))
}

/// Sets the value at a dotted path, making the mappings on the way.
fn set_path(value: &mut Value, path: &str, new: Value) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap_or_default();
    let mut current = value;
    for part in parts {
        if !current.get(part).is_some_and(Value::is_object) {
            current[part] = json!({});
        }
        current = &mut current[part];
    }
    current[last] = new;
}

fn is_s3_url(text: &str) -> bool {
    parse_s3_url(text).is_some()
}

/// `parse_s3_url`: bucket, key and a lone `versionId`.
fn parse_s3_url(url: &str) -> Option<(String, String, Option<String>)> {
    let rest = url.strip_prefix("s3://")?;
    let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (bucket, key) = location.split_once('/')?;
    let key = key.trim_start_matches('/');
    if bucket.is_empty() || key.is_empty() {
        return None;
    }
    let versions: Vec<&str> = query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("versionId="))
        .collect();
    let version = match versions.as_slice() {
        [one] => Some((*one).to_owned()),
        _ => None,
    };
    Some((bucket.to_owned(), key.to_owned(), version))
}

/// The key of an `s3://bucket/key` URL.
fn key_of(url: &str) -> &str {
    url.strip_prefix("s3://")
        .and_then(|r| r.split_once('/'))
        .map_or("", |(_, k)| k)
}

/// `os.path.normpath` of an absolute path.
fn normpath(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn md5_hex(file: &Path) -> Result<String, ExecError> {
    use md5::Digest as _;
    let unreadable =
        |e: std::io::Error| ExecError::Request(format!("`{}` cannot be read: {e}", file.display()));
    let mut reader = std::fs::File::open(file).map_err(unreadable)?;
    let mut hasher = md5::Md5::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buffer).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_merge_as_the_cli_merges_them() {
        let t = json!({"Parameters": {"A": {}, "B": {}}});
        let merged = merge_parameters(&t, &[("B".to_owned(), "2".to_owned())]);
        assert_eq!(
            Value::Array(merged.into_iter().map(Value::Object).collect()),
            json!([{"ParameterKey": "A", "UsePreviousValue": true}, {"ParameterKey": "B", "ParameterValue": "2"}])
        );
    }

    #[test]
    fn key_values_keep_first_place_and_last_value() {
        let words = ["a=1", "b=x=y", "a=3"].map(str::to_owned);
        assert_eq!(
            key_values(&words, "tags").unwrap(),
            vec![
                ("a".to_owned(), "3".to_owned()),
                ("b".to_owned(), "x=y".to_owned())
            ]
        );
        assert_eq!(
            key_values(&["nope".to_owned()], "tags")
                .unwrap_err()
                .to_string(),
            "['nope'] value passed to --tags must be of format Key=Value"
        );
    }

    #[test]
    fn s3_urls_as_the_cli_parses_them() {
        assert_eq!(
            parse_s3_url("s3://b/k/x.zip?versionId=3"),
            Some(("b".to_owned(), "k/x.zip".to_owned(), Some("3".to_owned())))
        );
        assert_eq!(parse_s3_url("s3://b"), None);
        assert_eq!(parse_s3_url("./code"), None);
    }

    #[test]
    fn dotted_properties_are_set_and_made() {
        let mut p = json!({"Command": {"Name": "glueetl"}});
        set_path(&mut p, "Command.ScriptLocation", json!("s3://b/k"));
        assert_eq!(
            p,
            json!({"Command": {"Name": "glueetl", "ScriptLocation": "s3://b/k"}})
        );
        let mut q = json!({});
        set_path(&mut q, "Code.S3", json!({"Bucket": "b"}));
        assert_eq!(q, json!({"Code": {"S3": {"Bucket": "b"}}}));
    }
}
