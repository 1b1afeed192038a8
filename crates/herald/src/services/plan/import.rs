//! CSV import (API.md "Plan"): a UTF-8 file with a header row, one post per row, **all or
//! nothing**. Every row is checked before anything is written; one bad row answers 422
//! `import_invalid` listing every bad row and field, and nothing is created. Otherwise
//! the posts are created in one store transaction ([`PlanStore::insert_planned`]), rows
//! with `queue` true taking queue slots in file order. A row's `external_id` is its key
//! in the workspace: a row whose key exists is skipped and reported, so importing a
//! file twice creates nothing the second time.
//!
//! Submitted rows are checked as a submitted post is (networks linked, X credentials,
//! network caps against the posts already stored), each refusal a row problem.
//!
//! Bounds: the body is capped by the route ([`MAX_BODY`]) before it is read, and the
//! reader stops at the 1,001st row (413); a field is at most what a post may hold.
//!
//! [`PlanStore::insert_planned`]: crate::storage::store::PlanStore::insert_planned

use super::{candidates, zone};
use crate::coherence::changes::Writer;
use crate::coherence::error::{AppError, AppResult};
use crate::foundation::domain::audit::AuditAction;
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::plan::resolve;
use crate::foundation::domain::transitions::{self, Context, CreateEffect};
use crate::foundation::domain::{validate, Compose, Post, PostStatus, PublishState, Workspace};
use crate::gate::auth::Principal;
use crate::services::posts::PostService;
use crate::storage::store::{NewEvent, PlanStore, Planned};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

/// The most rows one import may hold.
pub const MAX_ROWS: usize = 1_000;
/// The largest import body (1,000 full posts fit).
pub const MAX_BODY: usize = 4 * 1024 * 1024;
const MAX_EXTERNAL_ID: usize = 200;

/// One problem with one row (`row` 1 is the first row after the header).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowError {
    pub row: usize,
    pub field: String,
    pub message: String,
}

/// A row skipped because its `external_id` was imported before.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Skipped {
    pub row: usize,
    pub external_id: String,
}

/// What the import's options ask.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub dry_run: bool,
    pub submit: bool,
}

/// A checked row, ready to become a post.
struct Row {
    number: usize,
    text: String,
    platforms: Vec<String>,
    media_urls: Vec<String>,
    schedule_at: Option<DateTime<Utc>>,
    first_comment: Option<String>,
    queue: bool,
    external_id: Option<String>,
}

/// What an import did (or, in a dry run, would do).
pub struct Imported {
    pub posts: Vec<Post>,
    pub skipped: Vec<Skipped>,
    /// Rows that passed the checks (a dry run creates none).
    pub valid: usize,
}

/// Reads, checks and (unless a dry run) imports `body`.
pub async fn import(
    store: &dyn PlanStore,
    writer: &Writer,
    posts: &PostService,
    who: &Principal,
    ws: &Workspace,
    body: &[u8],
    options: Options,
) -> AppResult<Imported> {
    let now = now_ms();
    let rows = read(ws, body, now, options.submit)?;
    let slots = match rows.iter().any(|r| r.queue) {
        true => candidates(store, ws, now).await?,
        false => vec![],
    };
    let items: Vec<Planned> =
        rows.iter().map(|r| planned(who, ws, r, now, options.submit)).collect();
    if options.submit {
        upstream(posts, ws, &rows, &items, slots.first().copied()).await?;
    }
    if options.dry_run {
        return Ok(Imported { posts: vec![], skipped: vec![], valid: rows.len() });
    }
    let outcome = writer.insert_planned(&ws.id, &items, &slots).await?;
    let skipped = outcome
        .skipped
        .iter()
        .map(|&i| Skipped {
            row: rows[i].number,
            external_id: rows[i].external_id.clone().unwrap_or_default(),
        })
        .collect();
    let posts = outcome.committed.into_iter().map(|c| c.post).collect();
    Ok(Imported { posts, skipped, valid: rows.len() })
}

