//! Layering: generic code (everything under `core/src` outside `favor/`, and outside `dynamic/`,
//! the binding-facing layer that sits on top of the coupon API and dispatches its operations by
//! name) must not name the coupon API's module. Reads the sources, so a new
//! `use crate::favor::…` in a generic file fails here.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of `source` that name a `favor` item: the word `favor` not preceded by `/` (URL paths
/// such as `/v3/marketing/favor/stocks` in messages and tests are data, not dependencies).
fn favor_mentions(source: &str) -> Vec<(usize, String)> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            line.match_indices("favor").any(|(i, _)| {
                let before = line[..i].chars().next_back();
                let after = line[i + "favor".len()..].chars().next();
                let word_start = !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '/');
                let word_end = !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
                word_start && word_end
            })
        })
        .map(|(n, line)| (n + 1, line.trim().to_owned()))
        .collect()
}

#[test]
fn the_detector_sees_imports_and_ignores_url_paths() {
    assert_eq!(favor_mentions("use crate::favor::validation::X;").len(), 1);
    assert_eq!(favor_mentions("use crate::{favor, http};").len(), 1);
    assert_eq!(favor_mentions("fn f(x: super::favor::Favor) {}").len(), 1);
    assert!(favor_mentions(r#"let p = "/v3/marketing/favor/stocks";"#).is_empty());
    assert!(favor_mentions("let favorite = 1; let unfavorable = 2;").is_empty());
}

#[test]
fn generic_code_does_not_name_the_coupon_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let generic: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            !p.starts_with(src.join("favor")) && !p.starts_with(src.join("dynamic")) && *p != &src.join("lib.rs")
        })
        .collect();
    // The files the layering rule is about must be among those checked.
    for name in [
        "error.rs",
        "client.rs",
        "http.rs",
        "sign.rs",
        "verify.rs",
        "notify.rs",
        "clock.rs",
        "keys.rs",
        "certificates.rs",
        "cipher.rs",
        "config.rs",
        "multipart.rs",
        "lenient.rs",
        "beijing.rs",
        "validation/mod.rs",
        "crypto/mod.rs",
    ] {
        assert!(generic.iter().any(|p| p.ends_with(name)), "{name} is not checked");
    }
    let mut offenders = Vec::new();
    for path in generic {
        let source = std::fs::read_to_string(path).unwrap();
        for (line, text) in favor_mentions(&source) {
            offenders.push(format!("{}:{line}: {text}", path.strip_prefix(&src).unwrap().display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "generic code names `favor`:\n{}",
        offenders.join("\n")
    );
}
