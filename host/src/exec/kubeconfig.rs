//! `aws eks update-kubeconfig` (`awscli.customizations.eks`): the cluster's
//! endpoint and certificate from DescribeCluster, a user whose credentials
//! come from `aws eks get-token`, and a context joining them, merged into
//! a kubeconfig file and made the current context.
//!
//! The file (`--kubeconfig`, else each of `$KUBECONFIG`, else
//! `~/.kube/config`) is recorded at parse time, so the policies judge it
//! like any local file the command writes: outside the working directory
//! it is refused unless the server allows unrestricted file access.

use serde_json::{Map, Value, json};

use super::{ExecError, Executor, s3, template};
use crate::command::{FileAccess, ParsedCommand};
use crate::model::Service;

const API_VERSION: &str = "client.authentication.k8s.io/v1beta1";

/// The kubeconfig files `update-kubeconfig` may read and write, as the CLI
/// chooses them: `--kubeconfig`, else every path in `$KUBECONFIG`, else
/// `~/.kube/config`.
pub fn candidate_paths(given: Option<&str>) -> Vec<String> {
    if let Some(path) = given {
        return vec![path.to_owned()];
    }
    let env = std::env::var("KUBECONFIG").unwrap_or_default();
    let paths: Vec<String> = env
        .split(':')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_owned)
        .collect();
    if paths.is_empty() {
        vec!["~/.kube/config".to_owned()]
    } else {
        paths
    }
}

impl Executor {
    /// `aws eks update-kubeconfig --name NAME`: what it prints.
    pub(super) async fn update_kubeconfig(
        &self,
        service: &Service,
        command: &ParsedCommand,
    ) -> Result<String, ExecError> {
        if command.option_text("assume-role-arn").is_some() {
            return Err(ExecError::Unsupported(
                "`--assume-role-arn` is not supported by this server: run `aws eks describe-cluster` with credentials of the cluster's account instead".to_owned(),
            ));
        }
        let target = self.target(service, &command.global).await?;
        let name = command.option_text("name").unwrap_or_default();
        let operation = s3::op(service, "DescribeCluster")?;
        let answer = self
            .call(
                service,
                operation,
                &Map::from_iter([("name".to_owned(), json!(name))]),
                &target,
                None,
            )
            .await?;
        let cluster = answer
            .get("cluster")
            .filter(|c| c.get("status").is_some())
            .ok_or_else(|| ExecError::Request("Cluster not found".to_owned()))?;
        let status = cluster["status"].as_str().unwrap_or_default();
        if !matches!(status, "ACTIVE" | "UPDATING") {
            return Err(ExecError::Request(format!("Cluster status is {status}")));
        }
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
        let arn = text(cluster.get("arn"));
        let mut cluster_entry = json!({
            "cluster": {
                "certificate-authority-data": text(cluster.get("certificateAuthority").and_then(|c| c.get("data"))),
                "server": cluster.get("endpoint").cloned().unwrap_or(Value::Null),
            },
            "name": arn,
        });
        if let Some(proxy) = command.option_text("proxy-url") {
            cluster_entry["cluster"]["proxy-url"] = json!(proxy);
        }
        let region = arn.split(':').nth(3).unwrap_or_default().to_owned();
        let outpost = cluster.get("outpostConfig");
        let (id_option, id_value) = match outpost {
            Some(o) if o.get("etcdInstanceType").is_none() => {
                ("--cluster-id", text(cluster.get("id")))
            }
            _ => ("--cluster-name", name.clone()),
        };
        let mut args = vec![
            "--region".to_owned(),
            region,
            "eks".to_owned(),
            "get-token".to_owned(),
            id_option.to_owned(),
            id_value,
            "--output".to_owned(),
            "json".to_owned(),
        ];
        if let Some(role) = command.option_text("role-arn") {
            args.extend(["--role".to_owned(), role]);
        }
        let mut user = json!({
            "name": command.option_text("user-alias").unwrap_or_else(|| arn.clone()),
            "user": {"exec": {"apiVersion": API_VERSION, "args": args, "command": "aws"}},
        });
        if let Some(profile) = target.profile.as_deref().filter(|p| !p.is_empty()) {
            user["user"]["exec"]["env"] = json!([{"name": "AWS_PROFILE", "value": profile}]);
        }

        // Choose the file: the first that already has this cluster, else
        // the first.
        let files: Vec<_> = command
            .files
            .iter()
            .filter(|f| f.parameter == "kubeconfig" && f.access == FileAccess::Write)
            .collect();
        let first = files
            .first()
            .ok_or_else(|| ExecError::Request("no kubeconfig file was named".to_owned()))?;
        let mut chosen = None;
        for file in &files {
            if let Ok(content) = load(&file.resolved)
                && has_cluster(&content, &arn)
            {
                chosen = Some((*file, content));
                break;
            }
        }
        let (file, mut content) = match chosen {
            Some(found) => found,
            None => (*first, load(&first.resolved)?),
        };
        let updating = has_cluster(&content, &arn);
        let context = json!({
            "context": {"cluster": arn, "user": user["name"]},
            "name": command.option_text("alias").map_or_else(|| user["name"].clone(), Value::String),
        });
        insert(&mut content, "clusters", cluster_entry.clone())?;
        insert(&mut content, "users", user.clone())?;
        insert(&mut content, "contexts", context.clone())?;
        content["current-context"] = context["name"].clone();
        let yaml = template::to_yaml(&content);
        if command.flag("dry-run") {
            return Ok(yaml);
        }
        write(&file.resolved, &yaml)?;
        let shown = file.absolute.display();
        let context_name = context["name"].as_str().unwrap_or_default();
        let mut printed = if updating {
            format!("Updated context {context_name} in {shown}\n")
        } else {
            format!("Added new context {context_name} to {shown}\n")
        };
        if command.flag("verbose") {
            printed.push_str("Entries:\n\n");
            for entry in [&context, &user, &cluster_entry] {
                printed.push_str(&template::to_yaml(entry));
                printed.push('\n');
            }
        }
        Ok(printed)
    }
}

