//! Decisions, and how the policies' decisions combine into one verdict.

use serde::Serialize;

/// One policy's answer, or the combined answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", content = "reason", rename_all = "kebab-case")]
pub enum Decision {
    /// May run.
    Allow(String),
    /// Must not run.
    Deny(String),
    /// May run if the user agrees.
    NeedsConsent(String),
    /// No opinion.
    Abstain,
}

impl Decision {
    /// The decision's name as people and case files write it.
    pub fn kind(&self) -> &'static str {
        match self {
            Decision::Allow(_) => "allow",
            Decision::Deny(_) => "deny",
            Decision::NeedsConsent(_) => "needs-consent",
            Decision::Abstain => "abstain",
        }
    }

    /// The reason (empty for `Abstain`).
    pub fn reason(&self) -> &str {
        match self {
            Decision::Allow(r) | Decision::Deny(r) | Decision::NeedsConsent(r) => r,
            Decision::Abstain => "",
        }
    }
}

/// Whether a command reads or changes the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    Read,
    Write,
}

/// A policy's answer to "does this command change anything?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub access: Access,
    /// The grounds, in the policy's words.
    pub basis: String,
    /// The policy that classified.
    pub policy: String,
}

/// What one policy said about one command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// The policy's name.
    pub policy: String,
    /// Its decision; a failed policy's is a deny that names the cause.
    #[serde(flatten)]
    pub decision: Decision,
    /// Whether the policy failed (trap, limits, bad answer) rather than
    /// decided.
    pub failed: bool,
    /// How long it took, in microseconds.
    pub micros: u64,
    /// The policy's classification, when it classifies this command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
}

/// The combined answer for a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// `Allow`, `Deny` or `NeedsConsent`, never `Abstain`.
    #[serde(flatten)]
    pub decision: Decision,
    /// The policy whose decision this is; `None` when every policy
    /// abstained or allowed without a reason.
    pub decided_by: Option<String>,
    /// Every policy's answer, in evaluation order.
    pub evaluations: Vec<Evaluation>,
    /// The first classifying policy's answer, when any policy classifies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
}

/// Any deny wins, then any needs-consent, then allow; a command no policy
/// objected to is allowed. The first policy (in order) with the winning
/// decision is the one named.
pub fn combine(evaluations: Vec<Evaluation>) -> Verdict {
    let first = |kind: &str| evaluations.iter().find(|e| e.decision.kind() == kind);
    let (decision, decided_by) = if let Some(e) = first("deny") {
        (e.decision.clone(), Some(e.policy.clone()))
    } else if let Some(e) = first("needs-consent") {
        (e.decision.clone(), Some(e.policy.clone()))
    } else if let Some(e) = evaluations
        .iter()
        .find(|e| matches!(&e.decision, Decision::Allow(r) if !r.is_empty()))
    {
        (e.decision.clone(), Some(e.policy.clone()))
    } else {
        (Decision::Allow("no policy objected".to_owned()), None)
    };
    let classification = evaluations.iter().find_map(|e| e.classification.clone());
    Verdict {
        decision,
        decided_by,
        evaluations,
        classification,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(policy: &str, decision: Decision) -> Evaluation {
        Evaluation {
            policy: policy.to_owned(),
            decision,
            failed: false,
            micros: 0,
            classification: None,
        }
    }

    #[test]
    fn deny_beats_consent_beats_allow() {
        let v = combine(vec![
            eval("a", Decision::Allow(String::new())),
            eval("b", Decision::NeedsConsent("ask".into())),
            eval("c", Decision::Deny("no".into())),
            eval("d", Decision::Deny("no again".into())),
        ]);
        assert_eq!(v.decision, Decision::Deny("no".into()));
        assert_eq!(v.decided_by.as_deref(), Some("c"));
        let v = combine(vec![
            eval("a", Decision::Abstain),
            eval("b", Decision::NeedsConsent("ask".into())),
        ]);
        assert_eq!(v.decision.kind(), "needs-consent");
        assert_eq!(v.decided_by.as_deref(), Some("b"));
    }

    #[test]
    fn all_abstain_is_allow_by_nobody() {
        let v = combine(vec![
            eval("a", Decision::Abstain),
            eval("b", Decision::Allow(String::new())),
        ]);
        assert_eq!(v.decision, Decision::Allow("no policy objected".into()));
        assert_eq!(v.decided_by, None);
    }
}
