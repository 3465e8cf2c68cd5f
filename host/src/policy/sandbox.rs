//! The sandbox every policy runs in: the only module that configures
//! wasmtime, fuel, memory limits and WASI, so a security review reads this
//! file.
//!
//! A policy gets no capability: no preopened directories, no environment
//! variables, no arguments, no network (the socket interfaces are linked,
//! because language runtimes such as componentize-py's CPython import them
//! through their libc, but TCP, UDP and name lookups are all turned off and
//! every address is refused), empty standard input, standard output thrown away, standard error
//! kept (its tail explains a panic), and clocks frozen at zero. It cannot
//! sleep or wait: the two clock subscriptions trap. Each call gets a fixed
//! amount of fuel, each instance a memory limit, and the stack is bounded,
//! so a policy that loops, allocates or recurses without end is stopped and
//! the command is denied.

use std::sync::{Arc, Mutex};

use wasmtime::component::{Component, Linker, Resource, ResourceTable};
use wasmtime::{Config, Engine, OptLevel, Store, StoreLimits, StoreLimitsBuilder, Trap};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{DynPollable, OutputStream, Pollable, StreamError, StreamResult};
use wasmtime_wasi::{
    HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView,
};

/// The resources one policy call may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Fuel for one `evaluate` (about one unit per Wasm instruction).
    pub fuel: u64,
    /// Linear memory one instance may grow to, in bytes.
    pub memory_bytes: usize,
    /// The longest reason a decision may carry, in bytes.
    pub max_reason_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 500_000_000,
            memory_bytes: 64 << 20,
            max_reason_bytes: 4096,
        }
    }
}

/// Wasm stack a policy may use; deep recursion traps past it.
const MAX_WASM_STACK: usize = 1 << 20;
/// Standard error kept per instance (the tail, for panic messages).
const STDERR_KEPT: usize = 4096;

/// Interface prefixes a policy may import. Anything else (sockets, HTTP, a
/// host interface this server does not offer) refuses the policy at load.
const ALLOWED_IMPORTS: &[&str] = &[
    // Types only: the records of the policy interface itself.
    "aws-mcp:policy/types@",
    "wasi:cli/",
    "wasi:io/",
    "wasi:clocks/",
    "wasi:random/",
    "wasi:filesystem/",
    // Linked so that runtimes whose libc imports them can load; every use
    // fails with `access-denied` (see `store`).
    "wasi:sockets/",
];

/// The engine every policy is compiled for.
pub fn engine() -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.consume_fuel(true);
    config.max_wasm_stack(MAX_WASM_STACK);
    config.cranelift_opt_level(OptLevel::Speed);
    config.parallel_compilation(true);
    Engine::new(&config)
}

/// The linker: WASI with no capability granted, and sleeping refused.
pub fn linker(engine: &Engine) -> wasmtime::Result<Linker<GuestState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    // wasmtime-wasi's clock subscriptions wait in real time, where fuel does
    // not run out; a policy that sleeps would hold the command forever.
    linker.allow_shadowing(true);
    let mut clock = linker.instance("wasi:clocks/monotonic-clock@0.2.12")?;
    clock.func_wrap(
        "subscribe-duration",
        |_store, (_duration,): (u64,)| -> wasmtime::Result<(Resource<DynPollable>,)> {
            Err(wasmtime::format_err!("{SLEEP_REFUSED}"))
        },
    )?;
    clock.func_wrap(
        "subscribe-instant",
        |_store, (_instant,): (u64,)| -> wasmtime::Result<(Resource<DynPollable>,)> {
            Err(wasmtime::format_err!("{SLEEP_REFUSED}"))
        },
    )?;
    linker.allow_shadowing(false);
    Ok(linker)
}

const SLEEP_REFUSED: &str = "policies may not sleep or wait";

