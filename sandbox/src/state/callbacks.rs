//! The notify-URL setting (callbacks).

use super::*;
use wechatpay_coupons::favor::validation::Severity;

impl State {
    /// POST callbacks (a request that passed the core's rules, `http://` on loopback allowed as
    /// the sandbox relaxation). Business rules: only the caller's own callback, URL with a path.
    pub fn set_callback(&mut self, c: Caller<'_>, req: &SetCallbackRequest) -> Result<Value, ApiErr> {
        if req.mchid != c.mchid {
            return Err(ApiErr::invalid("非法的商户号 (mchid must be the caller)"));
        }
        check_notify_url(&req.notify_url)?;
        let callback = Callback {
            notify_url: req.notify_url.clone(),
            enabled: req.switch.unwrap_or(true),
            update_time: c.now,
        };
        self.save(vec![Change::Callback(callback.clone())])?;
        self.callback = Some(callback);
        Ok(json!({"update_time": rfc3339(c.now), "notify_url": req.notify_url}))
    }

    /// GET callbacks.
    pub fn get_callback(&self, c: Caller<'_>, req: &GetCallbackRequest) -> Result<Value, ApiErr> {
        if req.mchid != c.mchid {
            return Err(ApiErr::invalid("非法的商户号"));
        }
        let cb = self
            .callback
            .as_ref()
            .ok_or_else(|| ApiErr::not_found("未设置消息通知地址 (no callback set)"))?;
        Ok(json!({"notify_url": cb.notify_url, "mchid": req.mchid}))
    }
}

/// The core's notify-URL rule (V-CB-02..04, [`wechatpay_coupons::favor::validation::check_notify_url`])
/// with the sandbox relaxation (`http://` on a literal loopback host): the first error is the
/// answer, naming `notify_url`; warnings (such as a missing path) do not refuse the address.
pub fn check_notify_url(url: &str) -> Result<(), ApiErr> {
    let violations = wechatpay_coupons::favor::validation::check_notify_url(url, true);
    match violations.into_iter().find(|v| v.severity == Severity::Error) {
        Some(v) => Err(ApiErr::body(
            "notify_url",
            json!(url),
            format!("{} ({}) [{}]", v.message_zh, v.message, v.rule),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_urls_follow_the_core_rule_with_loopback_http() {
        for ok in [
            "https://example.com/notify",
            "https://example.com",
            "http://127.0.0.1:9/n",
            "http://[::1]:9/n",
        ] {
            assert!(check_notify_url(ok).is_ok(), "{ok}");
        }
        for (bad, rule) in [
            ("http://example.com/notify", "V-CB-03"),
            ("http://127.example.com/n", "V-CB-03"),
            ("https://example.com/n?a=1", "V-CB-04"),
            ("https://10.0.0.1/n", "V-CB-04"),
            ("", "V-CB-02"),
        ] {
            let e = check_notify_url(bad).expect_err(bad);
            assert_eq!(e.status, 400, "{bad}");
            let detail = e.detail.clone().unwrap_or_default();
            assert_eq!(detail["field"], "notify_url", "{bad}");
            assert!(
                e.message.contains(rule) || detail.to_string().contains(rule),
                "{bad}: {e:?}"
            );
        }
    }
}
