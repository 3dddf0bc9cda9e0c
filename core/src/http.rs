//! Owned HTTP descriptors: what the host's HTTP client sends and what it received.

/// Ordered header list with case-insensitive lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// An empty list.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// The first value of `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name` (compared case-insensitively), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Replaces every value of `name` with `value` (keeps the first position).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        if let Some(pos) = self.0.iter().position(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            self.0[pos] = (name.clone(), value);
            let mut i = pos + 1;
            while i < self.0.len() {
                if self.0[i].0.eq_ignore_ascii_case(&name) {
                    self.0.remove(i);
                } else {
                    i += 1;
                }
            }
        } else {
            self.0.push((name, value));
        }
    }

    /// Appends a header, keeping existing values.
    pub fn append(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// Iterates `(name, value)` in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Number of header lines.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        Self(iter.into_iter().map(|(n, v)| (n.into(), v.into())).collect())
    }
}

impl<N: Into<String>, V: Into<String>> Extend<(N, V)> for Headers {
    fn extend<I: IntoIterator<Item = (N, V)>>(&mut self, iter: I) {
        self.0.extend(iter.into_iter().map(|(n, v)| (n.into(), v.into())));
    }
}

impl IntoIterator for Headers {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// HTTP methods used by the APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The upper-case method name as sent and signed.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Parses a method name (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request ready to send: send exactly these bytes, or the signature breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL; its path and query are what was signed.
    pub url: String,
    /// Headers in order.
    pub headers: Headers,
    /// Body bytes (empty for GET).
    pub body: Vec<u8>,
}

/// A response as received, with the raw body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Headers,
    /// Raw body bytes, exactly as received.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// Builds a response from its parts.
    pub fn new(status: u16, headers: Headers, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers,
            body: body.into(),
        }
    }

    /// `Request-ID` header, if present.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get("request-id")
    }
}

/// Splits an absolute `http(s)://host[:port]/path[?query]` URL into `(origin, request target)`.
///
/// The request target (path plus `?` and the raw query) is returned byte for byte: it is the
/// second line of the signed message.
pub fn split_url(url: &str) -> Result<(&str, &str), crate::error::InputError> {
    let invalid = |expected: &str| crate::error::InputError::Invalid {
        field: "url".into(),
        expected: expected.into(),
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| invalid("an absolute http(s):// URL"))?;
    if url.bytes().any(|b| b <= b' ' || b == 0x7f || b >= 0x80) {
        return Err(invalid(
            "no spaces, control or non-ASCII characters (percent-encode them)",
        ));
    }
    if url.contains('#') {
        return Err(invalid("no #fragment"));
    }
    let host_len = rest.find(['/', '?']).unwrap_or(rest.len());
    if host_len == 0 {
        return Err(invalid("a host name"));
    }
    let origin_len = url.len() - rest.len() + host_len;
    let target = &url[origin_len..];
    if target.is_empty() || target.starts_with('?') {
        return Err(invalid("a path starting with / (e.g. /v3/...)"));
    }
    if target.contains('{') || target.contains('}') {
        return Err(invalid("no unsubstituted {placeholder} in the path"));
    }
    Ok((&url[..origin_len], target))
}

/// Host of an absolute URL (between `://` and the first `/`, `?` or `#`), without user info
/// and port; IPv6 literals keep their brackets.
pub(crate) fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.starts_with('[') {
        return authority.find(']').map(|i| &authority[..=i]);
    }
    Some(authority.split(':').next().unwrap_or(authority))
}

/// Literal loopback only: `localhost`, an IPv4 address in 127.0.0.0/8 written as four decimal
/// octets, or the IPv6 `[::1]` — never a DNS name such as `127.example.com`.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<std::net::Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    }
    host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lookup_is_case_insensitive_and_ordered() {
        let mut h: Headers = [("Wechatpay-Serial", "A"), ("X", "1")].into_iter().collect();
        assert_eq!(h.get("WECHATPAY-SERIAL"), Some("A"));
        h.set("wechatpay-serial", "B");
        assert_eq!(h.iter().next(), Some(("wechatpay-serial", "B")));
        h.append("x", "2");
        assert_eq!(h.get("x"), Some("1"));
        h.set("X", "3");
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn headers_collect_from_any_string_pairs_keeping_case_order_and_repeats() {
        let owned = vec![("Set-Cookie".to_owned(), "a=1".to_owned())];
        let mut h: Headers = owned.into_iter().collect();
        h.extend([("set-cookie", String::from("b=2")), ("Request-ID", "r1".into())]);
        assert_eq!(h.get_all("SET-COOKIE").collect::<Vec<_>>(), ["a=1", "b=2"]);
        assert_eq!(
            h.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            ["Set-Cookie", "set-cookie", "Request-ID"],
            "names are kept as given"
        );
        let from_strs: Headers = [("A", "1"), ("a", "2")].into_iter().collect();
        assert_eq!(from_strs.len(), 2);
    }

    #[test]
    fn loopback_hosts_are_literal_only() {
        for (url, loopback) in [
            ("http://127.0.0.1:8080/x", true),
            ("http://127.9.9.9", true),
            ("http://LOCALHOST:1", true),
            ("http://[::1]:8080", true),
            ("http://user@127.0.0.1/", true),
            ("http://127.example.com", false),
            ("http://127.1", false),
            ("http://[::2]", false),
            ("https://api.mch.weixin.qq.com", false),
        ] {
            assert_eq!(url_host(url).is_some_and(is_loopback_host), loopback, "{url}");
        }
        assert_eq!(url_host("no scheme"), None);
    }

    #[test]
    fn split_url_keeps_raw_target() {
        let (o, t) = split_url("https://api.mch.weixin.qq.com/v3/a?b=%2B1&c=d").unwrap();
        assert_eq!(o, "https://api.mch.weixin.qq.com");
        assert_eq!(t, "/v3/a?b=%2B1&c=d");
        assert!(split_url("ftp://x/y").is_err());
        assert!(split_url("https://x").is_err());
        assert!(split_url("https://x/a b").is_err());
        assert!(split_url("https://x/stocks/{stock_id}").is_err());
        assert_eq!(split_url("http://127.0.0.1:8080/v3").unwrap().1, "/v3");
    }
}
