//! Rules of the callback setting (validation-rules.md §5).

use super::{FieldRules, Report, Validate, ValidationContext, Violation};
use crate::favor::models::{GetCallbackRequest, SetCallbackRequest};
use crate::http::{is_loopback_host as is_loopback, url_host};

fn is_private(host: &str) -> bool {
    let octets: Vec<u8> = host.split('.').filter_map(|p| p.parse().ok()).collect();
    if octets.len() != 4 || host.split('.').count() != 4 {
        let h = host.to_ascii_lowercase();
        return h.starts_with("[fc") || h.starts_with("[fd") || h.starts_with("[fe80");
    }
    matches!((octets[0], octets[1]), (10, _) | (192, 168) | (169, 254) | (0, _))
        || (octets[0] == 172 && (16..=31).contains(&octets[1]))
}

impl Validate for SetCallbackRequest {
    fn validate(&self, ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.mchid("mchid", "V-CB-01", &self.mchid);
        if !self.mchid.is_empty() && self.mchid != ctx.mchid {
            r.warn(
                "mchid",
                "V-CB-01",
                format!(
                    "is not the calling merchant {}; only the stock creator may set the callback",
                    ctx.mchid
                ),
                format!("不是调用方商户号 {}；只有制券商户可以设置回调地址", ctx.mchid),
            );
        }
        notify_url_rules(&mut r, &self.notify_url, ctx.allow_http_notify_url);
        r.finish()
    }
}

impl Validate for GetCallbackRequest {
    fn validate(&self, _ctx: &ValidationContext<'_>) -> Vec<Violation> {
        let mut r = Report::default();
        r.mchid("mchid", "V-CB-01", &self.mchid);
        r.finish()
    }
}

/// The notify-URL rule (V-CB-02..04) on its own, for servers that check a callback address the
/// way WeChat Pay does (the sandbox): every violation, errors and warnings. `allow_http_loopback`
/// also accepts `http://` on a literal loopback host.
pub fn check_notify_url(url: &str, allow_http_loopback: bool) -> Vec<Violation> {
    let mut r = Report::default();
    notify_url_rules(&mut r, url, allow_http_loopback);
    r.finish()
}

fn notify_url_rules(r: &mut Report, url: &str, allow_http_loopback: bool) {
    r.required("notify_url", "V-CB-02", url, 256);
    if url.is_empty() {
        return;
    }
    let host = url_host(url).filter(|h| !h.is_empty());
    let loopback = host.is_some_and(is_loopback);
    let sandbox = allow_http_loopback && loopback;
    let lower = url.to_ascii_lowercase();
    let https = lower.starts_with("https://");
    if !(https || (sandbox && lower.starts_with("http://"))) {
        r.err(
            "notify_url",
            "V-CB-03",
            "must be an https:// URL",
            "必须是 https:// 地址",
        );
    }
    match host {
        None => r.err(
            "notify_url",
            "V-CB-04",
            "must be an absolute URL with a host",
            "必须是包含域名的绝对地址",
        ),
        Some(h) => {
            if (loopback && !sandbox) || is_private(h) {
                r.err(
                    "notify_url",
                    "V-CB-04",
                    "must not point to a loopback or private address: WeChat Pay must reach it from the internet",
                    "不能是本机或内网地址，微信支付须能从公网访问",
                );
            }
        }
    }
    if url.contains('?') {
        r.err(
            "notify_url",
            "V-CB-04",
            "must not carry a query string (?…)",
            "不能携带参数（?…）",
        );
    }
    let path_present = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .is_some_and(|p| p.len() > 1);
    if host.is_some() && !path_present {
        // The spec's own set-callback example has no path, so a missing path is only a warning.
        r.warn(
            "notify_url",
            "V-CB-04",
            "should include a path after the host",
            "建议在域名后带上路径",
        );
    }
}