/// The kubeconfig at `path`, or a new one when there is no file; refused
/// when it is not a kubeconfig.
fn load(path: &std::path::Path) -> Result<Value, ExecError> {
    let fresh = || {
        json!({
            "apiVersion": "v1",
            "clusters": [],
            "contexts": [],
            "current-context": "",
            "kind": "Config",
            "preferences": {},
            "users": []
        })
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(fresh()),
        Err(e) => {
            return Err(ExecError::Request(format!(
                "Can't open kubeconfig for reading: {e}"
            )));
        }
    };
    let corrupted = |why: String| ExecError::Request(format!("Kubeconfig is corrupted: {why}"));
    let content = if text.trim().is_empty() {
        // An empty file loads as nothing, which the CLI starts afresh.
        fresh()
    } else {
        template::parse(&text).map_err(|e| corrupted(e.to_string()))?
    };
    let Value::Object(map) = &content else {
        return Err(corrupted("Content not a <class 'dict'>.".to_owned()));
    };
    for (key, want) in [
        ("apiVersion", "str"),
        ("clusters", "list"),
        ("contexts", "list"),
        ("current-context", "str"),
        ("kind", "str"),
        ("preferences", "dict"),
        ("users", "list"),
    ] {
        let ok = match map.get(key) {
            None | Some(Value::Null) => true,
            Some(Value::String(_)) => want == "str",
            Some(Value::Array(items)) => want == "list" && items.iter().all(Value::is_object),
            Some(Value::Object(_)) => want == "dict",
            Some(_) => false,
        };
        if !ok {
            return Err(corrupted(format!(
                "{key} is the wrong type (should be a {want} of entries)"
            )));
        }
    }
    Ok(content)
}

fn has_cluster(content: &Value, name: &str) -> bool {
    content
        .get("clusters")
        .and_then(Value::as_array)
        .is_some_and(|clusters| {
            clusters
                .iter()
                .any(|c| c.get("name").and_then(Value::as_str) == Some(name))
        })
}

/// `KubeconfigAppender.insert_entry`: replaces the entry of the same name,
/// or appends.
fn insert(content: &mut Value, key: &str, entry: Value) -> Result<(), ExecError> {
    if content.get(key).is_none_or(Value::is_null) {
        content[key] = json!([]);
    }
    let entries = content[key].as_array_mut().ok_or_else(|| {
        ExecError::Request(format!("Tried to insert into {key}, which is not a list"))
    })?;
    let name = entry.get("name").cloned();
    match entries
        .iter()
        .position(|e| name.is_some() && e.get("name") == name.as_ref())
    {
        Some(i) => entries[i] = entry,
        None => entries.push(entry),
    }
    Ok(())
}

/// Writes the file readable by its owner only, making its folder.
fn write(path: &std::path::Path, text: &str) -> Result<(), ExecError> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let failed =
        |e: std::io::Error| ExecError::Output(format!("Can't open kubeconfig for writing: {e}"));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| ExecError::Output(format!("Can't create directory for writing: {e}")))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_replace_their_namesakes() {
        let mut c = json!({"clusters": [{"name": "a", "x": 1}, {"name": "b"}]});
        insert(&mut c, "clusters", json!({"name": "a", "x": 2})).unwrap();
        insert(&mut c, "users", json!({"name": "u"})).unwrap();
        assert_eq!(
            c,
            json!({"clusters": [{"name": "a", "x": 2}, {"name": "b"}], "users": [{"name": "u"}]})
        );
        assert!(has_cluster(&c, "b"));
        assert!(!has_cluster(&c, "z"));
    }

    #[test]
    fn kubeconfigs_of_the_wrong_shape_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kc");
        std::fs::write(&path, "clusters: 3\n").unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("clusters"));
        std::fs::write(&path, "- a\n").unwrap();
        assert!(load(&path).is_err());
        assert_eq!(load(&dir.path().join("none")).unwrap()["kind"], "Config");
    }
}
