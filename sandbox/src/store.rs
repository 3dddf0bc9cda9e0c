//! The durable copy of the business state: one SQLite database in the merchant directory
//! ([`DB_FILE`]). The in-memory [`crate::state::State`] stays the working copy that requests
//! read; its changes reach this database through the group commit of [`crate::journal`],
//! before any answer that depends on them is sent.
//!
//! # Durability settings
//!
//! The database runs in WAL mode with `synchronous = FULL`:
//!
//! - Against `kill -9` (the process dies, the machine keeps running) WAL with `NORMAL` would
//!   already be enough: a commit has written its frames into the WAL file, that is into the
//!   operating system's page cache, before it returns, and the OS writes them out later.
//! - Against power loss or an OS crash, `NORMAL` in WAL mode can lose the last commits (the WAL
//!   is only synced at checkpoints). `FULL` syncs the WAL on every commit, so an operation that
//!   was answered 2xx survives a power cut too.
//!
//! The sandbox is a test peer whose clients keep the ids it returned, so an answered operation
//! that later vanishes is the failure to rule out, on any kind of crash: hence `FULL`. Its
//! cost, one `fsync` per commit (0.25 to 4 ms on the 2-core test machine, depending on the
//! other disk traffic), would serialise every change behind the disk; the group commit shares
//! one `fsync` among all the changes that queued up meanwhile instead.
//!
//! Counters that follow from the coupons (`distributed_coupons`, coupons per user, amount
//! issued per day) are not stored: they are recomputed from the coupon rows on load, so they
//! cannot drift from the coupons that exist.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, params};
use wechatpay_coupons::favor::models::{CreateStockRequest, SendCouponRequest};

use crate::SandboxError;
use crate::state::{Callback, Consume, Coupon, FlowRecord, Stock};
use wechatpay_coupons::favor::models::{CouponStatus, StockStatus};

/// Name of the state database in the merchant directory (with `-wal` and `-shm` beside it).
pub const DB_FILE: &str = "sandbox-state.sqlite3";

/// Version of the schema below (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS stocks (
    stock_id TEXT PRIMARY KEY,
    creator TEXT NOT NULL,
    out_request_no TEXT NOT NULL UNIQUE,
    request TEXT NOT NULL,
    status TEXT NOT NULL,
    create_time INTEGER NOT NULL,
    begin_time INTEGER NOT NULL,
    end_time INTEGER NOT NULL,
    start_time INTEGER,
    stop_time INTEGER,
    coupon_amount INTEGER NOT NULL,
    transaction_minimum INTEGER NOT NULL,
    max_coupons INTEGER NOT NULL,
    max_amount INTEGER NOT NULL,
    max_amount_by_day INTEGER,
    max_coupons_per_user INTEGER NOT NULL,
    minutes_after_receive INTEGER,
    merchants TEXT NOT NULL,
    items TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS coupons (
    coupon_id TEXT PRIMARY KEY,
    stock_id TEXT NOT NULL,
    openid TEXT NOT NULL,
    appid TEXT NOT NULL,
    status TEXT NOT NULL,
    create_time INTEGER NOT NULL,
    begin_time INTEGER NOT NULL,
    end_time INTEGER NOT NULL,
    out_request_no TEXT NOT NULL UNIQUE,
    request TEXT NOT NULL,
    consume_time INTEGER,
    consume_mchid TEXT,
    consume_transaction_id TEXT,
    consume_order_amount INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS flows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('use', 'refund')),
    stock_id TEXT NOT NULL,
    coupon_id TEXT NOT NULL,
    discount INTEGER NOT NULL,
    order_amount INTEGER NOT NULL,
    transaction_id TEXT NOT NULL,
    refund_id TEXT,
    time INTEGER NOT NULL,
    mchid TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS callback (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    notify_url TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    update_time INTEGER NOT NULL
) STRICT;
";

