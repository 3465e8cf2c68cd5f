//! Policies: sandboxed Wasm components that judge every command.
//!
//! [`PolicySet::load`] loads the built-in policies, or exactly the `*.wasm`
//! files of a policies folder in file-name order, each compiled once (and
//! cached), checked for the interface version and the imports it may have,
//! configured with its settings, and asked for its name. A file that cannot
//! load stops start-up; it is never skipped. [`PolicySet::evaluate`] asks
//! every policy about a command and combines the answers: any deny wins,
//! then any needs-consent, then allow.

mod bindings;
mod cache;
mod loaded;
mod request;
mod sandbox;
mod slots;
mod source;
mod verdict;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::{Component, types::ComponentItem};

pub use cache::CompiledCache;
pub use loaded::PolicyInfo;
pub use request::RequestContext;
pub use sandbox::Limits;
pub use source::DEFAULT_POLICIES;
pub use verdict::{Access, Classification, Decision, Evaluation, Verdict, combine};

use crate::command::ParsedCommand;
use bindings::{EVALUATOR_INTERFACE, INTERFACE_VERSION, PolicyPre};
use loaded::LoadedPolicy;
use slots::Slots;

/// How to load the policies.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// A policies folder (`AWS_API_MCP_POLICIES_DIR`); the built-in
    /// policies when `None`.
    pub dir: Option<PathBuf>,
    /// Where compiled policies are cached; no cache when `None`.
    pub cache_dir: Option<PathBuf>,
    /// Where settings files are looked for (`<stem>.json`, `.toml`,
    /// `.yaml`): the policies folder when set, else this.
    pub settings_dir: Option<PathBuf>,
    /// Settings files by policy file stem, before any other.
    pub settings: BTreeMap<String, PathBuf>,
    /// The sandbox's limits.
    pub limits: Limits,
}

/// Why the policies could not load. Start-up stops with this message.
#[derive(Debug, thiserror::Error)]
pub enum PolicyLoadError {
    #[error("cannot read `{}`: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the policies folder `{}` has no `.wasm` files: add policies (`aws-api-mcp policy export {}` writes the defaults) or unset AWS_API_MCP_POLICIES_DIR", dir.display(), dir.display())]
    EmptyFolder { dir: PathBuf },
    #[error("policy `{file}` is not a WebAssembly file")]
    NotWasm { file: String },
    #[error(
        "policy `{file}` is a core WebAssembly module, not a component: build it for the `wasm32-wasip2` target, or wrap it with `wasm-tools component new`"
    )]
    CoreModule { file: String },
    #[error("policy `{file}` cannot be compiled: {message}")]
    Compile { file: String, message: String },
    #[error(
        "policy `{file}` imports `{import}`, which policies may not use: a policy gets no network, files, environment or host services; remove the code that needs it"
    )]
    ForbiddenImport { file: String, import: String },
    #[error(
        "policy `{file}` does not export `{EVALUATOR_INTERFACE}`; it exports: {exports}. Build it against `wit/policy.wit` (world `policy`)"
    )]
    MissingExport { file: String, exports: String },
    #[error(
        "policy `{file}` targets policy interface {found}, and this host supports {supported}: rebuild it against this release's `wit/policy.wit`"
    )]
    WrongVersion {
        file: String,
        found: String,
        supported: String,
    },
    #[error("policy `{file}` cannot start: {message}")]
    Start { file: String, message: String },
    #[error("policies `{first}` and `{second}` are both named `{name}`; names must be unique")]
    DuplicateName {
        name: String,
        first: String,
        second: String,
    },
    #[error("the policy engine cannot start: {0}")]
    Engine(String),
}

/// The loaded policies.
pub struct PolicySet {
    engine: Engine,
    policies: Vec<LoadedPolicy>,
    limits: Limits,
    /// Bounds the evaluations running at once (see [`slots`]).
    slots: Slots,
}

/// Evaluations run at once; more wait. With the default 64 MiB per
/// instance this bounds the guests' memory near 512 MiB whatever the load.
pub const CONCURRENT_EVALUATIONS: usize = 8;

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("policies", &self.policies().collect::<Vec<_>>())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl PolicySet {
    /// Loads the policies as `options` say.
    pub fn load(options: &LoadOptions) -> Result<Self, PolicyLoadError> {
        let sources = match &options.dir {
            Some(dir) => source::folder(dir)?,
            None => source::defaults(),
        };
        let settings_dir = options.dir.as_deref().or(options.settings_dir.as_deref());
        let engine = sandbox::engine().map_err(|e| PolicyLoadError::Engine(e.to_string()))?;
        let linker =
            sandbox::linker(&engine).map_err(|e| PolicyLoadError::Engine(e.to_string()))?;
        let cache = options.cache_dir.as_deref().and_then(CompiledCache::open);
        let mut policies: Vec<LoadedPolicy> = Vec::with_capacity(sources.len());
        for source in sources {
            let file = source.display();
            let sha256 = hex::encode(Sha256::digest(&source.bytes));
            let component = compile(&engine, cache.as_ref(), &source.bytes, &sha256, &file)?;
            check_interface(&engine, &component, &file)?;
            let start = |message: String| PolicyLoadError::Start {
                file: file.clone(),
                message,
            };
            let instance_pre = linker
                .instantiate_pre(&component)
                .map_err(|e| start(format!("{e:#}")))?;
            let pre = PolicyPre::new(instance_pre).map_err(|e| start(format!("{e:#}")))?;
            let settings = source::settings(source.stem(), &options.settings, settings_dir)?;
            let policy = LoadedPolicy::new(
                &engine,
                pre,
                settings,
                &options.limits,
                file.clone(),
                sha256,
            )
            .map_err(start)?;
            if let Some(other) = policies.iter().find(|p| p.info.name == policy.info.name) {
                return Err(PolicyLoadError::DuplicateName {
                    name: policy.info.name.clone(),
                    first: other.info.origin.clone(),
                    second: file,
                });
            }
            policies.push(policy);
        }
        Ok(PolicySet {
            engine,
            policies,
            limits: options.limits,
            slots: Slots::new(CONCURRENT_EVALUATIONS),
        })
    }

    /// The loaded policies, in evaluation order.
    pub fn policies(&self) -> impl Iterator<Item = &PolicyInfo> {
        self.policies.iter().map(|p| &p.info)
    }

    /// Asks every policy about `command` (written as `line`) and combines
    /// the answers.
    pub fn evaluate(
        &self,
        line: &str,
        command: &ParsedCommand,
        context: &RequestContext,
    ) -> Verdict {
        let request = request::build(line, command, context);
        let _slot = self.slots.take();
        let mut classified = false;
        let evaluations = self
            .policies
            .iter()
            .map(|p| {
                let evaluation = p.evaluate(&self.engine, &request, &self.limits, !classified);
                classified |= evaluation.classification.is_some();
                evaluation
            })
            .collect();
        combine(evaluations)
    }
}

