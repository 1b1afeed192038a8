//! The steps of people's transactions, as a macro for the backend (like
//! [`post_change_steps!`](super::post_change_steps), whose `Tx` they use): keep a
//! workspace's last admin, accept an invitation once (while its issuer still holds its
//! role), give a member the higher role, withdraw what a departing principal issued.
//!
//! The last-admin rule holds under concurrency because a membership change first reads
//! the workspace's admins with the backend's [`row_lock`](super::Dialect::row_lock): on
//! PostgreSQL two admins demoting each other queue on the same admin rows, and the second
//! re-reads them after the first commits and finds itself the last admin; SQLite runs
//! one write transaction at a time.

/// `insert_user`, `put_member`, `drop_member` and `accept`, on `$db` with `$dialect`'s
/// row lock.
macro_rules! people_steps {
    ($db:ty, $dialect:expr) => {
        /// Inserts the user (e-mail already in normal form) with an optional password.
        async fn insert_user<'e, E>(db: E, user: &User, password_hash: Option<&str>) -> Result<()>
        where
            E: sqlx::Executor<'e, Database = $db>,
        {
            sqlx::query(INSERT_USER)
                .bind(&user.id)
                .bind(&user.email)
                .bind(&user.name)
                .bind(user.global_admin)
                .bind(user.notify_email)
                .bind(to_ms(user.created_at))
                .bind(password_hash)
                .execute(db)
                .await?;
            Ok(())
        }

        /// `LastAdmin` if `user_id` is the workspace's only admin. Reads the admins with
        /// the row lock, so they stay admins until the transaction ends.
        async fn keep_an_admin(tx: &mut Tx<'_>, workspace_id: &str, user_id: &str) -> Result<()> {
            let sql = format!("{WORKSPACE_ROLE_HOLDERS}{}", $dialect.row_lock);
            let admins: Vec<String> = sqlx::query_scalar(&sql)
                .bind(workspace_id)
                .bind(Role::Admin.as_str())
                .fetch_all(&mut **tx)
                .await?;
            match admins.as_slice() {
                [only] if only == user_id => Err(StoreError::LastAdmin),
                _ => Ok(()),
            }
        }

        /// Adds the membership or changes its role, keeping an admin; a demotion
        /// withdraws what the member issued there ([`withdraw_issued`]).
        async fn put_member(tx: &mut Tx<'_>, ws: &str, user_id: &str, role: Role) -> Result<()> {
            if role != Role::Admin {
                keep_an_admin(tx, ws, user_id).await?;
            }
            if held_role(tx, ws, user_id).await?.is_some_and(|held| held > role) {
                withdraw_issued(tx, ws, &$crate::domain::Actor::user(user_id).to_string()).await?;
            }
            sqlx::query(PUT_MEMBERSHIP)
                .bind(ws)
                .bind(user_id)
                .bind(role.as_str())
                .bind(to_ms(Utc::now()))
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        /// Removes the membership, keeping an admin; false if there was none. What the
        /// member issued there is withdrawn and their notifications of it forgotten.
        async fn drop_member(tx: &mut Tx<'_>, ws: &str, user_id: &str) -> Result<bool> {
            keep_an_admin(tx, ws, user_id).await?;
            let done =
                sqlx::query(DELETE_MEMBERSHIP).bind(ws).bind(user_id).execute(&mut **tx).await?;
            withdraw_issued(tx, ws, &$crate::domain::Actor::user(user_id).to_string()).await?;
            for forget in [FORGET_MEMBER_MAILS, FORGET_MEMBER_NOTIFICATIONS] {
                sqlx::query(forget).bind(user_id).bind(ws).execute(&mut **tx).await?;
            }
            Ok(done.rows_affected() == 1)
        }

        /// The member's role, read with the row lock.
        async fn held_role(tx: &mut Tx<'_>, ws: &str, user_id: &str) -> Result<Option<Role>> {
            let sql = format!("{MEMBER_ROLE}{}", $dialect.row_lock);
            let held: Option<String> =
                sqlx::query_scalar(&sql).bind(ws).bind(user_id).fetch_optional(&mut **tx).await?;
            held.map(|r| parsed("role", &r)).transpose()
        }

        /// Withdraws what `issuer` (an actor) issued in the workspace, and what that
        /// issued in turn: open invitations are withdrawn, live tokens revoked.
        async fn withdraw_issued(tx: &mut Tx<'_>, ws: &str, issuer: &str) -> Result<()> {
            let now = to_ms(Utc::now());
            let (mut tokens, mut invitations) = (0, 0);
            let mut issuers = vec![issuer.to_owned()];
            let mut seen = std::collections::HashSet::new();
            while let Some(issuer) = issuers.pop() {
                if !seen.insert(issuer.clone()) {
                    continue;
                }
                let withdraw = sqlx::query(WITHDRAW_ISSUED_INVITATIONS).bind(ws).bind(&issuer);
                invitations += withdraw.bind(now).execute(&mut **tx).await?.rows_affected();
                let revoke = sqlx::query(REVOKE_ISSUED_TOKENS).bind(ws).bind(&issuer);
                tokens += revoke.bind(now).execute(&mut **tx).await?.rows_affected();
                let made: Vec<String> = sqlx::query_scalar(ISSUED_TOKENS)
                    .bind(ws)
                    .bind(&issuer)
                    .fetch_all(&mut **tx)
                    .await?;
                issuers.extend(
                    made.into_iter().map(|id| $crate::domain::Actor::Token(id).to_string()),
                );
            }
            if tokens + invitations > 0 {
                tracing::info!(tokens, invitations, "withdrew what was issued");
            }
            Ok(())
        }

        /// Whether whoever issued the invitation still holds at least its role there: a
        /// member (or a global admin), a live token, or the admin token.
        async fn issuer_holds(tx: &mut Tx<'_>, invitation: &Invitation) -> Result<bool> {
            let ws = invitation.workspace_id.as_str();
            use $crate::domain::Actor;
            let held: Option<String> = match &invitation.invited_by {
                Actor::Admin => return Ok(true),
                Actor::User(id) => {
                    let global: Option<bool> = sqlx::query_scalar(USER_IS_GLOBAL_ADMIN)
                        .bind(id)
                        .fetch_optional(&mut **tx)
                        .await?;
                    if global == Some(true) {
                        return Ok(true);
                    }
                    let role = sqlx::query_scalar(MEMBER_ROLE).bind(ws).bind(id);
                    role.fetch_optional(&mut **tx).await?
                }
                Actor::Token(id) => {
                    let role = sqlx::query_scalar(LIVE_TOKEN_ROLE).bind(ws).bind(id);
                    role.fetch_optional(&mut **tx).await?
                }
                _ => None,
            };
            let held: Option<Role> = held.map(|r| parsed("role", &r)).transpose()?;
            Ok(held.is_some_and(|held| held >= invitation.role))
        }

        /// Accepts the invitation for the acceptor and makes them a member.
        async fn accept(
            tx: &mut Tx<'_>,
            token_hash: &str,
            now: DateTime<Utc>,
            acceptance: &Acceptance,
        ) -> Result<Accepted> {
            let invitation = take_invitation(tx, token_hash, now).await?;
            if !issuer_holds(tx, &invitation).await? {
                return Err(StoreError::Gone);
            }
            let user = acceptor(tx, acceptance).await?;
            let ws = invitation.workspace_id;
            let role = raise_member(tx, &ws, &user.id, invitation.role, now).await?;
            Ok(Accepted { user, workspace_id: ws, role })
        }

        /// Marks the invitation accepted if it is usable at `now`: `Gone` if it is not,
        /// `NotFound` if there is no such invitation.
        async fn take_invitation(
            tx: &mut Tx<'_>,
            token_hash: &str,
            now: DateTime<Utc>,
        ) -> Result<Invitation> {
            let taken: Option<InvitationRow> = sqlx::query_as(ACCEPT_INVITATION)
                .bind(token_hash)
                .bind(to_ms(now))
                .fetch_optional(&mut **tx)
                .await?;
            if let Some(row) = taken {
                return Invitation::try_from(row);
            }
            let known = sqlx::query(INVITATION_BY_HASH)
                .bind(token_hash)
                .fetch_optional(&mut **tx)
                .await?
                .is_some();
            Err(if known { StoreError::Gone } else { StoreError::NotFound })
        }

        /// The accepting user: created now, or read (`NotFound` if unknown).
        async fn acceptor(tx: &mut Tx<'_>, acceptance: &Acceptance) -> Result<User> {
            match acceptance {
                Acceptance::NewUser { user, password_hash } => {
                    let user = User { email: normal_email(&user.email), ..user.clone() };
                    insert_user(&mut **tx, &user, Some(password_hash)).await?;
                    Ok(user)
                }
                Acceptance::Existing { user_id } => {
                    let row: Option<UserRecordRow> =
                        sqlx::query_as(USER_BY_ID).bind(user_id).fetch_optional(&mut **tx).await?;
                    row.map(|r| User::from(r.user)).ok_or(StoreError::NotFound)
                }
            }
        }

        /// Gives the user `invited` in the workspace unless they hold a higher role (read
        /// with the row lock); the role they end with. A membership added concurrently
        /// makes the insert a `Duplicate`, and the whole acceptance is undone.
        async fn raise_member(
            tx: &mut Tx<'_>,
            ws: &str,
            user_id: &str,
            invited: Role,
            now: DateTime<Utc>,
        ) -> Result<Role> {
            let held = held_role(tx, ws, user_id).await?;
            let role = invited.as_str();
            match held {
                Some(held) if held >= invited => return Ok(held),
                Some(_) => sqlx::query(UPDATE_MEMBER_ROLE).bind(ws).bind(user_id).bind(role),
                None => sqlx::query(INSERT_MEMBERSHIP)
                    .bind(ws)
                    .bind(user_id)
                    .bind(role)
                    .bind(to_ms(now)),
            }
            .execute(&mut **tx)
            .await?;
            Ok(invited)
        }
    };
}
pub(in crate::store) use people_steps;
