//! The read lease (G10): what lets an instance answer a hit from memory with no Redis
//! command, and the state behind it — the tag versions this instance has learned, the
//! number of the last invalidation it applied, and until when its lease holds.
//!
//! The argument is in the crate docs ("G10, zero round trips"); this module keeps the
//! state that argument needs, and nothing here talks to Redis:
//!
//! * **Numbered invalidations.** Every invalidation (and epoch move) gets the next value
//!   of `{ns}:seq` in the same script that bumps the tags and publishes it, so messages
//!   arrive on a subscription in number order. `applied` is the highest number this
//!   instance applied *without a gap* since its **baseline**.
//! * **Generations.** The learned versions are valid for one generation: a lost
//!   subscription, a gap in the numbers, or a resynchronisation starts a new one with an
//!   empty map. A version learned from a command sent in an older generation is dropped,
//!   so the map only holds values read from Redis after the generation's baseline, or
//!   delivered by messages after it — each at least as new as every invalidation with a
//!   number up to the baseline.
//! * **The lease.** A grant (see `holder`) succeeds only if `applied` equals `{ns}:seq`
//!   when Redis runs it. From when the grant was *sent*, it holds for `hold`, measured on
//!   this process's monotonic clock: the configured lease shortened by the clock-rate
//!   margin and a scheduling margin, so it ends before any writer stops waiting for it.
//!   While it holds, [`ReadLease::versions`] answers from the map.

mod acks;
pub(crate) mod holder;

pub(crate) use acks::{Acks, Holder};

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::key::Versions;

/// Clocks may run this much faster or slower than real time (NTP keeps them within
/// 500 ppm; this allows 2 %).
const CLOCK_RATE_MARGIN: f64 = 0.02;
/// Taken off every lease besides the rate margin: scheduling delays between reading the
/// clock and using the answer.
const SCHEDULING_MARGIN: Duration = Duration::from_millis(50);
/// Learned tags kept before the map is emptied (each costs a tag name and a number).
const MAX_TAGS: usize = 100_000;

/// Where an invalidation's number falls against what this instance applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numbered {
    /// The next one: applied, acknowledge up to it.
    Next(u64),
    /// Before the baseline or already applied (its versions were still merged).
    Old,
    /// Numbers were skipped: resynchronised at it (new generation), acknowledge up to it.
    Gap(u64),
    /// No baseline yet: versions merged, nothing to acknowledge.
    Unsynced,
}

/// A grant being asked for: what it was asked with, and when it was sent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt {
    pub generation: u64,
    pub applied: Option<u64>,
    pub sent: Instant,
}

#[derive(Default)]
struct State {
    generation: u64,
    applied: Option<u64>,
    epoch: Option<u64>,
    tags: HashMap<String, u64>,
    /// `applied` when a grant was last refused: refused twice at the same number means a
    /// message was lost, not late.
    refused_at: Option<u64>,
}

impl State {
    fn restart(&mut self, baseline: Option<u64>, epoch: Option<u64>) {
        self.generation += 1;
        self.applied = baseline;
        self.epoch = epoch;
        self.tags.clear();
        self.refused_at = None;
    }

    fn merge(&mut self, tags: &[impl AsRef<str>], versions: &[u64]) {
        if self.tags.len() + tags.len() > MAX_TAGS {
            self.tags.clear(); // fewer learned tags only means more round trips
        }
        for (tag, version) in tags.iter().zip(versions) {
            let known = self.tags.entry(tag.as_ref().to_owned()).or_insert(0);
            *known = (*known).max(*version);
        }
    }

    fn merge_epoch(&mut self, epoch: u64) {
        self.epoch = Some(self.epoch.map_or(epoch, |e| e.max(epoch)));
    }

    /// Places number `seq` against `applied` (see [`Numbered`]), moving `applied` on.
    fn number(&mut self, seq: u64) -> Numbered {
        match self.applied {
            None => Numbered::Unsynced,
            Some(a) if seq <= a => Numbered::Old,
            Some(a) if seq == a + 1 => {
                self.applied = Some(seq);
                Numbered::Next(seq)
            }
            Some(_) => {
                self.restart(Some(seq), None);
                Numbered::Gap(seq)
            }
        }
    }
}

/// This instance's read lease and learned versions. Shared by reads (lock-free check of
/// the lease, then a read lock), the subscription task and the lease holder task.
pub(crate) struct ReadLease {
    /// The configured lease: how long a writer waits at most for this instance.
    pub lease: Duration,
    /// How long a grant lets this instance answer from memory (shorter, see module docs).
    hold: Duration,
    base: Instant,
    /// Nanoseconds after `base` until which the lease holds; 0 = not held.
    until: AtomicU64,
    state: RwLock<State>,
}

