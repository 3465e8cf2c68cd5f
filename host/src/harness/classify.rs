//! `aws-api-mcp policy classify`: asks the loaded policies whether every
//! operation of the command table reads or writes, and compares the answers
//! with the access level of the operation's IAM action in the Service
//! Authorization Reference.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::command::Parser;
use crate::model::{IamLevels, ModelError};
use crate::policy::{Access, PolicySet, RequestContext};

/// One operation's classification.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `aws <service> <operation>`.
    pub command: String,
    /// The API operation as botocore names it: `s3.ListObjectsV2`.
    pub api_operation: String,
    /// The IAM action the models map it to.
    pub iam_action: Option<String>,
    /// That action's access level in the reference, when it lists it.
    pub level: Option<&'static str>,
    /// The policies' answer; `None` when no policy classifies.
    pub access: Option<Access>,
    /// The grounds the classifying policy gave.
    pub basis: String,
    /// The classifying policy.
    pub policy: Option<String>,
    /// Whether the answer disagrees with the reference's level.
    pub disagrees: bool,
}

/// The figures `policy classify` prints.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Operations asked about (the CLI's visible API commands).
    pub operations: usize,
    /// Operations whose IAM action the reference lists: their class can
    /// follow the reference.
    pub mapped: usize,
    /// Operations without one: the policy falls back to its own rules.
    pub fallback: usize,
    /// Classified as reads.
    pub reads: usize,
    /// Classified as writes.
    pub writes: usize,
    /// No policy classified them.
    pub unclassified: usize,
    /// Mapped operations whose class matches the reference's level.
    pub agree: usize,
    /// Mapped operations whose class does not (listed in `rows`).
    pub disagree: usize,
    /// How many answers each policy gave, by their grounds' first words.
    pub bases: BTreeMap<String, usize>,
    /// Every operation, or only the disagreements (see [`classify_all`]).
    pub rows: Vec<Row>,
}

impl Report {
    /// `part` as a percentage of all operations.
    pub fn share(&self, part: usize) -> f64 {
        100.0 * part as f64 / self.operations.max(1) as f64
    }
}

/// Classifies every visible operation of the command table. `levels` is
/// the reference to compare with; `all_rows` keeps a row per operation
/// rather than only the disagreements.
pub fn classify_all(
    parser: &Parser,
    policies: &PolicySet,
    levels: &IamLevels,
    all_rows: bool,
) -> Result<Report, ModelError> {
    let context = RequestContext::default();
    let mut report = Report::default();
    for entry in &parser.models().index().services {
        let Some(service) = parser.models().service(&entry.cli_name) else {
            continue;
        };
        let service = service?;
        for operation in service.operations.iter().filter(|o| !o.hidden) {
            report.operations += 1;
            let command = parser.bare(&service, operation);
            let line = format!("aws {} {}", service.cli_name, operation.cli_name);
            let verdict = policies.evaluate(&line, &command, &context);
            let level = operation
                .iam_action
                .as_deref()
                .and_then(|action| levels.level(action));
            if level.is_some() {
                report.mapped += 1;
            } else {
                report.fallback += 1;
            }
            let class = verdict.classification;
            match class.as_ref().map(|c| c.access) {
                Some(Access::Read) => report.reads += 1,
                Some(Access::Write) => report.writes += 1,
                None => report.unclassified += 1,
            }
            let disagrees = match (level, class.as_ref()) {
                (Some(level), Some(class)) => {
                    let agrees = level.is_read() == (class.access == Access::Read);
                    if agrees {
                        report.agree += 1;
                    } else {
                        report.disagree += 1;
                    }
                    !agrees
                }
                _ => false,
            };
            let basis = class.as_ref().map(|c| c.basis.clone()).unwrap_or_default();
            *report.bases.entry(basis_kind(&basis)).or_default() += 1;
            if all_rows || disagrees {
                report.rows.push(Row {
                    command: line,
                    api_operation: format!("{}.{}", service.api_name, operation.name),
                    iam_action: operation.iam_action.clone(),
                    level: level.map(|l| l.name()),
                    access: class.as_ref().map(|c| c.access),
                    basis,
                    policy: class.map(|c| c.policy),
                    disagrees,
                });
            }
        }
    }
    Ok(report)
}

/// The grounds without the particulars: `its IAM action ... has the access
/// level Write` → `IAM access level`.
fn basis_kind(basis: &str) -> String {
    if basis.is_empty() {
        "none".to_owned()
    } else if basis.starts_with("its IAM action") {
        "IAM access level".to_owned()
    } else {
        basis.to_owned()
    }
}
