//! The console's read pages besides Requests: stocks, the coupons of a stock (with the action
//! buttons), notifications, bills, the clock and the merchant.

use std::sync::atomic::Ordering;

use maud::{Markup, html};
use wechatpay_coupons::favor::models::CouponStatus;

use crate::server::{Shared, lock};
use crate::util::{rfc3339, yuan};

/// Path of a stock's coupon page.
pub fn stock_href(stock_id: &str) -> String {
    format!("/console/stocks/{stock_id}")
}

/// Stocks: status, budget, distributed/used counts, availability window.
pub fn stocks(shared: &Shared) -> Markup {
    let now = shared.business_now();
    let st = lock(&shared.state);
    html! {
        @if st.stocks.is_empty() {
            p.muted { "No stock yet: create one with POST /v3/marketing/favor/coupon-stocks." }
        } @else {
            table {
                thead { tr {
                    th { "Stock" } th { "Name" } th { "Status" } th { "Face value / threshold" } th { "Budget" }
                    th { "Distributed" } th { "Used" } th { "Available" }
                } }
                tbody {
                    @for s in st.stocks.values().rev() {
                        @let used = st.coupons.values().filter(|c| c.stock_id == s.stock_id && c.status_at(now) == CouponStatus::Used).count();
                        tr {
                            td { a href=(stock_href(&s.stock_id)) { code { (s.stock_id) } } }
                            td { (s.request.stock_name) }
                            td { (s.status_at(now)) }
                            td { "¥" (yuan(s.coupon_amount)) " / ¥" (yuan(s.transaction_minimum)) }
                            td { "¥" (yuan(s.max_amount)) " (" (s.max_coupons) " coupons)" }
                            td { (s.distributed) }
                            td { (used) }
                            td.mono { (rfc3339(s.begin)) " – " (rfc3339(s.end)) }
                        }
                    }
                }
            }
        }
    }
}

