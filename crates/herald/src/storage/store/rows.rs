//! Row shapes shared by the SQL backends and their conversion to domain records.
//! Times are stored as epoch milliseconds, lists as JSON text, enums as their wire names;
//! a stored value that does not read back is [`StoreError::Corrupt`], but for a network
//! in a post's lists that Herald does not know (any more): it is left out with a warning
//! ([`networks`]), so one such post cannot make a listing or the dashboard fail. The rows of people
//! are in `people`, those of notifications and the event feed in `notify`, those of media
//! and analytics in `media`.

mod media;
mod notify;
mod people;

pub(crate) use media::*;
pub(crate) use notify::*;
pub(crate) use people::*;

use super::{StoreError, TokenRecord};
use crate::foundation::domain::model::{from_ms, to_ms};
use crate::foundation::domain::{
    Actor, Event, PlatformResult, Post, PublishState, StoredCompose, Workspace, XCredentials,
};
use crate::foundation::secret::Secret;
use ayrshare::Platform;
use std::str::FromStr;

#[derive(sqlx::FromRow)]
pub(crate) struct WorkspaceRow {
    pub id: String,
    pub name: String,
    pub profile_key: String,
    pub timezone: String,
    pub requires_approval: bool,
    pub late_approval: String,
    pub content_version: i64,
    pub created_at: i64,
    pub x_api_key: Option<String>,
    pub x_api_secret: Option<String>,
}

impl TryFrom<WorkspaceRow> for Workspace {
    type Error = StoreError;
    fn try_from(r: WorkspaceRow) -> Result<Self, StoreError> {
        Ok(Workspace {
            id: r.id,
            name: r.name,
            profile_key: Secret::new(r.profile_key),
            timezone: r.timezone,
            requires_approval: r.requires_approval,
            late_approval: parsed("late_approval", &r.late_approval)?,
            content_version: r.content_version,
            created_at: from_ms(r.created_at),
            x_credentials: x_credentials(r.x_api_key, r.x_api_secret)?,
        })
    }
}

