//! `null` decodes like an absent field, for every optional or defaulted field of every response
//! model, event model and the notification envelope (Go's decoder reads `null` as the empty
//! value, and the official examples send `"no_cash": null`).
//!
//! The test is generated from a registry of models with a full sample each: it walks the sample
//! JSON and, for every field whose absence the model tolerates, sets that field to `null` (one at
//! a time, then all at once) and requires the same decoded value as with the field removed. The
//! registry is checked against the operation table (every response type is registered), against
//! serde's own field lists (every sample names every field of its model) and against itself
//! (every nested object of a sample is a registered model).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Visitor};
use serde_json::{Value, json};
use wechatpay_coupons::favor::events::{
    ConsumeInformation, CouponUseEvent, DiscountTo, GoodsDetail, NormalCouponInformation, SingleitemDiscountOff,
};
use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::OPERATIONS;
use wechatpay_coupons::notify::{EncryptedResource, NotificationEnvelope};

// ---------------------------------------------------------------------------------------------
// Field names as serde's derive declares them
// ---------------------------------------------------------------------------------------------

/// A deserializer that only records the field list a derived `Deserialize` passes to
/// `deserialize_struct`, then stops.
struct FieldNames<'a>(&'a mut Vec<&'static str>);

#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stop")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0.extend_from_slice(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

fn fields_of<'de, T: Deserialize<'de>>() -> BTreeSet<&'static str> {
    let mut names = Vec::new();
    let _ = T::deserialize(FieldNames(&mut names));
    names.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------------------------

struct Model {
    name: &'static str,
    sample: Value,
    /// Decodes and writes back as JSON, so two decodings compare as values.
    decode: fn(Value) -> Result<Value, String>,
    fields: fn() -> BTreeSet<&'static str>,
}

macro_rules! model {
    ($t:ty, $sample:expr) => {
        Model {
            name: stringify!($t),
            sample: $sample,
            decode: |v| {
                serde_json::from_value::<$t>(v)
                    .map(|x| serde_json::to_value(&x).unwrap())
                    .map_err(|e| e.to_string())
            },
            fields: fields_of::<$t>,
        }
    };
}

fn fixed_normal_coupon() -> Value {
    json!({"coupon_amount": 100, "transaction_minimum": 101})
}

fn cut_to_message() -> Value {
    json!({"single_price_max": 900, "cut_to_price": 100})
}

fn available_region() -> Value {
    json!({"type": "PROVINCE", "province": "广东省", "city": "深圳市", "district": "南山区", "country": "中国"})
}

fn stock_use_rule() -> Value {
    json!({
        "max_coupons": 100, "max_amount": 10000, "max_amount_by_day": 1000,
        "fixed_normal_coupon": fixed_normal_coupon(), "max_coupons_per_user": 3,
        "coupon_type": "NORMAL", "goods_tag": ["tag_a"], "trade_type": ["MICROAPP"],
        "combine_use": false, "natural_person_limit": false, "prevent_api_abuse": false
    })
}

fn stock() -> Value {
    json!({
        "stock_id": "9856000", "stock_creator_mchid": "9800064", "stock_name": "微信支付代金券",
        "status": "running", "create_time": "2015-05-20T13:29:35.120+08:00", "description": "说明",
        "stock_use_rule": stock_use_rule(),
        "available_begin_time": "2015-05-20T13:29:35.120+08:00",
        "available_end_time": "2015-05-20T13:29:35.120+08:00",
        "distributed_coupons": 12, "no_cash": true, "start_time": "2015-05-20T13:29:35.120+08:00",
        "stop_time": "2015-05-20T13:29:35.120+08:00", "cut_to_message": cut_to_message(),
        "singleitem": true, "stock_type": "NORMAL", "card_id": "pFS7Fjg", "business_type": "MULTIUSE",
        "available_region_list": [available_region()], "available_industry_list": ["FOOD"]
    })
}

fn goods_detail() -> Value {
    json!({"goods_id": "a_goods1", "quantity": 7, "price": 1, "discount_amount": 4})
}