/// What Ayrshare would refuse of the submitted rows (networks not linked, X without
/// credentials, network caps), as row problems: 422 `import_invalid` listing them.
async fn upstream(
    posts: &PostService,
    ws: &Workspace,
    rows: &[Row],
    items: &[Planned],
    first_slot: Option<DateTime<Utc>>,
) -> AppResult<()> {
    let mut problems = Vec::new();
    for (row, item) in rows.iter().zip(items) {
        let mut post = item.post.clone();
        if item.queued {
            post.schedule_at = first_slot;
        }
        match posts.upstream_ok(ws, &post).await {
            Ok(()) => {}
            Err(AppError::Unprocessable { message, details, .. }) => {
                let field = details["field"].as_str().unwrap_or("platforms");
                problems.push(problem(row.number, field, &message));
            }
            Err(e) => return Err(e),
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(invalid(problems)),
    }
}

fn planned(who: &Principal, ws: &Workspace, r: &Row, now: DateTime<Utc>, submit: bool) -> Planned {
    let ctx = Context {
        requires_approval: ws.requires_approval,
        late_approval: ws.late_approval,
        schedule_at: r.schedule_at,
        now,
    };
    // A submitted row has a future time (checked), so it is never "publish now".
    let status = match transitions::on_create(submit, &ctx) {
        CreateEffect::To(status) => status,
        CreateEffect::PublishNow => PostStatus::Scheduled,
    };
    let post = Post {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.id.clone(),
        text: r.text.clone(),
        platforms: validate::known_platforms(&r.platforms),
        media_urls: r.media_urls.clone(),
        status,
        schedule_at: r.schedule_at,
        version: 1,
        author: who.actor(),
        created_at: now,
        updated_at: now,
        published_at: None,
        ayrshare_id: None,
        platform_results: vec![],
        waiting_for: None,
        publish: PublishState::default(),
        compose: compose_of(r),
    };
    let event = NewEvent {
        actor: who.actor(),
        action: AuditAction::Create,
        comment: Some("imported from CSV".into()),
        from: None,
    };
    let key = r.external_id.as_ref().map(|id| format!("import:{id}"));
    Planned { post, event, key, queued: r.queue }
}

/// A row's first comment, its media in step with its URLs (no alt text from a CSV).
fn compose_of(r: &Row) -> Compose {
    let mut c = Compose { first_comment: r.first_comment.clone(), ..Compose::default() };
    c.align_media(&r.media_urls);
    c
}

/// Parses and checks every row; 422 `import_invalid` with every problem, 413 past
/// [`MAX_ROWS`].
fn read(ws: &Workspace, body: &[u8], now: DateTime<Utc>, submit: bool) -> AppResult<Vec<Row>> {
    let text = std::str::from_utf8(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body))
        .map_err(|_| invalid(vec![problem(0, "file", "The file must be UTF-8 text.")]))?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| invalid(vec![problem(0, "file", &format!("Unreadable header row: {e}"))]))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut problems = header_problems(&headers);
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let number = i + 1;
        if number > MAX_ROWS {
            return Err(AppError::TooLarge);
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(number, "row", &format!("Unreadable row: {e}")));
                continue;
            }
        };
        if record.len() != headers.len() {
            let msg = format!("Has {} fields; the header has {}.", record.len(), headers.len());
            problems.push(problem(number, "row", &msg));
            continue;
        }
        let fields: HashMap<&str, &str> =
            headers.iter().map(String::as_str).zip(record.iter().map(str::trim)).collect();
        match row(ws, number, &fields, now, submit) {
            Ok(row) => {
                if let Some(id) = &row.external_id {
                    if let Some(first) = seen.insert(id.clone(), number) {
                        let msg = format!("Row {first} has the same external_id.");
                        problems.push(problem(number, "external_id", &msg));
                    }
                }
                rows.push(row);
            }
            Err(mut bad) => problems.append(&mut bad),
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(problem(0, "file", "The file has no rows after its header."));
    }
    match problems.is_empty() {
        true => Ok(rows),
        false => Err(invalid(problems)),
    }
}

const COLUMNS: [&str; 7] =
    ["text", "platforms", "schedule_at", "first_comment", "media_urls", "queue", "external_id"];

fn header_problems(headers: &[String]) -> Vec<RowError> {
    let mut out = Vec::new();
    if !headers.iter().any(|h| h == "text") {
        out.push(problem(0, "text", "The header row has no `text` column."));
    }
    for h in headers.iter().filter(|h| !COLUMNS.contains(&h.as_str())) {
        out.push(problem(0, h, &format!("Unknown column; known: {}.", COLUMNS.join(", "))));
    }
    out
}

