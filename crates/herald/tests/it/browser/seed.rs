//! The browser test's workspace: a team in Paris with an editor and an approver, a month
//! of past posts (written straight into the store before any page reads the dashboard,
//! so the 30-day chart has a history to draw), and a few posts made through the API in
//! the states a team sees every day (pending, scheduled, draft, sent back).

use crate::support::{TestApp, ADMIN};
use chrono::{Duration, Utc};
use herald::foundation::domain::{PlatformResult, Post, PostStatus, PublishState};
use herald::storage::store::NewEvent;
use reqwest::Method;
use serde_json::json;

pub struct Seeded {
    pub ws: String,
    pub editor: String,
    pub approver: String,
}

pub const TEXTS: [&str; 10] = [
    "Our autumn collection is live: warm colours, recycled wool, and free returns all month.",
    "Behind the scenes at the Lyon studio: how we test every seam before it ships.",
    "Customer story: how Café Rivoli cut its delivery times in half with Northwind.",
    "Five tips for better product photos with nothing but a window and a phone.",
    "We are hiring a support engineer in Paris. Remote-friendly, French and English.",
    "Live Q&A this Thursday at 18:00 CET with our head of design. Bring questions!",
    "Release notes: dark mode, faster search, and a calmer notification centre.",
    "Thank you for 10k followers! A small giveaway starts tomorrow morning.",
    "Sustainability report 2026: what we measured, what we changed, what is next.",
    "Weekend reading: the story behind our new logo, sketched on a train to Marseille.",
];

const PLATFORM_SETS: [&[&str]; 5] = [
    &["twitter", "linkedin"],
    &["instagram", "facebook"],
    &["linkedin"],
    &["twitter", "bluesky"],
    &["facebook"],
];

async fn token(app: &TestApp, ws: &str, role: &str, name: &str) -> (String, String) {
    let t = app
        .call(
            Method::POST,
            &format!("/api/workspaces/{ws}/tokens"),
            Some(ADMIN),
            Some(json!({"role": role, "name": name})),
        )
        .await
        .expect(201);
    (t["token"].as_str().unwrap().to_owned(), t["id"].as_str().unwrap().to_owned())
}

/// A past post as the publisher would have left it.
fn past_post(
    ws: &str,
    author: &herald::foundation::domain::Actor,
    n: usize,
    days_ago: i64,
) -> Post {
    let at = Utc::now() - Duration::days(days_ago) - Duration::minutes((n as i64 * 37) % 600);
    let platforms: Vec<ayrshare::Platform> =
        PLATFORM_SETS[n % PLATFORM_SETS.len()].iter().map(|p| p.parse().unwrap()).collect();
    let status = match n % 11 {
        3 => PostStatus::Failed,
        7 => PostStatus::PartiallyPublished,
        9 => PostStatus::Cancelled,
        _ => PostStatus::Published,
    };
    let results = platforms
        .iter()
        .enumerate()
        .filter(|_| status != PostStatus::Cancelled)
        .map(|(i, p)| {
            let ok = status == PostStatus::Published
                || (status == PostStatus::PartiallyPublished && i == 0);
            PlatformResult {
                platform: p.to_string(),
                status: if ok {
                    herald::foundation::domain::PlatformStatus::Success
                } else {
                    herald::foundation::domain::PlatformStatus::Error
                },
                post_url: ok.then(|| format!("https://{p}.example/northwind/{n}")),
                error: (!ok).then(|| "the network rejected the post as a duplicate".to_owned()),
                ayrshare_id: Some(format!("seed-{n}")),
            }
        })
        .collect();
    let published = matches!(status, PostStatus::Published | PostStatus::PartiallyPublished)
        .then_some(at + Duration::minutes(2));
    Post {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: ws.to_owned(),
        text: TEXTS[n % TEXTS.len()].to_owned(),
        platforms,
        media_urls: vec![],
        status,
        schedule_at: None,
        version: 3,
        author: author.clone(),
        created_at: at,
        updated_at: at + Duration::minutes(2),
        published_at: published,
        ayrshare_id: Some(format!("seed-{n}")),
        platform_results: results,
        waiting_for: None,
        compose: Default::default(),
        publish: PublishState::default(),
    }
}

