//! `wechatpay-sandbox`: the simulator alone, with the options of `wechatpay-coupons sandbox`.

use std::process::ExitCode;

use clap::Parser;
use wechatpay_sandbox::serve::{ServeArgs, serve};

/// Run the local WeChat Pay APIv3 cash-coupon simulator until interrupted.
#[derive(Parser)]
#[command(name = "wechatpay-sandbox", version)]
struct Cli {
    #[command(flatten)]
    args: ServeArgs,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match serve(cli.args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            use std::io::Write;
            let _ = writeln!(std::io::stderr().lock(), "error: {e}");
            ExitCode::FAILURE
        }
    }
}