/// Checks one row; every problem it has.
fn row(
    ws: &Workspace,
    number: usize,
    f: &HashMap<&str, &str>,
    now: DateTime<Utc>,
    submit: bool,
) -> Result<Row, Vec<RowError>> {
    let get = |name: &str| f.get(name).copied().filter(|v| !v.is_empty());
    let mut bad = Vec::new();
    let mut note = |field: &str, message: String| bad.push(problem(number, field, &message));
    let text = get("text").unwrap_or_default().to_owned();
    let platforms: Vec<String> = get("platforms")
        .unwrap_or_default()
        .split(|c: char| c == '|' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if let Err(e) = validate::platforms(&platforms) {
        note("platforms", e.message);
    } else if let Err(e) = validate::text(&text, &platforms) {
        note("text", e.message);
    }
    let media: Vec<String> =
        get("media_urls").unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    let media_urls = validate::media_urls(&media).unwrap_or_else(|e| {
        note("media_urls", e.message);
        vec![]
    });
    let first_comment = get("first_comment").filter(|c| !c.trim().is_empty()).map(str::to_owned);
    if let Some(comment) = &first_comment {
        if let Err(e) = validate::text(comment, &platforms) {
            note("first_comment", e.message);
        }
    }
    let queue = match get("queue").map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") | Some("no") | Some("0") => false,
        Some("true") | Some("yes") | Some("1") => true,
        Some(_) => {
            note("queue", "Write true or false.".into());
            false
        }
    };
    let schedule_at = match get("schedule_at") {
        Some(_) if queue => {
            note("schedule_at", "Give either a time or queue true, not both.".into());
            None
        }
        Some(raw) => time(ws, raw, now, !submit).map_err(|m| note("schedule_at", m)).ok(),
        None if submit && !queue => {
            note("schedule_at", "A submitted row needs a time or queue true.".into());
            None
        }
        None => None,
    };
    let external_id = get("external_id").map(str::to_owned);
    if external_id.as_ref().is_some_and(|id| id.chars().count() > MAX_EXTERNAL_ID) {
        note("external_id", format!("At most {MAX_EXTERNAL_ID} characters."));
    }
    match bad.is_empty() {
        true => Ok(Row {
            number,
            text,
            platforms,
            media_urls,
            schedule_at,
            first_comment,
            queue,
            external_id,
        }),
        false => Err(bad),
    }
}

/// RFC 3339, or `YYYY-MM-DD HH:MM` in the workspace's zone.
fn time(
    ws: &Workspace,
    raw: &str,
    now: DateTime<Utc>,
    draft: bool,
) -> Result<DateTime<Utc>, String> {
    let rfc = match NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M") {
        Ok(local) => {
            let at = resolve(zone(ws), local.date(), local.time()).ok_or_else(|| {
                "That local time does not exist in the workspace's zone.".to_owned()
            })?;
            at.to_rfc3339()
        }
        Err(_) => raw.to_owned(),
    };
    validate::schedule_at(&rfc, now, draft).map_err(|e| {
        if DateTime::parse_from_rfc3339(raw).is_err() && rfc == raw {
            "Give the time as RFC 3339 or YYYY-MM-DD HH:MM (the workspace's zone).".into()
        } else {
            e.message
        }
    })
}

fn problem(row: usize, field: &str, message: &str) -> RowError {
    RowError { row, field: field.to_owned(), message: message.to_owned() }
}

/// 422 `import_invalid` with every problem.
fn invalid(rows: Vec<RowError>) -> AppError {
    let n = rows.iter().map(|r| r.row).collect::<std::collections::BTreeSet<_>>().len();
    AppError::unprocessable(
        "import_invalid",
        format!("Nothing was imported: {n} row(s) have problems."),
        json!({ "rows": rows }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::domain::LateApproval;
    use crate::foundation::secret::Secret;

    fn ws() -> Workspace {
        Workspace {
            id: "w".into(),
            name: "W".into(),
            profile_key: Secret::new("k"),
            timezone: "Europe/Paris".into(),
            requires_approval: false,
            late_approval: LateApproval::Expire,
            content_version: 0,
            created_at: Utc::now(),
            x_credentials: None,
        }
    }

    #[test]
    fn local_times_are_read_in_the_workspace_zone() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let at = time(&ws(), "2026-07-01 09:00", now, false).unwrap();
        assert_eq!(at, "2026-07-01T07:00:00Z".parse::<DateTime<Utc>>().unwrap());
    }

    #[test]
    fn every_bad_row_and_field_is_reported() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let csv = "text,platforms,schedule_at\nok,twitter,2026-02-01 10:00\n,myspace,soon\nfine,linkedin,\n";
        let Err(AppError::Unprocessable { details, .. }) = read(&ws(), csv.as_bytes(), now, true)
        else {
            panic!("not refused")
        };
        let rows = details["rows"].as_array().unwrap();
        let got: Vec<(u64, &str)> = rows
            .iter()
            .map(|r| (r["row"].as_u64().unwrap(), r["field"].as_str().unwrap()))
            .collect();
        assert_eq!(got, vec![(2, "platforms"), (2, "schedule_at"), (3, "schedule_at")]);
    }
}
