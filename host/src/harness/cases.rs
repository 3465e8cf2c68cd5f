//! `aws-api-mcp policy test`: case files, written by hand in TOML.
//!
//! ```toml
//! # Context for every case in this file; each key is optional.
//! [context]
//! read-only = true
//!
//! # Settings files for this file's policies, by policy file stem,
//! # relative to this file.
//! [settings]
//! denylist = "org-policy.json"
//!
//! [[case]]
//! name = "a write is denied in read-only mode"
//! command = "aws iam create-user --user-name bob"
//! expect = "deny"                    # allow, deny or needs-consent
//! reason = "READ_OPERATIONS_ONLY"    # optional: part of the verdict's reason
//! policy = "read-only"               # optional: the deciding policy
//! class = "write"                    # optional: read or write, as classified
//! basis = "iam:CreateUser"           # optional: part of the classification's grounds
//! context = { read-only = false }    # optional: overrides for this case
//! ```
//!
//! A relative `working-dir` is taken from the case file's folder, which is
//! also the default, so cases can name fixture files beside them.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Outcome, judge};
use crate::command::Parser;
use crate::policy::{Access, LoadOptions, PolicySet, RequestContext};

/// One case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[serde(default)]
    context: toml::Table,
    #[serde(default)]
    settings: BTreeMap<String, PathBuf>,
    #[serde(default)]
    case: Vec<Case>,
}

/// One case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    command: String,
    expect: Expected,
    reason: Option<String>,
    policy: Option<String>,
    /// `read` or `write`: the class the classifying policy must give.
    class: Option<Class>,
    /// Text the classification's grounds must contain.
    basis: Option<String>,
    #[serde(default)]
    context: toml::Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Class {
    Read,
    Write,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Read => "read",
            Class::Write => "write",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Expected {
    Allow,
    Deny,
    NeedsConsent,
}

impl Expected {
    fn kind(self) -> &'static str {
        match self {
            Expected::Allow => "allow",
            Expected::Deny => "deny",
            Expected::NeedsConsent => "needs-consent",
        }
    }
}

/// What happened to one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseOutcome {
    /// The case file.
    pub file: String,
    /// The case's name.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// Why it failed.
    pub problem: Option<String>,
}

/// The totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
}

/// Why the cases could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("cannot read `{}`: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("case file `{}` is not valid: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("no case files found in `{}`: case files are `.toml` files with `[[case]]` tables", path.display())]
    NoFiles { path: PathBuf },
    #[error("case file `{}`: {error}", path.display())]
    Policies {
        path: PathBuf,
        error: crate::policy::PolicyLoadError,
    },
    #[error("writing the report failed: {0}")]
    Report(#[from] std::io::Error),
}

/// Runs the cases in `paths` (files, or folders searched for `.toml` files
/// other than `Cargo.toml`, skipping `target` and hidden folders) against
/// policies loaded with `options`, printing each result and a closing
/// `N passed, N failed` line.
pub fn run_cases(
    out: &mut dyn Write,
    parser: &Parser,
    paths: &[PathBuf],
    options: &LoadOptions,
    filter: Option<&str>,
    json: bool,
) -> Result<Summary, CaseError> {
    let mut files = Vec::new();
    for path in paths {
        let before = files.len();
        collect(path, &mut files)?;
        if files.len() == before {
            return Err(CaseError::NoFiles { path: path.clone() });
        }
    }
    let mut shared: Option<PolicySet> = None;
    let mut summary = Summary::default();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|source| CaseError::Io {
            path: path.clone(),
            error: source,
        })?;
        let invalid = |message: String| CaseError::Invalid {
            path: path.clone(),
            message,
        };
        let file: CaseFile = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if file.case.is_empty() {
            return Err(invalid("it has no `[[case]]` tables".to_owned()));
        }
        let folder = std::path::absolute(path.parent().unwrap_or(Path::new(".")))
            .map_err(|e| invalid(format!("cannot resolve its folder: {e}")))?;
        let own;
        let policies = if file.settings.is_empty() {
            if shared.is_none() {
                shared = Some(load(options, &path)?);
            }
            shared
                .as_ref()
                .ok_or_else(|| invalid("policies did not load".to_owned()))?
        } else {
            let mut with_settings = options.clone();
            for (stem, settings) in &file.settings {
                with_settings
                    .settings
                    .insert(stem.clone(), folder.join(settings));
            }
            own = load(&with_settings, &path)?;
            &own
        };
        for case in &file.case {
            if filter.is_some_and(|f| !case.name.contains(f)) {
                continue;
            }
            let context = context_for(&file.context, &case.context, &folder)
                .map_err(|e| invalid(format!("case `{}`: {e}", case.name)))?;
            let outcome = judge(parser, policies, &case.command, &context);
            let problem = mismatch(case, &outcome);
            let result = CaseOutcome {
                file: path.display().to_string(),
                name: case.name.clone(),
                passed: problem.is_none(),
                problem,
            };
            if result.passed {
                summary.passed += 1;
            } else {
                summary.failed += 1;
            }
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&result).unwrap_or_default()
                )?;
            } else if let Some(problem) = &result.problem {
                writeln!(out, "FAIL {}: {}\n     {problem}", result.file, result.name)?;
            } else {
                writeln!(out, "ok   {}: {}", result.file, result.name)?;
            }
        }
    }
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&summary).unwrap_or_default()
        )?;
    }
    writeln!(out, "{} passed, {} failed", summary.passed, summary.failed)?;
    Ok(summary)
}

