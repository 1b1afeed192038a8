//! The people use cases: signing in and out, who I am, my profile and sessions, users
//! made from the command line ([`invitations`] and [`members`] hold the rest).
//!
//! Every write that decides who is allowed in — a logout, a password change, a member
//! removed or given another role — goes through one write path ([`access`]), which
//! invalidates what it changed on every instance before the change is acknowledged
//! (503 otherwise, G6); a change that must not be half-made is refused up front while
//! the shared tier is unreachable. Password checks are throttled before they are hashed ([`signin`]), and an
//! unknown address costs the same time as a wrong password.

mod access;
pub mod cli;
mod email;
pub mod invitations;
pub mod members;
pub mod reset;
mod settings;
pub mod signin;

use crate::gate::auth::password::{self, Hasher};
pub use email::check_email;

use crate::coherence::error::{AppError, AppResult};
use crate::coherence::lookups::Lookups;
use crate::coherence::ratelimit::SharedLockout;
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::people::normal_email;
use crate::foundation::domain::{validate, SessionRecord, User};
use crate::foundation::mail::Mailer;
use crate::foundation::secret::Secret;
use crate::gate::auth::session::{self, csrf_of};
use crate::gate::auth::Principal;
use crate::storage::store::{PeopleStore, SessionStore};
use access::{Access, Ack};
use herald_cache::Cache;
use serde::{Deserialize, Serialize};
use signin::{Origin, Throttle};
use std::sync::Arc;
use std::time::Duration;
use utoipa::ToSchema;

/// Body of `POST /api/auth/login`. `Debug` leaves the password out.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// Body of `PATCH /api/me`: absent fields stay; a new password needs the current one.
/// `Debug` leaves the passwords out.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatch {
    pub name: Option<String>,
    pub password: Option<String>,
    pub current_password: Option<String>,
    /// E-mail notifications on (the default) or off.
    pub notify_email: Option<bool>,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login").field("email", &self.email).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for MePatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MePatch")
            .field("name", &self.name)
            .field("notify_email", &self.notify_email)
            .finish_non_exhaustive()
    }
}

/// A user as clients see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub notify_email: bool,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            created_at: u.created_at,
            notify_email: u.notify_email,
        }
    }
}

/// A session as listed: never its secret or hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Names the session (a prefix of its hash) for `DELETE /api/me/sessions/{id}`.
    pub id: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[schema(value_type = String, format = DateTime)]
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub user_agent: Option<String>,
    /// The client address it signed in from (behind a trusted proxy, the forwarded one).
    pub signed_in_from: Option<String>,
    /// The session this request came with.
    pub current: bool,
}

/// A session just opened: the secret for the cookie (shown once), and its CSRF token.
pub struct Opened {
    pub user: User,
    pub secret: Secret,
    pub csrf_token: String,
    /// A device proof for the browser (after a sign-in with a password).
    pub device: Option<String>,
}

/// How the session id of a listing is made from the stored hash.
fn session_id(hash: &str) -> String {
    hash.chars().take(16).collect()
}

/// What the people use cases are configured with.
pub struct Settings {
    pub mailer: Option<Mailer>,
    /// Where users reach Herald (`HERALD_PUBLIC_URL`), for links in e-mails.
    pub public_url: Option<String>,
    /// Failed sign-ins allowed per e-mail address per [`LOCKOUT_WINDOW`] (0: unlimited).
    pub login_failures_per_email: u32,
    /// Failed sign-ins allowed per client address per [`LOCKOUT_WINDOW`] (0: unlimited).
    pub login_failures_per_client: u32,
    /// Failed sign-ins allowed per account from every client per [`LOCKOUT_WINDOW`].
    pub login_failures_per_account: u32,
    /// The password hashers' admission gate.
    pub hasher: Hasher,
    /// Invitations a workspace may make per day (0: unlimited).
    pub invitations_per_day: u32,
}

/// The window failed sign-ins are counted in.
pub const LOCKOUT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The people use cases. Cheap to clone.
#[derive(Clone)]
pub struct PeopleService {
    inner: Arc<Inner>,
}

struct Inner {
    people: Arc<dyn PeopleStore>,
    sessions: Arc<dyn SessionStore>,
    lookups: Lookups,
    mailer: Option<Mailer>,
    /// Where users reach Herald (for links in e-mails), if configured.
    public_url: Option<String>,
    throttle: Throttle,
    hasher: Hasher,
    invitations_per_day: u32,
}