fn consume_information() -> Value {
    json!({
        "consume_time": "2015-05-20T13:29:35.120+08:00", "consume_mchid": "9856081",
        "transaction_id": "2345234523", "consume_amount": 100, "goods_detail": [goods_detail()]
    })
}

fn coupon() -> Value {
    json!({
        "stock_creator_mchid": "9800064", "stock_id": "9865000", "coupon_id": "98674556",
        "cut_to_message": cut_to_message(), "coupon_name": "微信支付代金券", "status": "SENDED",
        "description": "微信支付营销", "create_time": "2015-05-20T13:29:35.120+08:00",
        "coupon_type": "NORMAL", "no_cash": true,
        "available_begin_time": "2015-05-20T13:29:35.120+08:00",
        "available_end_time": "2015-05-20T13:29:35.120+08:00", "singleitem": false,
        "normal_coupon_information": fixed_normal_coupon(),
        "consume_information": consume_information(), "out_request_no": "89560002019101000121",
        "available_balance": 100, "business_type": "MULTIUSE",
        "start_time": "2015-05-20T13:29:35.120+08:00", "stop_time": "2015-05-20T13:29:35.120+08:00"
    })
}

fn coupon_use_event() -> Value {
    json!({
        "stock_creator_mchid": "9800064", "stock_id": "9865888", "coupon_id": "98674556",
        "singleitem_discount_off": {"single_price_max": 100},
        "discount_to": {"cut_to_price": 100, "max_price": 10},
        "coupon_name": "微信支付代金券", "status": "USED", "state": "USED", "description": "微信支付营销",
        "create_time": "2015-05-20T13:29:35.120+08:00", "coupon_type": "CUT_TO", "no_cash": true,
        "available_begin_time": "2015-05-20T13:29:35.120+08:00",
        "available_end_time": "2015-05-20T13:29:35.120+08:00", "singleitem": true,
        "normal_coupon_information": {"coupon_amount": 100, "transaction_minimum": 100},
        "consume_information": consume_information(), "business_type": "MULTIUSE"
    })
}

fn encrypted_resource() -> Value {
    json!({
        "original_type": "coupon", "algorithm": "AEAD_AES_256_GCM", "associated_data": "coupon",
        "nonce": "fdasflkja484", "ciphertext": "AAAA"
    })
}

fn registry() -> Vec<Model> {
    let when = "2015-05-20T13:29:35.120+08:00";
    vec![
        // Responses of the operation table.
        model!(CreateStockResponse, json!({"stock_id": "9856000", "create_time": when})),
        model!(StartStockResponse, json!({"start_time": when, "stock_id": "9856000"})),
        model!(
            PauseStockResponse,
            json!({"pause_time": when, "start_time": when, "stock_id": "9856000"})
        ),
        model!(
            RestartStockResponse,
            json!({"restart_time": when, "stock_id": "9856000"})
        ),
        model!(StopStockResponse, json!({"stop_time": when, "stock_id": "9856000"})),
        model!(SendCouponResponse, json!({"coupon_id": "98674556"})),
        model!(
            StockCollection,
            json!({"total_count": 1, "data": [stock()], "limit": 10, "offset": 0})
        ),
        model!(Stock, stock()),
        model!(Coupon, coupon()),
        model!(
            StockStringCollection,
            json!({"total_count": 1, "data": ["9856888"], "offset": 0, "limit": 10, "stock_id": "9856000"})
        ),
        model!(
            CouponCollection,
            json!({"data": [coupon()], "total_count": 1, "limit": 10, "offset": 0})
        ),
        model!(
            FlowFileResponse,
            json!({"url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=x", "hash_value": "ab", "hash_type": "SHA1"})
        ),
        model!(
            SetCallbackResponse,
            json!({"update_time": when, "notify_url": "https://pay.weixin.qq.com/cb"})
        ),
        model!(
            GetCallbackResponse,
            json!({"notify_url": "https://pay.weixin.qq.com/cb", "mchid": "9856888"})
        ),
        model!(ImageUploadResponse, json!({"media_url": "https://wxpaylogo.qpic.cn/x"})),
        model!(
            ModifyItemCodesResponse,
            json!({"effect_time": when, "pause_time": when, "stock_id": "9856000"})
        ),
        // Objects nested in responses.
        model!(StockUseRule, stock_use_rule()),
        model!(FixedNormalCoupon, fixed_normal_coupon()),
        model!(CutToMessage, cut_to_message()),
        model!(AvailableRegion, available_region()),
        model!(ConsumeInformation, consume_information()),
        model!(GoodsDetail, goods_detail()),
        // The COUPON.USE event and its objects.
        model!(CouponUseEvent, coupon_use_event()),
        model!(SingleitemDiscountOff, json!({"single_price_max": 100})),
        model!(DiscountTo, json!({"cut_to_price": 100, "max_price": 10})),
        model!(
            NormalCouponInformation,
            json!({"coupon_amount": 100, "transaction_minimum": 100})
        ),
        // The notification envelope.
        model!(
            NotificationEnvelope,
            json!({
                "id": "EV-2018022511223320873", "create_time": when, "event_type": "COUPON.USE",
                "resource_type": "encrypt-resource", "summary": "代金券核销通知",
                "resource": encrypted_resource()
            })
        ),
        model!(EncryptedResource, encrypted_resource()),
    ]
}

