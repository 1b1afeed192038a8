//! The holder's side of the read lease: a background task (owned by the supervisor's
//! `Tasks`) that renews this instance's grant every third of a lease (a grant holds a
//! little less than a lease, so one late renewal does not lose it) and acknowledges the
//! numbered events it applied, and the Redis calls of both sides (grant, acknowledge,
//! revoke a silent holder, leave on shutdown).

use std::sync::Arc;
use std::time::Duration;

use redis::RedisResult;
use tokio::sync::watch;
use tokio::time::{interval, timeout, MissedTickBehavior};

use crate::core::Core;
use crate::events::Event;
use crate::lease::{Attempt, Holder};
use crate::remote::{millis, timed_out, Remote, RESPONSE_TIMEOUT};

/// What Redis said to a grant.
enum Grant {
    Granted,
    Refused { seq: u64, epoch: u64 },
}

impl Remote {
    /// Registers this instance as a lease holder for `registration` if it applied the last
    /// number (`applied`).
    async fn grant(&self, attempt: &Attempt, registration: Duration) -> RedisResult<Grant> {
        let mut call = self.scripts.grant.prepare_invoke();
        call.key(self.names.seq()).key(self.names.holders()).key(self.names.epoch());
        let applied = attempt.applied.map_or(-1, |a| i64::try_from(a).unwrap_or(i64::MAX));
        call.arg(&self.id).arg(applied).arg(millis(registration));
        let mut conn = self.conn()?;
        let run = call.invoke_async::<(u8, u64, u64)>(&mut conn);
        let (granted, seq, epoch) =
            timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("grant"))??;
        Ok(if granted == 1 { Grant::Granted } else { Grant::Refused { seq, epoch } })
    }

    /// Tells every instance that this one applied every numbered event up to `seq` (and
    /// records it for writers that cannot hear the channel).
    async fn acknowledge(&self, seq: u64, keep: Duration) -> RedisResult<()> {
        let event = Event::Ack { ack: self.id.clone(), seq };
        let mut call = self.scripts.ack.prepare_invoke();
        call.key(self.names.applied()).arg(&self.id).arg(seq);
        call.arg(self.names.channel()).arg(event.encode()).arg(millis(keep));
        let mut conn = self.conn()?;
        let run = call.invoke_async::<()>(&mut conn);
        timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("acknowledge"))?
    }

    /// The numbers `holders` acknowledged, read from Redis (for a writer that is degraded).
    pub async fn acknowledged(&self, holders: &[Holder]) -> RedisResult<Vec<Option<u64>>> {
        let mut hmget = redis::cmd("HMGET");
        hmget.arg(self.names.applied());
        for holder in holders {
            hmget.arg(&holder.id);
        }
        let mut conn = self.conn()?;
        let run = hmget.query_async(&mut conn);
        timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("acknowledged"))?
    }

    /// Drops `holder`'s registration if it is still the grant a writer waited for in vain.
    pub async fn revoke(&self, holder: &Holder) -> RedisResult<()> {
        let mut call = self.scripts.revoke.prepare_invoke();
        call.key(self.names.holders()).arg(&holder.id).arg(&holder.score);
        let mut conn = self.conn()?;
        let run = call.invoke_async::<()>(&mut conn);
        timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("revoke"))?
    }

    /// Stops being a holder (shutdown), so no writer waits for this instance.
    pub async fn leave(&self) -> RedisResult<()> {
        let mut zrem = redis::cmd("ZREM");
        zrem.arg(self.names.holders()).arg(&self.id);
        let mut conn = self.conn()?;
        let run = zrem.query_async::<()>(&mut conn);
        timeout(RESPONSE_TIMEOUT, run).await.map_err(|_| timed_out("leave"))?
    }
}

/// Renews the lease and acknowledges applied numbers until `stopped`, then leaves.
pub(crate) async fn run(core: Arc<Core>, mut stopped: watch::Receiver<bool>) {
    let Some(remote) = core.remote.as_ref() else { return };
    let lease = &core.lease;
    let mut applied = core.applied.subscribe();
    let mut renewals = interval(lease.lease / 3);
    renewals.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = crate::supervisor::stop_requested(&mut stopped) => break,
            changed = applied.changed() => {
                if changed.is_err() { break }
                let seq = *applied.borrow_and_update();
                if !remote.health.is_degraded() {
                    if let Err(e) = remote.acknowledge(seq, lease.lease * 30).await {
                        core.redis_failed("acknowledge", &e);
                    }
                }
            }
            _ = renewals.tick() => renew(&core, remote).await,
        }
    }
    if let Err(e) = remote.leave().await {
        tracing::debug!(error = %e, "could not leave the read-lease holders; writers wait out the lease");
    }
}

/// Asks for a grant; asks once more right away if the refusal resynchronised the lease.
async fn renew(core: &Core, remote: &Remote) {
    if remote.health.is_degraded() {
        return;
    }
    let registration = core.lease.lease * 2;
    for _ in 0..2 {
        let attempt = core.lease.attempt();
        match remote.grant(&attempt, registration).await {
            Ok(Grant::Granted) => return core.lease.granted(attempt),
            Ok(Grant::Refused { seq, epoch }) => {
                if !core.lease.refused(attempt, seq, epoch) {
                    return;
                }
                core.applied.send_replace(seq); // resynchronised: nothing older is kept
            }
            Err(e) => return core.redis_failed("read lease", &e),
        }
    }
}
