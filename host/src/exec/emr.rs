//! The CLI's own `aws emr` commands (`awscli.customizations.emr`):
//! `create-cluster` (RunJobFlow built from the CLI's shortcut options),
//! `describe-cluster` (DescribeCluster with the cluster's instance groups
//! or fleets and bootstrap actions), `add-steps` (AddJobFlowSteps with the
//! step types translated to their runner jars and arguments),
//! `terminate-clusters`, `modify-cluster-attributes`,
//! `add-instance-groups` and `install-applications`.

use serde_json::{Map, Value, json};

use super::{ExecError, Executor, Target, output, s3};
use crate::command::ParsedCommand;
use crate::model::Service;

/// The commands of this module.
pub fn supported(command: &str) -> bool {
    matches!(
        command,
        "create-cluster"
            | "describe-cluster"
            | "add-steps"
            | "terminate-clusters"
            | "modify-cluster-attributes"
            | "add-instance-groups"
            | "install-applications"
    )
}

const EMR_ROLE: &str = "EMR_DefaultRole";
const EC2_ROLE: &str = "EMR_EC2_DefaultRole";
const COMMAND_RUNNER: &str = "command-runner.jar";

fn usage(message: impl Into<String>) -> ExecError {
    ExecError::Request(format!("aws: error: {}", message.into()))
}

impl Executor {
    /// Runs one of the `emr` commands of [`supported`]; what it prints.
    pub(super) async fn emr_command(
        &self,
        service: &Service,
        command: &ParsedCommand,
    ) -> Result<String, ExecError> {
        let target = self.target(service, &command.global).await?;
        let emr = Emr {
            exec: self,
            service,
            target: &target,
            command,
        };
        match command.cli_operation.as_str() {
            "create-cluster" => emr.create_cluster().await,
            "describe-cluster" => emr.describe_cluster().await,
            "add-steps" => emr.add_steps().await,
            "terminate-clusters" => {
                let ids = emr.list("cluster-ids");
                emr.call_and_print(
                    "TerminateJobFlows",
                    Map::from_iter([("JobFlowIds".to_owned(), json!(ids))]),
                )
                .await
            }
            "modify-cluster-attributes" => emr.modify_cluster_attributes().await,
            "add-instance-groups" => emr.add_instance_groups().await,
            "install-applications" => emr.install_applications().await,
            other => Err(ExecError::Unsupported(format!(
                "`aws emr {other}` is not run by this server"
            ))),
        }
    }
}

struct Emr<'a> {
    exec: &'a Executor,
    service: &'a Service,
    target: &'a Target,
    command: &'a ParsedCommand,
}

