//! One loaded policy: its compiled form, its settings, and a pool of ready
//! instances.

use std::sync::Mutex;
use std::time::Instant;

use wasmtime::Engine;
use wasmtime::Store;

use super::bindings::{Policy, PolicyPre, types as wit};
use super::sandbox::{self, GuestState, Limits};
use super::verdict::{Decision, Evaluation};

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
}

/// A ready instance.
pub(super) struct Instance {
    store: Store<GuestState>,
    policy: Policy,
}

/// A policy ready to evaluate commands.
pub(super) struct LoadedPolicy {
    pub(super) info: PolicyInfo,
    pre: PolicyPre<GuestState>,
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
        let (mut instance, configured) = instantiate(engine, &pre, &settings, limits)?;
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
            },
            pre,
            settings,
            idle: Mutex::new(vec![instance]),
        })
    }

    /// Judges one request. Never fails: a policy that cannot answer denies.
    pub(super) fn evaluate(
        &self,
        engine: &Engine,
        request: &wit::Request,
        limits: &Limits,
    ) -> Evaluation {
        let start = Instant::now();
        let finish = |decision: Decision, failed: bool| Evaluation {
            policy: self.info.name.clone(),
            decision,
            failed,
            micros: u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
        };
        let fail = |cause: String| {
            finish(
                Decision::Deny(format!("policy `{}` failed: {cause}", self.info.name)),
                true,
            )
        };
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut instance = match idle {
            Some(instance) => instance,
            None => match instantiate(engine, &self.pre, &self.settings, limits) {
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
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(instance);
        }
        finish(decision, false)
    }
}

/// A new instance, and the outcome of `configure` on it.
fn instantiate(
    engine: &Engine,
    pre: &PolicyPre<GuestState>,
    settings: &str,
    limits: &Limits,
) -> Result<(Instance, Result<(), String>), String> {
    let mut store = sandbox::store(engine, limits);
    sandbox::prepare_call(&mut store, limits.fuel).map_err(|e| e.to_string())?;
    let policy = pre
        .instantiate(&mut store)
        .map_err(|e| sandbox::describe_failure(&store, &e, limits))?;
    sandbox::prepare_call(&mut store, limits.fuel).map_err(|e| e.to_string())?;
    let configured = match policy
        .aws_mcp_policy_evaluator()
        .call_configure(&mut store, settings)
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(message)) => Err(format!("its settings were refused: {message}")),
        Err(e) => Err(sandbox::describe_failure(&store, &e, limits)),
    };
    Ok((Instance { store, policy }, configured))
}
