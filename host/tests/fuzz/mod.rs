//! What the fuzz targets share: how many cases to run and how to mutate a
//! valid input into a nearly valid one, which reaches deeper into a parser
//! than random bytes do.

#![allow(dead_code, reason = "each fuzz target uses part of this")]

use proptest::prelude::*;

/// Cases per target: `FUZZ_CASES` when set (the long runs), else
/// `default` (the short run every `cargo test` makes).
pub fn cases(default: u32) -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One edit of a byte string: (position, byte, kind).
pub type Edit = (usize, u8, u8);

/// Edits to apply to a seed: inserts, deletes, replacements, repeats of a
/// slice (deep nesting, long runs) and truncations.
pub fn edits() -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec((0..4096usize, interesting_byte(), 0..6u8), 0..16)
}

fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        any::<u8>(),
        proptest::sample::select(b"<>/=\"'&;{}[](),:.-_ \n\r\t\0\\`@*|!?#$%0123456789aZ".to_vec()),
        Just(0xff),
        Just(0xc3),
        Just(0x80),
    ]
}

/// `seed` with `edits` applied.
pub fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for &(at, b, kind) in edits {
        let at = at % (bytes.len() + 1);
        match kind {
            0 => bytes.insert(at, b),
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            2 if at < bytes.len() => bytes[at] = b,
            3 => {
                // Repeat a short slice: nesting and long runs.
                let end = (at + 1 + usize::from(b % 16)).min(bytes.len());
                let slice = bytes[at..end].to_vec();
                let times = 1 + usize::from(b % 64);
                for _ in 0..times {
                    bytes.splice(at..at, slice.iter().copied());
                }
            }
            4 => bytes.truncate(at),
            _ => {
                // Swap two regions' first bytes.
                let other = (at * 7 + usize::from(b)) % (bytes.len() + 1);
                if at < bytes.len() && other < bytes.len() {
                    bytes.swap(at, other);
                }
            }
        }
    }
    bytes
}

/// [`mutate`] on text, lossily back to a string.
pub fn mutate_text(seed: &str, edits: &[Edit]) -> String {
    String::from_utf8_lossy(&mutate(seed.as_bytes(), edits)).into_owned()
}

/// An allocator that counts, per thread, the bytes live and the most live
/// at once since the last [`reset_peak`]: a fuzz case can then require
/// that reading a few kilobytes never needs more than a bound, and
/// proptest shrinks any input that does to the smallest one.
pub struct Counting;

thread_local! {
    static LIVE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static PEAK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count(delta: isize) {
    // `try_with`: during thread teardown the counters may be gone.
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add_signed(delta);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call goes to `System` unchanged; the counting touches only
// const-initialized thread-locals, which never allocate.
#[allow(
    unsafe_code,
    reason = "a counting allocator for the fuzz targets, passing every call to System"
)]
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: the caller's contract is passed on as is.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        count(-(layout.size() as isize));
        // SAFETY: as above.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        count(new as isize - layout.size() as isize);
        // SAFETY: as above.
        unsafe { std::alloc::System.realloc(ptr, layout, new) }
    }
}

/// Starts a new peak at what this thread holds now.
pub fn reset_peak() {
    let now = LIVE.with(std::cell::Cell::get);
    PEAK.with(|p| p.set(now));
}

/// The most this thread held at once since [`reset_peak`], above what it
/// held then.
pub fn peak_since(start: usize) -> usize {
    PEAK.with(std::cell::Cell::get).saturating_sub(start)
}

/// What this thread holds now.
pub fn live() -> usize {
    LIVE.with(std::cell::Cell::get)
}

/// Runs `f` and fails the case if it needed more than `limit` bytes at once.
pub fn within_memory(limit: usize, f: impl FnOnce()) -> Result<(), TestCaseError> {
    let start = live();
    reset_peak();
    f();
    let used = peak_since(start);
    if used > limit {
        return Err(TestCaseError::fail(format!(
            "needed {} MiB at once (limit {} MiB)",
            used >> 20,
            limit >> 20
        )));
    }
    Ok(())
}
