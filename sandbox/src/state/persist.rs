//! The write-through link between the working [`State`] and its durable copy in
//! [`crate::store`]: rebuilding the state on start, and committing each change before it is
//! applied in memory and answered.

use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::json;

use super::State;
use crate::store::{Change, Snapshot, Store};
use crate::util::{ApiErr, cst_day};

impl State {
    /// The working state read back from `snap`, writing every later change through to `store`.
    /// Counters that follow from the coupons (distributed, per user, per day) are recomputed.
    pub fn restore(store: Store, snap: Snapshot) -> Self {
        let mut st = State {
            next_id: snap.next_id,
            callback: snap.callback,
            uses: snap.uses,
            refunds: snap.refunds,
            ..State::default()
        };
        for stock in snap.stocks {
            st.create_requests.insert(
                stock.request.out_request_no.clone(),
                (stock.request.clone(), stock.stock_id.clone()),
            );
            st.stocks.insert(stock.stock_id.clone(), stock);
        }
        for (coupon, request) in snap.coupons {
            if let Some(s) = st.stocks.get_mut(&coupon.stock_id) {
                s.distributed += 1;
                *s.per_user.entry(coupon.openid.clone()).or_insert(0) += 1;
                *s.issued_by_day.entry(cst_day(coupon.create_time)).or_insert(0) += s.coupon_amount;
            }
            st.send_requests
                .insert(coupon.out_request_no.clone(), (request, coupon.coupon_id.clone()));
            st.coupons.insert(coupon.coupon_id.clone(), coupon);
        }
        st.store = Some(store);
        st
    }

    /// Makes `changes` (and the id counter) durable; an in-memory state (no store) has nothing
    /// to do. Called before the change is applied in memory, so a failure changes nothing.
    pub(super) fn save(&mut self, changes: &[Change<'_>]) -> Result<(), ApiErr> {
        let next_id = self.next_id;
        match &mut self.store {
            None => Ok(()),
            Some(store) => store.commit(changes, next_id).map_err(|e| {
                eprintln!("wechatpay-sandbox: {e}");
                ApiErr::new(
                    500,
                    "SYSTEM_ERROR",
                    "系统错误，状态未能保存 (the sandbox could not save its state; nothing was changed)",
                )
            }),
        }
    }

    /// Moves the business clock `secs` seconds forward: the new offset is saved, then stored
    /// in `offset`; returns it. Offsets that do not fit are refused.
    pub fn advance_clock(&mut self, offset: &AtomicI64, secs: i64) -> Result<i64, ApiErr> {
        let new = offset
            .load(Ordering::SeqCst)
            .checked_add(secs)
            .ok_or_else(|| ApiErr::body("seconds", json!(secs), "超出范围 (the clock offset would overflow)"))?;
        self.save(&[Change::ClockOffset(new)])?;
        offset.store(new, Ordering::SeqCst);
        Ok(new)
    }
}