/// The coupons of `stock_id` with their holder and state, and the buttons that simulate a user.
pub fn coupons(shared: &Shared, stock_id: &str) -> Option<Markup> {
    let now = shared.business_now();
    let st = lock(&shared.state);
    let stock = st.stocks.get(stock_id)?;
    let back = stock_href(stock_id);
    Some(html! {
        p { a href="/console/stocks" { "← all stocks" } }
        dl.kv {
            dt { "Name" } dd { (stock.request.stock_name) }
            dt { "Status" } dd { (stock.status_at(now)) }
            dt { "Face value" } dd { "¥" (yuan(stock.coupon_amount)) " off orders from ¥" (yuan(stock.transaction_minimum)) }
            dt { "Distributed" } dd { (stock.distributed) " of " (stock.max_coupons) }
        }
        h2 { "Send to a new test user" }
        form.inline method="post" action="/console/send" {
            input type="hidden" name="stock_id" value=(stock_id);
            input type="hidden" name="back" value=(back);
            button type="submit" { "Send a coupon to a new test user" }
        }
        h2 { "Coupons" }
        @if st.coupons.values().all(|c| c.stock_id != stock_id) {
            p.muted { "No coupon sent from this stock yet." }
        } @else {
            table {
                thead { tr { th { "Coupon" } th { "Holder (openid)" } th { "State" } th { "Received" } th { "Actions" } } }
                tbody {
                    @for c in st.coupons.values().rev().filter(|c| c.stock_id == stock_id) {
                        @let status = c.status_at(now);
                        tr id=(format!("coupon-{}", c.coupon_id)) {
                            td { code { (c.coupon_id) } }
                            td { code { (c.openid) } }
                            td.coupon-state { (status) }
                            td.mono { (rfc3339(c.create_time)) }
                            td {
                                @if status == CouponStatus::Sended {
                                    form.inline method="post" action="/console/pay" {
                                        input type="hidden" name="coupon_id" value=(c.coupon_id);
                                        input type="hidden" name="back" value=(back);
                                        label for=(format!("amount-{}", c.coupon_id)) { "Order amount (fen)" }
                                        input id=(format!("amount-{}", c.coupon_id)) type="number" name="order_amount"
                                            min="1" value=(stock.transaction_minimum.max(1));
                                        button type="submit" { "Pay with coupon" }
                                    }
                                }
                                @if status == CouponStatus::Used {
                                    form.inline method="post" action="/console/refund" {
                                        input type="hidden" name="coupon_id" value=(c.coupon_id);
                                        input type="hidden" name="back" value=(back);
                                        button type="submit" { "Refund" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// Notifications: each event and each delivery attempt, with a redeliver button.
pub fn notifications(shared: &Shared) -> Markup {
    let deliveries = lock(&shared.deliveries).clone();
    let callback = lock(&shared.state).callback.clone();
    html! {
        p {
            "Callback: "
            @match &callback {
                Some(cb) => { code { (cb.notify_url) } @if !cb.enabled { " (switched off)" } }
                None => { span.muted { "none set (POST /v3/marketing/favor/callbacks)" } }
            }
        }
        @if deliveries.is_empty() {
            p.muted { "No notification yet: they are sent when a user pays with a coupon." }
        }
        @for (i, d) in deliveries.iter().enumerate().rev() {
            section.delivery id=(format!("event-{}", d.id)) {
                h2 {
                    code { (d.event_type) } " " (d.id) " · coupon " code { (d.coupon_id) } " · "
                    @if d.acknowledged { span.ok { "acknowledged" } }
                    @else if d.gave_up { span.bad { "gave up" } }
                    @else { span.warn { "pending" } }
                }
                table {
                    thead { tr { th { "Attempt" } th { "Time" } th { "Answer" } th { "Latency" } th { "Key" } } }
                    tbody {
                        @for (n, a) in d.attempts.iter().enumerate() {
                            tr {
                                td { (n + 1) @if a.probe { " (probe signature)" } }
                                td.mono { (rfc3339(a.at)) }
                                td {
                                    @match (a.status, &a.error) {
                                        (Some(s), _) => { span class=(if (200..300).contains(&s) { "ok" } else { "bad" }) { "HTTP " (s) } }
                                        (None, Some(e)) => { span.bad { (e) } }
                                        (None, None) => { "–" }
                                    }
                                }
                                td { (a.latency_ms) " ms" }
                                td.mono { (a.serial) }
                            }
                        }
                    }
                }
                form.inline method="post" action="/console/redeliver" {
                    input type="hidden" name="index" value=(i);
                    button type="submit" { "Redeliver " (d.id) }
                }
            }
        }
    }
}

/// Bills: download links for the use-flow and refund-flow files of each stock.
pub fn bills(shared: &Shared) -> Markup {
    let st = lock(&shared.state);
    html! {
        p.muted {
            "Files as GET …/use-flow and …/refund-flow serve them"
            @if shared.config.strict_bill_timing { " (from 10:00 UTC+8 the day after the stock ended; advance the clock or start the sandbox with --bills-anytime)" }
            "."
        }
        table {
            thead { tr { th { "Stock" } th { "Uses" } th { "Refunds" } th { "Download" } } }
            tbody {
                @for s in st.stocks.values().rev() {
                    tr {
                        td { code { (s.stock_id) } " " (s.request.stock_name) }
                        td { (st.uses.iter().filter(|u| u.stock_id == s.stock_id).count()) }
                        td { (st.refunds.iter().filter(|u| u.stock_id == s.stock_id).count()) }
                        td {
                            a href=(format!("/console/bills/{}/use-flow", s.stock_id)) { "use flow" } " · "
                            a href=(format!("/console/bills/{}/refund-flow", s.stock_id)) { "refund flow" }
                        }
                    }
                }
            }
        }
    }
}

/// Clock: the business clock, its offset and the advance form.
pub fn clock(shared: &Shared) -> Markup {
    let b = shared.business_now();
    html! {
        dl.kv {
            dt { "Business time" } dd.mono #business-time { (rfc3339(b)) }
            dt { "Offset" } dd { (shared.clock_offset.load(Ordering::SeqCst)) " s ahead of the protocol clock" }
            dt { "Protocol time" } dd.mono { (rfc3339(shared.now())) " (request timestamps and signatures)" }
        }
        h2 { "Advance the business clock" }
        form.inline method="post" action="/console/clock/advance" {
            label for="seconds" { "Seconds" }
            input #seconds type="number" name="seconds" min="0" value="86400" required;
            input type="hidden" name="back" value="/console/clock";
            button type="submit" { "Advance" }
        }
    }
}

/// Merchant: ids, mode, key ids and where `merchant.json` is (never a private key or the APIv3
/// key).
pub fn merchant(shared: &Shared) -> Markup {
    let m = &shared.merchant;
    let c = &m.config;
    html! {
        dl.kv {
            dt { "mchid" } dd.mono { (c.mchid) }
            dt { "appid" } dd.mono { (c.appid) }
            dt { "Signing mode" } dd { (format!("{:?}", shared.config.mode)) }
            dt { "Merchant certificate serial" } dd.mono { (c.merchant_serial) }
            dt { "Platform certificate serial" } dd.mono { (c.platform_serial) }
            dt { "WeChat Pay public key id" } dd.mono { (c.wechatpay_public_key_id) }
            dt { "Base URL" } dd.mono { (shared.base_url) }
            dt { "merchant.json" } dd.mono { (m.dir.join(crate::merchant::CONFIG_FILE).display()) }
        }
        p.muted { "The private keys and the APIv3 key stay in the merchant directory; the console never shows them." }
    }
}