fn load(options: &LoadOptions, path: &Path) -> Result<PolicySet, CaseError> {
    PolicySet::load(options).map_err(|source| CaseError::Policies {
        path: path.to_path_buf(),
        error: source,
    })
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), CaseError> {
    if path.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|source| CaseError::Io {
        path: path.to_path_buf(),
        error: source,
    })?;
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        let name = child
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if child.is_dir() {
            if name != "target" && !name.starts_with('.') {
                collect(&child, files)?;
            }
        } else if name.ends_with(".toml") && name != "Cargo.toml" {
            files.push(child);
        }
    }
    Ok(())
}

/// The file's context with the case's keys on top.
fn context_for(
    file: &toml::Table,
    case: &toml::Table,
    folder: &Path,
) -> Result<RequestContext, String> {
    let mut merged = file.clone();
    merged.extend(case.clone());
    let mut context: RequestContext = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| e.message().to_owned())?;
    if !merged_has(file, case, "working-dir") {
        context.working_dir = folder.to_path_buf();
    } else if context.working_dir.is_relative() {
        context.working_dir = folder.join(&context.working_dir);
    }
    Ok(context)
}

fn merged_has(file: &toml::Table, case: &toml::Table, key: &str) -> bool {
    file.contains_key(key) || case.contains_key(key)
}

/// What differs from the expectation, in words.
fn mismatch(case: &Case, outcome: &Outcome) -> Option<String> {
    let verdict = &outcome.verdict;
    let got_kind = verdict.decision.kind();
    let reason = verdict.decision.reason();
    let by = verdict.decided_by.as_deref().unwrap_or("no policy");
    let got = format!("got {got_kind} by {by}: {reason}");
    if got_kind != case.expect.kind() {
        return Some(format!("expected {}, {got}", case.expect.kind()));
    }
    if let Some(policy) = &case.policy
        && verdict.decided_by.as_deref() != Some(policy.as_str())
    {
        return Some(format!("expected the decision from `{policy}`, {got}"));
    }
    if let Some(part) = &case.reason
        && !reason.contains(part.as_str())
    {
        return Some(format!("expected a reason containing `{part}`, {got}"));
    }
    if case.class.is_none() && case.basis.is_none() {
        return None;
    }
    let Some(class) = &verdict.classification else {
        return Some("expected a classification, but no policy classified the command".to_owned());
    };
    let access = match class.access {
        Access::Read => Class::Read,
        Access::Write => Class::Write,
    };
    let got = format!("got {} by {}: {}", access.name(), class.policy, class.basis);
    if let Some(expected) = case.class
        && expected != access
    {
        return Some(format!("expected the class {}, {got}", expected.name()));
    }
    if let Some(part) = &case.basis
        && !class.basis.contains(part.as_str())
    {
        return Some(format!("expected grounds containing `{part}`, {got}"));
    }
    None
}
