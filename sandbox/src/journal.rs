//! Group commit of state changes into the [`Store`], and the rule that no answer goes out
//! before what it shows is durable.
//!
//! A request changes the state under the state mutex: it queues its changes here
//! ([`Journal::enqueue`]), then applies them in memory, then releases the mutex. Before it
//! answers — 2xx or not — it calls [`Shared::sync_state`], which returns once everything
//! queued so far is committed. The first waiter becomes the leader and commits the whole queue
//! in one transaction (one `fsync`); the others wait for it, and changes queued during that
//! commit go into the next one. Reads wait too, so even a read never shows a change that a
//! crash could still take back.
//!
//! A failed commit stops the sandbox's state for good (fail-stop): memory may then hold
//! changes that are not on disk, so every later request answers 500 `SYSTEM_ERROR` until the
//! sandbox is restarted and reloads what the disk has.

use std::sync::{Condvar, Mutex};

use crate::server::{Shared, lock};
use crate::store::{Change, Store, StoreError};
use crate::util::ApiErr;

/// The queue of changes waiting for the next commit, and the store they go to.
#[derive(Debug)]
pub struct Journal {
    pending: Mutex<Pending>,
    committed: Condvar,
    store: Mutex<Store>,
}

#[derive(Debug, Default)]
struct Pending {
    /// Changes not yet handed to a commit, in the order they were applied.
    queue: Vec<Change>,
    /// Highest id counter queued.
    next_id: u64,
    /// Number of `enqueue` calls so far (a ticket per call).
    enqueued: u64,
    /// Tickets up to this one are committed.
    durable: u64,
    /// A leader is committing now.
    committing: bool,
    /// A commit failed: nothing more is accepted.
    failed: Option<StoreError>,
}

/// The answer when the state could not be saved.
fn unsaved() -> ApiErr {
    ApiErr::new(
        500,
        "SYSTEM_ERROR",
        "系统错误，状态未能保存 (the sandbox could not save its state; restart it to continue from what was saved)",
    )
}

impl Journal {
    /// A journal committing into `store`.
    pub fn new(store: Store) -> Self {
        Self {
            pending: Mutex::new(Pending::default()),
            committed: Condvar::new(),
            store: Mutex::new(store),
        }
    }

    /// Queues `changes` (and the id counter `next_id`) for the next commit. Refused once a
    /// commit has failed; then the caller must not apply them.
    pub fn enqueue(&self, changes: Vec<Change>, next_id: u64) -> Result<(), ApiErr> {
        let mut p = lock(&self.pending);
        if p.failed.is_some() {
            return Err(unsaved());
        }
        p.queue.extend(changes);
        p.next_id = p.next_id.max(next_id);
        p.enqueued += 1;
        Ok(())
    }

    /// Blocks until every change queued before this call is committed; fails if a commit
    /// failed.
    pub fn sync(&self) -> Result<(), ApiErr> {
        let mut p = lock(&self.pending);
        let target = p.enqueued;
        loop {
            if p.durable >= target {
                return Ok(());
            }
            if p.failed.is_some() {
                return Err(unsaved());
            }
            if p.committing {
                p = self.committed.wait(p).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            // Lead: commit everything queued so far, outside the queue's lock.
            p.committing = true;
            let batch = std::mem::take(&mut p.queue);
            let (end, next_id) = (p.enqueued, p.next_id);
            drop(p);
            let result = lock(&self.store).commit(&batch, next_id);
            p = lock(&self.pending);
            p.committing = false;
            match result {
                Ok(()) => p.durable = end,
                Err(e) => {
                    eprintln!("wechatpay-sandbox: {e}; the state is frozen until a restart");
                    p.failed = Some(e);
                }
            }
            self.committed.notify_all();
        }
    }
}

impl Shared {
    /// Waits until every state change made so far is durable (see the module docs); call it
    /// after the state lock is released and before answering.
    pub fn sync_state(&self) -> Result<(), ApiErr> {
        let journal = lock(&self.state).journal();
        match journal {
            Some(j) => j.sync(),
            None => Ok(()),
        }
    }
}