/// The first import a policy may not have, if any.
pub fn forbidden_import(engine: &Engine, component: &Component) -> Option<String> {
    component
        .component_type()
        .imports(engine)
        .map(|(name, _)| name.to_owned())
        .find(|name| {
            !ALLOWED_IMPORTS
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
}

/// What a store holds for one policy instance.
pub struct GuestState {
    wasi: WasiCtx,
    table: ResourceTable,
    limits: StoreLimits,
    stderr: GuestOutput,
}

impl WasiView for GuestState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// A store for a new instance, with the limits set.
pub fn store(engine: &Engine, limits: &Limits) -> Store<GuestState> {
    let stderr = GuestOutput::default();
    let mut wasi = WasiCtxBuilder::new();
    wasi.stderr(stderr.clone())
        .wall_clock(FrozenClock)
        .monotonic_clock(FrozenClock)
        // No network, whatever the defaults of a future wasmtime-wasi.
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .socket_addr_check(|_, _| Box::pin(async { false }));
    let state = GuestState {
        wasi: wasi.build(),
        table: ResourceTable::new(),
        limits: StoreLimitsBuilder::new()
            .memory_size(limits.memory_bytes)
            // componentize-py's components have 14 core instances.
            .instances(32)
            .tables(16)
            .memories(4)
            .table_elements(100_000)
            .trap_on_grow_failure(true)
            .build(),
        stderr,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limits);
    store
}

/// Gives the store `fuel` for the next call and forgets earlier output.
pub fn prepare_call(store: &mut Store<GuestState>, fuel: u64) -> wasmtime::Result<()> {
    store.data().stderr.clear();
    store.set_fuel(fuel)
}

/// Why a call into a policy failed, in words for a deny reason.
pub fn describe_failure(
    store: &Store<GuestState>,
    error: &wasmtime::Error,
    limits: &Limits,
) -> String {
    let stderr = store.data().stderr.tail();
    let detail = if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    };
    if let Some(trap) = error.downcast_ref::<Trap>() {
        return match trap {
            Trap::OutOfFuel => format!(
                "ran out of fuel ({} units): it may loop forever",
                limits.fuel
            ),
            Trap::StackOverflow => "overflowed its stack: it may recurse without end".to_owned(),
            Trap::UnreachableCodeReached => format!("trapped (a panic or abort){detail}"),
            Trap::AllocationTooLarge => format!(
                "tried to use more than {} MiB of memory",
                limits.memory_bytes >> 20
            ),
            other => format!("trapped: {other}{detail}"),
        };
    }
    let text = format!("{error:?}");
    if text.contains("forcing trap when growing memory")
        || text.contains("forcing a memory growth failure to be a trap")
    {
        return format!(
            "tried to use more than {} MiB of memory",
            limits.memory_bytes >> 20
        );
    }
    if text.contains(SLEEP_REFUSED) {
        return format!("{SLEEP_REFUSED}{detail}");
    }
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return format!("exited with status {}{detail}", exit.0);
    }
    let first = text.lines().next().unwrap_or_default().to_owned();
    format!("failed: {first}{detail}")
}

/// Clocks that always say zero: a policy's answer must not depend on when
/// it runs (the request carries the time).
struct FrozenClock;

impl HostWallClock for FrozenClock {
    fn resolution(&self) -> std::time::Duration {
        std::time::Duration::from_secs(1)
    }
    fn now(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }
}

impl HostMonotonicClock for FrozenClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

/// Standard error of a policy: keeps the last few KiB, never fails a write
/// (a policy that logs a lot must not trap for it).
#[derive(Clone, Default)]
struct GuestOutput {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl GuestOutput {
    fn push(&self, bytes: &[u8]) {
        let Ok(mut buffer) = self.buffer.lock() else {
            return;
        };
        buffer.extend_from_slice(bytes);
        if buffer.len() > STDERR_KEPT {
            let cut = buffer.len() - STDERR_KEPT;
            buffer.drain(..cut);
        }
    }

    fn clear(&self) {
        if let Ok(mut buffer) = self.buffer.lock() {
            buffer.clear();
        }
    }

    /// The kept output on one line.
    fn tail(&self) -> String {
        let Ok(buffer) = self.buffer.lock() else {
            return String::new();
        };
        String::from_utf8_lossy(&buffer)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl IsTerminal for GuestOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for GuestOutput {
    async fn ready(&mut self) {}
}

impl OutputStream for GuestOutput {
    fn write(&mut self, bytes: bytes::Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        Ok(64 * 1024)
    }
}

impl tokio::io::AsyncWrite for GuestOutput {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.push(buf);
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}