impl ReadLease {
    /// A lease of `lease` (zero: never held, every hit resolves its versions in Redis).
    pub fn new(lease: Duration) -> Self {
        let shortened = lease.mul_f64((1.0 - CLOCK_RATE_MARGIN) / (1.0 + CLOCK_RATE_MARGIN));
        let hold = shortened.saturating_sub(SCHEDULING_MARGIN);
        Self {
            lease,
            hold,
            base: Instant::now(),
            until: AtomicU64::new(0),
            state: RwLock::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        !self.hold.is_zero()
    }

    fn nanos(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.base).as_nanos()).unwrap_or(u64::MAX)
    }

    /// Whether the lease holds now.
    pub fn held(&self) -> bool {
        self.nanos(Instant::now()) < self.until.load(Ordering::Acquire)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The versions of `tags` from memory, if the lease holds and every one is known.
    pub fn versions(&self, tags: &[impl AsRef<str>]) -> Option<Versions> {
        if !self.held() {
            return None;
        }
        let state = self.read();
        let epoch = state.epoch?;
        let versions = tags.iter().map(|t| state.tags.get(t.as_ref()).copied());
        Some(Versions { epoch, tags: versions.collect::<Option<_>>()? })
    }

    /// Whether the lease holds now and every one of `tags` is known (what
    /// [`ReadLease::versions`] would answer, without building the answer).
    pub fn covers(&self, tags: &[impl AsRef<str>]) -> bool {
        if !self.held() {
            return false;
        }
        let state = self.read();
        state.epoch.is_some() && tags.iter().all(|t| state.tags.contains_key(t.as_ref()))
    }

    /// The generation to quote when learning from a command sent now.
    pub fn generation(&self) -> u64 {
        self.read().generation
    }

    /// Merges versions read from Redis by a command sent in `generation`.
    pub fn learn(&self, generation: u64, tags: &[impl AsRef<str>], versions: &Versions) {
        let mut state = self.write();
        if state.generation == generation {
            state.merge_epoch(versions.epoch);
            state.merge(tags, &versions.tags);
        }
    }

    /// Merges the versions this instance's own invalidation set (sent in `generation`).
    pub fn learn_tags(&self, generation: u64, tags: &[String], versions: &[u64]) {
        let mut state = self.write();
        if state.generation == generation && versions.len() == tags.len() {
            state.merge(tags, versions);
        }
    }

    /// Applies a numbered invalidation from the subscription.
    pub fn invalidated(&self, tags: &[String], versions: &[u64], seq: Option<u64>) -> Numbered {
        let mut state = self.write();
        let Some(seq) = seq else {
            // From an instance without leases: forget these tags, learn them again.
            for tag in tags {
                state.tags.remove(tag);
            }
            return Numbered::Old;
        };
        let placed = state.number(seq);
        if let Numbered::Gap(_) = placed {
            self.until.store(0, Ordering::Release);
        }
        state.merge(tags, versions);
        placed
    }

    /// Applies a numbered epoch move from the subscription.
    pub fn epoch_moved(&self, epoch: u64, seq: u64) -> Numbered {
        let mut state = self.write();
        let placed = state.number(seq);
        if let Numbered::Gap(_) = placed {
            self.until.store(0, Ordering::Release);
        }
        state.merge_epoch(epoch);
        placed
    }

    /// The subscription was lost (or Redis failed): no lease, nothing learned, no baseline.
    pub fn reset(&self) {
        self.until.store(0, Ordering::Release);
        self.write().restart(None, None);
    }

    pub fn attempt(&self) -> Attempt {
        let state = self.read();
        Attempt { generation: state.generation, applied: state.applied, sent: Instant::now() }
    }

    /// Redis granted `attempt`: the lease holds until `hold` after it was sent.
    pub fn granted(&self, attempt: Attempt) {
        let state = self.read();
        if state.generation == attempt.generation {
            let until = self.nanos(attempt.sent + self.hold);
            self.until.fetch_max(until, Ordering::AcqRel);
        }
    }

    /// Redis refused `attempt` because its number is `seq` (epoch `epoch`). Without a
    /// baseline, or refused twice at the same number (a message was lost, not late), this
    /// resynchronises at `seq` and returns true: ask again now.
    pub fn refused(&self, attempt: Attempt, seq: u64, epoch: u64) -> bool {
        let mut state = self.write();
        if state.generation != attempt.generation || state.applied != attempt.applied {
            return false; // moved on meanwhile: the next attempt tells
        }
        if state.applied.is_some() && state.refused_at != state.applied {
            state.refused_at = state.applied;
            return false;
        }
        self.until.store(0, Ordering::Release);
        state.restart(Some(seq), Some(epoch));
        true
    }

    /// The number applied (what acknowledgements say).
    #[cfg(test)]
    pub fn applied(&self) -> Option<u64> {
        self.read().applied
    }
}

#[cfg(test)]
mod tests;