/// Another workspace (its Ayrshare profile registered on the simulator): its id.
pub async fn another_workspace(app: &TestApp, name: &str, requires_approval: bool) -> String {
    let key = crate::support::profile_key(name);
    crate::support::sim_profile(&app.http, &app.sim.base_url(), name, &key).await;
    let body = json!({"name": name, "ayrshare_profile_key": key, "timezone": "Europe/Paris", "requires_approval": requires_approval});
    let created = app.call(Method::POST, "/api/workspaces", Some(ADMIN), Some(body)).await;
    created.expect(201)["id"].as_str().unwrap().to_owned()
}

/// A person with `role` in `ws`, invited by the admin token and accepted through the API
/// (with [`crate::support::people::PASSWORD`]; an existing e-mail joins with it).
pub async fn person(app: &TestApp, ws: &str, email: &str, name: &str, role: &str) {
    let invitation = app.invite(ws, email, role).await;
    let token = crate::support::people::invitation_token(&invitation);
    let (status, _, body) = app.accept(&token, name).await;
    assert_eq!(status, 200, "accepting {email}'s invitation: {body}");
}

pub async fn workspace(app: &TestApp) -> Seeded {
    let key = crate::support::profile_key("Northwind");
    crate::support::sim_profile(&app.http, &app.sim.base_url(), "Northwind", &key).await;
    let body = json!({"name": "Northwind", "ayrshare_profile_key": crate::support::profile_key("Northwind"), "timezone": "Europe/Paris", "requires_approval": true});
    let ws = app.call(Method::POST, "/api/workspaces", Some(ADMIN), Some(body)).await.expect(201)
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (editor, editor_id) = token(app, &ws, "editor", "Calendar import").await;
    let (approver, _) = token(app, &ws, "approver", "Review bot").await;
    let author = herald::foundation::domain::Actor::token(&editor_id);

    let mut n = 0;
    for days_ago in (1..=29).rev() {
        let per_day = [1, 2, 0, 3, 1, 2, 4, 1, 0, 2][days_ago as usize % 10];
        for _ in 0..per_day {
            let post = past_post(&ws, &author, n, days_ago);
            let event = NewEvent {
                actor: author.clone(),
                action: herald::foundation::domain::AuditAction::Create,
                comment: None,
                from: None,
            };
            app.store.insert_post(&post, &event).await.expect("seed post");
            n += 1;
        }
    }

    let create = |text: &str, platforms: &[&str], extra: serde_json::Value| {
        let mut b = json!({"text": text, "platforms": platforms});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    let in_days = |d: i64| (Utc::now() + Duration::days(d)).to_rfc3339();
    let p = |body| app.create_post(&ws, &editor, body);
    p(create(TEXTS[5], &["linkedin", "twitter"], json!({"schedule_at": in_days(3)})))
        .await
        .expect(201);
    p(create(TEXTS[8], &["instagram", "facebook"], json!({}))).await.expect(201);
    let sched =
        p(create(TEXTS[6], &["twitter"], json!({"schedule_at": in_days(2)}))).await.expect(201);
    app.act(&ws, sched["id"].as_str().unwrap(), "approve", &approver, json!({"version": 1}))
        .await
        .expect(200);
    p(create(TEXTS[9], &["linkedin"], json!({"submit": false}))).await.expect(201);
    let back = p(create(TEXTS[3], &["instagram"], json!({}))).await.expect(201);
    let comment = "Lovely, but please add the photo credit before we post.";
    app.act(
        &ws,
        back["id"].as_str().unwrap(),
        "request-changes",
        &approver,
        json!({"version": 1, "comment": comment}),
    )
    .await
    .expect(200);
    Seeded { ws, editor, approver }
}
