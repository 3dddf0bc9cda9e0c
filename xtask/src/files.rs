//! The generated files: where each one lives, how its generated part is placed (whole file or a
//! block between marker lines), and the gen / check actions.

use std::fs;
use std::path::Path;

use crate::model::{Catalogue, catalogue};
use crate::{openapi, python, typescript, uniffi};

/// How a target file is produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The generator writes the whole file.
    Whole,
    /// The generator owns the lines between a line containing `BEGIN GENERATED: {0}` and one
    /// containing `END GENERATED: {0}`; the rest is hand-written.
    Block(&'static str),
}

/// One generated file.
pub struct Target {
    /// Path from the workspace root.
    pub path: &'static str,
    /// Whole file or marked block.
    pub placement: Placement,
    /// Renders the generated text.
    pub render: fn(&Catalogue) -> Result<String, String>,
}

/// Every generated file, in a fixed order.
pub const TARGETS: &[Target] = &[
    Target {
        path: "bindings-python/python/wechatpay_coupons/models.py",
        placement: Placement::Block("models"),
        render: |c| Ok(python::models_block(c)),
    },
    Target {
        path: "bindings-python/python/wechatpay_coupons/__init__.pyi",
        placement: Placement::Block("endpoints"),
        render: |c| Ok(python::endpoints_block(c)),
    },
    Target {
        path: "bindings-wasm/npm/src/models.d.ts",
        placement: Placement::Whole,
        render: |c| Ok(typescript::models_d_ts(c)),
    },
    Target {
        path: uniffi::PATH,
        placement: Placement::Whole,
        render: uniffi::render,
    },
    Target {
        path: openapi::PATH,
        placement: Placement::Whole,
        render: openapi::render,
    },
];

/// `current` with the block named `name` replaced by `generated`.
pub fn splice(path: &str, current: &str, name: &str, generated: &str) -> Result<String, String> {
    let begin = format!("BEGIN GENERATED: {name}");
    let end = format!("END GENERATED: {name}");
    let lines: Vec<&str> = current.split_inclusive('\n').collect();
    let b = lines
        .iter()
        .position(|l| l.contains(&begin))
        .ok_or_else(|| format!("{path}: no line containing `{begin}`"))?;
    let e = lines
        .iter()
        .skip(b + 1)
        .position(|l| l.contains(&end))
        .map(|i| i + b + 1)
        .ok_or_else(|| format!("{path}: no line containing `{end}` after `{begin}`"))?;
    let mut out: String = lines[..=b].concat();
    out.push_str(generated);
    out.push_str(&lines[e..].concat());
    Ok(out)
}

/// The text `target` should have, given its current text (`None` when the file is missing).
pub fn expected(target: &Target, c: &Catalogue, current: Option<&str>) -> Result<String, String> {
    let generated = (target.render)(c)?;
    match target.placement {
        Placement::Whole => Ok(generated),
        Placement::Block(name) => {
            let current = current.ok_or_else(|| format!("{}: missing (it holds hand-written parts)", target.path))?;
            splice(target.path, current, name, &generated)
        }
    }
}

