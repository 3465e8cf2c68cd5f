//! One loaded policy: its compiled form, its settings, and a pool of ready
//! instances.

use std::sync::Mutex;
use std::time::Instant;

use wasmtime::Engine;
use wasmtime::Store;

use super::bindings::{Policy, PolicyIndices, PolicyPre, classifier, types as wit};
use super::sandbox::{self, GuestState, Limits};
use super::verdict::{Access, Classification, Decision, Evaluation};

/// Instances kept ready per policy; more are made under load and dropped.
const MAX_IDLE: usize = 8;

/// Who a policy is and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyInfo {
    /// Its name, from the policy itself.
    pub name: String,
    /// Its version, from the policy itself.
    pub version: String,
    /// What it decides.
    pub description: String,
    /// The file it was loaded from, or `built-in <file>`.
    pub origin: String,
    /// The SHA-256 of the component.
    pub sha256: String,
    /// Whether it exports `aws-mcp:policy/classifier`.
    pub classifies: bool,
}

/// A ready instance.
pub(super) struct Instance {
    store: Store<GuestState>,
    policy: Policy,
    classifier: Option<classifier::Guest>,
}

/// How to find a policy's exports in each new instance.
struct Exports {
    policy: PolicyIndices,
    classifier: Option<classifier::GuestIndices>,
}

/// A policy ready to evaluate commands.
pub(super) struct LoadedPolicy {
    pub(super) info: PolicyInfo,
    pre: PolicyPre<GuestState>,
    exports: Exports,
    settings: String,
    idle: Mutex<Vec<Instance>>,
}

impl LoadedPolicy {
    /// Makes the first instance, configures it and reads the policy's
    /// metadata; errors are the policy's own words.
    pub(super) fn new(
        engine: &Engine,
        pre: PolicyPre<GuestState>,
        settings: String,
        limits: &Limits,
        origin: String,
        sha256: String,
    ) -> Result<Self, String> {
        let exports = Exports {
            policy: PolicyIndices::new(pre.instance_pre()).map_err(|e| format!("{e:#}"))?,
            // The classifier is optional; a component without it (or with
            // an incompatible one) simply does not classify.
            classifier: classifier::GuestIndices::new(pre.instance_pre()).ok(),
        };
        let (mut instance, configured) = instantiate(engine, &pre, &exports, &settings, limits)?;
        configured?;
        sandbox::prepare_call(&mut instance.store, limits.fuel).map_err(|e| e.to_string())?;
        let metadata = instance
            .policy
            .aws_mcp_policy_evaluator()
            .call_describe(&mut instance.store)
            .map_err(|e| sandbox::describe_failure(&instance.store, &e, limits))?;
        if metadata.name.is_empty() || metadata.name.len() > 64 {
            return Err(format!(
                "its name `{}` must be 1 to 64 characters",
                metadata.name
            ));
        }
        Ok(LoadedPolicy {
            info: PolicyInfo {
                name: metadata.name,
                version: metadata.version,
                description: metadata.description,
                origin,
                sha256,
                classifies: exports.classifier.is_some(),
            },
            pre,
            exports,
            settings,
            idle: Mutex::new(vec![instance]),
        })
    }

