//! The one write path of access records — sessions, users, memberships — in the people
//! use cases: [`PeopleService::access_write`] runs the store write, then invalidates
//! what it changed on every instance before the change is acknowledged (503 when that
//! cannot be made sure, G6). The invalidation is named by the kind of change
//! ([`Access`]), so no call site writes it by hand or can forget it; whether the write
//! may start while the shared tier is unreachable is stated once per site ([`Ack`]).

use super::PeopleService;
use crate::coherence::error::{AppError, AppResult};
use std::future::Future;

/// Which access records a write changes, and so which cached reads it invalidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// A session created or ended (a logout, a password set): the `sessions` tag.
    Sessions,
    /// A user's record (a name, a setting): the `users` tag.
    Users,
    /// A membership added, changed or removed; the store withdrew what a lowered or
    /// removed member had issued in the same transaction, so the `memberships` and
    /// `tokens` tags.
    Memberships,
    /// A person joined through an invitation: a new user and their membership.
    Joined,
}

/// What must hold before an access write may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ack {
    /// Only while every instance can be told (503 before writing otherwise): the write
    /// takes access away, or must not be left half-made (written, not yet invalidated).
    Cluster,
    /// At once: the write grants or renames, so an instance that hears of it late only
    /// shows the old state a little longer; the answer still waits for the invalidation.
    Local,
}

impl PeopleService {
    /// Runs `write` (the store write and whatever must happen with it, e.g. hashing a
    /// password) when `ack` allows, then invalidates what `access` names. `write` is a
    /// future, so nothing of it runs before the check. A failed write wrote nothing (each
    /// is one transaction) and invalidates nothing.
    pub(crate) async fn access_write<T, E>(
        &self,
        access: Access,
        ack: Ack,
        write: impl Future<Output = Result<T, E>>,
    ) -> AppResult<T>
    where
        AppError: From<E>,
    {
        if ack == Ack::Cluster {
            self.lookups().shared_tier_reachable().await?;
        }
        let written = write.await?;
        let lookups = self.lookups();
        match access {
            Access::Sessions => lookups.sessions_changed().await?,
            Access::Users => lookups.users_changed().await?,
            Access::Memberships => lookups.offboarded().await?,
            Access::Joined => {
                lookups.users_changed().await?;
                lookups.memberships_changed().await?;
            }
        }
        Ok(written)
    }
}
