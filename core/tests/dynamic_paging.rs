//! The binding-facing layer: pagination by name over a multi-page fixture (path parameters
//! carried over, both page modes), and the `Pager` a binding's `pages()` drives.

#![cfg(feature = "dynamic")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use wechatpay_coupons::dynamic::{self, Pager};
use wechatpay_coupons::favor::ops::PageMode;

/// A collection of `total` merchants served `limit` at a time; `offset` read as `mode` says.
fn page(total: usize, offset: usize, limit: usize, mode: PageMode) -> Value {
    let start = match mode {
        PageMode::PageIndex => offset * limit,
        _ => offset,
    };
    let data: Vec<String> = (start..(start + limit).min(total)).map(|i| format!("m{i}")).collect();
    json!({"data": data, "total_count": total, "offset": offset, "limit": limit, "stock_id": "9856000"})
}

fn drive(mode: Option<PageMode>) -> (Vec<String>, Vec<Value>) {
    let effective = mode.unwrap_or(PageMode::PageIndex);
    let first = json!({"stock_id": "9856000", "offset": 0, "limit": 4, "stock_creator_mchid": "1900000001"});
    let mut pager = Pager::new("list_stock_merchants", first, mode).unwrap();
    let mut seen = Vec::new();
    let mut requests = Vec::new();
    while let Some(params) = pager.current().cloned() {
        assert!(requests.len() < 10, "the pager does not end");
        let offset = params["offset"].as_u64().unwrap() as usize;
        let body = page(10, offset, 4, effective);
        for m in body["data"].as_array().unwrap() {
            seen.push(m.as_str().unwrap().to_owned());
        }
        requests.push(params);
        pager.advance(body).unwrap();
    }
    (seen, requests)
}

#[test]
fn the_pager_walks_every_page_once_and_keeps_path_parameters() {
    let (seen, requests) = drive(None);
    let expected: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
    assert_eq!(seen, expected);
    assert_eq!(requests.len(), 3);
    let offsets: Vec<u64> = requests.iter().map(|r| r["offset"].as_u64().unwrap()).collect();
    assert_eq!(offsets, [0, 1, 2]);
    // The path parameter is put back on every next page.
    assert!(requests.iter().all(|r| r["stock_id"] == "9856000"));
    assert!(requests.iter().all(|r| r["stock_creator_mchid"] == "1900000001"));

    let (seen, requests) = drive(Some(PageMode::ItemOffset));
    assert_eq!(seen, expected);
    let offsets: Vec<u64> = requests.iter().map(|r| r["offset"].as_u64().unwrap()).collect();
    assert_eq!(offsets, [0, 4, 8]);
}

#[test]
fn next_page_ends_after_the_last_page_and_names_bad_input() {
    let params = json!({"stock_id": "9856000", "offset": 2, "limit": 4, "stock_creator_mchid": "1900000001"});
    let last = page(10, 2, 4, PageMode::PageIndex);
    assert_eq!(
        dynamic::next_page("list_stock_merchants", params.clone(), last, None).unwrap(),
        None
    );

    let e = dynamic::next_page("get_stock", params.clone(), json!({}), None).unwrap_err();
    assert_eq!(e.code(), "input.invalid_input");
    assert!(Pager::new("create_stock", json!({}), None).is_err());

    let e = dynamic::next_page("list_stock_merchants", params, json!({"data": 5}), None).unwrap_err();
    assert_eq!(e.code(), "decode.body");
    assert!(e.to_string().contains("StockStringCollection"), "{e}");

    let e = dynamic::page_mode_by_name("rows").unwrap_err();
    assert_eq!(e.code(), "input.invalid_input");
    assert_eq!(dynamic::page_mode_by_name("item_offset").unwrap(), PageMode::ItemOffset);
}

#[test]
fn list_user_coupons_keeps_openid_on_the_next_page() {
    let params = json!({"openid": "o1", "appid": "wx1234567890abcdef", "offset": 0, "limit": 2});
    let coupon = |id: &str| {
        json!({
            "coupon_id": id, "stock_id": "9856888", "stock_creator_mchid": "1900000001",
            "status": "SENDED", "create_time": "2026-01-01T10:00:00+08:00", "coupon_type": "NORMAL",
            "available_begin_time": "2026-01-01T10:00:00+08:00",
            "available_end_time": "2026-01-31T23:59:59+08:00",
        })
    };
    let prev = json!({"data": [coupon("1"), coupon("2")], "total_count": 5, "offset": 0, "limit": 2});
    let next = dynamic::next_page("list_user_coupons", params, prev, None)
        .unwrap()
        .unwrap();
    assert_eq!(next["openid"], "o1");
    assert_eq!(next["offset"], 1);
}
