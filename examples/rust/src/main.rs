//! `campaign [merchant.json or its directory]`: runs the example campaign against the API that
//! the config's `base_url` names (the sandbox; start it with `--bills-anytime`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use wechatpay_coupons::{Client, MerchantConfig};
use wechatpay_coupons_examples::BoxError;
use wechatpay_coupons_examples::campaign::{Summary, run};

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("merchant.json"), PathBuf::from);
    let campaign = || -> Result<Summary, BoxError> {
        let client = Client::from_config(&path)?;
        let config = MerchantConfig::load(&path)?;
        run(Arc::new(client), &config, &mut std::io::stdout().lock())
    };
    match campaign() {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("campaign: {e}");
            ExitCode::FAILURE
        }
    }
}
