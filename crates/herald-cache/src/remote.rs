//! The Redis tier: its connection, its health, and one function per protocol step
//! (resolve versions, acquire, store, release, renew, invalidate, publish, clear, bump epoch).
//! Functions here only talk to Redis; deciding what a failure means is the caller's job.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, RedisResult, Value};
use tokio::sync::Notify;
use tokio::time::timeout;

use crate::events::Event;
pub(crate) use crate::health::Health;
use crate::key::{RedisNames, VKey, Versions};
use crate::lease::Holder;
use crate::scripts::Scripts;
use crate::window::WindowScripts;

/// Time to open a connection before Redis counts as down.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Time to answer one command before Redis counts as down.
pub(crate) const RESPONSE_TIMEOUT: Duration = Duration::from_secs(1);

/// What an invalidation script did: its number, the tags' new versions, and the other
/// instances holding a read lease then (each must apply it or lose its lease before the
/// invalidation is acknowledged); `at` is when its answer arrived.
pub(crate) struct Published {
    pub seq: u64,
    pub versions: Vec<u64>,
    pub holders: Vec<Holder>,
    /// Redis may have forgotten lease holders (see `scripts::INVALIDATE`): wait a whole
    /// lease whatever the acknowledgements.
    pub unsure: bool,
    pub at: tokio::time::Instant,
}

/// What a lease attempt found.
pub(crate) enum Acquire {
    /// The entry is stored: its JSON.
    Found(String),
    /// We hold the lease: fill and store.
    Leased,
    /// Another holder is filling.
    Busy,
}

pub(crate) struct Remote {
    client: Option<redis::Client>,
    conn: Mutex<Option<ConnectionManager>>,
    pub names: RedisNames,
    pub health: Health,
    /// This instance's name among read-lease holders (random, per process).
    pub id: String,
    pub(crate) scripts: Scripts,
    windows: WindowScripts,
    /// Lease waiters on this instance, by entry key (at most one per versioned key,
    /// because readers of one versioned key share one local fill).
    waiters: Mutex<HashMap<String, Arc<Notify>>>,
}

fn not_connected() -> RedisError {
    RedisError::from((redis::ErrorKind::IoError, "not connected to redis"))
}

pub(crate) fn timed_out(what: &'static str) -> RedisError {
    RedisError::from((redis::ErrorKind::IoError, "timed out", what.to_owned()))
}

fn unix_millis() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(now.as_millis()).unwrap_or(u64::MAX)
}

impl Remote {
    /// A tier that is not connected yet. A malformed URL is logged and leaves the
    /// instance degraded for good (reads bypass).
    pub fn new(url: &str, namespace: &str) -> Self {
        let client = redis::Client::open(url)
            .inspect_err(|e| tracing::error!(error = %e, "invalid redis_url; cache stays bypassed"))
            .ok();
        Self {
            client,
            conn: Mutex::new(None),
            names: RedisNames::new(namespace),
            health: Health::new(),
            id: format!("{:016x}", rand::random::<u64>()),
            scripts: Scripts::new(),
            windows: WindowScripts::new(),
            waiters: Mutex::new(HashMap::new()),
        }
    }

    pub fn client(&self) -> RedisResult<&redis::Client> {
        self.client.as_ref().ok_or_else(not_connected)
    }

