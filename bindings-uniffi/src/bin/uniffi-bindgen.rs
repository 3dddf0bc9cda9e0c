//! `uniffi-bindgen`: generates the Kotlin and Swift sources from the built library
//! (`generate --library <cdylib> --language kotlin|swift --out-dir <dir>`).

fn main() {
    uniffi::uniffi_bindgen_main()
}