/// A short diff-like report of where `actual` (committed) differs from `wanted` (generated).
pub fn describe_drift(path: &str, actual: &str, wanted: &str) -> String {
    let a: Vec<&str> = actual.lines().collect();
    let w: Vec<&str> = wanted.lines().collect();
    let head = a.iter().zip(&w).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(w[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut out = format!(
        "{path}: differs from the generated text at line {} (run `cargo xtask gen`)\n--- {path} (committed)\n+++ {path} (generated)\n",
        head + 1
    );
    const MAX: usize = 20;
    let removed = &a[head..a.len() - tail];
    let added = &w[head..w.len() - tail];
    for l in removed.iter().take(MAX) {
        out.push_str(&format!("-{l}\n"));
    }
    for l in added.iter().take(MAX) {
        out.push_str(&format!("+{l}\n"));
    }
    if removed.len() > MAX || added.len() > MAX {
        out.push_str(&format!(
            "… ({} lines removed, {} added in all)\n",
            removed.len(),
            added.len()
        ));
    }
    if actual.ends_with('\n') != wanted.ends_with('\n') {
        out.push_str("(the final newline differs)\n");
    }
    out
}

/// Compares every target's text (as read by `read`) with what it should be; one report per
/// drifted file.
pub fn drift(c: &Catalogue, read: &dyn Fn(&str) -> Option<String>) -> Result<Vec<String>, String> {
    let mut reports = Vec::new();
    for t in TARGETS {
        let current = read(t.path);
        let wanted = expected(t, c, current.as_deref())?;
        match current {
            None => reports.push(format!("{}: missing (run `cargo xtask gen`)", t.path)),
            Some(actual) if actual != wanted => reports.push(describe_drift(t.path, &actual, &wanted)),
            Some(_) => {}
        }
    }
    Ok(reports)
}

/// Writes every target whose text changed; returns the paths written.
pub fn generate(root: &Path) -> Result<Vec<String>, String> {
    let c = catalogue()?;
    let mut written = Vec::new();
    for t in TARGETS {
        let path = root.join(t.path);
        let current = fs::read_to_string(&path).ok();
        let wanted = expected(t, &c, current.as_deref())?;
        if current.as_deref() != Some(wanted.as_str()) {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            fs::write(&path, wanted).map_err(|e| format!("{}: {e}", t.path))?;
            written.push(t.path.to_owned());
        }
    }
    Ok(written)
}

/// Fails with every drift report when a committed file differs from its generated text.
pub fn check(root: &Path) -> Result<usize, String> {
    let c = catalogue()?;
    let reports = drift(&c, &|p| fs::read_to_string(root.join(p)).ok())?;
    if reports.is_empty() {
        Ok(TARGETS.len())
    } else {
        Err(format!("generated files are out of date:\n{}", reports.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{Field, Model, Ty};

    /// The committed files as `check` reads them, plus overrides.
    fn committed(overrides: BTreeMap<&'static str, String>) -> impl Fn(&str) -> Option<String> {
        let root = crate::workspace_root();
        move |p: &str| {
            overrides
                .get(p)
                .cloned()
                .or_else(|| fs::read_to_string(root.join(p)).ok())
        }
    }

    #[test]
    fn the_committed_files_are_up_to_date() -> Result<(), String> {
        let c = catalogue()?;
        assert_eq!(drift(&c, &committed(BTreeMap::new()))?, Vec::<String>::new());
        Ok(())
    }

    #[test]
    fn a_model_field_changed_without_regenerating_fails_the_check() -> Result<(), String> {
        let mut c = catalogue()?;
        // As if a field were added to `Stock` in the core and `gen` not run.
        let Some(Model::Struct { fields, .. }) = c.models.get_mut("Stock") else {
            return Err("Stock missing".into());
        };
        fields.push(Field {
            name: "zz_new_field".into(),
            ty: Ty::Int,
            nullable: false,
            required: false,
            doc: None,
        });
        let reports = drift(&c, &committed(BTreeMap::new()))?;
        assert_eq!(reports.len(), 3, "{reports:?}");
        assert!(reports[0].starts_with("bindings-python/python/wechatpay_coupons/models.py: differs"));
        assert!(reports[0].contains("+    zz_new_field: int"));
        assert!(reports[1].starts_with("bindings-wasm/npm/src/models.d.ts: differs"));
        assert!(reports[1].contains("+  zz_new_field?: number;"));
        assert!(reports[2].starts_with("bindings-uniffi/src/models.rs: differs"));
        assert!(reports[2].contains("+    pub zz_new_field: Option<i64>,"));
        Ok(())
    }

    #[test]
    fn a_hand_edit_inside_a_generated_block_fails_the_check_and_outside_does_not() -> Result<(), String> {
        let c = catalogue()?;
        let path = "bindings-python/python/wechatpay_coupons/__init__.pyi";
        let read = committed(BTreeMap::new());
        let text = read(path).ok_or("stub missing")?;
        let inside = text.replacen("-> StockCollection: ...", "-> Any: ...", 1);
        assert_ne!(inside, text);
        let reports = drift(&c, &committed(BTreeMap::from([(path, inside)])))?;
        assert_eq!(reports.len(), 1);
        assert!(reports[0].starts_with(path), "{}", reports[0]);
        assert!(reports[0].contains(
            "-    def parse_list_stocks(self, status: int, headers: HeadersLike, body: BodyLike) -> Any: ..."
        ));

        let outside = text.replacen("def is_retryable(", "def is_retryable(  ", 1);
        assert_ne!(outside, text);
        assert!(drift(&c, &committed(BTreeMap::from([(path, outside)])))?.is_empty());
        Ok(())
    }

    #[test]
    fn missing_markers_and_files_are_named() -> Result<(), String> {
        let c = catalogue()?;
        let path = "bindings-python/python/wechatpay_coupons/models.py";
        let err = drift(&c, &committed(BTreeMap::from([(path, "x = 1\n".to_owned())])));
        assert_eq!(
            err,
            Err(format!("{path}: no line containing `BEGIN GENERATED: models`"))
        );
        let root = crate::workspace_root();
        let without_ts = |p: &str| {
            if p.ends_with(".d.ts") {
                None
            } else {
                fs::read_to_string(root.join(p)).ok()
            }
        };
        let reports = drift(&c, &without_ts)?;
        assert_eq!(
            reports,
            vec!["bindings-wasm/npm/src/models.d.ts: missing (run `cargo xtask gen`)".to_owned()]
        );
        Ok(())
    }

    #[test]
    fn an_edited_or_missing_openapi_document_fails_the_check() -> Result<(), String> {
        let c = catalogue()?;
        let path = crate::openapi::PATH;
        let text = committed(BTreeMap::new())(path).ok_or("openapi document missing")?;
        let edited = text.replacen("\"operationId\": \"get_stock\"", "\"operationId\": \"getStock\"", 1);
        assert_ne!(edited, text);
        let reports = drift(&c, &committed(BTreeMap::from([(path, edited)])))?;
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert!(reports[0].starts_with(&format!("{path}: differs")), "{}", reports[0]);
        assert!(
            reports[0].contains("-        \"operationId\": \"getStock\","),
            "{}",
            reports[0]
        );
        assert!(
            reports[0].contains("+        \"operationId\": \"get_stock\","),
            "{}",
            reports[0]
        );

        let root = crate::workspace_root();
        let without = |p: &str| {
            if p == path {
                None
            } else {
                fs::read_to_string(root.join(p)).ok()
            }
        };
        assert_eq!(
            drift(&c, &without)?,
            vec![format!("{path}: missing (run `cargo xtask gen`)")]
        );
        Ok(())
    }

    #[test]
    fn splice_keeps_the_marker_lines_and_everything_around_them() -> Result<(), String> {
        let text = "a\n# BEGIN GENERATED: x\nold\n# END GENERATED: x\nb\n";
        assert_eq!(
            splice("f", text, "x", "new\n")?,
            "a\n# BEGIN GENERATED: x\nnew\n# END GENERATED: x\nb\n"
        );
        assert!(splice("f", "# END GENERATED: x\n# BEGIN GENERATED: x\n", "x", "").is_err());
        Ok(())
    }
}
