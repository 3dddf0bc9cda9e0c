//! The README's Rust example is the compiled code in `src/readme.rs`, line for line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

const README: &str = include_str!("../../../README.md");
const SOURCE: &str = include_str!("../src/readme.rs");
const HEADING: &str = "### Rust: from_config and the http crate";

#[test]
fn readme_example_is_the_compiled_example() {
    let section = README
        .split_once(HEADING)
        .unwrap_or_else(|| panic!("README has no section {HEADING:?}"))
        .1;
    let block = section
        .split_once("```rust\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("a ```rust block in the section")
        .0;
    let code = SOURCE
        .split_once("// README-BEGIN\n")
        .and_then(|(_, rest)| rest.split_once("    // README-END"))
        .expect("README-BEGIN/END markers in src/readme.rs")
        .0;
    let dedented: String = code
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l)))
        .collect();
    assert_eq!(block, dedented, "README.md and examples/rust/src/readme.rs differ");
}
