//! Paging end to end: the core's pager against the sandbox, which reads `offset` as the
//! documented page index (分页页码), gets every merchant, item and user coupon exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use wechatpay_coupons::Client;
use wechatpay_coupons::favor::models::{ListStockItemsRequest, ListStockMerchantsRequest, ListUserCouponsRequest};
use wechatpay_coupons::favor::ops::Paginated;
use wechatpay_sandbox::http_client::{agent, send};
use wechatpay_sandbox::util::{RunningClock, parse_rfc3339, rfc3339};
use wechatpay_sandbox::{Sandbox, SandboxConfig, SandboxHandle, merchant};

const START: &str = "2026-12-05T09:59:30+08:00";
const OPENID: &str = "oPagingUser0000000000000001";

fn start() -> (SandboxHandle, Client) {
    let clock = Arc::new(RunningClock::starting_at(parse_rfc3339(START).unwrap()));
    let sb = Sandbox::start(SandboxConfig {
        clock: clock.clone(),
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = merchant::client_builder(sb.merchant_dir(), true, false)
        .unwrap()
        .clock(clock)
        .build()
        .unwrap();
    (sb, client)
}

fn call(client: &Client, path: &str, body: Value) -> Value {
    let req = client
        .request(wechatpay_coupons::Method::Post, path, body.to_string().into_bytes())
        .unwrap();
    let resp = send(&agent(Duration::from_secs(10)), &req).unwrap();
    let v = client.parse_response(&resp).unwrap();
    serde_json::from_slice(&v.body).unwrap()
}

/// Creates and starts a stock of `coupons` coupons (all for one user allowed) with the given
/// available merchants and items.
fn stock(client: &Client, coupons: i64, merchants: &[String], items: &[String]) -> String {
    let mchid = client.mchid().to_owned();
    let now = client.now();
    let mut rule = json!({"fixed_normal_coupon": {"coupon_amount": 100, "transaction_minimum": 1000},
        "available_merchants": merchants});
    if !items.is_empty() {
        rule["available_items"] = json!(items);
    }
    let no = format!("pg{}", wechatpay_coupons::clock::random_string(10).unwrap());
    let body = json!({
        "stock_name": "分页测试", "belong_merchant": mchid,
        "available_begin_time": rfc3339(now), "available_end_time": rfc3339(now + 86_400),
        "stock_use_rule": {"max_coupons": coupons, "max_amount": 100 * coupons,
            "max_coupons_per_user": coupons, "natural_person_limit": false, "prevent_api_abuse": false},
        "coupon_use_rule": rule, "no_cash": false, "stock_type": "NORMAL", "out_request_no": no,
    });
    let id = call(client, "/v3/marketing/favor/coupon-stocks", body)["stock_id"]
        .as_str()
        .unwrap()
        .to_owned();
    call(
        client,
        &format!("/v3/marketing/favor/stocks/{id}/start"),
        json!({"stock_creator_mchid": mchid}),
    );
    id
}

/// Sends each request and its next pages; returns the rows of every page.
fn pages<O, F>(client: &Client, first: O, rows: F) -> Vec<String>
where
    O: Paginated,
    F: Fn(&O::Response) -> Vec<String>,
{
    let agent = agent(Duration::from_secs(10));
    let mut seen = Vec::new();
    let mut current = Some(first);
    let mut count = 0;
    while let Some(req) = current {
        count += 1;
        assert!(count <= 10, "the pager did not stop");
        let built = client.favor().favor_request(&req).unwrap();
        let resp = send(&agent, &built.request).unwrap();
        let page = client.favor().favor_response::<O>(&resp).unwrap();
        seen.extend(rows(&page));
        current = req.next_page(&page);
    }
    seen
}

fn assert_each_once(got: &[String], expected: &[String], what: &str) {
    assert_eq!(got.len(), expected.len(), "{what}: {got:?}");
    let a: BTreeSet<&String> = got.iter().collect();
    let b: BTreeSet<&String> = expected.iter().collect();
    assert_eq!(a, b, "{what}: every row exactly once");
}

#[test]
fn pages_through_items_and_user_coupons_with_limit_50_by_page_index() {
    let (sb, client) = start();
    let mchid = client.mchid().to_owned();
    // 120 items: 50 at creation, then 50 and 20 more through modify-goods-id.
    let items: Vec<String> = (0..120).map(|i| format!("goods{i:04}")).collect();
    let id = stock(&client, 60, std::slice::from_ref(&mchid), &items[..50]);
    for chunk in [&items[50..100], &items[100..]] {
        call(
            &client,
            &format!("/v3/marketing/favor/stocks/{id}/modify-goods-id"),
            json!({"stock_creator_mchid": mchid, "add_goods_id_list": chunk}),
        );
    }
    let first = ListStockItemsRequest {
        stock_id: id.clone(),
        offset: 0,
        limit: 50,
        stock_creator_mchid: mchid.clone(),
    };
    let got = pages(&client, first, |p| p.data.clone());
    assert_each_once(&got, &items, "items");

    // 120 coupons for one user: 60 from each of two stocks.
    let second = stock(&client, 60, std::slice::from_ref(&mchid), &[]);
    let mut sent = Vec::new();
    for (s, stock_id) in [&id, &second].into_iter().enumerate() {
        for n in 0..60 {
            let v = call(
                &client,
                &format!("/v3/marketing/favor/users/{OPENID}/coupons"),
                json!({"stock_id": stock_id, "out_request_no": format!("pg{s}n{n:03}"),
                    "appid": sb.merchant().appid, "stock_creator_mchid": mchid}),
            );
            sent.push(v["coupon_id"].as_str().unwrap().to_owned());
        }
    }
    let first = ListUserCouponsRequest {
        openid: OPENID.into(),
        appid: sb.merchant().appid.clone(),
        creator_mchid: Some(mchid.clone()),
        offset: Some(0),
        limit: Some(50),
        ..Default::default()
    };
    let got = pages(&client, first, |p| {
        p.data.iter().map(|c| c.coupon_id.clone().unwrap_or_default()).collect()
    });
    assert_each_once(&got, &sent, "user coupons");
}

#[test]
fn pages_through_merchants_by_page_index() {
    // A stock takes at most 50 merchants through the API: page them 20 at a time (0, 1, 2).
    let (_sb, client) = start();
    let mchid = client.mchid().to_owned();
    let mut merchants: Vec<String> = (1..50).map(|i| format!("19{i:08}")).collect();
    merchants.push(mchid.clone());
    let id = stock(&client, 1, &merchants, &[]);
    let first = ListStockMerchantsRequest {
        stock_id: id,
        offset: 0,
        limit: 20,
        stock_creator_mchid: mchid,
    };
    let got = pages(&client, first, |p| p.data.clone());
    assert_each_once(&got, &merchants, "merchants");
}
