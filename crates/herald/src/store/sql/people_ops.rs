//! [`people_ops!`]: the [`Storage`](crate::store::Storage) operations on people (users,
//! memberships, sessions, invitations), which [`storage_impl!`](super::storage_impl)
//! writes into the backend's `impl Storage`. The transactions' steps are
//! [`people_steps!`](super::people_steps). No span field carries an e-mail or a hash.

/// Hands the people operations (reads on `self.$read`, writes and transactions on
/// `self.$write`), then `$more`, to [`storage_impl!`](super::storage_impl) as tokens:
/// `#[async_trait]` must see every method of the impl, so they cannot be a macro call
/// inside it.
macro_rules! people_ops {
    ($store:ty, $read:ident, $write:ident, $dialect:expr, { $($more:tt)* }) => {
        $crate::store::sql::storage_impl!($store, $read, $write, $dialect, {
        #[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
        async fn create_user(&self, user: &User, password_hash: Option<&str>) -> Result<()> {
            let user = User { email: normal_email(&user.email), ..user.clone() };
            insert_user(&self.$write, &user, password_hash).await
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = id))]
        async fn user(&self, id: &str) -> Result<Option<UserRecord>> {
            let row: Option<UserRecordRow> =
                sqlx::query_as(USER_BY_ID).bind(id).fetch_optional(&self.$read).await?;
            Ok(row.map(UserRecord::from))
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
            let row: Option<UserRecordRow> = sqlx::query_as(USER_BY_EMAIL)
                .bind(normal_email(email))
                .fetch_optional(&self.$read)
                .await?;
            Ok(row.map(UserRecord::from))
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = %user.id))]
        async fn update_user(&self, user: &User) -> Result<()> {
            let done = sqlx::query(UPDATE_USER)
                .bind(&user.id)
                .bind(&user.name)
                .bind(user.global_admin)
                .bind(user.notify_email)
                .execute(&self.$write)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
        async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<u64> {
            let mut tx = self.$write.begin().await?;
            let done = sqlx::query(SET_PASSWORD)
                .bind(user_id)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let ended = sqlx::query(DELETE_USER_SESSIONS).bind(user_id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(ended.rows_affected())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
        async fn create_password_reset(
            &self,
            token_hash: &str,
            user_id: &str,
            at: DateTime<Utc>,
            expires_at: DateTime<Utc>,
        ) -> Result<()> {
            sqlx::query(INSERT_PASSWORD_RESET)
                .bind(token_hash)
                .bind(user_id)
                .bind(to_ms(at))
                .bind(to_ms(expires_at))
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn use_password_reset(
            &self,
            token_hash: &str,
            password_hash: &str,
            at: DateTime<Utc>,
        ) -> Result<Option<String>> {
            let mut tx = self.$write.begin().await?;
            let user_id: Option<String> = sqlx::query_scalar(USE_PASSWORD_RESET)
                .bind(token_hash)
                .bind(to_ms(at))
                .fetch_optional(&mut *tx)
                .await?;
            let Some(user_id) = user_id else { return Ok(None) };
            sqlx::query(SET_PASSWORD).bind(&user_id).bind(password_hash).execute(&mut *tx).await?;
            sqlx::query(DELETE_USER_SESSIONS).bind(&user_id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Some(user_id))
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
        async fn memberships_of(&self, user_id: &str) -> Result<Vec<Membership>> {
            let rows: Vec<MembershipRow> =
                sqlx::query_as(USER_MEMBERSHIPS).bind(user_id).fetch_all(&self.$read).await?;
            rows.into_iter().map(Membership::try_from).collect()
        }

        /// Sorted here, not in SQL, so both backends order names alike (their collations
        /// differ).
        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn members(&self, workspace_id: &str) -> Result<Vec<Member>> {
            let rows: Vec<MemberRow> = sqlx::query_as(WORKSPACE_MEMBERS)
                .bind(workspace_id)
                .fetch_all(&self.$read)
                .await?;
            let mut members = rows.into_iter().map(Member::try_from).collect::<Result<Vec<_>>>()?;
            members.sort_by_cached_key(|m| (m.user.name.to_lowercase(), m.user.id.clone()));
            Ok(members)
        }

        #[tracing::instrument(
            level = "debug", skip_all,
            fields(workspace = workspace_id, user = user_id, role = role.as_str())
        )]
        async fn set_member(&self, workspace_id: &str, user_id: &str, role: Role) -> Result<()> {
            let mut tx = self.$write.begin().await?;
            put_member(&mut tx, workspace_id, user_id, role).await?;
            tx.commit().await?;
            Ok(())
        }

        #[tracing::instrument(
            level = "debug", skip_all, fields(workspace = workspace_id, user = user_id)
        )]
        async fn remove_member(&self, workspace_id: &str, user_id: &str) -> Result<bool> {
            let mut tx = self.$write.begin().await?;
            let removed = drop_member(&mut tx, workspace_id, user_id).await?;
            tx.commit().await?;
            Ok(removed)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = %s.user_id))]
        async fn create_session(&self, s: &SessionRecord) -> Result<()> {
            sqlx::query(INSERT_SESSION)
                .bind(&s.id_hash)
                .bind(&s.user_id)
                .bind(to_ms(s.created_at))
                .bind(to_ms(s.last_seen_at))
                .bind(to_ms(s.expires_at))
                .bind(&s.user_agent)
                .bind(&s.client_ip)
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
            let row: Option<SessionRow> =
                sqlx::query_as(SESSION_BY_HASH).bind(id_hash).fetch_optional(&self.$read).await?;
            Ok(row.map(SessionRecord::from))
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
        async fn sessions_of(&self, user_id: &str) -> Result<Vec<SessionRecord>> {
            let rows: Vec<SessionRow> =
                sqlx::query_as(USER_SESSIONS).bind(user_id).fetch_all(&self.$read).await?;
            Ok(rows.into_iter().map(SessionRecord::from).collect())
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn delete_session(&self, id_hash: &str) -> Result<bool> {
            let done = sqlx::query(DELETE_SESSION).bind(id_hash).execute(&self.$write).await?;
            Ok(done.rows_affected() == 1)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(user = user_id))]
        async fn delete_sessions_of(&self, user_id: &str) -> Result<u64> {
            let done =
                sqlx::query(DELETE_USER_SESSIONS).bind(user_id).execute(&self.$write).await?;
            Ok(done.rows_affected())
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<()> {
            sqlx::query(TOUCH_SESSION).bind(id_hash).bind(to_ms(at)).execute(&self.$write).await?;
            Ok(())
        }

        #[tracing::instrument(
            level = "debug", skip_all, fields(workspace = %i.workspace_id, invitation = %i.id)
        )]
        async fn create_invitation(&self, i: &Invitation) -> Result<()> {
            sqlx::query(INSERT_INVITATION)
                .bind(&i.id)
                .bind(&i.workspace_id)
                .bind(normal_email(&i.email))
                .bind(i.role.as_str())
                .bind(&i.token_hash)
                .bind(i.invited_by.to_string())
                .bind(to_ms(i.created_at))
                .bind(to_ms(i.expires_at))
                .bind(i.accepted_at.map(to_ms))
                .bind(i.withdrawn_at.map(to_ms))
                .execute(&self.$write)
                .await?;
            Ok(())
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn invitations(&self, workspace_id: &str) -> Result<Vec<Invitation>> {
            let rows: Vec<InvitationRow> = sqlx::query_as(OPEN_INVITATIONS)
                .bind(workspace_id)
                .fetch_all(&self.$read)
                .await?;
            rows.into_iter().map(Invitation::try_from).collect()
        }

        #[tracing::instrument(
            level = "debug", skip_all, fields(workspace = workspace_id, invitation = id)
        )]
        async fn withdraw_invitation(
            &self,
            workspace_id: &str,
            id: &str,
            at: DateTime<Utc>,
        ) -> Result<bool> {
            let done = sqlx::query(WITHDRAW_INVITATION)
                .bind(workspace_id)
                .bind(id)
                .bind(to_ms(at))
                .execute(&self.$write)
                .await?;
            Ok(done.rows_affected() == 1)
        }

        #[tracing::instrument(level = "debug", skip_all, fields(workspace = workspace_id))]
        async fn invitations_since(
            &self,
            workspace_id: &str,
            since: DateTime<Utc>,
        ) -> Result<(u32, Option<DateTime<Utc>>)> {
            let (count, oldest): (i64, Option<i64>) = sqlx::query_as(INVITATIONS_SINCE)
                .bind(workspace_id)
                .bind(to_ms(since))
                .fetch_one(&self.$read)
                .await?;
            Ok((u32::try_from(count).unwrap_or(u32::MAX), oldest.map($crate::domain::model::from_ms)))
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn invitation_by_hash(&self, token_hash: &str) -> Result<Option<Invitation>> {
            let row: Option<InvitationRow> = sqlx::query_as(INVITATION_BY_HASH)
                .bind(token_hash)
                .fetch_optional(&self.$read)
                .await?;
            row.map(Invitation::try_from).transpose()
        }

        #[tracing::instrument(level = "debug", skip_all)]
        async fn accept_invitation(
            &self,
            token_hash: &str,
            now: DateTime<Utc>,
            acceptance: &Acceptance,
        ) -> Result<Accepted> {
            let mut tx = self.$write.begin().await?;
            let accepted = accept(&mut tx, token_hash, now, acceptance).await?;
            tx.commit().await?;
            Ok(accepted)
        }

        $($more)*
        });
    };
}
pub(in crate::store) use people_ops;
