//! Conversions between the core's descriptors ([`HttpRequest`], [`HttpResponse`], [`Headers`],
//! [`Acknowledgement`]) and the `http` crate's types, which reqwest, ureq 3, hyper and axum
//! use (cargo feature `http`).
//!
//! Header names become lower case on the `http` side (it stores them so); lookups in
//! [`Headers`] ignore case, so nothing changes for the core. Repeated headers keep every
//! value, in order. Header values must be UTF-8 to enter [`Headers`]: a value that is not is
//! refused with an [`InputError`] naming the header, never decoded lossily (the WeChat Pay
//! headers are ASCII, so only a broken or hostile peer sends one).

use crate::error::{InputError, echo};
use crate::http::{Headers, HttpRequest, HttpResponse, Method};
use crate::notify::Acknowledgement;

fn invalid(field: impl Into<String>, expected: impl Into<String>) -> InputError {
    InputError::Invalid {
        field: field.into(),
        expected: expected.into(),
    }
}

impl From<Method> for http::Method {
    fn from(m: Method) -> Self {
        match m {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
        }
    }
}

impl TryFrom<&http::Method> for Method {
    type Error = InputError;

    /// The method of an incoming request; only the five methods the APIs use are known.
    fn try_from(m: &http::Method) -> Result<Self, InputError> {
        Method::parse(m.as_str()).ok_or_else(|| {
            invalid(
                "method",
                format!("GET, POST, PUT, PATCH or DELETE, got {:?}", echo(m.as_str())),
            )
        })
    }
}

impl TryFrom<&Headers> for http::HeaderMap {
    type Error = InputError;

    /// Every header in order, repeated names appended. Fails on a name that is not an HTTP
    /// token or a value with a control character.
    fn try_from(headers: &Headers) -> Result<Self, InputError> {
        let mut map = http::HeaderMap::with_capacity(headers.len());
        for (name, value) in headers.iter() {
            let n = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                invalid(
                    format!("header name {:?}", echo(name)),
                    "an HTTP token (no spaces or separators)",
                )
            })?;
            let v = http::HeaderValue::from_str(value).map_err(|_| {
                invalid(
                    format!("header {}", echo(name)),
                    "a value without control characters (CR, LF, NUL, …)",
                )
            })?;
            map.append(n, v);
        }
        Ok(map)
    }
}

impl TryFrom<&http::HeaderMap> for Headers {
    type Error = InputError;

    /// Every header (names lower case, as the `http` crate keeps them), repeated names in
    /// order. Fails on a value that is not UTF-8.
    fn try_from(map: &http::HeaderMap) -> Result<Self, InputError> {
        let mut headers = Headers::new();
        for (name, value) in map {
            let text = std::str::from_utf8(value.as_bytes()).map_err(|_| {
                invalid(
                    format!("header {}", name.as_str()),
                    format!("a UTF-8 value; got {} bytes that are not UTF-8", value.len()),
                )
            })?;
            headers.append(name.as_str(), text);
        }
        Ok(headers)
    }
}

impl TryFrom<http::HeaderMap> for Headers {
    type Error = InputError;

    /// As for `&HeaderMap`.
    fn try_from(map: http::HeaderMap) -> Result<Self, InputError> {
        Headers::try_from(&map)
    }
}

fn to_http(method: Method, url: &str, headers: &Headers, body: Vec<u8>) -> Result<http::Request<Vec<u8>>, InputError> {
    let uri = http::Uri::try_from(url).map_err(|_| invalid("url", format!("an absolute URL, got {:?}", echo(url))))?;
    let mut request = http::Request::new(body);
    *request.method_mut() = method.into();
    *request.uri_mut() = uri;
    *request.headers_mut() = http::HeaderMap::try_from(headers)?;
    Ok(request)
}

impl TryFrom<HttpRequest> for http::Request<Vec<u8>> {
    type Error = InputError;

    /// The request to send, byte for byte: method, URL, every header, body. A request the
    /// core built always converts; the error is for hand-edited descriptors.
    fn try_from(r: HttpRequest) -> Result<Self, InputError> {
        to_http(r.method, &r.url, &r.headers, r.body)
    }
}

impl TryFrom<&HttpRequest> for http::Request<Vec<u8>> {
    type Error = InputError;

    /// As for an owned [`HttpRequest`], copying the body (keep the descriptor to re-sign it).
    fn try_from(r: &HttpRequest) -> Result<Self, InputError> {
        to_http(r.method, &r.url, &r.headers, r.body.clone())
    }
}

impl<B: Into<Vec<u8>>> TryFrom<http::Response<B>> for HttpResponse {
    type Error = InputError;

    /// Status, headers and the raw body (`Vec<u8>`, `bytes::Bytes`, `String`, `&[u8]`, …).
    /// Fails on a header value that is not UTF-8.
    fn try_from(response: http::Response<B>) -> Result<Self, InputError> {
        let (parts, body) = response.into_parts();
        Ok(HttpResponse::new(
            parts.status.as_u16(),
            Headers::try_from(&parts.headers)?,
            body,
        ))
    }
}

