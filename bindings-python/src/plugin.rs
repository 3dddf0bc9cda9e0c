//! APIv2 HMAC-SHA256 signatures for the mini-program send-coupon plugin and the H5 coupon page.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use wechatpay_coupons::favor::plugin::{
    ApiV2Key, CouponProduct, H5CouponParams, SendCouponParam, h5_coupon_url as core_h5,
    plugin_sign as core_plugin_sign, v2_hmac_sign as core_v2_sign, verify_v2_hmac as core_verify,
};

use crate::convert::json_to_py;
use crate::errors::{IntoPyResult, invalid, violation_dict};

fn key(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<ApiV2Key> {
    let bytes = if let Ok(s) = obj.cast::<PyString>() {
        s.to_cow()?.as_bytes().to_vec()
    } else {
        obj.extract::<Vec<u8>>()
            .map_err(|_| invalid(py, "apiv2_key", "type", "str or bytes".into()))?
    };
    ApiV2Key::new(bytes).py_err(py)
}

fn pairs(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let items = if obj.hasattr("items")? {
        obj.call_method0("items")?
    } else {
        obj.clone()
    };
    let mut out = Vec::new();
    for item in items.try_iter()? {
        out.push(item?.extract::<(String, String)>()?);
    }
    Ok(out)
}

/// APIv2 HMAC-SHA256 over `params` (mapping or pairs): returns `sign` and the signed string with
/// the key redacted.
#[pyfunction]
fn v2_hmac_sign<'py>(
    py: Python<'py>,
    params: &Bound<'_, PyAny>,
    apiv2_key: &Bound<'_, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let p = pairs(params)?;
    let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let s = core_v2_sign(&refs, &key(py, apiv2_key)?).py_err(py)?;
    let d = PyDict::new(py);
    d.set_item("sign", s.sign)?;
    d.set_item("string_to_sign_redacted", s.string_to_sign_redacted)?;
    Ok(d)
}

/// Checks an APIv2 HMAC-SHA256 `sign` (constant time).
#[pyfunction]
fn verify_v2_hmac(
    py: Python<'_>,
    params: &Bound<'_, PyAny>,
    apiv2_key: &Bound<'_, PyAny>,
    sign: &str,
) -> PyResult<bool> {
    let p = pairs(params)?;
    let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Ok(core_verify(&refs, &key(py, apiv2_key)?, sign))
}

fn opt_str(d: &Bound<'_, PyDict>, k: &str) -> PyResult<Option<String>> {
    match d.get_item(k)? {
        Some(v) if !v.is_none() => Ok(Some(v.extract()?)),
        _ => Ok(None),
    }
}

fn req_str(py: Python<'_>, d: &Bound<'_, PyDict>, k: &str, path: &str) -> PyResult<String> {
    opt_str(d, k)?.ok_or_else(|| invalid(py, &format!("{path}.{k}"), "required", "required".into()))
}

/// Signs the mini-program `<send-coupon>` call. `entries` are dicts with `stock_id`,
/// `out_request_no`, `create_coupon_merchant` (代金券) or `coupon_code` / `customize_send_time`
/// (商家券, with `"product": "busifavor"`). Returns the payload dict for the front end plus
/// `string_to_sign_redacted` and `warnings`.
#[pyfunction]
fn plugin_sign<'py>(
    py: Python<'py>,
    send_coupon_merchant: &str,
    entries: &Bound<'_, PyList>,
    apiv2_key: &Bound<'_, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut params = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let path = format!("send_coupon_params[{i}]");
        let d = e
            .cast::<PyDict>()
            .map_err(|_| invalid(py, &path, "type", "a dict".into()))?;
        let stock_id = req_str(py, d, "stock_id", &path)?;
        let out_request_no = req_str(py, d, "out_request_no", &path)?;
        let product = opt_str(d, "product")?.unwrap_or_else(|| "favor".into());
        let product = CouponProduct::by_name(&product).ok_or_else(|| {
            invalid(
                py,
                &format!("{path}.product"),
                "invalid_input",
                format!("\"favor\" or \"busifavor\", got {product:?}"),
            )
        })?;
        params.push(SendCouponParam::of(
            product,
            stock_id,
            out_request_no,
            opt_str(d, "create_coupon_merchant")?,
            opt_str(d, "coupon_code")?,
            opt_str(d, "customize_send_time")?,
        ));
    }
    let payload = core_plugin_sign(send_coupon_merchant, &params, &key(py, apiv2_key)?).py_err(py)?;
    let value: serde_json::Value =
        serde_json::from_str(&payload.to_json()).map_err(|e| invalid(py, "payload", "type", e.to_string()))?;
    let d = PyDict::new(py);
    d.set_item("payload", json_to_py(py, &value)?)?;
    d.set_item("sign", &payload.sign)?;
    d.set_item("string_to_sign_redacted", &payload.string_to_sign_redacted)?;
    let w = PyList::empty(py);
    for v in &payload.warnings {
        w.append(violation_dict(py, v)?)?;
    }
    d.set_item("warnings", w)?;
    Ok(d)
}

/// Builds and signs the H5 coupon page URL (商家券).
#[pyfunction]
#[pyo3(signature = (apiv2_key, *, stock_id, out_request_no, send_coupon_merchant, open_id, coupon_code=None, customize_send_time=None))]
#[allow(clippy::too_many_arguments)]
fn h5_coupon_url<'py>(
    py: Python<'py>,
    apiv2_key: &Bound<'_, PyAny>,
    stock_id: String,
    out_request_no: String,
    send_coupon_merchant: String,
    open_id: String,
    coupon_code: Option<String>,
    customize_send_time: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let params = H5CouponParams {
        stock_id,
        out_request_no,
        send_coupon_merchant,
        open_id,
        coupon_code,
        customize_send_time,
    };
    let u = core_h5(&params, &key(py, apiv2_key)?).py_err(py)?;
    let d = PyDict::new(py);
    d.set_item("url", u.url)?;
    d.set_item("sign", u.sign)?;
    d.set_item("string_to_sign_redacted", u.string_to_sign_redacted)?;
    let w = PyList::empty(py);
    for v in &u.warnings {
        w.append(violation_dict(py, v)?)?;
    }
    d.set_item("warnings", w)?;
    Ok(d)
}

/// Registers the plugin functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(v2_hmac_sign, m)?)?;
    m.add_function(wrap_pyfunction!(verify_v2_hmac, m)?)?;
    m.add_function(wrap_pyfunction!(plugin_sign, m)?)?;
    m.add_function(wrap_pyfunction!(h5_coupon_url, m)?)?;
    Ok(())
}
