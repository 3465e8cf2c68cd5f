//! Write an aws-api-mcp policy as plain Rust.
//!
//! A policy is a type that implements [`Policy`]; [`export_policy!`] turns it
//! into the exports of the `aws-mcp:policy` WIT world, so that
//! `cargo build --target wasm32-wasip2 --release` gives a component the host
//! loads. Keep the decision logic in plain functions over [`Request`]: they
//! unit-test natively with `cargo test`, and [`RequestBuilder`] makes the
//! requests for those tests.
//!
//! ```ignore
//! use aws_mcp_policy_sdk::{export_policy, Decision, Metadata, Policy, Request};
//!
//! struct NoIam;
//!
//! impl Policy for NoIam {
//!     fn metadata() -> Metadata {
//!         Metadata::new("no-iam", "0.1.0", "denies every IAM command")
//!     }
//!     fn configure(_config: &str) -> Result<Self, String> {
//!         Ok(NoIam)
//!     }
//!     fn evaluate(&self, request: &Request) -> Decision {
//!         if request.command.cli_service == "iam" {
//!             Decision::Deny("IAM commands are not allowed here".into())
//!         } else {
//!             Decision::Abstain
//!         }
//!     }
//! }
//!
//! export_policy!(NoIam);
//! ```

mod builder;

pub use builder::RequestBuilder;

/// The bindings that wit-bindgen generates from `wit/`. Policies use the
/// re-exports at the crate root instead.
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "classifying-policy",
        pub_export_macro: true,
        export_macro_name: "__export_policy_world",
        default_bindings_module: "aws_mcp_policy_sdk::bindings",
        additional_derives: [PartialEq, Clone],
    });
}

pub use bindings::aws_mcp::policy::types::{
    Command, Context, Decision, FileAccess, FileAccessMode, GlobalOptions, LocalFile, MemberFacts,
    Metadata, OperationFacts, Parameter, Request, ShapeFacts, ShapeMember, ShapeType,
};
pub use bindings::exports::aws_mcp::policy::classifier::{Access, Classification};

/// A policy: how it is named, how it reads its settings, and how it judges
/// a command.
///
/// The host creates a fresh instance of the component when it needs one and
/// calls [`Policy::configure`] once on it before the first
/// [`Policy::evaluate`]; the value it returns serves every later call on that
/// instance.
pub trait Policy: Sized + 'static {
    /// The policy's name, version and one-sentence description.
    fn metadata() -> Metadata;

    /// Builds the policy from its settings (the text of its configuration
    /// file, empty when there is none). An error stops the server's start-up
    /// and is shown to the person who wrote the settings: say which setting
    /// is wrong and what is expected.
    fn configure(config: &str) -> Result<Self, String>;

    /// Judges one command.
    fn evaluate(&self, request: &Request) -> Decision;

    /// Whether the command reads or changes the account, and why; `None`
    /// (the default) leaves the question to another policy. The host shows
    /// the first answer with each command's result. It must not depend on
    /// the context's modes.
    fn classify(&self, _request: &Request) -> Option<Classification> {
        None
    }
}

impl Classification {
    /// A classification.
    pub fn new(access: Access, basis: impl Into<String>) -> Self {
        Classification {
            access,
            basis: basis.into(),
        }
    }
}

impl Metadata {
    /// A policy's metadata.
    pub fn new(name: &str, version: &str, description: &str) -> Self {
        Metadata {
            name: name.to_owned(),
            version: version.to_owned(),
            description: description.to_owned(),
        }
    }
}

impl Decision {
    /// The reason that goes with the decision (empty for `Abstain`).
    pub fn reason(&self) -> &str {
        match self {
            Decision::Allow(r) | Decision::Deny(r) | Decision::NeedsConsent(r) => r,
            Decision::Abstain => "",
        }
    }
}

impl Request {
    /// The parameter set by the option `--cli_name`, if the command has it.
    pub fn parameter(&self, cli_name: &str) -> Option<&Parameter> {
        self.command
            .parameters
            .iter()
            .find(|p| p.cli_name == cli_name)
    }

    /// Whether the command is `aws <cli_service> <cli_operation>`.
    pub fn is(&self, cli_service: &str, cli_operation: &str) -> bool {
        self.command.cli_service == cli_service && self.command.cli_operation == cli_operation
    }
}

/// Support for [`export_policy!`]; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use std::cell::RefCell;
    pub use std::thread_local;

    /// Runs `evaluate` on the configured policy, configuring it with empty
    /// settings if the host has not called `configure` (it always does).
    pub fn evaluate<P: crate::Policy>(
        slot: &RefCell<Option<P>>,
        request: &crate::Request,
    ) -> crate::Decision {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            match P::configure("") {
                Ok(policy) => *slot = Some(policy),
                Err(message) => {
                    return crate::Decision::Deny(format!("policy is not configured: {message}"));
                }
            }
        }
        match slot.as_ref() {
            Some(policy) => policy.evaluate(request),
            None => crate::Decision::Deny("policy is not configured".to_owned()),
        }
    }

    /// Runs `classify` on the configured policy (none before `configure`).
    pub fn classify<P: crate::Policy>(
        slot: &RefCell<Option<P>>,
        request: &crate::Request,
    ) -> Option<crate::Classification> {
        slot.borrow().as_ref().and_then(|p| p.classify(request))
    }
}

/// Exports a [`Policy`] as the component's `aws-mcp:policy/evaluator` and
/// `aws-mcp:policy/classifier` interfaces (the `classifying-policy` world). Call it once, at the top level of the policy's crate.
///
/// It expands to nothing on native targets, where the policy's logic is
/// unit-tested as plain Rust (component export names cannot be native
/// symbols).
#[macro_export]
macro_rules! export_policy {
    ($policy:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            $crate::__private::thread_local! {
                static POLICY: $crate::__private::RefCell<::std::option::Option<$policy>> =
                    const { $crate::__private::RefCell::new(::std::option::Option::None) };
            }

            struct Exports;

            impl $crate::bindings::exports::aws_mcp::policy::evaluator::Guest for Exports {
                fn describe() -> $crate::Metadata {
                    <$policy as $crate::Policy>::metadata()
                }

                fn configure(
                    config: ::std::string::String,
                ) -> ::std::result::Result<(), ::std::string::String> {
                    let policy = <$policy as $crate::Policy>::configure(&config)?;
                    POLICY.with(|slot| *slot.borrow_mut() = ::std::option::Option::Some(policy));
                    ::std::result::Result::Ok(())
                }

                fn evaluate(request: $crate::Request) -> $crate::Decision {
                    POLICY.with(|slot| $crate::__private::evaluate(slot, &request))
                }
            }

            impl $crate::bindings::exports::aws_mcp::policy::classifier::Guest for Exports {
                fn classify(
                    request: $crate::Request,
                ) -> ::std::option::Option<$crate::Classification> {
                    POLICY.with(|slot| $crate::__private::classify(slot, &request))
                }
            }

    $crate::bindings::__export_policy_world!(Exports with_types_in $crate::bindings);
        };
    };
}
