//! `cargo xtask gen` writes the generated binding files from the core's models and operation
//! table; `cargo xtask check` regenerates them in memory and fails, naming each file and showing
//! where it differs, when a committed file has drifted.
//!
//! Generated (see the README's "Generated files"):
//! - `bindings-python/python/wechatpay_coupons/models.py`, the block between
//!   `# BEGIN GENERATED: models` and `# END GENERATED: models` (the binding's own result shapes
//!   after it stay hand-written);
//! - `bindings-python/python/wechatpay_coupons/__init__.pyi`, the endpoint methods of `Client`
//!   between `# BEGIN GENERATED: endpoints` and `# END GENERATED: endpoints`;
//! - `bindings-wasm/npm/src/models.d.ts`, whole;
//! - `bindings-uniffi/src/models.rs`, whole (the uniffi records and enums, and the typed
//!   operation, parser and pager rows);
//! - `openapi/wechatpay-coupons.openapi.json`, whole (the OpenAPI 3.1 document the sandbox
//!   serves at `/openapi.json`).

mod files;
mod model;
mod openapi;
mod python;
mod typescript;
mod uniffi;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask gen | cargo xtask check";

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    let root = workspace_root();
    let result = match arg.as_deref() {
        Some("gen") => files::generate(&root).map(|written| {
            for f in written {
                println!("wrote {f}");
            }
        }),
        Some("check") => files::check(&root).map(|checked| {
            println!("generated files up to date ({checked} files)");
        }),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
