//! The notify-URL setting (callbacks).

use super::*;

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

/// V-CB-02..04 with the sandbox relaxation: `https://…` anywhere, `http://` only on loopback.
pub fn check_notify_url(url: &str) -> Result<(), ApiErr> {
    let bad = |issue: &str| Err(ApiErr::body("notify_url", json!(url), issue.to_owned()));
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        if !crate::delivery::is_loopback_authority(r) {
            return bad("http 仅允许回环地址；请使用 https (http only on loopback in the sandbox)");
        }
        r
    } else {
        return bad("回调url必须以 https:// 开头 (must be an https URL)");
    };
    if url.contains('?') || url.contains('#') {
        return bad("回调url不能携带参数 (no query string)");
    }
    if !rest.contains('/') || rest.starts_with('/') {
        return bad("回调url需要包含主机和路径 (host and path required)");
    }
    Ok(())
}