/// One change to make durable.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Change {
    /// A stock was created or changed (status, times, item codes); its counters are ignored.
    Stock(Box<Stock>),
    /// A coupon was sent by this request (the openid is the coupon's).
    NewCoupon(Coupon, SendCouponRequest),
    /// A coupon's status or use details changed.
    CouponState(Coupon),
    /// A use (`refund_id` none) or refund was recorded.
    Flow(FlowRecord),
    /// The callback was set.
    Callback(Callback),
    /// The business clock offset is now this many seconds.
    ClockOffset(i64),
}

/// Everything read back from the database when it is opened.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Stocks in id order, counters zero (see [`crate::state::State::restore`]).
    pub stocks: Vec<Stock>,
    /// Coupons with the request that sent each (openid filled in).
    pub coupons: Vec<(Coupon, SendCouponRequest)>,
    /// Uses in order.
    pub uses: Vec<FlowRecord>,
    /// Refunds in order.
    pub refunds: Vec<FlowRecord>,
    /// The callback, if set.
    pub callback: Option<Callback>,
    /// Last id handed out (stock, coupon, transaction and refund ids share it).
    pub next_id: u64,
    /// Business clock offset in seconds.
    pub clock_offset: i64,
    /// How many times the state has been opened, this time included (starts at 1).
    pub boot: u64,
}

/// The open state database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A failed read or write of the state database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("state database {path}: {message}")]
pub struct StoreError {
    /// The database file.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// A stored stock status: one of the four the sandbox uses.
fn status_of(s: &str) -> Option<StockStatus> {
    let status = StockStatus::from_wire(s);
    matches!(
        status,
        StockStatus::Unactivated | StockStatus::Running | StockStatus::Paused | StockStatus::Stoped
    )
    .then_some(status)
}

/// A stored coupon status: one of the three the sandbox uses.
fn coupon_status_of(s: &str) -> Option<CouponStatus> {
    let status = CouponStatus::from_wire(s);
    matches!(
        status,
        CouponStatus::Sended | CouponStatus::Used | CouponStatus::Expired
    )
    .then_some(status)
}

/// A column holding JSON text, decoded into `T`.
fn json_col<T: serde::de::DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
}

