//! `--region *`: a read command run in every region enabled for the
//! account, results merged by region, as the Python server offers.
//!
//! Each regional command is judged on its own (an organization's
//! allowed-regions policy sees the real region), and writes are refused:
//! fanning a change out to every region is never what a model should do
//! by accident.

use std::sync::Arc;

use serde_json::{Value, json};

use super::tools::{State, judge_one, record_failure, record_success, run};
use crate::command::split;

/// The command's words with `--region *` (or `--region=*`) replaced by
/// `region`, when the command asks for every region.
pub fn expand(line: &str, region: &str) -> Option<String> {
    let words = split(line.trim()).ok()?;
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut star = false;
    let mut iter = words.iter().peekable();
    while let Some(word) = iter.next() {
        if word.text == "--region" && iter.peek().is_some_and(|next| next.text == "*") {
            iter.next();
            out.push("--region".to_owned());
            out.push(region.to_owned());
            star = true;
        } else if word.text == "--region=*" {
            out.push(format!("--region={region}"));
            star = true;
        } else if word.quoted || needs_quotes(&word.text) {
            out.push(quote(&word.text));
        } else {
            out.push(word.text.clone());
        }
    }
    star.then(|| out.join(" "))
}

/// Judges a `--region *` command through `template` (the command in the
/// server's region): it may run only when that is allowed and a read.
pub(super) fn judge_all_regions(state: &State, line: &str, template: &str) -> Value {
    // Consent cannot be asked once for many regions: treat it as a refusal.
    let (mut result, _) = judge_one(state, template, false);
    let status = result["status"].as_str().unwrap_or_default().to_owned();
    let class = result["access"]["class"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    result["command"] = json!(line);
    result["region"] = json!("*");
    match status.as_str() {
        "allowed" if class == "read" => {
            result["all_regions"] = json!(true);
        }
        "allowed" | "needs-consent" => {
            result["status"] = json!("denied");
            result["decided_by"] = json!("server");
            result["reason"] = json!(format!(
                "`--region *` runs only commands that read, in every enabled region; this one {}: name one region with `--region`",
                if class == "read" {
                    "needs the user's consent"
                } else {
                    "changes the account"
                }
            ));
        }
        _ => {
            let reason = result["reason"].as_str().unwrap_or_default().to_owned();
            result["reason"] = json!(format!(
                "judged in the server's region {}: {reason}",
                state.config.region
            ));
        }
    }
    result
}

/// Regions run at once for `--region *`.
const REGIONS_AT_ONCE: usize = 8;

/// Runs a `--region *` read in every region enabled for the account (as
/// `ec2 describe-regions` lists them), each judged on its own; the
/// per-region results, in region order.
pub(super) async fn run_all_regions(
    state: &Arc<State>,
    line: &str,
    max_results: Option<u32>,
) -> Result<Vec<(String, Value)>, String> {
    use futures_util::StreamExt;
    let listing = "aws ec2 describe-regions";
    let judged = {
        let state = Arc::clone(state);
        tokio::task::spawn_blocking(move || judge_one(&state, listing, false))
            .await
            .map_err(|e| e.to_string())?
    };
    let (verdict, Some(parsed)) = judged else {
        return Err(format!("`{listing}` does not parse"));
    };
    if verdict["status"] != "allowed" {
        return Err(format!(
            "listing the enabled regions (`{listing}`) was refused: {}",
            verdict["reason"].as_str().unwrap_or_default()
        ));
    }
    let outcome = run(state, &parsed, None)
        .await
        .map_err(|e| format!("listing the enabled regions (`{listing}`) failed: {e}"))?;
    let mut regions: Vec<String> = outcome.response["Regions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["RegionName"].as_str().map(str::to_owned))
        .collect();
    regions.sort();
    if regions.is_empty() {
        return Err(format!("`{listing}` listed no region"));
    }
    let jobs = regions.into_iter().map(|region| {
        let state = Arc::clone(state);
        let line = line.to_owned();
        async move {
            let regional = expand(&line, &region).unwrap_or_default();
            let judged = {
                let state = Arc::clone(&state);
                tokio::task::spawn_blocking(move || judge_one(&state, &regional, false)).await
            };
            let (mut result, parsed) = match judged {
                Ok(judged) => judged,
                Err(e) => (json!({"status": "failed", "reason": e.to_string()}), None),
            };
            if let Some(mut parsed) = parsed.filter(|_| result["status"] == "allowed") {
                if let Some(n) = max_results.filter(|n| *n > 0)
                    && parsed.global.max_items.is_none()
                {
                    parsed.global.max_items = Some(n);
                }
                match run(&state, &parsed, None).await {
                    Ok(outcome) => {
                        record_success(&mut result, outcome, &parsed, state.config.max_output_bytes)
                    }
                    Err(error) => record_failure(&mut result, &error),
                }
            }
            (region, result)
        }
    });
    Ok(futures_util::stream::iter(jobs)
        .buffered(REGIONS_AT_ONCE)
        .collect()
        .await)
}

/// Folds the per-region results into the `--region *` command's result:
/// `output` maps each region that answered to its output, `regions` gives
/// each region's status and error.
pub(super) fn merge_regions(result: &mut Value, merged: Result<Vec<(String, Value)>, String>) {
    let per_region = match merged {
        Ok(per_region) => per_region,
        Err(reason) => {
            result["status"] = json!("failed");
            result["error"] = json!({"kind": "regions", "message": reason});
            return;
        }
    };
    let mut output = serde_json::Map::new();
    let mut regions = serde_json::Map::new();
    let mut any = false;
    for (region, r) in per_region {
        let status = r["status"].clone();
        if status == "succeeded" {
            any = true;
            output.insert(region.clone(), r["output"].clone());
        }
        let mut summary = json!({"status": status});
        let keys: &[&str] = if status == "succeeded" {
            &["output_cut", "next_token"]
        } else {
            &["error", "reason", "decided_by"]
        };
        for key in keys {
            if let Some(v) = r.get(*key).filter(|v| !v.is_null()) {
                summary[*key] = v.clone();
            }
        }
        regions.insert(region, summary);
    }
    result["status"] = json!(if any { "succeeded" } else { "failed" });
    result["executed"] = json!(any);
    result["output"] = Value::Object(output);
    result["regions"] = Value::Object(regions);
}

fn needs_quotes(word: &str) -> bool {
    word.is_empty()
        || !word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%^".contains(c))
}

/// `word` in single quotes, as a POSIX shell reads it back.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_star_becomes_the_region_and_the_rest_survives() {
        assert_eq!(
            expand("aws ec2 describe-vpcs --region *", "eu-west-1").unwrap(),
            "aws ec2 describe-vpcs --region eu-west-1"
        );
        assert_eq!(
            expand("aws ec2 describe-vpcs --region='*'", "us-east-2").unwrap(),
            "aws ec2 describe-vpcs --region=us-east-2"
        );
        let line = r#"aws ec2 describe-instances --region "*" --query 'Reservations[].Instances[?State.Name==`running`]' --filters "Name=tag:Name,Values=my app""#;
        let expanded = expand(line, "ap-south-1").unwrap();
        let words: Vec<String> = split(&expanded)
            .unwrap()
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(
            words,
            [
                "aws",
                "ec2",
                "describe-instances",
                "--region",
                "ap-south-1",
                "--query",
                "Reservations[].Instances[?State.Name==`running`]",
                "--filters",
                "Name=tag:Name,Values=my app"
            ]
        );
    }

    #[test]
    fn other_commands_are_left_alone() {
        assert_eq!(
            expand("aws ec2 describe-vpcs --region us-east-1", "x"),
            None
        );
        assert_eq!(expand("aws s3 ls s3://b/*", "x"), None);
        assert_eq!(expand("aws ec2 describe-vpcs --region", "x"), None);
        assert_eq!(expand("aws ec2 describe-vpcs; rm -rf /", "x"), None);
    }
}