fn compile(
    engine: &Engine,
    cache: Option<&CompiledCache>,
    bytes: &[u8],
    sha256: &str,
    file: &str,
) -> Result<Component, PolicyLoadError> {
    match bytes.get(..8) {
        Some([0, b'a', b's', b'm', 1, 0, 0, 0]) => {
            return Err(PolicyLoadError::CoreModule {
                file: file.to_owned(),
            });
        }
        Some([0, b'a', b's', b'm', _, _, 1, 0]) => {}
        _ => {
            return Err(PolicyLoadError::NotWasm {
                file: file.to_owned(),
            });
        }
    }
    let compiled = match cache {
        Some(cache) => cache.component(engine, bytes, sha256),
        None => Component::new(engine, bytes),
    };
    compiled.map_err(|e| PolicyLoadError::Compile {
        file: file.to_owned(),
        message: format!("{e:#}"),
    })
}

/// Checks the exported interface version and the imports.
fn check_interface(
    engine: &Engine,
    component: &Component,
    file: &str,
) -> Result<(), PolicyLoadError> {
    let ty = component.component_type();
    let exports: Vec<String> = ty
        .exports(engine)
        .filter(|(_, item)| matches!(item.ty, ComponentItem::ComponentInstance(_)))
        .map(|(name, _)| name.to_owned())
        .collect();
    let prefix = format!("{EVALUATOR_INTERFACE}@");
    let Some(export) = exports.iter().find(|name| name.starts_with(&prefix)) else {
        return Err(PolicyLoadError::MissingExport {
            file: file.to_owned(),
            exports: if exports.is_empty() {
                "nothing".to_owned()
            } else {
                exports.join(", ")
            },
        });
    };
    let found = &export[prefix.len()..];
    if !compatible(found, INTERFACE_VERSION) {
        return Err(PolicyLoadError::WrongVersion {
            file: file.to_owned(),
            found: found.to_owned(),
            supported: supported_range(),
        });
    }
    if let Some(import) = sandbox::forbidden_import(engine, component) {
        return Err(PolicyLoadError::ForbiddenImport {
            file: file.to_owned(),
            import,
        });
    }
    Ok(())
}

/// Semver compatibility as the component model reads it: same major, and
/// for 0.x the same minor; a guest's patch may be lower than the host's.
fn compatible(found: &str, host: &str) -> bool {
    let parse = |v: &str| -> Option<(u64, u64, u64)> {
        let mut parts = v.split('.').map(|p| p.parse::<u64>().ok());
        Some((parts.next()??, parts.next()??, parts.next()??))
    };
    match (parse(found), parse(host)) {
        (Some(f), Some(h)) if f.0 == 0 => h.0 == 0 && f.1 == h.1 && f.2 <= h.2,
        (Some(f), Some(h)) => f.0 == h.0 && (f.1, f.2) <= (h.1, h.2),
        _ => false,
    }
}

fn supported_range() -> String {
    let mut parts = INTERFACE_VERSION.split('.');
    let (major, minor) = (parts.next().unwrap_or("0"), parts.next().unwrap_or("0"));
    format!("{major}.{minor}.0 to {INTERFACE_VERSION}")
}

/// Writes the built-in policies into `dir` as `.wasm` files, refusing to
/// overwrite existing files unless `force`; returns the paths written.
pub fn export_defaults(dir: &Path, force: bool) -> Result<Vec<PathBuf>, PolicyLoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PolicyLoadError::Io {
            path,
            error: source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut written = Vec::new();
    for (name, bytes) in DEFAULT_POLICIES {
        let path = dir.join(name);
        if path.exists() && !force {
            return Err(PolicyLoadError::Io {
                path,
                error: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "the file exists; pass --force to overwrite it",
                ),
            });
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(compatible("0.2.0", "0.2.0"));
        assert!(!compatible("0.2.1", "0.2.0"));
        assert!(!compatible("0.3.0", "0.2.0"));
        assert!(!compatible("0.1.0", "0.2.0"));
        assert!(!compatible("1.0.0", "0.2.0"));
        assert!(compatible("0.2.0", "0.2.3"));
        assert!(!compatible("x", "0.2.0"));
    }
}
