//! Generator of the binding types (work in progress).
fn main() {}