    /// Judges one request, and classifies it too when `classify` is set
    /// and the policy can. Never fails: a policy that cannot answer denies.
    pub(super) fn evaluate(
        &self,
        engine: &Engine,
        request: &wit::Request,
        limits: &Limits,
        classify: bool,
    ) -> Evaluation {
        let start = Instant::now();
        let finish = |decision: Decision, failed: bool, classification| Evaluation {
            policy: self.info.name.clone(),
            decision,
            failed,
            micros: u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
            classification,
        };
        let fail = |cause: String| {
            finish(
                Decision::Deny(format!("policy `{}` failed: {cause}", self.info.name)),
                true,
                None,
            )
        };
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut instance = match idle {
            Some(instance) => instance,
            None => match instantiate(engine, &self.pre, &self.exports, &self.settings, limits) {
                Ok((instance, Ok(()))) => instance,
                Ok((_, Err(cause))) | Err(cause) => return fail(cause),
            },
        };
        if let Err(e) = sandbox::prepare_call(&mut instance.store, limits.fuel) {
            return fail(e.to_string());
        }
        let result = instance
            .policy
            .aws_mcp_policy_evaluator()
            .call_evaluate(&mut instance.store, request);
        let decision = match result {
            Ok(decision) => decision,
            // The instance may be in any state after a failure: drop it.
            Err(e) => return fail(sandbox::describe_failure(&instance.store, &e, limits)),
        };
        let decision = match decision {
            wit::Decision::Allow(r) => Decision::Allow(r),
            wit::Decision::Deny(r) => Decision::Deny(r),
            wit::Decision::NeedsConsent(r) => Decision::NeedsConsent(r),
            wit::Decision::Abstain => Decision::Abstain,
        };
        let reason = decision.reason();
        if reason.len() > limits.max_reason_bytes {
            return fail(format!(
                "returned a {}-byte reason; at most {} bytes are allowed",
                reason.len(),
                limits.max_reason_bytes
            ));
        }
        if matches!(decision, Decision::Deny(_) | Decision::NeedsConsent(_))
            && reason.trim().is_empty()
        {
            return fail(format!("returned `{}` without a reason", decision.kind()));
        }
        let classification = match (&instance.classifier, classify) {
            (Some(classifier), true) => {
                if let Err(e) = sandbox::prepare_call(&mut instance.store, limits.fuel) {
                    return fail(e.to_string());
                }
                match classifier.call_classify(&mut instance.store, request) {
                    Ok(answer) => answer,
                    Err(e) => {
                        return fail(format!(
                            "classify: {}",
                            sandbox::describe_failure(&instance.store, &e, limits)
                        ));
                    }
                }
            }
            _ => None,
        };
        if let Some(answer) = &classification
            && answer.basis.len() > limits.max_reason_bytes
        {
            return fail(format!(
                "returned a {}-byte classification basis; at most {} bytes are allowed",
                answer.basis.len(),
                limits.max_reason_bytes
            ));
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(instance);
        }
        let classification = classification.map(|c| Classification {
            access: match c.access {
                classifier::Access::Read => Access::Read,
                classifier::Access::Write => Access::Write,
            },
            basis: c.basis,
            policy: self.info.name.clone(),
        });
        finish(decision, false, classification)
    }
}

/// A new instance, and the outcome of `configure` on it.
fn instantiate(
    engine: &Engine,
    pre: &PolicyPre<GuestState>,
    exports: &Exports,
    settings: &str,
    limits: &Limits,
) -> Result<(Instance, Result<(), String>), String> {
    let mut store = sandbox::store(engine, limits);
    sandbox::prepare_call(&mut store, limits.fuel).map_err(|e| e.to_string())?;
    let instance = pre
        .instance_pre()
        .instantiate(&mut store)
        .map_err(|e| sandbox::describe_failure(&store, &e, limits))?;
    let policy = exports
        .policy
        .load(&mut store, &instance)
        .map_err(|e| format!("{e:#}"))?;
    let classifier = match &exports.classifier {
        Some(indices) => Some(
            indices
                .load(&mut store, &instance)
                .map_err(|e| format!("{e:#}"))?,
        ),
        None => None,
    };
    sandbox::prepare_call(&mut store, limits.fuel).map_err(|e| e.to_string())?;
    let configured = match policy
        .aws_mcp_policy_evaluator()
        .call_configure(&mut store, settings)
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(message)) => Err(format!("its settings were refused: {message}")),
        Err(e) => Err(sandbox::describe_failure(&store, &e, limits)),
    };
    Ok((
        Instance {
            store,
            policy,
            classifier,
        },
        configured,
    ))
}
