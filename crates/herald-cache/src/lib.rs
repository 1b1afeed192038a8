//! A generic coherent read-through cache: an in-process tier (moka), an optional
//! shared Redis tier, tagged entries invalidated by version, single-flight fills
//! inside an instance and across instances, invalidation and message fan-out.
//! It knows nothing about the application that uses it.
//!
//! ```
//! use herald_cache::{Cache, Source};
//! use std::time::Duration;
//!
//! # #[tokio::main] async fn main() {
//! let cache = Cache::local(Duration::from_secs(120));
//! let tags = ["workspace:7"]; // or a `Vec<String>`: any slice of `AsRef<str>`
//! // Any `Send + Sync` error will do: readers sharing a fill share one `Arc<E>`.
//! let read = || async { Ok::<_, std::io::Error>(vec!["post 1".to_string()]) };
//!
//! let first = cache.get_or_fill("history:7", &tags, read).await.unwrap();
//! let again = cache.get_or_fill("history:7", &tags, read).await.unwrap();
//! assert_eq!((first.source, again.source), (Source::Miss, Source::Hit));
//!
//! cache.invalidate(&tags).await.unwrap(); // a write to workspace 7 was committed
//! let after = cache.get_or_fill("history:7", &tags, read).await.unwrap();
//! assert_eq!(after.source, Source::Miss); // never the entry filled before
//! # }
//! ```
//!
//! # The protocol
//!
//! **Versioned entries.** A read names a `key` and the `tags` the value depends on.
//! Before looking anything up, the reader resolves `versions = (epoch, [version of
//! each tag])`: from an in-process map without Redis, or with one `MGET` of
//! `{ns}:epoch` and `{ns}:tag:{tag}..` with Redis. An entry is identified by
//! `(key, versions)` on both tiers (Redis key `{ns}:v:{key}:{versions-hash}`, JSON
//! `{stamp, filled_at, tags, versions, value}`) and never changes once stored; old
//! versions are just never asked for again and age out (TTL, default 120 s, and the
//! local tier's budget). [`Cache::invalidate`] increments each tag's version (in
//! Redis: one Lua script that `INCR`s the tags and `PUBLISH`es `{"tags":[..]}` on
//! `{ns}:events`).
//!
//! **One round trip per request.** [`Cache::scoped`] resolves, in that same single
//! `MGET`, the versions of every tag a unit of work (an HTTP request) will read, and keeps
//! them in a Tokio task-local around the unit's future; each `get_or_fill` inside it that
//! names only tags of the snapshot takes its versions from there instead of its own
//! `MGET`, so a request answered from the local tier costs one Redis round trip however
//! many entries it reads. A read naming a tag the snapshot lacks resolves its own. The
//! snapshot is dropped (reads resolve for themselves) after an `invalidate` inside the
//! unit, after any Redis failure or recovery of the instance, once it is older than
//! [`SCOPE_MAX_AGE`] (1 s), and for tasks the unit spawns or anything polled after it
//! returned (an event stream's body).
//!
//! **Zero round trips under a read lease (G10).** Every invalidation is numbered: its
//! script `INCR`s `{ns}:seq`, bumps the tags, and publishes the tags *with their new
//! versions and the number*, in one atomic step, so every subscription receives them in
//! number order. Each instance keeps the versions it learned (from its `MGET`s and from
//! those messages) and `applied`, the last number it applied without a gap. Every third of a
//! lease (`read_lease`, default 2 s) its lease task asks Redis for a grant, a script that
//! registers the instance in the sorted set `{ns}:holders` (scored by Redis's clock, for two
//! leases) **only if `applied` equals `{ns}:seq`**. A granted instance answers reads whose tags
//! it knows from memory, with no Redis command, for `hold` after it *sent* the request, on
//! its own monotonic clock: `hold = lease·(1−δ)/(1+δ) − 50 ms` with δ = 2 % for clock rates.
//! After applying messages it publishes an acknowledgement `{"ack":id,"seq":applied}`. The
//! invalidation script also returns the registered holders; the writer applies its own
//! versions, then **waits until each other holder acknowledged the number or `lease` passed
//! since the script's answer arrived** (on the writer's monotonic clock), and only then
//! returns `Ok`. A holder it waited for in vain is dropped from the set, but only if its
//! registration is still the one the script saw (a later grant has another score).
//! Without a grant (no baseline yet, a failure, a refused grant) reads resolve in Redis
//! as above: that one-round-trip mode is always the fallback.
//!
//! **Memory bound.** The local tier is bounded by bytes, not entries
//! (`max_local_bytes`, default 256 MiB, through moka's weigher): every cached type
//! says its approximate heap size through [`Weigh`], and an entry weighs that plus its
//! key, tags and a fixed overhead. A value weighing more than a quarter of the budget
//! is returned to its readers but not kept locally (`Metrics::oversized`), so one
//! tenant's huge answers cannot push everything else out or grow the process.
//!
//! **Single-flight.** Inside an instance, readers of the same versioned key share one
//! fill, its value or its error (one `Arc<E>`; errors are never cached), through an
//! in-flight map (not moka's `get_with`, which lets a read that starts after an
//! invalidation join a load that started before it). A reader with newer versions has
//! another key, so it starts a new fill. After a fill, its result goes to
//! the local tier only if the versions are still current (in Redis mode: only if
//! Redis accepted the store); otherwise it is counted in `stale_fills_rejected` and
//! still returned to that fill's own readers, who all started before the invalidation.
//! Across instances, the instance that misses both tiers takes a lease
//! (`SET {ns}:lease:{versioned key} token NX PX lease_ttl`, renewed with `PEXPIRE`
//! while the fill runs). The others wait for the entry, woken by a `{"filled":..}`
//! message or re-checking every 25 ms, for up to `fill_wait`; if the lease vanishes
//! without an entry (its holder failed or died) one of them takes it over, and a
//! waiter that times out fills by itself. The holder stores with a Lua script that
//! writes the entry only if the epoch and every tag version still equal the ones it
//! filled for (compare-and-set), then releases its lease (compare-and-delete).
//!
//! **Fan-out.** A background task per Redis-backed `Cache` subscribes to
//! `{ns}:events`; it evicts local entries of invalidated tags (memory only) and
//! forwards every invalidation, this instance's and the others', to
//! [`Cache::subscribe`]. [`Cache::broadcast`] serialises a message once and sends it
//! the same way (delivered locally when Redis is off or down); each instance hands it,
//! as one shared JSON text, to the receivers of [`Cache::messages`] for its topic only
//! (one channel per topic, as mini-redis's `Db::subscribe`, dropped when unheard).
//!
//! **Degraded mode.** Any Redis error, or losing the subscription, marks the instance
//! degraded: reads then bypass the cache entirely (fill directly, store nothing, join
//! nothing). `invalidate` still runs its script on Redis, trying again for up to two seconds: after an
//! outage the command connection can answer again before the task has re-subscribed.
//! It also applies the invalidation locally, which its own subscription cannot, and
//! returns `Err(`[`Unshared`]`)` if Redis did not answer. The task reconnects every
//! `reconnect_every` (250 ms); on success it re-subscribes, `INCR`s `{ns}:epoch`,
//! flushes the local tier, and only then clears the flag (unless another failure
//! happened meanwhile). `{ns}:epoch` starts at the unix time in milliseconds
//! (`SET NX`), so a Redis that lost its data never repeats an old epoch. Starting with
//! Redis unreachable is a degraded start, not an error. Only GET, SET, MGET, INCR, DEL,
//! PEXPIRE, PUBLISH, SUBSCRIBE, PING, SCAN, ZREM, EVAL/EVALSHA and, inside scripts, TIME,
//! ZADD, ZCARD, ZSCORE, ZRANGE (BYSCORE) and ZREMRANGEBYSCORE are used, so Upstash /
//! Vercel KV work.
//!
//! # Why the guarantees hold
//!
//! * **G1, read-your-writes everywhere.** When `invalidate(tags)` returns `Ok`, the
//!   tags' versions have been incremented (in Redis, the `INCR`s have executed), on a
//!   degraded instance as on a healthy one: both run the script, and only a script
//!   that ran gives `Ok`. A read that starts afterwards, on any instance, resolves
//!   versions at least that new (a degraded instance resolves none: it bypasses), so
//!   it asks for a versioned key that no earlier read could have asked for: it cannot
//!   hit an older entry on either tier, and cannot join an older fill (the in-flight
//!   map and the lease are keyed by versioned key too). Its answer is therefore a fill
//!   that started after the invalidation, or an entry stored by one.
//!
//!   *With a request-scoped snapshot* ([`Cache::scoped`]) "a read that starts" means the
//!   unit of work (the request) that contains it, and the argument is the same: the
//!   snapshot's `MGET` runs after the unit started, so after every `INCR` acknowledged
//!   before then, and it reads the epoch with the tags in one command. Every read in the
//!   unit therefore uses versions at least as new as any invalidation acknowledged before
//!   the unit started, exactly as if it had run its own `MGET` then. An invalidation
//!   acknowledged while the unit runs may or may not be seen by the unit's later reads;
//!   that was already so without snapshots, since the reads of a request were separate
//!   `MGET`s, not one atomic read, and a request cannot tell whether a concurrent write
//!   was acknowledged just before or just after its read. Reading versions at the start
//!   is thus as good as reading them later, with three exceptions the snapshot steps
//!   aside for: the unit's own invalidation (read-your-writes inside one request: after
//!   `invalidate` runs in the unit, its later reads resolve afresh), a failure or recovery
//!   of the Redis tier (the snapshot records the health state and is used only while it
//!   is unchanged, so a recovery's epoch bump is never skipped), and age (a long request,
//!   such as an open event stream, re-reads after [`SCOPE_MAX_AGE`], and a stream's
//!   re-checks run outside the request's future anyway). The snapshot only chooses which
//!   versioned key a read asks for; lookups, single-flight, leases and the
//!   compare-and-set store are unchanged, so G2 and G3 hold as below.
//! * **G10, zero round trips without losing G1.** A read answered from memory at time T
//!   on instance H (lease held at T) uses, for each tag, the highest version H learned. Take
//!   an invalidation W acknowledged before T. Either its number is at most the baseline of
//!   H's current generation, and then every version H holds was read from Redis or
//!   delivered after W ran (a generation starts empty, from a number Redis returned after
//!   W), so it includes W; or its number is higher, and then W's script ran while H's
//!   subscription was live. Case 1: H's lease at T comes from a grant Redis ran after W. The
//!   grant required `applied` = `{ns}:seq` ≥ W's number, so H had applied W: its versions
//!   include W's. Case 2: the grant ran before W. Then W's script saw H registered (the
//!   registration lasts two leases on Redis's clock) and W's writer returned only after H
//!   acknowledged W — H acknowledges after applying — or after waiting `lease` from the
//!   script's answer. In real time that wait lasts at least `lease/(1+δ)` and starts after
//!   the grant ran; H's grant was sent before it ran and holds at most `hold/(1−δ) <
//!   lease/(1+δ)` of real time; so H's lease ended before W was acknowledged, before T:
//!   contradiction with "held at T". Either way the read resolves versions at least as new
//!   as W's, and G1's argument continues unchanged.
//!   *Lost messages:* a missing number is seen as a gap (the next message skips it): the
//!   lease is dropped at once and H resynchronises (new generation, empty map, baseline =
//!   the number it got). A lost *last* message shows as a grant refused twice at the same
//!   `applied`: H resynchronises at the number Redis returned. Meanwhile its old grant runs
//!   out, and W's writer waited for it (case 2). *A partition or a dead subscription:* H
//!   turns degraded and drops its lease and everything learned; writers wait at most one
//!   lease for it, once (its registration is then dropped). *An instance frozen or killed
//!   holding a lease* is the same: a write waits for it at most `lease`; after waking, its
//!   clock says the grant ran out (monotonic clocks keep counting while a process is
//!   stopped), its subscription replays or has lost what it missed, and it answers from
//!   memory only after a new grant, which needs every number applied. *Redis restarting
//!   or failing over* loses `{ns}:seq` and the holders' set, and a holder whose
//!   connection died may not have noticed yet (its pings notice within two seconds), still
//!   holding a grant from before. So a writer also waits a whole lease, acknowledgements
//!   or not, whenever Redis may have forgotten holders: when the epoch is missing (Redis
//!   lost its data and no instance has reconnected yet), and for two leases after any
//!   instance recovered (its recovery script sets `{ns}:unsure`): any grant from before
//!   the loss has ended by then. Every instance that noticed degrades, drops its lease and
//!   recovers with an epoch bump; a number that restarts lower looks old or like a gap and
//!   forces a resynchronisation, never a lease on stale versions; and a failure makes a
//!   writer forget the acknowledgements it heard, so an old one never passes for a new
//!   number. (Found by
//!   `scaled::redis_restart`: Redis was back within 1.5 s, shorter than a lease, and a
//!   write acknowledged on the emptied holders' set was missed by an instance that had not
//!   yet noticed.) *Clocks:* each side measures only durations on its own monotonic
//!   clock, with the 2 % rate margin; Redis's clock only decides when a registration
//!   expires, two leases after its grant. Limits: a jump of Redis's wall clock by more than
//!   a lease, or a machine suspended whole (its monotonic clock stops), could make a writer
//!   skip a holder whose lease still holds. Instances of an older version publish
//!   invalidations without numbers; a holder forgets those tags, but their writers do not
//!   wait: run one version per deployment.
//! * **G2, no stale fill.** A fill that began before the invalidation carries the old
//!   versions. Whenever it finishes, it can only be stored under the old versioned
//!   key, which no later reader asks for; and the compare-and-set refuses it as a
//!   cache entry (the local tier likewise), so it is never visible after the
//!   invalidation. In Redis it is only handed off: left under that old key for a few
//!   seconds (`HANDOFF_MS`) for the lease waiters of that key, who all started before
//!   the invalidation. This holds by construction, whatever the timing of the old fill.
//! * **G3, one fill per change.** N concurrent readers of one versioned key on one
//!   instance run one fill (in-flight map); M instances run one fill between them (the
//!   lease, renewed while the fill runs, and the `filled` wake-up). A second fill
//!   for the same versions happens only when a waiter gives up after `fill_wait`, a
//!   lease holder vanishes or fails. A holder whose result was refused as stale (an
//!   invalidation came in while it ran) still hands it to its waiters (see G2), so
//!   they do not fetch the outdated version a second time. A value too large to keep
//!   locally is shared by the readers of its fill only: later readers find it in Redis,
//!   or without Redis fill it again.
//! * **G5, degrade, never lie.** A degraded instance neither reads nor writes the
//!   cache, so it cannot serve an entry whose freshness it cannot check. It still
//!   sends its invalidations to Redis whenever Redis answers, so other instances that
//!   are healthy (or recovered first) see them at once; and one it could not send is
//!   not acknowledged as shared: `invalidate` returns `Err(Unshared)`. Such
//!   invalidations, and anything stored around an outage, are covered by the epoch
//!   bump on recovery, which makes every entry stored before it unreachable on every
//!   instance, and by the local flush.
//!
//! Limits: the tier relies on Redis keeping the tag and epoch keys (use
//! `noeviction` or a `volatile-*` eviction policy; only entries and leases have a
//! TTL). An instance that truly cannot reach Redis while others can has no way to
//! tell them: until it recovers (epoch bump) or their entries expire (`ttl`), they
//! keep serving entries from before its change. That is what `Err(Unshared)` reports,
//! and [`Cache::shared_tier_reachable`] lets a caller check before writing, so a
//! change that must not be acknowledged unless every instance sees it (revoking a
//! token, changing a role) can be refused with a 503 instead. An instance that
//! started with Redis down has no command connection until its task first connects,
//! so its invalidations are `Unshared` until then. `clear` is a memory tool, not a
//! freshness one.
//!
//! **Rate windows.** [`Cache::take_slots`] counts uses of a key against "at most N per
//! period" once for every instance (a Redis sorted set per key, trimmed, counted and
//! added to in one script on Redis's clock); see the `window` module for what holds
//! while Redis is unreachable (each instance alone, at a quarter of the limit).
//!
//! Background work: a Redis-backed `Cache` owns one task, stopped by
//! [`Cache::shutdown`] or when the last clone is dropped.
//!
//! # Which spec checks what
//!
//! The specs live in `tests/cache/`. A spec named alone runs on both tiers
//! (`local::<spec>` and `redis::<spec>`); `redis_only::` specs run two instances.
//!
//! | guarantee | spec(s) |
//! |---|---|
//! | G10 hits under a read lease need no Redis command | `lease::under_a_read_lease_a_hit_needs_no_redis_command` |
//! | G10 writes wait for every lease holder | `lease::a_write_is_acknowledged_only_after_every_lease_holder_applied_it` |
//! | G10 when Redis may have forgotten holders | `lease::a_write_waits_a_whole_lease_while_redis_may_have_forgotten_holders` |
//! | G10 lost messages, silent and departed holders | `lease::a_holder_that_missed_an_invalidation_stops_answering_from_memory_within_its_lease`, `lease::a_silent_holder_holds_writes_back_for_one_lease_at_most_and_once`, `lease::an_instance_that_shuts_down_leaves_and_no_write_waits_for_it` |
//! | G1 read-your-writes everywhere | `redis_only::invalidation_on_one_instance_is_seen_by_the_next_read_on_another`, `entries_are_dropped_by_any_of_their_tags` |
//! | G1 with request-scoped snapshots | `scoped::a_scoped_read_sees_every_invalidation_acknowledged_before_its_scope`, `scoped::a_scope_reads_its_own_invalidation_and_steps_aside_after_a_failure` |
//! | one round trip per scope | `scoped::a_scope_resolves_every_read_in_one_round_trip` |
//! | G1 and G5 for a degraded instance | `redis_only::a_degraded_instance_invalidates_through_redis_as_soon_as_redis_answers` |
//! | G2 no stale fill | `fill_started_before_invalidation_is_never_visible_after_it`, `invalidation_during_a_fill_makes_later_readers_wait_for_a_fresh_fill` |
//! | G3 one fill per change | `concurrent_readers_share_one_fill`, `errors_are_shared_with_waiters_and_not_cached`, `redis_only::two_instances_share_one_fill` |
//! | G5 degrade, never lie | `redis_only::unreachable_redis_bypasses_and_recovery_bumps_the_epoch` |
//! | memory bound in bytes | `the_local_tier_stays_within_its_byte_budget` |
//! | per-topic messages | `a_busy_topic_never_makes_another_topics_receivers_lag`, `redis_only::broadcast_messages_reach_other_instances` |
//! | rate windows shared by instances ([`Cache::take_slots`]) | `a_rate_window_grants_at_most_its_limit_per_period`, `redis_only::instances_share_one_rate_window` |
//! | unused uses given back ([`Cache::refund_slots`]) | `uses_given_back_to_a_rate_window_can_be_taken_again` |
//!
//! G4 (upstream lag hidden) is the application's, not the cache's: Herald merges its
//! own posts into what it caches in `herald::gate::dashboard::view`.

mod cache;
mod core;
mod entry;
mod events;
mod fill;
mod flight;
mod health;
mod key;
mod lease;
mod local;
mod metrics;
mod remote;
mod scope;
mod scripts;
mod supervisor;
mod topics;
mod types;
mod weigh;
mod window;

pub use cache::Cache;
pub use scope::MAX_AGE as SCOPE_MAX_AGE;
pub use types::{CacheConfig, Invalidation, Lookup, Message, Metrics, Source, Tier, Unshared};
pub use weigh::Weigh;
pub use window::Slots;