impl Emr<'_> {
    async fn call(
        &self,
        operation: &str,
        params: Map<String, Value>,
    ) -> Result<Map<String, Value>, ExecError> {
        let op = s3::op(self.service, operation)?;
        self.exec
            .call(self.service, op, &params, self.target, None)
            .await
    }

    fn print(&self, result: Map<String, Value>, operation: &str) -> Result<String, ExecError> {
        output::render(&Value::Object(result), &self.command.global, operation)
    }

    async fn call_and_print(
        &self,
        operation: &str,
        params: Map<String, Value>,
    ) -> Result<String, ExecError> {
        let result = self.call(operation, params).await?;
        self.print(result, operation)
    }

    fn text(&self, name: &str) -> Option<String> {
        self.command.option_text(name)
    }

    /// Each option given, as text, into its RunJobFlow member.
    fn copy_texts(&self, params: &mut Map<String, Value>, pairs: &[(&str, &str)]) {
        for (option, member) in pairs {
            if let Some(v) = self.text(option) {
                params.insert((*member).to_owned(), json!(v));
            }
        }
    }

    fn flag(&self, name: &str) -> bool {
        self.command.flag(name)
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.command.option_list(name)
    }

    /// A list option whose items are structures, each written as
    /// shorthand or JSON, or the whole list as one JSON list.
    fn structures(&self, name: &str) -> Result<Option<Vec<Map<String, Value>>>, ExecError> {
        let words = self.command.option_list(name);
        if words.is_empty() {
            return Ok(None);
        }
        let bad = |word: &str, why: String| {
            ExecError::Request(format!("`--{name}` value `{word}` cannot be read: {why}"))
        };
        let mut out = Vec::new();
        for word in &words {
            let value = if word.trim_start().starts_with(['[', '{']) {
                serde_json::from_str::<Value>(word).map_err(|e| bad(word, e.to_string()))?
            } else {
                crate::command::parse_shorthand(word).map_err(|e| bad(word, e.to_string()))?
            };
            match value {
                Value::Array(items) => {
                    for item in items {
                        match item {
                            Value::Object(m) => out.push(m),
                            _ => return Err(bad(word, "each item must be a structure".to_owned())),
                        }
                    }
                }
                Value::Object(m) => out.push(m),
                _ => return Err(bad(word, "it must be a structure".to_owned())),
            }
        }
        for item in &mut out {
            coerce(item);
        }
        Ok(Some(out))
    }

    /// A structure option, as shorthand or JSON.
    fn structure(&self, name: &str) -> Result<Option<Map<String, Value>>, ExecError> {
        Ok(self.structures(name)?.and_then(
            |mut items| {
                if items.len() == 1 { items.pop() } else { None }
            },
        ))
    }

    async fn describe_cluster(&self) -> Result<String, ExecError> {
        let id = self.text("cluster-id").unwrap_or_default();
        let ids = Map::from_iter([("ClusterId".to_owned(), json!(id))]);
        let mut result = self.call("DescribeCluster", ids.clone()).await?;
        let fleets = result
            .get("Cluster")
            .and_then(|c| c.get("InstanceCollectionType"))
            .and_then(Value::as_str)
            == Some("INSTANCE_FLEET");
        let (listing, key) = if fleets {
            ("ListInstanceFleets", "InstanceFleets")
        } else {
            ("ListInstanceGroups", "InstanceGroups")
        };
        let members = self.call(listing, ids.clone()).await?;
        let actions = self.call("ListBootstrapActions", ids).await?;
        if let Some(Value::Object(cluster)) = result.get_mut("Cluster") {
            cluster.insert("BootstrapActions".to_owned(), json!([]));
            if let Some(list) = members.get(key) {
                cluster.insert(key.to_owned(), list.clone());
            }
            if let Some(list) = actions.get("BootstrapActions") {
                cluster.insert("BootstrapActions".to_owned(), list.clone());
            }
        }
        self.print(result, "describe_cluster")
    }

    async fn add_steps(&self) -> Result<String, ExecError> {
        let id = self.text("cluster-id").unwrap_or_default();
        let steps = self.structures("steps")?.unwrap_or_default();
        let cluster = self
            .call(
                "DescribeCluster",
                Map::from_iter([("ClusterId".to_owned(), json!(id))]),
            )
            .await?;
        let release_label = cluster
            .get("Cluster")
            .and_then(|c| c.get("ReleaseLabel"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let steps = build_steps(&steps, &self.target.region, release_label.as_deref())?;
        let mut params = Map::from_iter([
            ("JobFlowId".to_owned(), json!(id)),
            ("Steps".to_owned(), Value::Array(steps)),
        ]);
        if let Some(role) = self.text("execution-role-arn") {
            params.insert("ExecutionRoleArn".to_owned(), json!(role));
        }
        self.call_and_print("AddJobFlowSteps", params).await
    }

    async fn modify_cluster_attributes(&self) -> Result<String, ExecError> {
        let id = self.text("cluster-id").unwrap_or_default();
        let pairs = [
            (
                "visible-to-all-users",
                "SetVisibleToAllUsers",
                "VisibleToAllUsers",
                false,
            ),
            (
                "termination-protected",
                "SetTerminationProtection",
                "TerminationProtected",
                false,
            ),
            (
                "auto-terminate",
                "SetKeepJobFlowAliveWhenNoSteps",
                "KeepJobFlowAliveWhenNoSteps",
                true,
            ),
            (
                "unhealthy-node-replacement",
                "SetUnhealthyNodeReplacement",
                "UnhealthyNodeReplacement",
                false,
            ),
        ];
        for (name, ..) in pairs {
            if self.flag(name) && self.flag(&format!("no-{name}")) {
                return Err(usage(format!(
                    "You cannot specify both --{name} and --no-{name} options together."
                )));
            }
        }
        if !pairs
            .iter()
            .any(|(name, ..)| self.flag(name) || self.flag(&format!("no-{name}")))
        {
            return Err(usage(
                "Must specify one of the following boolean options: --visible-to-all-users|--no-visible-to-all-users, --termination-protected|--no-termination-protected, --auto-terminate|--no-auto-terminate, --unhealthy-node-replacement|--no-unhealthy-node-replacement.",
            ));
        }
        let mut printed = String::new();
        for (name, operation, member, inverted) in pairs {
            if !(self.flag(name) || self.flag(&format!("no-{name}"))) {
                continue;
            }
            let on = self.flag(name);
            let params = Map::from_iter([
                ("JobFlowIds".to_owned(), json!([id])),
                (member.to_owned(), json!(on != inverted)),
            ]);
            printed.push_str(&self.call_and_print(operation, params).await?);
        }
        Ok(printed)
    }

    async fn add_instance_groups(&self) -> Result<String, ExecError> {
        let id = self.text("cluster-id").unwrap_or_default();
        let groups = self.structures("instance-groups")?.unwrap_or_default();
        let params = Map::from_iter([
            ("JobFlowId".to_owned(), json!(id)),
            (
                "InstanceGroups".to_owned(),
                Value::Array(build_instance_groups(&groups)?),
            ),
        ]);
        let answer = self.call("AddInstanceGroups", params).await?;
        let result = match (answer.get("JobFlowId"), answer.get("InstanceGroupIds")) {
            (Some(job), Some(groups)) => Map::from_iter([
                ("ClusterId".to_owned(), job.clone()),
                ("InstanceGroupIds".to_owned(), groups.clone()),
                (
                    "ClusterArn".to_owned(),
                    answer.get("ClusterArn").cloned().unwrap_or(Value::Null),
                ),
            ]),
            _ => Map::new(),
        };
        self.print(result, "add_instance_groups")
    }

    async fn install_applications(&self) -> Result<String, ExecError> {
        const KNOWN: [&str; 10] = [
            "HIVE", "PIG", "HBASE", "GANGLIA", "IMPALA", "SPARK", "MAPR", "MAPR_M3", "MAPR_M5",
            "MAPR_M7",
        ];
        let id = self.text("cluster-id").unwrap_or_default();
        let cluster = self
            .call(
                "DescribeCluster",
                Map::from_iter([("ClusterId".to_owned(), json!(id))]),
            )
            .await?;
        if let Some(label) = cluster
            .get("Cluster")
            .and_then(|c| c.get("ReleaseLabel"))
            .and_then(Value::as_str)
            .filter(|l| !l.is_empty())
        {
            return Err(usage(format!(
                "install-applications is not supported with '{label}' release."
            )));
        }
        let applications = self.structures("applications")?.unwrap_or_default();
        for app in &applications {
            let name = app.get("Name").and_then(Value::as_str).unwrap_or_default();
            let upper = name.to_uppercase();
            if !KNOWN.contains(&upper.as_str()) {
                return Err(usage(format!(
                    "Unknown application: {name}. 'Name' should be one of the following: {}",
                    KNOWN.join(", ")
                )));
            }
            if upper != "HIVE" && upper != "PIG" {
                return Err(usage(format!(
                    "{name} cannot be installed on a running cluster. 'Name' should be one of the following: HIVE, PIG"
                )));
            }
        }
        let (_, _, steps) = ami_applications(&self.target.region, &applications, None)?;
        self.call_and_print(
            "AddJobFlowSteps",
            Map::from_iter([
                ("JobFlowId".to_owned(), json!(id)),
                ("Steps".to_owned(), Value::Array(steps)),
            ]),
        )
        .await
    }

    async fn create_cluster(&self) -> Result<String, ExecError> {
        for (option, instead) in [
            (
                "instance-fleets",
                "`aws emr run-job-flow` with `Instances.InstanceFleets`",
            ),
            (
                "emrfs",
                "--configurations with the emrfs-site classification",
            ),
            (
                "restore-from-hbase-backup",
                "`aws emr run-job-flow` with the HBase restore step",
            ),
        ] {
            if self.command.parameters.iter().any(|p| p.cli_name == option) {
                return Err(ExecError::Unsupported(format!(
                    "`aws emr create-cluster --{option}` is not run by this server; use {instead}"
                )));
            }
        }
        let release_label = self.text("release-label");
        let ami_version = self.text("ami-version");
        match (&release_label, &ami_version) {
            (Some(_), Some(_)) => {
                return Err(usage(
                    "You cannot specify both --ami-version and --release-label options together.",
                ));
            }
            (None, None) => {
                return Err(usage(
                    "Either --ami-version or --release-label is required.",
                ));
            }
            _ => {}
        }
        let mut ec2 = self.structure("ec2-attributes")?;
        let roles_message = " Either choose --use-default-roles or use both --service-role <roleName> and --ec2-attributes InstanceProfile=<profileName>.";
        let default_roles = self.flag("use-default-roles");
        if default_roles && self.text("service-role").is_some() {
            return Err(usage(format!(
                "You cannot specify both --use-default-roles and --service-role options together.{roles_message}"
            )));
        }
        if default_roles
            && ec2
                .as_ref()
                .is_some_and(|e| e.contains_key("InstanceProfile"))
        {
            return Err(usage(format!(
                "You cannot specify both --use-default-roles and --ec2-attributes InstanceProfile options together.{roles_message}"
            )));
        }
        let groups = self.structures("instance-groups")?;
        let instance_type = self.text("instance-type");
        let instance_count = self.text("instance-count");
        let mut instances = Map::new();
        let groups = match (groups, instance_type) {
            (None, None) => {
                return Err(usage(
                    "Must specify either --instance-groups or --instance-type with --instance-count(optional) to configure instance groups.",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(usage(
                    "You may not specify --instance-type or --instance-count with --instance-groups, because --instance-type and --instance-count are shortcut options for --instance-groups.",
                ));
            }
            (Some(_), None) if instance_count.is_some() => {
                return Err(usage(
                    "You may not specify --instance-type or --instance-count with --instance-groups, because --instance-type and --instance-count are shortcut options for --instance-groups.",
                ));
            }
            (Some(groups), None) => build_instance_groups(&groups)?,
            (None, Some(kind)) => {
                let count: i64 = match &instance_count {
                    Some(c) => c.parse().map_err(|_| {
                        usage(format!(
                            "--instance-count must be a whole number, not `{c}`"
                        ))
                    })?,
                    None => 1,
                };
                let group = |role: &str, n: i64| json!({"InstanceType": kind, "InstanceCount": n, "InstanceRole": role, "Name": role, "Market": "ON_DEMAND"});
                let mut list = vec![group("MASTER", 1)];
                if count > 1 {
                    list.push(group("CORE", count - 1));
                }
                list
            }
        };
        instances.insert("InstanceGroups".to_owned(), Value::Array(groups.clone()));

        let mut params = Map::new();
        params.insert(
            "Name".to_owned(),
            json!(
                self.text("name")
                    .unwrap_or_else(|| "Development Cluster".to_owned())
            ),
        );
        if let Some(label) = &release_label {
            params.insert("ReleaseLabel".to_owned(), json!(label));
            if let Some(text) = self.text("configurations") {
                let configurations: Value = serde_json::from_str(&text)
                    .map_err(|_| usage("invalid json argument for option --configurations"))?;
                params.insert("Configurations".to_owned(), configurations);
            }
        }
        if let (None, Some(ami)) = (&release_label, &ami_version) {
            let valid = regex::Regex::new(r"^\d?\.").is_ok_and(|r| r.is_match(ami));
            if !valid {
                return Err(usage(format!(
                    "The supplied AMI version \"{ami}\" is invalid. Please see AMI Versions Supported in Amazon EMR in Amazon Elastic MapReduce Developer Guide: http://docs.aws.amazon.com/ElasticMapReduce/latest/DeveloperGuide/ami-versions-supported.html"
                )));
            }
            params.insert("AmiVersion".to_owned(), json!(ami));
        }
        self.copy_texts(
            &mut params,
            &[
                ("additional-info", "AdditionalInfo"),
                ("log-uri", "LogUri"),
                ("os-release-label", "OSReleaseLabel"),
                ("log-encryption-kms-key-id", "LogEncryptionKmsKeyId"),
            ],
        );
        let service_role = if default_roles {
            ec2.get_or_insert_with(Map::new)
                .insert("InstanceProfile".to_owned(), json!(EC2_ROLE));
            Some(EMR_ROLE.to_owned())
        } else {
            self.text("service-role")
        };
        if let Some(role) = service_role {
            params.insert("ServiceRole".to_owned(), json!(role));
        }
        if groups.iter().any(|g| g.get("AutoScalingPolicy").is_some())
            && self.text("auto-scaling-role").is_none()
        {
            return Err(usage(
                "Must specify --auto-scaling-role when configuring an AutoScaling policy for an instance group.",
            ));
        }
        self.copy_texts(
            &mut params,
            &[
                ("auto-scaling-role", "AutoScalingRole"),
                ("scale-down-behavior", "ScaleDownBehavior"),
            ],
        );
        let both = |on: &str| -> Result<bool, ExecError> {
            let off = format!("no-{on}");
            if self.flag(on) && self.flag(&off) {
                return Err(usage(format!(
                    "cannot use both --{on} and --{off} options together."
                )));
            }
            Ok(self.flag(on))
        };
        let auto_terminate = both("auto-terminate")?;
        instances.insert(
            "KeepJobFlowAliveWhenNoSteps".to_owned(),
            json!(!auto_terminate),
        );
        instances.insert(
            "TerminationProtected".to_owned(),
            json!(both("termination-protected")?),
        );
        if self.flag("unhealthy-node-replacement") || self.flag("no-unhealthy-node-replacement") {
            instances.insert(
                "UnhealthyNodeReplacement".to_owned(),
                json!(both("unhealthy-node-replacement")?),
            );
        }
        let visible = if self.flag("visible-to-all-users") || self.flag("no-visible-to-all-users") {
            both("visible-to-all-users")?
        } else {
            true
        };
        params.insert("VisibleToAllUsers".to_owned(), json!(visible));
        let tags: Vec<Value> = self
            .list("tags")
            .iter()
            .map(|t| {
                let (k, v) = t.split_once('=').unwrap_or((t.as_str(), ""));
                json!({"Key": k, "Value": v})
            })
            .collect();
        params.insert("Tags".to_owned(), Value::Array(tags));
        params.insert("Instances".to_owned(), Value::Object(instances));
        if let Some(attributes) = &ec2 {
            ec2_attributes(&mut params, attributes)?;
        }
        let debugging = if self.flag("enable-debugging") || self.flag("no-enable-debugging") {
            both("enable-debugging")?
        } else {
            false
        };
        if debugging && self.text("log-uri").is_none() {
            return Err(usage(
                "LogUri not specified. You must specify a logUri if you enable debugging when creating a cluster.",
            ));
        }
        if debugging {
            let (jar, args) = match &release_label {
                Some(_) => (
                    COMMAND_RUNNER.to_owned(),
                    vec!["state-pusher-script".to_owned()],
                ),
                None => (
                    script_runner(&self.target.region),
                    vec![s3_link(&self.target.region, "/libs/state-pusher/0.1/fetch")],
                ),
            };
            extend(
                &mut params,
                "Steps",
                vec![step(
                    "Setup Hadoop Debugging",
                    "TERMINATE_CLUSTER",
                    &jar,
                    args,
                )],
            );
        }
        if let Some(applications) = self.structures("applications")? {
            match &ami_version {
                Some(ami) if release_label.is_none() => {
                    let (products, actions, steps) =
                        ami_applications(&self.target.region, &applications, Some(ami))?;
                    extend(&mut params, "NewSupportedProducts", products);
                    extend(&mut params, "BootstrapActions", actions);
                    extend(&mut params, "Steps", steps);
                }
                _ => {
                    params.insert(
                        "Applications".to_owned(),
                        Value::Array(applications.into_iter().map(Value::Object).collect()),
                    );
                }
            }
        }
        if let Some(actions) = self.structures("bootstrap-actions")? {
            let list: Vec<Value> = actions
                .iter()
                .map(|ba| {
                    let mut script = Map::new();
                    for key in ["Path", "Args"] {
                        if let Some(v) = ba.get(key) {
                            script.insert(key.to_owned(), v.clone());
                        }
                    }
                    json!({
                        "Name": ba.get("Name").cloned().unwrap_or_else(|| json!("Bootstrap action")),
                        "ScriptBootstrapAction": script,
                    })
                })
                .collect();
            let existing = params
                .get("BootstrapActions")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if existing + list.len() > 16 {
                return Err(usage(
                    "maximum number of bootstrap actions for a cluster exceeded.",
                ));
            }
            extend(&mut params, "BootstrapActions", list);
        }
        let parsed_steps = self.structures("steps")?;
        if let Some(steps) = &parsed_steps {
            let built = build_steps(steps, &self.target.region, release_label.as_deref())?;
            extend(&mut params, "Steps", built);
        }
        self.copy_texts(
            &mut params,
            &[
                ("security-configuration", "SecurityConfiguration"),
                ("custom-ami-id", "CustomAmiId"),
                ("repo-upgrade-on-boot", "RepoUpgradeOnBoot"),
                ("step-execution-role-arn", "StepExecutionRoleArn"),
            ],
        );
        for (option, member) in [
            ("ebs-root-volume-size", "EbsRootVolumeSize"),
            ("ebs-root-volume-iops", "EbsRootVolumeIops"),
            ("ebs-root-volume-throughput", "EbsRootVolumeThroughput"),
            ("step-concurrency-level", "StepConcurrencyLevel"),
        ] {
            if let Some(v) = self.text(option) {
                let n: i64 = v
                    .parse()
                    .map_err(|_| usage(format!("--{option} must be a whole number, not `{v}`")))?;
                params.insert(member.to_owned(), json!(n));
            }
        }
        for (option, member) in [
            ("kerberos-attributes", "KerberosAttributes"),
            ("managed-scaling-policy", "ManagedScalingPolicy"),
            ("auto-termination-policy", "AutoTerminationPolicy"),
            ("monitoring-configuration", "MonitoringConfiguration"),
        ] {
            if let Some(v) = self.structure(option)? {
                params.insert(member.to_owned(), Value::Object(v));
            }
        }
        if let Some(v) = self.structures("placement-group-configs")? {
            params.insert(
                "PlacementGroupConfigs".to_owned(),
                Value::Array(v.into_iter().map(Value::Object).collect()),
            );
        }
        for (option, member) in [
            ("extended-support", "ExtendedSupport"),
            ("session-enabled", "SessionEnabled"),
        ] {
            if self.flag(option) || self.flag(&format!("no-{option}")) {
                params.insert(member.to_owned(), json!(both(option)?));
            }
        }
        // Hive, Pig and Impala steps need their application.
        let apps: Vec<String> = params
            .get("Applications")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.get("Name").and_then(Value::as_str))
                    .map(str::to_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        let mut missing: Vec<String> = Vec::new();
        for step in parsed_steps.iter().flatten() {
            if let Some(kind) = step.get("Type").and_then(Value::as_str) {
                let lower = kind.to_lowercase();
                let title = title_case(kind);
                if ["hive", "pig", "impala"].contains(&lower.as_str())
                    && !apps.contains(&lower)
                    && !missing.contains(&title)
                {
                    missing.push(title);
                }
            }
        }
        if !missing.is_empty() {
            return Err(usage(format!(
                "Some of the steps require the following applications to be installed: {}. Please install the applications using --applications.",
                missing.join(", ")
            )));
        }
        let answer = self.call("RunJobFlow", params).await?;
        let result = match answer.get("JobFlowId") {
            Some(id) => Map::from_iter([
                ("ClusterId".to_owned(), id.clone()),
                (
                    "ClusterArn".to_owned(),
                    answer.get("ClusterArn").cloned().unwrap_or(Value::Null),
                ),
            ]),
            None => Map::new(),
        };
        self.print(result, "run_job_flow")
    }
}

fn s3_link(region: &str, path: &str) -> String {
    format!("s3://{region}.elasticmapreduce{path}")
}

fn script_runner(region: &str) -> String {
    s3_link(region, "/libs/script-runner/script-runner.jar")
}

/// `emrutils.build_step` for the steps the CLI makes itself.
fn step(name: &str, on_failure: &str, jar: &str, args: Vec<String>) -> Value {
    let mut config = Map::from_iter([("Jar".to_owned(), json!(jar))]);
    if !args.is_empty() {
        config.insert("Args".to_owned(), json!(args));
    }
    json!({"Name": name, "ActionOnFailure": on_failure, "HadoopJarStep": config})
}

/// `emrutils.build_bootstrap_action`.
fn bootstrap_action(name: &str, path: String, args: Option<Vec<String>>) -> Value {
    let mut script = Map::new();
    if let Some(args) = args.filter(|a| !a.is_empty()) {
        script.insert("Args".to_owned(), json!(args));
    }
    script.insert("Path".to_owned(), json!(path));
    json!({"Name": name, "ScriptBootstrapAction": script})
}

/// `create-cluster`'s `_update_cluster_dict`: appends to a list member,
/// made only when there is something to put in it.
fn extend(params: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    match params.get_mut(key).and_then(Value::as_array_mut) {
        Some(list) => list.extend(items),
        None if !items.is_empty() => {
            params.insert(key.to_owned(), Value::Array(items));
        }
        None => {}
    }
}

/// What `applicationutils.build_applications` makes of an AMI 2.x or 3.x
/// cluster's applications.
type AmiApplications = (Vec<Value>, Vec<Value>, Vec<Value>);

/// `applicationutils.build_applications`: the applications of an AMI 2.x
/// or 3.x cluster as supported products, bootstrap actions and install
/// steps.
fn ami_applications(
    region: &str,
    applications: &[Map<String, Value>],
    ami_version: Option<&str>,
) -> Result<AmiApplications, ExecError> {
    let (mut products, mut actions, mut steps) = (Vec::new(), Vec::new(), Vec::new());
    let args_of = |app: &Map<String, Value>| -> Option<Vec<String>> {
        app.get("Args").and_then(Value::as_array).map(|a| {
            a.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect()
        })
    };
    for app in applications {
        let name = app.get("Name").and_then(Value::as_str).unwrap_or_default();
        match name.to_lowercase().as_str() {
            "hive" => {
                steps.push(step(
                    "Install Hive",
                    "TERMINATE_CLUSTER",
                    &script_runner(region),
                    vec![
                        s3_link(region, "/libs/hive/hive-script"),
                        "--install-hive".to_owned(),
                        "--base-path".to_owned(),
                        s3_link(region, "/libs/hive"),
                        "--hive-versions".to_owned(),
                        "latest".to_owned(),
                    ],
                ));
                if let Some(site) = args_of(app)
                    .and_then(|args| args.into_iter().find(|a| a.contains("--hive-site")))
                {
                    // The CLI builds this base path without the region.
                    steps.push(step(
                        "Install Hive Site Configuration",
                        "CANCEL_AND_WAIT",
                        &script_runner(region),
                        vec![
                            s3_link(region, "/libs/hive/hive-script"),
                            "--base-path".to_owned(),
                            s3_link("us-east-1", "/libs/hive"),
                            "--install-hive-site".to_owned(),
                            site,
                            "--hive-versions".to_owned(),
                            "latest".to_owned(),
                        ],
                    ));
                }
            }
            "pig" => steps.push(step(
                "Install Pig",
                "TERMINATE_CLUSTER",
                &script_runner(region),
                vec![
                    s3_link(region, "/libs/pig/pig-script"),
                    "--install-pig".to_owned(),
                    "--base-path".to_owned(),
                    s3_link(region, "/libs/pig"),
                    "--pig-versions".to_owned(),
                    "latest".to_owned(),
                ],
            )),
            "ganglia" => actions.push(bootstrap_action(
                "Install Ganglia",
                s3_link(region, "/bootstrap-actions/install-ganglia"),
                None,
            )),
            "hbase" => {
                actions.push(bootstrap_action(
                    "Install HBase",
                    s3_link(region, "/bootstrap-actions/setup-hbase"),
                    None,
                ));
                let ami = ami_version.unwrap_or_default();
                let jar = if ami >= "3.0" {
                    "/home/hadoop/lib/hbase.jar"
                } else if ami >= "2.1" {
                    "/home/hadoop/lib/hbase-0.92.0.jar"
                } else {
                    return Err(usage(format!(
                        "AMI version {ami}is not compatible with HBase."
                    )));
                };
                steps.push(step(
                    "Start HBase",
                    "TERMINATE_CLUSTER",
                    jar,
                    vec![
                        "emr.hbase.backup.Main".to_owned(),
                        "--start-master".to_owned(),
                    ],
                ));
            }
            "impala" => {
                let mut args = vec![
                    "--base-path".to_owned(),
                    s3_link(region, ""),
                    "--impala-version".to_owned(),
                    "latest".to_owned(),
                ];
                if let Some(extra) = args_of(app) {
                    args.push("--impala-conf".to_owned());
                    args.push(extra.join(","));
                }
                actions.push(bootstrap_action(
                    "Install Impala",
                    s3_link(region, "/libs/impala/setup-impala"),
                    Some(args),
                ));
            }
            _ => products.push(json!({
                "Name": name.to_lowercase(),
                "Args": args_of(app).unwrap_or_default(),
            })),
        }
    }
    Ok((products, actions, steps))
}

/// `--ec2-attributes` placed where RunJobFlow wants each attribute.
fn ec2_attributes(
    params: &mut Map<String, Value>,
    attrs: &Map<String, Value>,
) -> Result<(), ExecError> {
    let has = |k: &str| attrs.contains_key(k);
    if has("SubnetId") && has("SubnetIds") {
        return Err(usage(
            "You cannot specify both SubnetId and SubnetIds options together.",
        ));
    }
    if has("AvailabilityZone") && has("AvailabilityZones") {
        return Err(usage(
            "You cannot specify both AvailabilityZone and AvailabilityZones options together.",
        ));
    }
    if (has("SubnetId") || has("SubnetIds"))
        && (has("AvailabilityZone") || has("AvailabilityZones"))
    {
        return Err(usage(
            "You may not specify both a SubnetId and an AvailabilityZone (placement) because ec2SubnetId implies a placement.",
        ));
    }
    let instances = params
        .entry("Instances")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| usage("Instances is not a structure"))?;
    for (from, to) in [
        ("KeyName", "Ec2KeyName"),
        ("SubnetId", "Ec2SubnetId"),
        ("SubnetIds", "Ec2SubnetIds"),
    ] {
        if let Some(v) = attrs.get(from) {
            instances.insert(to.to_owned(), v.clone());
        }
    }
    for key in ["AvailabilityZone", "AvailabilityZones"] {
        if let Some(v) = attrs.get(key) {
            instances.insert("Placement".to_owned(), json!({ key: v }));
        }
    }
    for key in [
        "EmrManagedMasterSecurityGroup",
        "EmrManagedSlaveSecurityGroup",
        "ServiceAccessSecurityGroup",
        "AdditionalMasterSecurityGroups",
        "AdditionalSlaveSecurityGroups",
    ] {
        if let Some(v) = attrs.get(key) {
            instances.insert(key.to_owned(), v.clone());
        }
    }
    if let Some(v) = attrs.get("InstanceProfile") {
        params.insert("JobFlowRole".to_owned(), v.clone());
    }
    Ok(())
}

/// `instancegroupsutils.build_instance_groups`.
fn build_instance_groups(groups: &[Map<String, Value>]) -> Result<Vec<Value>, ExecError> {
    let mut out = Vec::new();
    for g in groups {
        let field = |k: &str| {
            g.get(k).cloned().ok_or_else(|| {
                usage(format!(
                    "The following required parameters are missing for InstanceGroupConfig: {k}."
                ))
            })
        };
        let kind = field("InstanceGroupType")?;
        let role = kind.as_str().unwrap_or_default().to_uppercase();
        let mut c = Map::new();
        c.insert(
            "Name".to_owned(),
            g.get("Name").cloned().unwrap_or(kind.clone()),
        );
        c.insert("InstanceType".to_owned(), field("InstanceType")?);
        c.insert("InstanceCount".to_owned(), field("InstanceCount")?);
        c.insert("InstanceRole".to_owned(), json!(role));
        match g.get("BidPrice") {
            Some(price) => {
                if price != "OnDemandPrice" {
                    c.insert("BidPrice".to_owned(), price.clone());
                }
                c.insert("Market".to_owned(), json!("SPOT"));
            }
            None => {
                c.insert("Market".to_owned(), json!("ON_DEMAND"));
            }
        }
        for key in [
            "EbsConfiguration",
            "AutoScalingPolicy",
            "Configurations",
            "CustomAmiId",
        ] {
            if let Some(v) = g.get(key) {
                c.insert(key.to_owned(), v.clone());
            }
        }
        out.push(Value::Object(c));
    }
    Ok(out)
}

/// `steputils.build_step_config_list`.
fn build_steps(
    steps: &[Map<String, Value>],
    region: &str,
    release_label: Option<&str>,
) -> Result<Vec<Value>, ExecError> {
    let script_runner =
        format!("s3://{region}.elasticmapreduce/libs/script-runner/script-runner.jar");
    let s3_link = |path: &str| format!("s3://{region}.elasticmapreduce{path}");
    let mut out = Vec::new();
    for step in steps {
        let kind = step
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or("custom_jar")
            .to_lowercase();
        let text = |k: &str| step.get(k).and_then(Value::as_str).map(str::to_owned);
        let args: Option<Vec<String>> = step.get("Args").map(|a| match a {
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect(),
            Value::String(s) => vec![s.clone()],
            other => vec![other.to_string()],
        });
        let required_args = |config: &str| -> Result<Vec<String>, ExecError> {
            match &args {
                Some(a) if !a.is_empty() => Ok(a.clone()),
                _ => Err(usage(format!(
                    "The following required parameters are missing for {config}: Args."
                ))),
            }
        };
        let non_empty = |a: &[String]| -> Result<(), ExecError> {
            if a.len() == 1 && a[0].trim().is_empty() {
                return Err(usage("The parameter Args cannot be an empty list."));
            }
            Ok(())
        };
        let (name, jar, step_args, main_class, properties) = match kind.as_str() {
            "custom_jar" => {
                let jar = text("Jar").filter(|j| !j.is_empty()).ok_or_else(|| {
                    usage("The following required parameters are missing for CustomJARStepConfig: Jar.")
                })?;
                let properties = text("Properties").map(|p| {
                    p.split(',')
                        .map(|kv| {
                            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                            json!({"Key": k, "Value": v})
                        })
                        .collect::<Vec<_>>()
                });
                (
                    "Custom JAR",
                    jar,
                    args.clone(),
                    text("MainClass"),
                    properties,
                )
            }
            "streaming" => {
                let a = required_args("StreamingStepConfig")?;
                non_empty(&a)?;
                let (jar, mut list) = match release_label {
                    Some(_) => (
                        COMMAND_RUNNER.to_owned(),
                        vec!["hadoop-streaming".to_owned()],
                    ),
                    None => (
                        "/home/hadoop/contrib/streaming/hadoop-streaming.jar".to_owned(),
                        Vec::new(),
                    ),
                };
                list.extend(a);
                ("Streaming program", jar, Some(list), None, None)
            }
            "hive" | "pig" => {
                let (config, default_name, script, run, versions) = if kind == "hive" {
                    (
                        "HiveStepConfig",
                        "Hive program",
                        "hive",
                        "--run-hive-script",
                        "--hive-versions",
                    )
                } else {
                    (
                        "PigStepConfig",
                        "Pig program",
                        "pig",
                        "--run-pig-script",
                        "--pig-versions",
                    )
                };
                let a = required_args(config)?;
                non_empty(&a)?;
                let mut list = Vec::new();
                match release_label {
                    Some(_) => list.push(format!("{script}-script")),
                    None => list.push(s3_link(&format!("/libs/{script}/{script}-script"))),
                }
                list.push(run.to_owned());
                if release_label.is_none() {
                    list.push(versions.to_owned());
                    list.push("latest".to_owned());
                }
                list.push("--args".to_owned());
                list.extend(a);
                let jar = if release_label.is_some() {
                    COMMAND_RUNNER.to_owned()
                } else {
                    script_runner.clone()
                };
                (default_name, jar, Some(list), None, None)
            }
            "impala" => {
                if release_label.is_some() {
                    return Err(usage("The step type impala is not supported."));
                }
                let a = required_args("ImpalaStepConfig")?;
                let mut list = vec![
                    s3_link("/libs/impala/setup-impala"),
                    "--run-impala-script".to_owned(),
                ];
                list.extend(a);
                (
                    "Impala program",
                    script_runner.clone(),
                    Some(list),
                    None,
                    None,
                )
            }
            "spark" => {
                let a = required_args("SparkStepConfig")?;
                let (jar, mut list) = match release_label {
                    Some(_) => (COMMAND_RUNNER.to_owned(), vec!["spark-submit".to_owned()]),
                    None => (
                        script_runner.clone(),
                        vec!["/home/hadoop/spark/bin/spark-submit".to_owned()],
                    ),
                };
                list.extend(a);
                ("Spark application", jar, Some(list), None, None)
            }
            other => {
                return Err(usage(format!("The step type {other} is not supported.")));
            }
        };
        let mut config = Map::from_iter([("Jar".to_owned(), json!(jar))]);
        if let Some(a) = step_args.filter(|a| !a.is_empty()) {
            config.insert("Args".to_owned(), json!(a));
        }
        if let Some(m) = main_class.filter(|m| !m.is_empty()) {
            config.insert("MainClass".to_owned(), json!(m));
        }
        if let Some(p) = properties.filter(|p| !p.is_empty()) {
            config.insert("Properties".to_owned(), json!(p));
        }
        let mut built = Map::from_iter([
            (
                "Name".to_owned(),
                json!(text("Name").unwrap_or_else(|| name.to_owned())),
            ),
            (
                "ActionOnFailure".to_owned(),
                json!(text("ActionOnFailure").unwrap_or_else(|| "CONTINUE".to_owned())),
            ),
            ("HadoopJarStep".to_owned(), Value::Object(config)),
        ]);
        let mut monitoring = Map::new();
        for key in ["LogUri", "EncryptionKeyArn"] {
            if let Some(v) = text(key).filter(|v| !v.is_empty()) {
                monitoring.insert(key.to_owned(), json!(v));
            }
        }
        if !monitoring.is_empty() {
            built.insert(
                "StepMonitoringConfiguration".to_owned(),
                json!({ "S3MonitoringConfiguration": monitoring }),
            );
        }
        out.push(Value::Object(built));
    }
    Ok(out)
}

/// `Hive` from `hive` or `HIVE`, as Python's `str.title`.
fn title_case(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Numbers and booleans where the CLI's schemas for these options say so
/// (shorthand reads every value as text).
fn coerce(map: &mut Map<String, Value>) {
    const INTEGERS: &[&str] = &[
        "InstanceCount",
        "SizeInGB",
        "VolumesPerInstance",
        "Iops",
        "Throughput",
        "MinCapacity",
        "MaxCapacity",
        "ScalingAdjustment",
        "CoolDown",
        "EvaluationPeriods",
        "Period",
        "MinimumCapacityUnits",
        "MaximumCapacityUnits",
        "MaximumOnDemandCapacityUnits",
        "MaximumCoreCapacityUnits",
        "IdleTimeout",
    ];
    const BOOLEANS: &[&str] = &["EbsOptimized"];
    for (key, value) in map.iter_mut() {
        match value {
            Value::String(s) if INTEGERS.contains(&key.as_str()) => {
                if let Ok(n) = s.parse::<i64>() {
                    *value = json!(n);
                }
            }
            Value::String(s) if key == "Threshold" => {
                if let Ok(n) = s.parse::<f64>() {
                    *value = json!(n);
                }
            }
            Value::String(s) if BOOLEANS.contains(&key.as_str()) => {
                if let Ok(b) = s.to_lowercase().parse::<bool>() {
                    *value = json!(b);
                }
            }
            Value::Object(inner) => coerce(inner),
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(inner) = item {
                        coerce(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maps(v: Value) -> Vec<Map<String, Value>> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_object().unwrap().clone())
            .collect()
    }

    #[test]
    fn steps_become_runner_jars_as_the_cli_builds_them() {
        let steps = maps(json!([
            {"Type": "Spark", "Args": ["--deploy-mode", "cluster", "s3://b/app.py"]},
            {"Type": "HIVE", "Args": ["-f", "s3://b/q.sql"], "ActionOnFailure": "CANCEL_AND_WAIT"},
            {"Jar": "s3://b/my.jar", "MainClass": "Main", "Properties": "a=1,b"},
            {"Type": "Streaming", "Args": ["-files", "s3://b/m.py", "-mapper", "m.py"], "Name": "wc"}
        ]));
        let built = build_steps(&steps, "us-east-1", Some("emr-6.15.0")).unwrap();
        assert_eq!(
            Value::Array(built),
            json!([
                {"Name": "Spark application", "ActionOnFailure": "CONTINUE", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", "--deploy-mode", "cluster", "s3://b/app.py"]}},
                {"Name": "Hive program", "ActionOnFailure": "CANCEL_AND_WAIT", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["hive-script", "--run-hive-script", "--args", "-f", "s3://b/q.sql"]}},
                {"Name": "Custom JAR", "ActionOnFailure": "CONTINUE", "HadoopJarStep": {"Jar": "s3://b/my.jar", "MainClass": "Main", "Properties": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}]}},
                {"Name": "wc", "ActionOnFailure": "CONTINUE", "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["hadoop-streaming", "-files", "s3://b/m.py", "-mapper", "m.py"]}}
            ])
        );
        let unknown = maps(json!([{"Type": "Flink", "Args": ["x"]}]));
        assert!(
            build_steps(&unknown, "us-east-1", None)
                .unwrap_err()
                .to_string()
                .contains("The step type flink is not supported")
        );
        let no_args = maps(json!([{"Type": "Spark"}]));
        assert!(build_steps(&no_args, "us-east-1", None).is_err());
    }

    #[test]
    fn instance_groups_as_the_cli_builds_them() {
        let mut groups = maps(json!([
            {"InstanceGroupType": "master", "InstanceType": "m5.xlarge", "InstanceCount": "1"},
            {"InstanceGroupType": "TASK", "InstanceType": "m5.xlarge", "InstanceCount": "2", "BidPrice": "0.1", "Name": "spot"}
        ]));
        for g in &mut groups {
            coerce(g);
        }
        assert_eq!(
            Value::Array(build_instance_groups(&groups).unwrap()),
            json!([
                {"Name": "master", "InstanceType": "m5.xlarge", "InstanceCount": 1, "InstanceRole": "MASTER", "Market": "ON_DEMAND"},
                {"Name": "spot", "InstanceType": "m5.xlarge", "InstanceCount": 2, "InstanceRole": "TASK", "BidPrice": "0.1", "Market": "SPOT"}
            ])
        );
    }
}
