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