/// Both X credential columns set, or neither (the schema checks it too).
fn x_credentials(
    key: Option<String>,
    secret: Option<String>,
) -> Result<Option<XCredentials>, StoreError> {
    match (key, secret) {
        (Some(key), Some(secret)) => {
            Ok(Some(XCredentials { api_key: Secret::new(key), api_secret: Secret::new(secret) }))
        }
        (None, None) => Ok(None),
        _ => Err(StoreError::Corrupt("x_api_key: set without x_api_secret or back".into())),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    pub id: String,
    pub workspace_id: String,
    pub role: String,
    pub name: Option<String>,
    pub token_hash: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub created_by: Option<String>,
    pub issued_by: Option<String>,
}

impl TryFrom<TokenRow> for TokenRecord {
    type Error = StoreError;
    fn try_from(r: TokenRow) -> Result<Self, StoreError> {
        Ok(TokenRecord {
            id: r.id,
            workspace_id: r.workspace_id,
            role: parsed("role", &r.role)?,
            name: r.name,
            hash: r.token_hash,
            created_at: from_ms(r.created_at),
            revoked: r.revoked_at.is_some(),
            created_by: r.created_by,
            issued_by: r.issued_by.map(Actor::from),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PostRow {
    pub id: String,
    pub workspace_id: String,
    pub text: String,
    pub platforms: String,
    pub media_urls: String,
    pub status: String,
    pub schedule_at: Option<i64>,
    pub version: i64,
    pub author: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    pub ayrshare_id: Option<String>,
    pub platform_results: String,
    pub lease_until: Option<i64>,
    pub publish_key: Option<String>,
    pub publish_attempts: i64,
    pub publish_targets: String,
    pub waiting_for: Option<String>,
    pub compose: String,
}

fn json<T: serde::de::DeserializeOwned>(column: &str, raw: &str) -> Result<T, StoreError> {
    serde_json::from_str(raw).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// A post's (or a feed's) list of networks: the ones Herald knows, in order; an unknown
/// one (stored by a later version, or a network Ayrshare retired) is skipped with a
/// warning, since Herald cannot publish to it anyway and the rest of the record is intact.
pub(crate) fn networks(column: &str, raw: &str, record: &str) -> Result<Vec<Platform>, StoreError> {
    let ids: Vec<String> = json(column, raw)?;
    let known = |id: &String| match id.parse() {
        Ok(platform) => Some(platform),
        Err(e) => {
            tracing::warn!(record, column, error = %e, "unknown network left out");
            None
        }
    };
    Ok(ids.iter().filter_map(known).collect())
}

/// An enum stored as its wire name.
pub(crate) fn parsed<T: FromStr<Err = String>>(column: &str, raw: &str) -> Result<T, StoreError> {
    raw.parse().map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

impl TryFrom<PostRow> for Post {
    type Error = StoreError;
    fn try_from(r: PostRow) -> Result<Self, StoreError> {
        let media_urls: Vec<String> = json("media_urls", &r.media_urls)?;
        let compose = json::<StoredCompose>("compose", &r.compose)?.into_compose(&media_urls);
        Ok(Post {
            platforms: networks("platforms", &r.platforms, &r.id)?,
            media_urls,
            compose,
            platform_results: json::<Vec<PlatformResult>>("platform_results", &r.platform_results)?,
            status: parsed("status", &r.status)?,
            waiting_for: r.waiting_for.map(|w| parsed("waiting_for", &w)).transpose()?,
            schedule_at: r.schedule_at.map(from_ms),
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            published_at: r.published_at.map(from_ms),
            publish: PublishState {
                lease_until: r.lease_until.map(from_ms),
                key: r.publish_key,
                attempts: r.publish_attempts,
                targets: networks("publish_targets", &r.publish_targets, &r.id)?,
            },
            id: r.id,
            workspace_id: r.workspace_id,
            text: r.text,
            version: r.version,
            author: r.author.into(),
            ayrshare_id: r.ayrshare_id,
        })
    }
}

/// The column values of a post that are stored converted (JSON text, epoch ms), ready to
/// bind.
pub(crate) struct PostValues {
    pub platforms: String,
    pub media_urls: String,
    pub platform_results: String,
    pub publish_targets: String,
    pub schedule_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    pub lease_until: Option<i64>,
    pub compose: String,
}

impl PostValues {
    pub fn of(p: &Post) -> Self {
        Self {
            platforms: to_json(&p.platforms),
            media_urls: to_json(&p.media_urls),
            platform_results: to_json(&p.platform_results),
            publish_targets: to_json(&p.publish.targets),
            schedule_at: p.schedule_at.map(to_ms),
            created_at: to_ms(p.created_at),
            updated_at: to_ms(p.updated_at),
            published_at: p.published_at.map(to_ms),
            lease_until: p.publish.lease_until.map(to_ms),
            compose: to_json(&StoredCompose::of(&p.compose)),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub id: String,
    pub post_id: String,
    pub actor: String,
    pub action: String,
    pub comment: Option<String>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub version: i64,
    pub at: i64,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(r: EventRow) -> Result<Self, StoreError> {
        Ok(Event {
            id: r.id,
            post_id: r.post_id,
            actor: r.actor.into(),
            action: parsed("action", &r.action)?,
            comment: r.comment,
            from: r.from_status.map(|s| parsed("from_status", &s)).transpose()?,
            to: parsed("to_status", &r.to_status)?,
            version: r.version,
            at: from_ms(r.at),
        })
    }
}

/// Builds the stored event for a change to `post`.
pub(crate) fn event_for(post: &Post, e: &super::NewEvent) -> Event {
    Event {
        id: uuid::Uuid::now_v7().to_string(),
        post_id: post.id.clone(),
        actor: e.actor.clone(),
        action: e.action,
        comment: e.comment.clone(),
        from: e.from,
        to: post.status,
        version: post.version,
        at: post.updated_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace_row(late_approval: &str) -> WorkspaceRow {
        WorkspaceRow {
            id: "ws".into(),
            name: "Acme".into(),
            profile_key: "key".into(),
            timezone: "UTC".into(),
            requires_approval: true,
            late_approval: late_approval.into(),
            content_version: 0,
            created_at: 0,
            x_api_key: None,
            x_api_secret: None,
        }
    }

    #[test]
    fn an_unknown_stored_enum_name_is_corrupt() {
        assert!(Workspace::try_from(workspace_row("publish")).is_ok());
        let err = Workspace::try_from(workspace_row("sometimes")).unwrap_err();
        assert!(
            matches!(&err, StoreError::Corrupt(m) if m.starts_with("late_approval")),
            "got {err:?}"
        );
    }

    #[test]
    fn x_credentials_are_read_back_only_as_a_pair() {
        let mut row = workspace_row("expire");
        row.x_api_key = Some("key".into());
        let err = Workspace::try_from(row).unwrap_err();
        assert!(matches!(&err, StoreError::Corrupt(m) if m.starts_with("x_api_key")), "{err:?}");
        let mut row = workspace_row("expire");
        (row.x_api_key, row.x_api_secret) = (Some("key".into()), Some("secret".into()));
        let x = Workspace::try_from(row).unwrap().x_credentials.expect("a pair");
        assert_eq!((x.api_key.expose(), x.api_secret.expose()), ("key", "secret"));
    }

    #[test]
    fn a_network_herald_does_not_know_is_left_out_of_a_post_not_fatal() {
        let read = networks("platforms", r#"["linkedin","myspace","twitter"]"#, "p1").unwrap();
        assert_eq!(read, [Platform::LinkedIn, Platform::Twitter]);
        assert_eq!(to_json(&read), r#"["linkedin","twitter"]"#, "written back as ids");
        let err = networks("publish_targets", "twitter", "p1").unwrap_err();
        assert!(matches!(&err, StoreError::Corrupt(m) if m.starts_with("publish_targets")));
    }

    #[test]
    fn bad_stored_json_is_corrupt() {
        let err = json::<Vec<String>>("platforms", "[\"x\"").unwrap_err();
        assert!(matches!(&err, StoreError::Corrupt(m) if m.starts_with("platforms")), "{err:?}");
    }
}