    pub(crate) fn conn(&self) -> RedisResult<ConnectionManager> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        conn.clone().ok_or_else(not_connected)
    }

    /// Opens a fresh command connection and checks it answers.
    pub async fn connect(&self) -> RedisResult<()> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(CONNECT_TIMEOUT)
            .set_response_timeout(RESPONSE_TIMEOUT)
            .set_number_of_retries(1)
            .set_max_delay(200);
        let client = self.client()?.clone();
        let mut manager = ConnectionManager::new_with_config(client, config).await?;
        redis::cmd("PING").query_async::<()>(&mut manager).await?;
        *self.conn.lock().unwrap_or_else(|e| e.into_inner()) = Some(manager);
        Ok(())
    }

    /// One round trip: the epoch and every tag's version (missing tag = 0).
    pub async fn resolve(&self, tags: &[impl AsRef<str>]) -> RedisResult<Versions> {
        let mut mget = redis::cmd("MGET");
        mget.arg(self.names.epoch());
        for tag in tags {
            mget.arg(self.names.tag_arg(tag.as_ref()));
        }
        let values: Vec<Option<u64>> = mget.query_async(&mut self.conn()?).await?;
        let epoch = values[0]
            .ok_or_else(|| RedisError::from((redis::ErrorKind::ResponseError, "epoch missing")))?;
        let tags = values[1..].iter().map(|v| v.unwrap_or(0)).collect();
        Ok(Versions { epoch, tags })
    }

    /// Returns the stored entry, or takes the lease for `vk`, or reports it busy.
    pub async fn acquire(
        &self,
        vk: &VKey,
        token: &str,
        lease_ttl: Duration,
    ) -> RedisResult<Acquire> {
        let reply: Value = self
            .scripts
            .acquire
            .key(self.names.entry(vk))
            .key(self.names.lease(vk))
            .arg(token)
            .arg(millis(lease_ttl))
            .invoke_async(&mut self.conn()?)
            .await?;
        Ok(match reply {
            Value::Int(1) => Acquire::Leased,
            Value::Int(_) => Acquire::Busy,
            other => Acquire::Found(redis::from_redis_value(&other)?),
        })
    }

    /// Compare-and-set store of `json` for `vk`; releases our `lease` (if we hold one)
    /// and wakes waiters. `Ok(false)` = a version moved on since `vk` was resolved.
    pub async fn store(
        &self,
        vk: &VKey,
        tags: &[String],
        json: &str,
        ttl: Duration,
        lease: Option<&str>,
    ) -> RedisResult<bool> {
        let entry = self.names.entry(vk);
        let mut call = self.scripts.store.key(self.names.epoch());
        call.arg(vk.versions.epoch);
        for (tag, version) in tags.iter().zip(vk.versions.tags.iter()) {
            call.key(self.names.tag(tag)).arg(*version);
        }
        call.key(&entry).key(self.names.lease(vk));
        call.arg(json)
            .arg(millis(ttl))
            .arg(lease.unwrap_or("")) // '' never matches a lease token
            .arg(self.names.channel());
        call.arg(Event::Filled { filled: entry }.encode());
        call.arg(crate::scripts::HANDOFF_MS);
        let stored: i64 = call.invoke_async(&mut self.conn()?).await?;
        Ok(stored == 1)
    }

    /// Gives up `token`'s lease (the fill failed) and wakes waiters so one takes over.
    pub async fn release(&self, vk: &VKey, token: &str) -> RedisResult<()> {
        let filled = Event::Filled { filled: self.names.entry(vk) }.encode();
        let mut call = self.scripts.release.prepare_invoke();
        call.key(self.names.lease(vk)).arg(token).arg(self.names.channel()).arg(filled);
        call.invoke_async::<()>(&mut self.conn()?).await
    }

    /// Extends `token`'s lease while its fill runs.
    pub async fn renew(&self, vk: &VKey, token: &str, lease_ttl: Duration) -> RedisResult<()> {
        let mut call = self.scripts.renew.prepare_invoke();
        call.key(self.names.lease(vk)).arg(token).arg(millis(lease_ttl));
        call.invoke_async::<()>(&mut self.conn()?).await
    }

    /// Numbers the invalidation, INCRs every tag and publishes them with their new
    /// versions, atomically; returns what the script saw (see [`Published`]). Bounded by
    /// `RESPONSE_TIMEOUT` as a whole, also while the connection is still reconnecting
    /// (a degraded instance calls it too). A timeout may hide a script that did run:
    /// reporting that as a failure is the safe side.
    pub async fn invalidate(&self, tags: &[String]) -> RedisResult<Published> {
        let mut call = self.scripts.invalidate.prepare_invoke();
        call.key(self.names.seq()).key(self.names.holders());
        call.key(self.names.epoch()).key(self.names.unsure());
        for tag in tags {
            call.key(self.names.tag(tag));
        }
        call.arg(self.names.channel()).arg(Event::invalidation_prefix(tags));
        let mut conn = self.conn()?;
        let run = call.invoke_async::<(u64, Vec<u64>, Vec<String>, u8)>(&mut conn);
        let (seq, versions, flat, unsure) =
            timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("invalidate"))??;
        let at = tokio::time::Instant::now();
        let holders = flat
            .chunks_exact(2)
            .map(|pair| Holder { id: pair[0].clone(), score: pair[1].clone() })
            .filter(|h| h.id != self.id)
            .collect();
        Ok(Published { seq, versions, holders, unsure: unsure == 1, at })
    }

    /// Takes up to `wanted` uses of the shared window `key`: (granted, ms until one frees).
    pub async fn take_slots(
        &self,
        key: &str,
        wanted: u32,
        limit: u32,
        period: Duration,
        prefix: &str,
    ) -> RedisResult<(u32, u64)> {
        let mut call = self.windows.take.prepare_invoke();
        call.key(self.names.window(key)).arg(wanted).arg(limit).arg(millis(period));
        call.arg(prefix);
        let mut conn = self.conn()?;
        let run = call.invoke_async::<(u32, u64)>(&mut conn);
        timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("take slots"))?
    }

    /// Removes the uses `{prefix}:{first..=last}` from the shared window `key`.
    pub async fn refund_slots(
        &self,
        key: &str,
        prefix: &str,
        first: u32,
        last: u32,
    ) -> RedisResult<()> {
        let mut call = self.windows.refund.prepare_invoke();
        call.key(self.names.window(key)).arg(prefix).arg(first).arg(last);
        let mut conn = self.conn()?;
        let run = call.invoke_async::<()>(&mut conn);
        timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("refund slots"))?
    }

    /// Moves one use of the grant `prefix` (of `granted` uses) in the window `key` to now.
    pub async fn restamp_slot(
        &self,
        key: &str,
        prefix: &str,
        granted: u32,
        period: Duration,
    ) -> RedisResult<()> {
        let mut call = self.windows.restamp.prepare_invoke();
        call.key(self.names.window(key)).arg(prefix).arg(granted).arg(millis(period));
        call.arg(format!("{prefix}:late:{:016x}", rand::random::<u64>()));
        let mut conn = self.conn()?;
        let run = call.invoke_async::<()>(&mut conn);
        timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("restamp slot"))?
    }

    /// Raises the shared window `key` to at least `count` uses.
    pub async fn fill_slots(
        &self,
        key: &str,
        count: u32,
        period: Duration,
        hold: Duration,
    ) -> RedisResult<()> {
        let mut call = self.windows.fill.prepare_invoke();
        call.key(self.names.window(key)).arg(count).arg(millis(period));
        call.arg(format!("{:016x}", rand::random::<u64>())).arg(millis(hold));
        let mut conn = self.conn()?;
        let run = call.invoke_async::<()>(&mut conn);
        timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("fill slots"))?
    }

    /// Whether the command connection answers (within `RESPONSE_TIMEOUT`).
    pub async fn ping(&self) -> RedisResult<()> {
        let (mut conn, ping) = (self.conn()?, redis::cmd("PING"));
        let answer = ping.query_async::<()>(&mut conn);
        timeout(RESPONSE_TIMEOUT, answer).await.map_err(|_| timed_out("ping"))?
    }

    pub async fn publish(&self, event: &Event) -> RedisResult<()> {
        let mut cmd = redis::cmd("PUBLISH");
        cmd.arg(self.names.channel()).arg(event.encode());
        cmd.query_async::<()>(&mut self.conn()?).await
    }

    /// SCAN + DEL of every entry whose key starts with `prefix`; returns how many.
    pub async fn clear(&self, prefix: &str) -> RedisResult<u64> {
        let mut conn = self.conn()?;
        let pattern = self.names.entry_pattern(prefix);
        let (mut cursor, mut dropped) = (0u64, 0u64);
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(500)
                .query_async(&mut conn)
                .await?;
            if !keys.is_empty() {
                dropped += redis::cmd("DEL").arg(&keys).query_async::<u64>(&mut conn).await?;
            }
            if next == 0 {
                return Ok(dropped);
            }
            cursor = next;
        }
    }

    /// Sets the epoch to unix millis if it is missing (first start, or a Redis that
    /// lost its data), so epochs never repeat.
    pub async fn init_epoch(&self) -> RedisResult<()> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.names.epoch()).arg(unix_millis()).arg("NX");
        cmd.query_async::<()>(&mut self.conn()?).await
    }

    /// Moves the epoch on: every entry stored before, on any instance, is now unreachable.
    /// Returns the new epoch.
    pub async fn bump_epoch(&self, unsure_for: Duration) -> RedisResult<u64> {
        let mut call = self.scripts.bump_epoch.prepare_invoke();
        call.key(self.names.epoch()).key(self.names.seq()).key(self.names.unsure());
        call.arg(unix_millis()).arg(self.names.channel()).arg(millis(unsure_for));
        let (epoch, _seq): (u64, u64) = call.invoke_async(&mut self.conn()?).await?;
        Ok(epoch)
    }

    /// Registers interest in `entry` being filled; drop the guard to stop.
    pub fn register(&self, entry: &str) -> Waiter<'_> {
        let notify = Arc::new(Notify::new());
        let mut waiters = self.waiters.lock().unwrap_or_else(|e| e.into_inner());
        waiters.insert(entry.to_owned(), notify.clone());
        Waiter { remote: self, entry: entry.to_owned(), notify }
    }

    pub fn wake(&self, entry: &str) {
        let waiters = self.waiters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(notify) = waiters.get(entry) {
            notify.notify_one();
        }
    }
}

pub(crate) struct Waiter<'a> {
    remote: &'a Remote,
    entry: String,
    pub notify: Arc<Notify>,
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        let mut waiters = self.remote.waiters.lock().unwrap_or_else(|e| e.into_inner());
        if waiters.get(&self.entry).is_some_and(|n| Arc::ptr_eq(n, &self.notify)) {
            waiters.remove(&self.entry);
        }
    }
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}
