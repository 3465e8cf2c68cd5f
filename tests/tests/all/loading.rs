//! Files that cannot be policies stop start-up with a message naming them.

use aws_api_mcp::policy::{CompiledCache, LoadOptions, PolicySet};
use aws_api_mcp_tests::guests;

use crate::support::load;

fn load_error(guests: &[&str]) -> String {
    match load(guests) {
        Ok(_) => panic!("{guests:?} loaded"),
        Err(e) => e.to_string(),
    }
}

fn folder_with(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    dir
}

fn load_folder(dir: &tempfile::TempDir) -> String {
    PolicySet::load(&LoadOptions {
        dir: Some(dir.path().to_path_buf()),
        ..LoadOptions::default()
    })
    .map(|_| String::new())
    .unwrap_or_else(|e| e.to_string())
}

#[test]
fn a_file_that_is_not_wasm() {
    let dir = folder_with("notes.wasm", b"#!/bin/sh\nrm -rf /\n");
    let err = load_folder(&dir);
    assert!(
        err.contains("notes.wasm` is not a WebAssembly file"),
        "{err}"
    );
}

#[test]
fn a_core_module_is_not_a_component() {
    let dir = folder_with("core.wasm", &[0, b'a', b's', b'm', 1, 0, 0, 0]);
    let err = load_folder(&dir);
    assert!(
        err.contains("core.wasm` is a core WebAssembly module, not a component"),
        "{err}"
    );
    assert!(err.contains("wasm32-wasip2"), "{err}");
}

#[test]
fn a_truncated_component_cannot_be_compiled() {
    let bytes = std::fs::read(guests::DECIDES).unwrap();
    let dir = folder_with("cut.wasm", &bytes[..bytes.len() / 2]);
    let err = load_folder(&dir);
    assert!(err.contains("cut.wasm` cannot be compiled"), "{err}");
}

#[test]
fn another_interface_version_is_refused() {
    let err = load_error(&[guests::FUTURE_VERSION]);
    assert!(
        err.contains("future_version.wasm` targets policy interface 0.3.0"),
        "{err}"
    );
    assert!(err.contains("supports 0.2.0 to 0.2.0"), "{err}");
}

#[test]
fn an_import_the_host_does_not_grant_is_refused() {
    let err = load_error(&[guests::FORBIDDEN_IMPORT]);
    assert!(
        err.contains("forbidden_import.wasm` imports `test:shell/shell@0.1.0`"),
        "{err}"
    );
    assert!(err.contains("policies may not use"), "{err}");
}

#[test]
fn a_guest_that_opens_sockets_loads_but_gets_no_network() {
    // The sockets interfaces are linked (language runtimes import them), but
    // the sandbox refuses to create any socket: the guest reports the error
    // kind it saw. `ConnectionRefused` would mean the OS was asked.
    let policies = crate::support::loaded(&[guests::NETWORK]);
    let outcome = crate::support::check(&policies, "aws ec2 describe-instances");
    let evaluation = &outcome.verdict.evaluations[0];
    assert_eq!(
        evaluation.decision,
        aws_api_mcp::policy::Decision::Allow("connect failed: PermissionDenied".to_owned()),
        "{evaluation:?}"
    );
}

#[test]
fn settings_a_policy_refuses_stop_start_up() {
    let err = load_error(&[guests::BAD_SETTINGS]);
    assert!(err.contains("bad_settings.wasm` cannot start"), "{err}");
    assert!(err.contains("setting `ok` must be true"), "{err}");
    let dir = aws_api_mcp_tests::policies_dir(&[guests::BAD_SETTINGS]);
    std::fs::write(dir.path().join("bad_settings.json"), r#"{"ok": true}"#).unwrap();
    let loaded = PolicySet::load(&LoadOptions {
        dir: Some(dir.path().to_path_buf()),
        ..LoadOptions::default()
    });
    assert!(loaded.is_ok(), "{loaded:?}");
}

#[test]
fn an_empty_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "no policies").unwrap();
    let err = load_folder(&dir);
    assert!(err.contains("has no `.wasm` files"), "{err}");
}

#[test]
fn two_policies_with_one_name_are_refused() {
    let dir = aws_api_mcp_tests::policies_dir(&[guests::DECIDES]);
    std::fs::copy(guests::DECIDES, dir.path().join("again.wasm")).unwrap();
    let err = load_folder(&dir);
    assert!(err.contains("are both named `decides`"), "{err}");
}

#[test]
fn policies_run_in_file_name_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(guests::PROBE, dir.path().join("10-probe.wasm")).unwrap();
    std::fs::copy(guests::DECIDES, dir.path().join("20-decides.wasm")).unwrap();
    let set = PolicySet::load(&LoadOptions {
        dir: Some(dir.path().to_path_buf()),
        ..LoadOptions::default()
    })
    .unwrap();
    let names: Vec<_> = set.policies().map(|p| p.name.clone()).collect();
    assert_eq!(names, ["probe", "decides"]);
}

#[test]
fn the_compiled_cache_is_used_and_survives_corruption() {
    let cache = tempfile::tempdir().unwrap();
    let options = LoadOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        ..LoadOptions::default()
    };
    let first = PolicySet::load(&options).unwrap();
    let entries: Vec<_> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .collect();
    assert_eq!(entries.len(), first.policies().count());
    // A damaged entry is noticed by its checksum and recompiled.
    std::fs::write(&entries[0], b"garbage").unwrap();
    let second = PolicySet::load(&options).unwrap();
    assert_eq!(second.policies().count(), first.policies().count());
    assert_ne!(std::fs::read(&entries[0]).unwrap(), b"garbage");
    assert!(CompiledCache::default_dir().is_some());
}
