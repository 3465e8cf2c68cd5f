//! Turns `data/iam-access-levels.txt` into a sorted static table, so the
//! policy looks an action up with a binary search and parses nothing at run
//! time.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let source = "data/iam-access-levels.txt";
    println!("cargo::rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).expect("data/iam-access-levels.txt is readable");
    let mut rows: Vec<(String, char)> = Vec::new();
    let mut origin = String::new();
    for (number, line) in text.lines().enumerate() {
        if let Some(comment) = line.strip_prefix('#') {
            if origin.is_empty() {
                origin = comment.trim().to_owned();
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let (action, level) = line
            .split_once(' ')
            .unwrap_or_else(|| panic!("{source}:{}: expected `prefix:Action LEVEL`", number + 1));
        let level = match level {
            "L" | "R" | "W" | "T" | "P" => level.chars().next().unwrap_or('W'),
            other => panic!("{source}:{}: unknown level `{other}`", number + 1),
        };
        rows.push((action.to_ascii_lowercase(), level));
    }
    rows.sort();
    rows.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::new();
    let _ = writeln!(out, "/// Where the levels come from.");
    let _ = writeln!(out, "pub const SOURCE: &str = {origin:?};");
    let _ = writeln!(
        out,
        "/// `prefix:action` in lower case, and its level code, sorted."
    );
    let _ = writeln!(out, "pub static LEVELS: &[(&str, u8)] = &[");
    for (action, level) in rows {
        let _ = writeln!(out, "    ({action:?}, b'{level}'),");
    }
    let _ = writeln!(out, "];");
    let dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(dir.join("levels.rs"), out).expect("OUT_DIR is writable");
}
