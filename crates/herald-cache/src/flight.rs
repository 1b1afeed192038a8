//! Single-flight inside one instance: the map of fills in progress, keyed by versioned
//! key, that concurrent readers of the same versions join.
//!
//! Unlike moka's `get_with`, a reader only ever joins a fill for the exact versions it
//! resolved, so a reader that starts after an invalidation cannot join an older fill.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::{BoxFuture, Shared, WeakShared};
use futures::FutureExt as _;

use crate::key::VKey;
use crate::local::LocalTier;
use crate::types::Lookup;

/// A fill that every reader of one versioned key awaits; each gets a clone of its result
/// (the value's `Arc`, or the error's).
pub(crate) type FillFuture<V, E> = Shared<BoxFuture<'static, Result<Lookup<V>, Arc<E>>>>;

/// What a reader does after missing the local tier.
pub(crate) enum Claim<V, E> {
    /// The fill finished between the reader's first look and its claim.
    Hit(Lookup<V>),
    /// Another reader of the same versions is filling: await it.
    Join(FillFuture<V, E>),
    /// This reader starts the fill.
    Lead(FillFuture<V, E>),
}

struct Flight {
    id: u64,
    tags: Box<[String]>,
    /// A `WeakShared<BoxFuture<..Result<Lookup<V>, Arc<E>>>>`: weak, so a fill that every
    /// reader abandoned is dropped (and its guard removes this entry).
    fill: Box<dyn Any + Send + Sync>,
}

#[derive(Default)]
pub(crate) struct Flights {
    map: Mutex<HashMap<VKey, Flight>>,
    next_id: AtomicU64,
}

impl Flights {
    /// Joins the fill in progress for `(vk, tags)`, or finds the entry it just stored,
    /// or registers the fill made by `make(id)`. `make` runs under the map's lock and
    /// must only build a future (no user code).
    pub fn claim<V, E>(
        &self,
        local: &LocalTier,
        vk: &VKey,
        tags: &[String],
        make: impl FnOnce(u64) -> BoxFuture<'static, Result<Lookup<V>, Arc<E>>>,
    ) -> Claim<V, E>
    where
        V: Send + Sync + 'static,
        E: Send + Sync + 'static,
    {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(fill) = map.get(vk).and_then(|f| joinable::<V, E>(f, tags)) {
            return Claim::Join(fill);
        }
        // A fill inserts into the local tier before it leaves this map, so checking
        // again under the lock closes the window between the caller's first look and now.
        if let Some(hit) = local.get::<V>(vk, tags) {
            return Claim::Hit(hit);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let fill = make(id).shared();
        let weak = fill.downgrade().expect("a fill that was just created is alive");
        let flight = Flight { id, tags: tags.into(), fill: Box::new(weak) };
        map.insert(vk.clone(), flight);
        Claim::Lead(fill)
    }

    /// Removes the entry of fill `id` (not a newer fill's) once it is done or dropped.
    pub fn finish(&self, vk: &VKey, id: u64) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.get(vk).is_some_and(|f| f.id == id) {
            map.remove(vk);
        }
    }
}

fn joinable<V, E>(flight: &Flight, tags: &[String]) -> Option<FillFuture<V, E>>
where
    V: Send + Sync + 'static,
    E: Send + Sync + 'static,
{
    if &*flight.tags != tags {
        return None;
    }
    let weak =
        flight.fill.downcast_ref::<WeakShared<BoxFuture<'static, Result<Lookup<V>, Arc<E>>>>>()?;
    weak.upgrade()
}
