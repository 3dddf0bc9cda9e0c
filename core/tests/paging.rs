//! Paging through merchants, items and user coupons: the pager, fed by a simulated server that
//! reads `offset` as the request's query says, gets every row exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use serde_json::json;
use wechatpay_coupons::favor::models::*;
use wechatpay_coupons::favor::ops::{Operation, PageMode, Paginated};

const ROWS: usize = 120;
const LIMIT: i64 = 50;

/// `offset` and `limit` as they go on the wire (read back from the request's query).
fn offset_limit<O: Operation>(req: &O) -> (usize, usize) {
    let q: BTreeMap<&str, String> = req.query().into_iter().collect();
    let n = |k: &str| q.get(k).map_or(0, |v| v.parse::<usize>().unwrap());
    (n("offset"), n("limit"))
}

/// The slice of `rows` a server that reads `offset` under `mode` returns.
fn serve<T: Clone>(rows: &[T], offset: usize, limit: usize, mode: PageMode) -> Vec<T> {
    let skip = match mode {
        PageMode::PageIndex => offset * limit,
        _ => offset,
    };
    rows.iter().skip(skip).take(limit).cloned().collect()
}

fn strings(prefix: &str) -> Vec<String> {
    (0..ROWS).map(|i| format!("{prefix}{i:04}")).collect()
}

fn string_page(rows: &[String], offset: usize, limit: usize, mode: PageMode) -> StockStringCollection {
    StockStringCollection {
        total_count: rows.len() as i64,
        data: serve(rows, offset, limit, mode),
        offset: offset as i64,
        limit: limit as i64,
        stock_id: "9856888".into(),
    }
}

/// Runs `first` and its next pages against the simulated server; returns every row received.
fn collect<O, F>(first: O, server_mode: PageMode, pager_mode: Option<PageMode>, page: F) -> Vec<String>
where
    O: Paginated,
    F: Fn(&O) -> (O::Response, Vec<String>),
{
    let mut seen = Vec::new();
    let mut current = Some(first);
    let mut pages = 0;
    while let Some(req) = current {
        pages += 1;
        assert!(pages <= 10, "pager did not stop (server mode {server_mode:?})");
        let (response, rows) = page(&req);
        seen.extend(rows);
        current = match pager_mode {
            Some(m) => req.next_page_with(&response, m),
            None => req.next_page(&response),
        };
    }
    seen
}

fn merchants_request() -> ListStockMerchantsRequest {
    ListStockMerchantsRequest {
        stock_id: "9856888".into(),
        offset: 0,
        limit: LIMIT,
        stock_creator_mchid: "1900000001".into(),
    }
}

fn items_request() -> ListStockItemsRequest {
    ListStockItemsRequest {
        stock_id: "9856888".into(),
        offset: 0,
        limit: LIMIT,
        stock_creator_mchid: "1900000001".into(),
    }
}

fn coupons_request() -> ListUserCouponsRequest {
    ListUserCouponsRequest {
        openid: "o4GgauInH_RCEdvrrNGrntXDuXXX".into(),
        appid: "wx233544546545989".into(),
        creator_mchid: Some("1900000001".into()),
        offset: Some(0),
        limit: Some(LIMIT),
        ..Default::default()
    }
}

fn coupons() -> Vec<Coupon> {
    (0..ROWS)
        .map(|i| {
            serde_json::from_value(json!({
                "coupon_id": format!("C{i:04}"), "stock_id": "9856888", "stock_creator_mchid": "1900000001",
                "status": "SENDED", "create_time": "2026-01-01T10:00:00+08:00", "coupon_type": "NORMAL",
                "available_begin_time": "2026-01-01T10:00:00+08:00",
                "available_end_time": "2026-01-31T23:59:59+08:00",
            }))
            .unwrap()
        })
        .collect()
}

fn merchants_under(server: PageMode, pager: Option<PageMode>) -> Vec<String> {
    let rows = strings("19000");
    collect(merchants_request(), server, pager, |r| {
        let (o, l) = offset_limit(r);
        let p = string_page(&rows, o, l, server);
        let d = p.data.clone();
        (p, d)
    })
}

fn items_under(server: PageMode, pager: Option<PageMode>) -> Vec<String> {
    let rows = strings("goods");
    collect(items_request(), server, pager, |r| {
        let (o, l) = offset_limit(r);
        let p = string_page(&rows, o, l, server);
        let d = p.data.clone();
        (p, d)
    })
}

fn coupons_under(server: PageMode, pager: Option<PageMode>) -> Vec<String> {
    let rows = coupons();
    collect(coupons_request(), server, pager, |r| {
        let (o, l) = offset_limit(r);
        let data = serve(&rows, o, l, server);
        let ids = data.iter().map(|c| c.coupon_id.clone().unwrap()).collect();
        let page = CouponCollection {
            data,
            total_count: rows.len() as i64,
            limit: l as i64,
            offset: o as i64,
        };
        (page, ids)
    })
}

fn assert_each_once(got: &[String], prefix: &str, what: &str) {
    assert_eq!(got.len(), ROWS, "{what}: {} rows received, expected {ROWS}", got.len());
    let expected: Vec<String> = (0..ROWS).map(|i| format!("{prefix}{i:04}")).collect();
    assert_eq!(got, expected, "{what}: every row exactly once, in order");
}

#[test]
fn default_reading_is_the_documented_page_index() {
    assert_eq!(ListStockMerchantsRequest::PAGE_MODE, PageMode::PageIndex);
    assert_eq!(ListStockItemsRequest::PAGE_MODE, PageMode::PageIndex);
    assert_eq!(ListUserCouponsRequest::PAGE_MODE, PageMode::PageIndex);
    assert_eq!(ListStocksRequest::PAGE_MODE, PageMode::PageIndex);
}

#[test]
fn pages_through_120_rows_with_limit_50_by_page_index() {
    let server = PageMode::PageIndex;
    assert_each_once(&merchants_under(server, None), "19000", "merchants");
    assert_each_once(&items_under(server, None), "goods", "items");
    assert_each_once(&coupons_under(server, None), "C", "user coupons");
    // The offsets sent are 0, 1, 2.
    let first = merchants_request();
    let page0 = string_page(&strings("19000"), 0, 50, server);
    let second = first.next_page(&page0).unwrap();
    assert_eq!(offset_limit(&second), (1, 50));
}

#[test]
fn row_offset_reading_is_selectable() {
    let server = PageMode::ItemOffset;
    let pager = Some(PageMode::ItemOffset);
    assert_each_once(&merchants_under(server, pager), "19000", "merchants");
    assert_each_once(&items_under(server, pager), "goods", "items");
    assert_each_once(&coupons_under(server, pager), "C", "user coupons");
}

#[test]
fn a_mismatched_reading_does_not_yield_every_row() {
    // What the issue describes: one reading against a server of the other skips or repeats
    // rows. The pager must be told the server's reading; the default is the documented one.
    let got = merchants_under(PageMode::PageIndex, Some(PageMode::ItemOffset));
    assert_ne!(got.len(), ROWS);
}