// ---------------------------------------------------------------------------------------------
// Walking a sample
// ---------------------------------------------------------------------------------------------

/// A field's place: object keys and array indices from the root.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

fn show(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) if s.is_empty() => s.push_str(k),
            Step::Key(k) => s.push_str(&format!(".{k}")),
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Every object member of `v`, depth first (parents before children), through arrays.
fn field_paths(v: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                prefix.push(Step::Key(k.clone()));
                out.push(prefix.clone());
                field_paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(Step::Index(i));
                field_paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// The object holding the field at `path`, and the field's key.
fn parent_mut<'a>(root: &'a mut Value, path: &'a [Step]) -> Option<(&'a mut serde_json::Map<String, Value>, &'a str)> {
    let (last, init) = path.split_last()?;
    let mut cur = root;
    for step in init {
        cur = match step {
            Step::Key(k) => cur.get_mut(k.as_str())?,
            Step::Index(i) => cur.get_mut(*i)?,
        };
    }
    match last {
        Step::Key(k) => Some((cur.as_object_mut()?, k.as_str())),
        Step::Index(_) => None,
    }
}

fn with_null(sample: &Value, paths: &[Vec<Step>]) -> Value {
    let mut v = sample.clone();
    for p in paths {
        if let Some((obj, k)) = parent_mut(&mut v, p) {
            obj.insert(k.to_owned(), Value::Null);
        }
    }
    v
}

fn without(sample: &Value, paths: &[Vec<Step>]) -> Value {
    let mut v = sample.clone();
    for p in paths {
        if let Some((obj, k)) = parent_mut(&mut v, p) {
            obj.remove(k);
        }
    }
    v
}

/// Paths of `model`'s sample whose removal still decodes: the optional or defaulted fields.
fn optional_paths(model: &Model) -> Vec<Vec<Step>> {
    let mut all = Vec::new();
    field_paths(&model.sample, &mut Vec::new(), &mut all);
    all.into_iter()
        .filter(|p| (model.decode)(without(&model.sample, std::slice::from_ref(p))).is_ok())
        .collect()
}