/// A status column mapped onto one of the known values.
fn status_col<T>(row: &Row<'_>, idx: usize, known: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    known(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown status {text:?}").into(),
        )
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> rusqlite::Result<String> {
    serde_json::to_string(v).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl Store {
    /// Opens (creating if needed) the state database in `dir`, sets WAL mode and
    /// `synchronous = FULL`, counts this opening as a new boot and reads everything back.
    pub fn open(dir: &Path) -> Result<(Self, Snapshot), SandboxError> {
        let path = dir.join(DB_FILE);
        let fail = |e: &dyn std::fmt::Display| {
            SandboxError::Config(format!(
                "state database {}: {e} (move the file away to start with an empty state)",
                path.display()
            ))
        };
        let conn = Connection::open(&path).map_err(|e| fail(&e))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| fail(&e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(fail(&format!("cannot switch to WAL mode (journal mode is {mode})")));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;")
            .map_err(|e| fail(&e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| fail(&e))?;
        if version > SCHEMA_VERSION {
            return Err(fail(&format!(
                "written by a newer sandbox (schema {version}; this one knows {SCHEMA_VERSION})"
            )));
        }
        let mut store = Self {
            conn,
            path: path.clone(),
        };
        let snapshot = store.init_and_load().map_err(|e| fail(&e))?;
        Ok((store, snapshot))
    }

    fn init_and_load(&mut self) -> rusqlite::Result<Snapshot> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('boots', 1)
             ON CONFLICT (key) DO UPDATE SET value = value + 1",
            [],
        )?;
        let meta = |key: &str| -> rusqlite::Result<i64> {
            Ok(tx
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()?
                .unwrap_or(0))
        };
        let mut snap = Snapshot {
            next_id: to_u64(meta("next_id")?),
            clock_offset: meta("clock_offset")?,
            boot: to_u64(meta("boots")?),
            ..Snapshot::default()
        };
        snap.stocks = tx
            .prepare(
                "SELECT stock_id, creator, request, status, create_time, begin_time, end_time, start_time,
                        stop_time, coupon_amount, transaction_minimum, max_coupons, max_amount,
                        max_amount_by_day, max_coupons_per_user, minutes_after_receive, merchants, items
                 FROM stocks ORDER BY stock_id",
            )?
            .query_map([], |r| {
                Ok(Stock {
                    stock_id: r.get(0)?,
                    creator: r.get(1)?,
                    request: json_col::<CreateStockRequest>(r, 2)?,
                    status: status_col(r, 3, status_of)?,
                    create_time: r.get(4)?,
                    begin: r.get(5)?,
                    end: r.get(6)?,
                    start_time: r.get(7)?,
                    stop_time: r.get(8)?,
                    coupon_amount: r.get(9)?,
                    transaction_minimum: r.get(10)?,
                    max_coupons: r.get(11)?,
                    max_amount: r.get(12)?,
                    max_amount_by_day: r.get(13)?,
                    max_coupons_per_user: r.get(14)?,
                    minutes_after_receive: r.get(15)?,
                    distributed: 0,
                    issued_by_day: Default::default(),
                    per_user: Default::default(),
                    merchants: json_col(r, 16)?,
                    items: json_col(r, 17)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        snap.coupons = tx
            .prepare(
                "SELECT coupon_id, stock_id, openid, appid, status, create_time, begin_time, end_time,
                        out_request_no, request, consume_time, consume_mchid, consume_transaction_id,
                        consume_order_amount
                 FROM coupons ORDER BY coupon_id",
            )?
            .query_map([], |r| {
                let consume = match r.get::<_, Option<i64>>(10)? {
                    Some(time) => Some(Consume {
                        time,
                        mchid: r.get(11)?,
                        transaction_id: r.get(12)?,
                        order_amount: r.get(13)?,
                    }),
                    None => None,
                };
                let coupon = Coupon {
                    coupon_id: r.get(0)?,
                    stock_id: r.get(1)?,
                    openid: r.get(2)?,
                    appid: r.get(3)?,
                    status: status_col(r, 4, coupon_status_of)?,
                    create_time: r.get(5)?,
                    begin: r.get(6)?,
                    end: r.get(7)?,
                    out_request_no: r.get(8)?,
                    consume,
                };
                let mut request: SendCouponRequest = json_col(r, 9)?;
                request.openid = coupon.openid.clone();
                Ok((coupon, request))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let flows: Vec<(String, FlowRecord)> = tx
            .prepare(
                "SELECT kind, stock_id, coupon_id, discount, order_amount, transaction_id, refund_id, time, mchid
                 FROM flows ORDER BY seq",
            )?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    FlowRecord {
                        stock_id: r.get(1)?,
                        coupon_id: r.get(2)?,
                        discount: r.get(3)?,
                        order_amount: r.get(4)?,
                        transaction_id: r.get(5)?,
                        refund_id: r.get(6)?,
                        time: r.get(7)?,
                        mchid: r.get(8)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (kind, rec) in flows {
            if kind == "use" {
                snap.uses.push(rec);
            } else {
                snap.refunds.push(rec);
            }
        }
        snap.callback = tx
            .query_row(
                "SELECT notify_url, enabled, update_time FROM callback WHERE id = 1",
                [],
                |r| {
                    Ok(Callback {
                        notify_url: r.get(0)?,
                        enabled: r.get(1)?,
                        update_time: r.get(2)?,
                    })
                },
            )
            .optional()?;
        tx.commit()?;
        Ok(snap)
    }

    /// Writes `changes` and the id counter `next_id` in one transaction and commits it (synced
    /// to disk, see the module docs). Nothing is written when it fails.
    pub fn commit(&mut self, changes: &[Change], next_id: u64) -> Result<(), StoreError> {
        self.try_commit(changes, next_id).map_err(|e| StoreError {
            path: self.path.display().to_string(),
            message: e.to_string(),
        })
    }

    fn try_commit(&mut self, changes: &[Change], next_id: u64) -> rusqlite::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for change in changes {
            write(&tx, change)?;
        }
        tx.prepare_cached(
            "INSERT INTO meta (key, value) VALUES ('next_id', ?1)
             ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
        )?
        .execute([to_i64(next_id)])?;
        tx.commit()
    }
}

fn write(tx: &rusqlite::Transaction<'_>, change: &Change) -> rusqlite::Result<()> {
    match change {
        Change::Stock(s) => {
            tx.prepare_cached(
                "INSERT INTO stocks (stock_id, creator, out_request_no, request, status, create_time, begin_time,
                        end_time, start_time, stop_time, coupon_amount, transaction_minimum, max_coupons,
                        max_amount, max_amount_by_day, max_coupons_per_user, minutes_after_receive,
                        merchants, items)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
                 ON CONFLICT (stock_id) DO UPDATE SET status = excluded.status,
                        start_time = excluded.start_time, stop_time = excluded.stop_time,
                        items = excluded.items, merchants = excluded.merchants",
            )?
            .execute(params![
                s.stock_id,
                s.creator,
                s.request.out_request_no,
                to_json(&s.request)?,
                s.status.as_str(),
                s.create_time,
                s.begin,
                s.end,
                s.start_time,
                s.stop_time,
                s.coupon_amount,
                s.transaction_minimum,
                s.max_coupons,
                s.max_amount,
                s.max_amount_by_day,
                s.max_coupons_per_user,
                s.minutes_after_receive,
                to_json(&s.merchants)?,
                to_json(&s.items)?,
            ])?;
        }
        Change::NewCoupon(c, req) => {
            tx.prepare_cached(
                "INSERT INTO coupons (coupon_id, stock_id, openid, appid, status, create_time, begin_time,
                        end_time, out_request_no, request)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                c.coupon_id,
                c.stock_id,
                c.openid,
                c.appid,
                c.status.as_str(),
                c.create_time,
                c.begin,
                c.end,
                c.out_request_no,
                to_json(req)?,
            ])?;
        }
        Change::CouponState(c) => {
            let consume = c.consume.as_ref();
            tx.prepare_cached(
                "UPDATE coupons SET status = ?2, consume_time = ?3, consume_mchid = ?4,
                        consume_transaction_id = ?5, consume_order_amount = ?6
                 WHERE coupon_id = ?1",
            )?
            .execute(params![
                c.coupon_id,
                c.status.as_str(),
                consume.map(|x| x.time),
                consume.map(|x| x.mchid.as_str()),
                consume.map(|x| x.transaction_id.as_str()),
                consume.map(|x| x.order_amount),
            ])?;
        }
        Change::Flow(f) => {
            tx.prepare_cached(
                "INSERT INTO flows (kind, stock_id, coupon_id, discount, order_amount, transaction_id, refund_id,
                        time, mchid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                if f.refund_id.is_some() { "refund" } else { "use" },
                f.stock_id,
                f.coupon_id,
                f.discount,
                f.order_amount,
                f.transaction_id,
                f.refund_id,
                f.time,
                f.mchid,
            ])?;
        }
        Change::Callback(cb) => {
            tx.prepare_cached(
                "INSERT INTO callback (id, notify_url, enabled, update_time) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET notify_url = excluded.notify_url, enabled = excluded.enabled,
                        update_time = excluded.update_time",
            )?
            .execute(params![cb.notify_url, cb.enabled, cb.update_time])?;
        }
        Change::ClockOffset(v) => {
            tx.prepare_cached(
                "INSERT INTO meta (key, value) VALUES ('clock_offset', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([*v])?;
        }
    }
    Ok(())
}
