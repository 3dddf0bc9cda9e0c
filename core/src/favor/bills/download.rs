//! Where a bill may be downloaded from, and the signed `GET` for it.

use super::*;

/// Hosts a bill download URL may point at: the API hosts the official SDKs know and the
/// download-service host that newer flows return (bill-files.md, Transport).
pub const BILL_DOWNLOAD_HOSTS: &[&str] = &[
    "api.mch.weixin.qq.com",
    "api2.mch.weixin.qq.com",
    "api.wechatpay.cn",
    "api2.wechatpay.cn",
    "download-service.wechatpay.cn",
];

/// Whether `origin` (`scheme://host[:port]`) is `https` on a [`BILL_DOWNLOAD_HOSTS`] host and
/// the default port.
pub(super) fn is_bill_download_origin(origin: &str) -> bool {
    let Some(authority) = origin
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .and_then(|_| origin.get(8..))
    else {
        return false;
    };
    let host = match authority.rsplit_once(':') {
        Some((h, "443")) => h,
        Some(_) => return false,
        None => authority,
    };
    BILL_DOWNLOAD_HOSTS.iter().any(|h| h.eq_ignore_ascii_case(host))
}

/// Builds the signed `GET` for a bill download URL (favor-endpoints.md §3.15): the URL is used
/// byte for byte (its token is not re-encoded), the body is empty, `Accept: */*`.
///
/// The URL must be `https://` on one of [`BILL_DOWNLOAD_HOSTS`] (default port), or on the
/// client's base URL (the sandbox), so the `Authorization` header is not sent elsewhere. Do
/// not verify the response: feed its body to a [`BillDigest`].
pub fn bill_file_request(client: &Client, download: &BillDownload) -> Result<HttpRequest> {
    let url = download.url.trim();
    let (origin, _) = split_url(url)?;
    if !(is_bill_download_origin(origin) || origin.eq_ignore_ascii_case(client.base_url())) {
        let shown: String = origin.chars().take(80).collect();
        return Err(InputError::Invalid {
            field: "url".into(),
            expected: format!(
                "an https:// download URL on {} or the configured base URL, got origin {shown}",
                BILL_DOWNLOAD_HOSTS.join(", ")
            ),
        }
        .into());
    }
    let mut request = client.signed_request(Method::Get, url.to_owned(), Vec::new(), None, None)?;
    request.headers.set("Accept", "*/*");
    Ok(request)
}
