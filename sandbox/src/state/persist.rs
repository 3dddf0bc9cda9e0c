//! The link between the working [`State`] and its durable copy in [`crate::store`]:
//! rebuilding the state on start, and queueing each change for the group commit of
//! [`crate::journal`] before it is applied in memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::json;

use super::State;
use crate::journal::Journal;
use crate::store::{Change, Snapshot};
use crate::util::{ApiErr, cst_day};

impl State {
    /// The working state read back from `snap`, queueing every later change in `journal`.
    /// Counters that follow from the coupons (distributed, per user, per day) are recomputed.
    pub fn restore(journal: Arc<Journal>, snap: Snapshot) -> Self {
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
        st.journal = Some(journal);
        st
    }

    /// The journal changes are queued in (none: in memory only).
    pub fn journal(&self) -> Option<Arc<Journal>> {
        self.journal.clone()
    }

    /// Queues `changes` (and the id counter) for the next commit; an in-memory state has
    /// nothing to do. Called before the change is applied in memory: when it fails, the caller
    /// returns the error and changes nothing.
    pub(super) fn save(&self, changes: Vec<Change>) -> Result<(), ApiErr> {
        match &self.journal {
            None => Ok(()),
            Some(j) => j.enqueue(changes, self.next_id),
        }
    }

    /// Moves the business clock `secs` seconds forward: the new offset is queued for saving,
    /// then stored in `offset`; returns it. Offsets that do not fit are refused.
    pub fn advance_clock(&mut self, offset: &AtomicI64, secs: i64) -> Result<i64, ApiErr> {
        let new = offset
            .load(Ordering::SeqCst)
            .checked_add(secs)
            .ok_or_else(|| ApiErr::body("seconds", json!(secs), "超出范围 (the clock offset would overflow)"))?;
        self.save(vec![Change::ClockOffset(new)])?;
        offset.store(new, Ordering::SeqCst);
        Ok(new)
    }
}
