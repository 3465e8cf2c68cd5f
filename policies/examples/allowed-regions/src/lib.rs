//! An example of an organization's own policy: commands may only reach the
//! regions the settings list, and IAM may be read but not changed.
//!
//! Settings (`allowed-regions.json` beside the `.wasm`):
//!
//! ```json
//! { "regions": ["eu-west-1", "eu-central-1"] }
//! ```

use aws_mcp_policy_sdk::{Decision, Metadata, Policy, Request, export_policy};
use serde::Deserialize;

/// The policy, with its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedRegions {
    regions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    regions: Vec<String>,
}

/// IAM operations that only read: everything else in `aws iam` changes
/// users, roles or permissions.
const IAM_READS: &[&str] = &["get-", "list-", "simulate-", "generate-"];

impl Policy for AllowedRegions {
    fn metadata() -> Metadata {
        Metadata::new(
            "allowed-regions",
            env!("CARGO_PKG_VERSION"),
            "denies commands outside the allowed regions and any IAM change",
        )
    }

    fn configure(config: &str) -> Result<Self, String> {
        if config.trim().is_empty() {
            return Err(
                "allowed-regions needs settings: create allowed-regions.json with {\"regions\": [\"eu-west-1\"]}"
                    .to_owned(),
            );
        }
        let settings: Settings = serde_json::from_str(config)
            .map_err(|e| format!("allowed-regions.json is not valid: {e}"))?;
        if settings.regions.is_empty() {
            return Err("allowed-regions.json: `regions` must list at least one region".to_owned());
        }
        if let Some(bad) = settings.regions.iter().find(|r| !looks_like_region(r)) {
            return Err(format!(
                "allowed-regions.json: `{bad}` is not a region name such as `eu-west-1`"
            ));
        }
        Ok(AllowedRegions {
            regions: settings.regions,
        })
    }

    fn evaluate(&self, request: &Request) -> Decision {
        let command = &request.command;
        if command.cli_service == "iam"
            && !IAM_READS
                .iter()
                .any(|p| command.cli_operation.starts_with(p))
        {
            return Decision::Deny(format!(
                "`aws iam {}` changes IAM, which this organization does through its platform team; read with `aws iam get-...` or `list-...` instead",
                command.cli_operation
            ));
        }
        // `--region` wins over the server's default, as in the AWS CLI.
        let region = request
            .global
            .region
            .as_deref()
            .or(request.context.default_region.as_deref())
            .filter(|r| !r.is_empty());
        match region {
            Some(region) if self.regions.iter().any(|r| r == region) => Decision::Abstain,
            Some(region) => Decision::Deny(format!(
                "region `{region}` is not allowed here; use one of: {}",
                self.regions.join(", ")
            )),
            None => Decision::Deny(format!(
                "no region is set; add `--region` with one of: {}",
                self.regions.join(", ")
            )),
        }
    }
}

/// `eu-west-1`, `us-gov-west-1`, `cn-north-1`: lower-case words and a
/// number, joined by dashes.
fn looks_like_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

export_policy!(AllowedRegions);

#[cfg(test)]
mod tests {
    use super::*;
    use aws_mcp_policy_sdk::RequestBuilder;

    fn policy() -> AllowedRegions {
        AllowedRegions::configure(r#"{"regions": ["eu-west-1"]}"#).unwrap()
    }

    #[test]
    fn regions_from_the_command_or_the_default() {
        let in_region = RequestBuilder::new("ec2", "describe-instances")
            .global(|g| g.region = Some("eu-west-1".into()))
            .build();
        assert_eq!(policy().evaluate(&in_region), Decision::Abstain);
        let elsewhere = RequestBuilder::new("ec2", "describe-instances")
            .global(|g| g.region = Some("us-east-1".into()))
            .context(|c| c.default_region = Some("eu-west-1".into()))
            .build();
        assert!(
            policy()
                .evaluate(&elsewhere)
                .reason()
                .contains("`us-east-1`")
        );
        let by_default = RequestBuilder::new("ec2", "describe-instances")
            .context(|c| c.default_region = Some("eu-west-1".into()))
            .build();
        assert_eq!(policy().evaluate(&by_default), Decision::Abstain);
    }

    #[test]
    fn iam_reads_pass_and_changes_do_not() {
        let in_region = |op| {
            RequestBuilder::new("iam", op)
                .context(|c| c.default_region = Some("eu-west-1".into()))
                .build()
        };
        assert_eq!(
            policy().evaluate(&in_region("list-users")),
            Decision::Abstain
        );
        assert!(matches!(
            policy().evaluate(&in_region("attach-role-policy")),
            Decision::Deny(_)
        ));
    }

    #[test]
    fn settings_are_checked() {
        assert!(AllowedRegions::configure("").is_err());
        assert!(AllowedRegions::configure(r#"{"regions": []}"#).is_err());
        let bad = AllowedRegions::configure(r#"{"regions": ["Europe"]}"#).unwrap_err();
        assert!(bad.contains("`Europe`"), "{bad}");
        assert!(AllowedRegions::configure(r#"{"region": ["eu-west-1"]}"#).is_err());
        assert!(looks_like_region("us-gov-west-1"));
    }
}