fn value_at<'a>(root: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let mut cur = root;
    for step in path {
        cur = match step {
            Step::Key(k) => cur.get(k.as_str())?,
            Step::Index(i) => cur.get(*i)?,
        };
    }
    Some(cur)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn registry_covers_every_response_and_event_model_with_complete_samples() {
    let models = registry();
    let names: BTreeSet<&str> = models.iter().map(|m| m.name).collect();
    for op in OPERATIONS {
        assert!(
            names.contains(op.response_type),
            "{}: response type {} has no entry in the null-decoding registry",
            op.name,
            op.response_type
        );
    }
    for required in ["CouponUseEvent", "NotificationEnvelope"] {
        assert!(names.contains(required), "{required} is not registered");
    }
    let field_sets: Vec<BTreeSet<&str>> = models.iter().map(|m| (m.fields)()).collect();
    for (m, fields) in models.iter().zip(&field_sets) {
        assert!(!fields.is_empty(), "{}: no field list from serde", m.name);
        let keys: BTreeSet<&str> = m.sample.as_object().unwrap().keys().map(String::as_str).collect();
        let missing: Vec<_> = fields.difference(&keys).collect();
        assert!(missing.is_empty(), "{}: the sample lacks fields {missing:?}", m.name);
        (m.decode)(m.sample.clone()).unwrap_or_else(|e| panic!("{}: the sample does not decode: {e}", m.name));
        // Every nested object is a registered model's complete sample.
        let mut paths = Vec::new();
        field_paths(&m.sample, &mut Vec::new(), &mut paths);
        let mut objects: Vec<&Value> = Vec::new();
        for p in &paths {
            match value_at(&m.sample, p) {
                Some(o @ Value::Object(_)) => objects.push(o),
                Some(Value::Array(items)) => objects.extend(items.iter().filter(|i| i.is_object())),
                _ => {}
            }
        }
        for o in objects {
            let keys: BTreeSet<&str> = o.as_object().unwrap().keys().map(String::as_str).collect();
            assert!(
                field_sets.contains(&keys),
                "{}: nested object with keys {keys:?} is not a complete sample of any registered model",
                m.name
            );
        }
    }
}

#[test]
fn each_optional_field_set_to_null_decodes_as_if_absent() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for m in registry() {
        for p in optional_paths(&m) {
            let absent = (m.decode)(without(&m.sample, std::slice::from_ref(&p))).unwrap();
            match (m.decode)(with_null(&m.sample, std::slice::from_ref(&p))) {
                Ok(v) if v == absent => {}
                Ok(v) => failures.push(format!(
                    "{}.{}: null decodes to {v} but absent to {absent}",
                    m.name,
                    show(&p)
                )),
                Err(e) => failures.push(format!("{}.{}: null refused: {e}", m.name, show(&p))),
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} fields:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Sanity: the walk really visits the nested fields (Stock alone has more than 40).
    assert!(checked > 150, "only {checked} optional fields were checked");
}

#[test]
fn every_optional_field_set_to_null_at_once_decodes_as_if_absent() {
    let mut failures = Vec::new();
    for m in registry() {
        let optional = optional_paths(&m);
        // (a) every optional field that is not itself an object, nested ones included;
        let leaves: Vec<Vec<Step>> = optional
            .iter()
            .filter(|p| !value_at(&m.sample, p).is_some_and(Value::is_object))
            .cloned()
            .collect();
        // (b) every optional field of the top level, objects included.
        let top: Vec<Vec<Step>> = optional.iter().filter(|p| p.len() == 1).cloned().collect();
        for (what, paths) in [("leaves", leaves), ("top level", top)] {
            let absent = (m.decode)(without(&m.sample, &paths));
            let null = (m.decode)(with_null(&m.sample, &paths));
            match (absent, null) {
                (Ok(a), Ok(n)) if a == n => {}
                (a, n) => failures.push(format!("{} ({what}): absent {a:?}, null {n:?}", m.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn official_null_example_of_a_coupon_decodes() {
    // The old official coupon example: `no_cash` and `singleitem` are null; here the free-text
    // strings and the counts are null too, as Go's decoder would accept them.
    let mut c = coupon();
    for k in ["no_cash", "singleitem", "coupon_name", "description"] {
        c[k] = Value::Null;
    }
    c["consume_information"]["consume_time"] = Value::Null;
    let coupon: Coupon = serde_json::from_value(c.clone()).unwrap();
    assert_eq!(coupon.no_cash, None);
    assert_eq!(coupon.coupon_name, "");
    assert_eq!(coupon.consume_information.unwrap().consume_time, "");
    let page: CouponCollection =
        serde_json::from_value(json!({"data": [c], "total_count": null, "limit": null, "offset": null})).unwrap();
    assert_eq!((page.total_count, page.data.len()), (0, 1));
}