impl From<Acknowledgement> for http::Response<Vec<u8>> {
    /// The answer to a notification, with its `Content-Type`. A status outside 100–999 (only
    /// possible by setting the field by hand) is sent as 500, like
    /// [`Acknowledgement::failure`] does.
    fn from(ack: Acknowledgement) -> Self {
        let mut response = http::Response::new(ack.body);
        *response.status_mut() =
            http::StatusCode::from_u16(ack.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(ack.content_type),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn request_converts_byte_for_byte_with_repeated_headers() {
        let mut headers: Headers = [
            ("Authorization", "WECHATPAY2-SHA256-RSA2048 x"),
            ("Accept", "application/json"),
        ]
        .into_iter()
        .collect();
        headers.append("X-Dup", "1");
        headers.append("x-dup", "2");
        let req = HttpRequest {
            method: Method::Post,
            url: "http://127.0.0.1:8080/v3/marketing/favor/users/o%2B1/coupons?appid=wx1&x=%2B".into(),
            headers,
            body: br#"{"a":1}"#.to_vec(),
        };
        let converted = http::Request::<Vec<u8>>::try_from(&req).unwrap();
        assert_eq!(converted.method(), http::Method::POST);
        assert_eq!(converted.uri().to_string(), req.url);
        assert_eq!(
            converted.uri().path_and_query().map(|p| p.as_str()),
            Some("/v3/marketing/favor/users/o%2B1/coupons?appid=wx1&x=%2B")
        );
        assert_eq!(converted.headers()["authorization"], "WECHATPAY2-SHA256-RSA2048 x");
        let dups: Vec<_> = converted.headers().get_all("X-DUP").iter().collect();
        assert_eq!(dups, ["1", "2"]);
        assert_eq!(converted.headers().len(), 4);
        assert_eq!(converted.body(), &req.body);
        let owned = http::Request::<Vec<u8>>::try_from(req.clone()).unwrap();
        assert_eq!(owned.body(), &req.body);
        for (m, h) in [
            (Method::Get, http::Method::GET),
            (Method::Put, http::Method::PUT),
            (Method::Patch, http::Method::PATCH),
            (Method::Delete, http::Method::DELETE),
        ] {
            assert_eq!(http::Method::from(m), h);
            assert_eq!(Method::try_from(&h).unwrap(), m);
        }
    }

    #[test]
    fn bad_request_descriptors_name_the_part() {
        let base = HttpRequest {
            method: Method::Get,
            url: "https://api.mch.weixin.qq.com/v3/certificates".into(),
            headers: Headers::new(),
            body: Vec::new(),
        };
        let mut r = base.clone();
        r.url = "not a url".into();
        let e = http::Request::<Vec<u8>>::try_from(r).unwrap_err();
        assert!(e.to_string().starts_with("url: "), "{e}");
        let mut r = base.clone();
        r.headers.append("Bad Name", "x");
        let e = http::Request::<Vec<u8>>::try_from(r).unwrap_err();
        assert!(e.to_string().contains("header name \"Bad Name\""), "{e}");
        let mut r = base;
        r.headers.append("X-Injected", "a\r\nb: c");
        let e = http::Request::<Vec<u8>>::try_from(r).unwrap_err();
        assert!(e.to_string().starts_with("header X-Injected: "), "{e}");
        let e = Method::try_from(&http::Method::OPTIONS).unwrap_err();
        assert!(e.to_string().contains("\"OPTIONS\""), "{e}");
    }

    #[test]
    fn response_keeps_status_body_and_every_header_value() {
        let response = http::Response::builder()
            .status(201)
            .header("Wechatpay-Serial", "PUB_KEY_ID_01")
            .header("Set-Cookie", "a=1")
            .header("set-cookie", "b=2")
            .header("X-Note", "成功")
            .body(bytes_like(b"{\"ok\":true}"))
            .unwrap();
        let r = HttpResponse::try_from(response).unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(r.body, b"{\"ok\":true}");
        assert_eq!(r.headers.get("WECHATPAY-SERIAL"), Some("PUB_KEY_ID_01"));
        assert_eq!(r.headers.get_all("Set-Cookie").collect::<Vec<_>>(), ["a=1", "b=2"]);
        assert_eq!(r.headers.get("x-note"), Some("成功"));
        assert_eq!(r.headers.len(), 4);
        // Other body types: String, &[u8].
        let r = HttpResponse::try_from(http::Response::new(String::from("text"))).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"text"[..]));
        let r = HttpResponse::try_from(http::Response::new(&b"raw"[..])).unwrap();
        assert_eq!(r.body, b"raw");
    }

    /// A body type other than `Vec<u8>` that converts into one (as `bytes::Bytes` does).
    fn bytes_like(b: &[u8]) -> Box<[u8]> {
        b.into()
    }

    #[test]
    fn non_utf8_header_value_is_a_typed_error_naming_the_header() {
        let mut map = http::HeaderMap::new();
        map.append("x-ok", http::HeaderValue::from_static("fine"));
        map.append("x-latin1", http::HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let e = Headers::try_from(&map).unwrap_err();
        assert_eq!(
            e,
            InputError::Invalid {
                field: "header x-latin1".into(),
                expected: "a UTF-8 value; got 4 bytes that are not UTF-8".into(),
            }
        );
        let mut response = http::Response::new(Vec::new());
        *response.headers_mut() = map;
        assert!(HttpResponse::try_from(response).is_err());
    }

    #[test]
    fn header_map_round_trip_keeps_order_and_duplicates() {
        let headers: Headers = [("A", "1"), ("b", "2"), ("a", "3"), ("C", "雪")].into_iter().collect();
        let map = http::HeaderMap::try_from(&headers).unwrap();
        let back = Headers::try_from(map).unwrap();
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            [("a", "1"), ("a", "3"), ("b", "2"), ("c", "雪")]
        );
    }

    #[test]
    fn acknowledgement_becomes_a_response() {
        let ok = http::Response::from(Acknowledgement::success());
        assert_eq!(ok.status(), 200);
        assert_eq!(ok.headers()["content-type"], "application/json");
        assert_eq!(ok.body(), &Acknowledgement::success().body);
        let fail = http::Response::from(Acknowledgement::failure(401, "bad signature"));
        assert_eq!(fail.status(), 401);
        let mut odd = Acknowledgement::success();
        odd.status = 42;
        assert_eq!(http::Response::from(odd).status(), 500);
    }
}
