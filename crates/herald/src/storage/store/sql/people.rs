//! The SQL of people, shared by both stores like the rest of [`super`]: users,
//! memberships, sessions and invitations. E-mail addresses arrive here already in
//! normal form (lowercased), so plain equality is case-insensitive.

macro_rules! user_columns {
    () => {
        "users.id, users.email, users.name, users.global_admin, users.notify_email, \
         users.created_at"
    };
}

macro_rules! session_columns {
    () => {
        "id_hash, user_id, created_at, last_seen_at, expires_at, user_agent, client_ip"
    };
}

macro_rules! invitation_columns {
    () => {
        "id, workspace_id, email, role, token_hash, invited_by, created_at, expires_at, \
         accepted_at, withdrawn_at"
    };
}

pub(in crate::storage::store) const INSERT_USER: &str = "INSERT INTO users (id, email, name, \
    global_admin, notify_email, created_at, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub(in crate::storage::store) const USER_BY_ID: &str =
    concat!("SELECT ", user_columns!(), ", users.password_hash FROM users WHERE id = $1");
pub(in crate::storage::store) const USER_BY_EMAIL: &str =
    concat!("SELECT ", user_columns!(), ", users.password_hash FROM users WHERE email = $1");
pub(in crate::storage::store) const UPDATE_USER: &str =
    "UPDATE users SET name = $2, global_admin = $3, notify_email = $4 WHERE id = $1";
pub(in crate::storage::store) const SET_PASSWORD: &str =
    "UPDATE users SET password_hash = $2 WHERE id = $1";

pub(in crate::storage::store) const USER_MEMBERSHIPS: &str = "SELECT workspace_id, user_id, role, \
    created_at FROM memberships WHERE user_id = $1 ORDER BY created_at, workspace_id";
/// A workspace's members with their users, in no order (the store sorts them by name,
/// the same way on both backends).
pub(in crate::storage::store) const WORKSPACE_MEMBERS: &str = concat!(
    "SELECT ",
    user_columns!(),
    ", memberships.role FROM memberships JOIN users ON users.id = memberships.user_id \
     WHERE memberships.workspace_id = $1"
);
/// The users holding role `$2` (admin) in workspace `$1`, in one order so that
/// concurrent lockers ([`Dialect::row_lock`](super::Dialect)) lock them alike.
pub(in crate::storage::store) const WORKSPACE_ROLE_HOLDERS: &str =
    "SELECT user_id FROM memberships \
    WHERE workspace_id = $1 AND role = $2 ORDER BY user_id";
pub(in crate::storage::store) const MEMBER_ROLE: &str =
    "SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2";
pub(in crate::storage::store) const INSERT_MEMBERSHIP: &str = "INSERT INTO memberships \
    (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)";
/// Adds the membership, or changes the role of the one there is (keeping its `created_at`).
pub(in crate::storage::store) const PUT_MEMBERSHIP: &str = "INSERT INTO memberships \
    (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
    ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role";
pub(in crate::storage::store) const UPDATE_MEMBER_ROLE: &str =
    "UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2";
pub(in crate::storage::store) const DELETE_MEMBERSHIP: &str =
    "DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2";

pub(in crate::storage::store) const INSERT_SESSION: &str =
    concat!("INSERT INTO sessions (", session_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7)");
pub(in crate::storage::store) const SESSION_BY_HASH: &str =
    concat!("SELECT ", session_columns!(), " FROM sessions WHERE id_hash = $1");
pub(in crate::storage::store) const USER_SESSIONS: &str = concat!(
    "SELECT ",
    session_columns!(),
    " FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id_hash DESC"
);
pub(in crate::storage::store) const DELETE_SESSION: &str =
    "DELETE FROM sessions WHERE id_hash = $1";
pub(in crate::storage::store) const DELETE_USER_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id = $1";
/// Moves `last_seen_at` forward only, so a late touch never moves it back.
pub(in crate::storage::store) const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2";

pub(in crate::storage::store) const INSERT_INVITATION: &str = concat!(
    "INSERT INTO invitations (",
    invitation_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
);
/// Open: neither accepted nor withdrawn (expired ones included), oldest first.
pub(in crate::storage::store) const OPEN_INVITATIONS: &str = concat!(
    "SELECT ",
    invitation_columns!(),
    " FROM invitations WHERE workspace_id = $1 AND accepted_at IS NULL \
     AND withdrawn_at IS NULL ORDER BY created_at, id"
);
pub(in crate::storage::store) const INVITATION_BY_HASH: &str =
    concat!("SELECT ", invitation_columns!(), " FROM invitations WHERE token_hash = $1");
pub(in crate::storage::store) const WITHDRAW_INVITATION: &str = "UPDATE invitations \
    SET withdrawn_at = $3 WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL \
    AND withdrawn_at IS NULL";
/// Marks invitation `$1` accepted at `$2` if it is usable then. Of concurrent acceptances
/// one writes the row; the others find it no longer open (PostgreSQL re-checks the `WHERE`
/// once the first commits; SQLite runs them one after the other) and return nothing.
pub(in crate::storage::store) const ACCEPT_INVITATION: &str = concat!(
    "UPDATE invitations SET accepted_at = $2 WHERE token_hash = $1 AND accepted_at IS NULL \
     AND withdrawn_at IS NULL AND expires_at > $2 RETURNING ",
    invitation_columns!()
);

/// The tokens issuer `$2` made in workspace `$1` (revoked ones too: what they made in turn
/// is withdrawn with them).
pub(in crate::storage::store) const ISSUED_TOKENS: &str =
    "SELECT id FROM tokens WHERE workspace_id = $1 AND issued_by = $2";
pub(in crate::storage::store) const REVOKE_ISSUED_TOKENS: &str =
    "UPDATE tokens SET revoked_at = $3 \
    WHERE workspace_id = $1 AND issued_by = $2 AND revoked_at IS NULL";
pub(in crate::storage::store) const WITHDRAW_ISSUED_INVITATIONS: &str = "UPDATE invitations \
    SET withdrawn_at = $3 WHERE workspace_id = $1 AND invited_by = $2 \
    AND accepted_at IS NULL AND withdrawn_at IS NULL";
/// The role of live token `$2` of workspace `$1`.
pub(in crate::storage::store) const LIVE_TOKEN_ROLE: &str =
    "SELECT role FROM tokens WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL";
pub(in crate::storage::store) const USER_IS_GLOBAL_ADMIN: &str =
    "SELECT global_admin FROM users WHERE id = $1";
/// A removed member's notifications of the workspace: their unsent and sent mails, then
/// the notifications themselves.
pub(in crate::storage::store) const FORGET_MEMBER_MAILS: &str =
    "DELETE FROM email_outbox WHERE id IN \
    (SELECT id FROM notifications WHERE user_id = $1 AND workspace_id = $2)";
pub(in crate::storage::store) const FORGET_MEMBER_NOTIFICATIONS: &str =
    "DELETE FROM notifications WHERE user_id = $1 AND workspace_id = $2";
/// How many invitations workspace `$1` made after `$2`, and when the oldest of them was.
pub(in crate::storage::store) const INVITATIONS_SINCE: &str = "SELECT COUNT(*), MIN(created_at) \
    FROM invitations WHERE workspace_id = $1 AND created_at > $2";

pub(in crate::storage::store) const INSERT_PASSWORD_RESET: &str = "INSERT INTO password_resets \
     (token_hash, user_id, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, NULL)";
/// Takes a reset that is neither used nor expired, once: its user.
pub(in crate::storage::store) const USE_PASSWORD_RESET: &str =
    "UPDATE password_resets SET used_at = $2 \
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id";
