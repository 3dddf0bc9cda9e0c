//! [`Favor`]: the 代金券 endpoints of a [`Client`], reached through [`Client::favor`]. This is the
//! one place where the coupon API attaches to the generic client; everything else in `favor`
//! works on its own types and calls the client's public, generic methods.

use super::bills::{self, BillDownload};
use super::events::CouponEvent;
use super::media::{self, ImageUploadResponse};
use super::ops::{BodyKind, BuiltRequest, Operation};
use super::validation::{check_path_params, check_sent_values};
use crate::client::Client;
use crate::error::{ApiError, Error, InputError, Result};
use crate::http::{Headers, HttpRequest, HttpResponse};
use crate::validation::ValidationPolicy;

impl Client {
    /// The 代金券 (cash coupon) endpoints of this client: build, sign and decode every
    /// `/v3/marketing/favor/…` operation, its bills, image uploads and notifications.
    pub fn favor(&self) -> Favor<'_> {
        Favor { client: self }
    }
}

/// The 代金券 endpoints of a borrowed [`Client`] (from [`Client::favor`]). Cheap to create:
/// it holds only the reference.
#[derive(Debug, Clone, Copy)]
pub struct Favor<'a> {
    client: &'a Client,
}

impl<'a> Favor<'a> {
    /// The client these endpoints sign with.
    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// Validates `op` with the default [`ValidationPolicy`] and builds its signed request.
    pub fn favor_request<O: Operation>(&self, op: &O) -> Result<BuiltRequest> {
        self.favor_request_with(op, &ValidationPolicy::default())
    }

    /// Validates `op` (every rule; then `policy` decides about warnings) and, if no error
    /// remains, builds and signs its request. Errors come back as [`Error::Validation`] with
    /// every violation.
    pub fn favor_request_with<O: Operation>(&self, op: &O, policy: &ValidationPolicy) -> Result<BuiltRequest> {
        let spec = O::SPEC;
        let mut violations = op.validate(&self.client.validation_context(policy));
        let path_params = op.path_params();
        let query = op.query();
        let body = op.json_body()?;
        let body_value = match &body {
            Some(b) => Some(
                serde_json::from_slice::<serde_json::Value>(b).map_err(|e| InputError::Invalid {
                    field: "body".into(),
                    expected: format!("JSON ({e})"),
                })?,
            ),
            None => None,
        };
        let params: Vec<(&str, &str)> = path_params
            .iter()
            .chain(query.iter())
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let extra = check_sent_values(&params, body_value.as_ref(), &violations);
        violations.extend(extra);
        let segments: Vec<(&str, &str)> = path_params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        violations.extend(check_path_params(&segments));
        let warnings = policy.apply(violations)?;
        let request = match spec.body {
            BodyKind::Multipart => {
                let (filename, bytes) = op.multipart().ok_or_else(|| InputError::Invalid {
                    field: "body".into(),
                    expected: format!("a file for the multipart operation {}", spec.name),
                })?;
                self.image_upload_request(filename, bytes)?
            }
            BodyKind::Json | BodyKind::None => {
                self.client
                    .request(spec.method, &super::ops::path_and_query(op), body.unwrap_or_default())?
            }
        };
        Ok(BuiltRequest { request, warnings })
    }

    /// Consumes the response to operation `O`: a non-2xx becomes [`Error::Api`], a 2xx must
    /// verify (raw body, real key store) and is then decoded into `O::Response`.
    pub fn favor_response<O: Operation>(&self, response: &HttpResponse) -> Result<O::Response> {
        let body = if O::SPEC.signed_response {
            self.client.parse_response(response)?.body
        } else if (200..300).contains(&response.status) {
            response.body.clone()
        } else {
            return Err(Error::from(ApiError::from_response(
                response.status,
                response.request_id().map(str::to_owned),
                &response.body,
            )));
        };
        Ok(super::ops::decode_response::<O>(&body)?)
    }

    /// Like [`Favor::favor_response`], inferring the operation from the request value.
    pub fn favor_response_for<O: Operation>(&self, _op: &O, response: &HttpResponse) -> Result<O::Response> {
        self.favor_response::<O>(response)
    }

    /// A fresh `out_request_no` for create stock / send coupon: mchid + Beijing date of the
    /// client's clock (`YYYYMMDD`) + 16 random `[0-9A-Za-z]`, e.g. `190000000120260101k3J…`.
    /// Generate it once per business operation and keep it for retries.
    pub fn out_request_no(&self) -> Result<String> {
        super::ops::generate_out_request_no(self.client.mchid(), self.client.now())
    }

    /// Builds the signed multipart image upload without the operation's validation; the
    /// boundary comes from the client's nonce source.
    pub fn image_upload_request(&self, filename: &str, bytes: &[u8]) -> Result<HttpRequest> {
        let boundary = self.client.nonce()?;
        self.image_upload_request_with_boundary(filename, bytes, &boundary)
    }

    /// Like [`Favor::image_upload_request`] with an explicit boundary.
    pub fn image_upload_request_with_boundary(
        &self,
        filename: &str,
        bytes: &[u8],
        boundary: &str,
    ) -> Result<HttpRequest> {
        media::image_upload_request(self.client, filename, bytes, boundary)
    }

    /// Verifies and decodes the image-upload response.
    pub fn parse_image_upload_response(&self, response: &HttpResponse) -> Result<ImageUploadResponse> {
        media::parse_image_upload_response(self.client, response)
    }

    /// Builds the signed `GET` for a bill download URL (see [`bills::bill_file_request`]).
    pub fn bill_file_request(&self, download: &BillDownload) -> Result<HttpRequest> {
        bills::bill_file_request(self.client, download)
    }

    /// Verifies a 代金券 notification over its raw body and headers, decrypts it and types it:
    /// `COUPON.USE` becomes [`CouponEvent::CouponUse`], anything else [`CouponEvent::Other`].
    pub fn parse_coupon_notification(&self, headers: &Headers, body: &[u8]) -> Result<CouponEvent> {
        let notification = self.client.parse_notification(headers, body)?;
        Ok(CouponEvent::from_notification(notification)?)
    }
}