impl PeopleService {
    pub fn new(
        (people, sessions): (Arc<dyn PeopleStore>, Arc<dyn SessionStore>),
        lookups: Lookups,
        cache: Cache,
        settings: Settings,
    ) -> Self {
        let lockout = |kind, limit| SharedLockout::new(cache.clone(), kind, limit, LOCKOUT_WINDOW);
        let per_email = settings.login_failures_per_email;
        let throttle = Throttle {
            per_client: lockout("login-client", settings.login_failures_per_client),
            per_account_client: lockout("login-account-client", per_email),
            per_account: lockout("login-account", settings.login_failures_per_account),
            per_device: lockout("login-device", per_email),
            resets_per_client: lockout("reset-client", settings.login_failures_per_client),
            resets_per_account: lockout("reset-account", per_email),
        };
        let inner = Inner {
            throttle,
            hasher: settings.hasher,
            people,
            sessions,
            lookups,
            mailer: settings.mailer,
            public_url: settings.public_url,
            invitations_per_day: settings.invitations_per_day,
        };
        Self { inner: Arc::new(inner) }
    }

    /// Checks the password and opens a session. Unknown e-mail and wrong password are
    /// the same 401 `invalid_credentials`; attempts are throttled ([`signin`]).
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        input: Login,
        origin: Origin<'_>,
        agent: Option<String>,
    ) -> AppResult<Opened> {
        let user = self.check_password(input, origin).await?;
        let device = self.device_proof(&user).await?;
        let mut opened = self.open_session(user, agent, origin.client).await?;
        opened.device = device;
        Ok(opened)
    }

    pub(crate) fn throttle(&self) -> &Throttle {
        &self.inner.throttle
    }

    pub(crate) fn hasher(&self) -> &Hasher {
        &self.inner.hasher
    }

    /// A new session for `user` (after a login or an accepted invitation).
    pub(crate) async fn open_session(
        &self,
        user: User,
        agent: Option<String>,
        client: Option<std::net::IpAddr>,
    ) -> AppResult<Opened> {
        let (secret, hash) = session::new_secret();
        let now = now_ms();
        let expires = now + chrono::Duration::from_std(session::LIFETIME).unwrap_or_default();
        let agent = agent.map(|a| a.chars().take(200).collect());
        let record = SessionRecord {
            id_hash: hash,
            user_id: user.id.clone(),
            created_at: now,
            last_seen_at: now,
            expires_at: expires,
            user_agent: agent,
            client_ip: client.map(|ip| ip.to_string()),
        };
        self.inner.sessions.create_session(&record).await?;
        tracing::info!(user = %user.id, "signed in");
        Ok(Opened { csrf_token: csrf_of(secret.expose()), user, secret, device: None })
    }

    /// Ends the caller's session on every instance (503 when that cannot be made sure).
    pub async fn logout(&self, who: &Principal) -> AppResult<()> {
        let Principal::User(person) = who else { return Ok(()) };
        let ended = self.inner.sessions.delete_session(&person.session);
        self.access_write(Access::Sessions, Ack::Cluster, ended).await?;
        Ok(())
    }

    /// The user behind a principal (people only).
    pub async fn user_of(&self, who: &Principal) -> AppResult<Option<User>> {
        match who {
            Principal::User(p) => Ok(self.inner.lookups.user(&p.user.id).await?),
            _ => Ok(None),
        }
    }

    /// Changes the caller's name, password (ending every other session) or settings.
    #[tracing::instrument(skip_all)]
    pub async fn update_me(
        &self,
        who: &Principal,
        patch: MePatch,
        origin: Origin<'_>,
    ) -> AppResult<User> {
        let Principal::User(person) = who else {
            return Err(AppError::forbidden("only a signed-in person has a profile"));
        };
        let mut user = person.user.clone();
        if let Some(name) = patch.name {
            validate::name("name", &name)?;
            user.name = name.trim().to_owned();
        }
        user.notify_email = patch.notify_email.unwrap_or(user.notify_email);
        if let Some(new) = patch.password {
            self.change_password(&user, patch.current_password, new, origin).await?;
        }
        let updated = self.inner.people.update_user(&user);
        self.access_write(Access::Users, Ack::Local, updated).await?;
        Ok(user)
    }

    /// Changes the password once the current one is given: its check is throttled as a
    /// sign-in (review N10: a stolen session must not guess it freely).
    async fn change_password(
        &self,
        user: &User,
        current: Option<String>,
        new: String,
        origin: Origin<'_>,
    ) -> AppResult<()> {
        password::check(&new).map_err(|m| AppError::invalid("password", m))?;
        let attempt = Login { email: user.email.clone(), password: current.unwrap_or_default() };
        match self.check_password(attempt, origin).await {
            Ok(_) => self.set_password(&user.id, new).await,
            Err(AppError::InvalidCredentials) => {
                Err(AppError::invalid("current_password", "Your current password is not right."))
            }
            Err(other) => Err(other),
        }
    }

    /// Sets a password and ends every session of the user, on every instance.
    pub(crate) async fn set_password(&self, user_id: &str, new: String) -> AppResult<()> {
        password::check(&new).map_err(|m| AppError::invalid("password", m))?;
        let set = async {
            let hash = self.hasher().hash(new).await?.map_err(AppError::internal)?;
            let ended = self.inner.people.set_password(user_id, &hash).await?;
            tracing::info!(user = %user_id, sessions_ended = ended, "password set");
            Ok::<_, AppError>(())
        };
        self.access_write(Access::Sessions, Ack::Cluster, set).await
    }

    /// The caller's sessions, newest first.
    pub async fn sessions(&self, who: &Principal) -> AppResult<Vec<SessionView>> {
        let Principal::User(person) = who else { return Ok(vec![]) };
        let all = self.inner.sessions.sessions_of(&person.user.id).await?;
        let view = |s: SessionRecord| SessionView {
            id: session_id(&s.id_hash),
            current: s.id_hash == person.session,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            user_agent: s.user_agent,
            signed_in_from: s.client_ip,
        };
        Ok(all.into_iter().map(view).collect())
    }

    /// Ends one of the caller's sessions, on every instance.
    pub async fn end_session(&self, who: &Principal, id: &str) -> AppResult<()> {
        let Principal::User(person) = who else { return Err(AppError::NotFound) };
        let all = self.inner.sessions.sessions_of(&person.user.id).await?;
        let session =
            all.into_iter().find(|s| session_id(&s.id_hash) == id).ok_or(AppError::NotFound)?;
        let ended = self.inner.sessions.delete_session(&session.id_hash);
        self.access_write(Access::Sessions, Ack::Cluster, ended).await?;
        Ok(())
    }

    /// Creates a user (the command line, the demo). A password under the rules is 422.
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        password: String,
        global_admin: bool,
    ) -> AppResult<User> {
        let email = check_email(email)?;
        validate::name("name", name)?;
        password::check(&password).map_err(|m| AppError::invalid("password", m))?;
        let hash = self.hasher().hash(password).await?.map_err(AppError::internal)?;
        let user = User {
            id: uuid::Uuid::now_v7().to_string(),
            email,
            name: name.trim().to_owned(),
            global_admin,
            notify_email: true,
            created_at: now_ms(),
        };
        self.inner.people.create_user(&user, Some(&hash)).await.map_err(|e| match e {
            crate::storage::store::StoreError::Duplicate { .. } => {
                AppError::conflict("email_taken", "a user with this e-mail exists")
            }
            other => other.into(),
        })?;
        Ok(user)
    }

    /// Sets a user's password by e-mail (the command line): ends their sessions.
    pub async fn reset_password(&self, email: &str, new: String) -> AppResult<()> {
        let record = self.inner.people.user_by_email(&normal_email(email.trim())).await?;
        let user = record.ok_or(AppError::NotFound)?.user;
        self.set_password(&user.id, new).await
    }

    pub(crate) fn people(&self) -> &Arc<dyn PeopleStore> {
        &self.inner.people
    }

    pub(crate) fn lookups(&self) -> &Lookups {
        &self.inner.lookups
    }

    pub(crate) fn mailer(&self) -> Option<&Mailer> {
        self.inner.mailer.as_ref()
    }

    pub(crate) fn invitations_per_day(&self) -> u32 {
        self.inner.invitations_per_day
    }

    /// Where users reach Herald (`HERALD_PUBLIC_URL`), if configured.
    pub fn public_url(&self) -> Option<&str> {
        self.inner.public_url.as_deref()
    }

    /// Whether users reach Herald over https (the session cookie is then `Secure`).
    pub fn https(&self) -> bool {
        self.public_url().is_some_and(|u| u.starts_with("https://"))
    }
}
