//! Tenant isolation, generated from the route table: every path × method of
//! `herald::app::http::openapi()` with a `{ws}` and/or an id segment (`{id}`, `{user_id}`) is
//! called by both kinds of principal of workspace A — a token and a signed-in person
//! (session cookie and CSRF token) of every role (viewer, editor, approver, admin) — with
//! a plausible body built from the route's request schema, aimed at workspace B's
//! objects (posts, tokens, invitations, members, and its person's sessions).
//!
//! - `{ws}` = B (and `{id}` = each of B's objects): exactly 404 with the error body of
//!   API.md, never 403, never 2xx, and none of B's data in the answer.
//! - `{ws}` = A, `{id}` = B's object: answered exactly as for an id that does not exist
//!   (B's ids mean nothing outside B), never 2xx, none of B's data.
//!
//! - a route without path ids whose query names a workspace (`?workspace=B`): answered
//!   exactly as for a workspace that does not exist, never 2xx.
//!
//! Then B (settings, tokens, members, invitations, posts, audit trails, its Ayrshare
//! profile) is unchanged and B's person is still signed in. A
//! route added later is covered without touching this file; a path parameter this file
//! does not know fails the test until it is taught what to put there.

use crate::support::people::{invitation_token, Caller, Session};
use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const ROLES: [&str; 4] = ["viewer", "editor", "approver", "admin"];
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Workspace B and everything of it an attacker could aim at.
struct Victim {
    ws: String,
    /// (id, version) of B's posts: a draft, a pending one, a published one.
    posts: Vec<(String, i64)>,
    token_ids: Vec<String>,
    /// B's open invitation.
    invitation_ids: Vec<String>,
    /// B's members' user ids.
    member_ids: Vec<String>,
    /// The session ids of B's person (as `GET /api/me/sessions` names them).
    session_ids: Vec<String>,
    /// B's outgoing webhook endpoints.
    webhook_ids: Vec<String>,
    /// B's client review links (their ids: a link's secret is a credential of its own).
    review_link_ids: Vec<String>,
    /// B's RSS / Atom feeds.
    feed_ids: Vec<String>,
    /// B's templates, hashtag groups and uploads.
    template_ids: Vec<String>,
    hashtag_group_ids: Vec<String>,
    media_ids: Vec<String>,
    /// B's person, signed in.
    person: Session,
    /// Strings that must never appear in an answer to A.
    secrets: Vec<String>,
}

/// Query parameters that name a workspace.
const WORKSPACE_QUERY: [&str; 3] = ["workspace", "ws", "workspace_id"];

/// One route of the OpenAPI document: template, method, request body schema, and the
/// query parameter naming a workspace, if it has one.
struct Route {
    path: String,
    method: String,
    body_schema: Option<Value>,
    workspace_query: Option<String>,
}

/// Every route whose path has a parameter or whose query names a workspace.
fn routes_with_ids(doc: &Value) -> Vec<Route> {
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let workspace_query = params
                .iter()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str())
                .find(|n| WORKSPACE_QUERY.contains(n))
                .map(str::to_owned);
            if !path.contains('{') && workspace_query.is_none() {
                continue;
            }
            let body_schema = op["requestBody"]["content"]["application/json"]["schema"].clone();
            routes.push(Route {
                path: path.clone(),
                method: method.to_owned(),
                body_schema: (!body_schema.is_null()).then_some(body_schema),
                workspace_query,
            });
        }
    }
    routes
}

/// Path parameters naming one object (`{did}`, a webhook's delivery, is tried with the
/// same id as the webhook's `{id}`: B's ids mean nothing to A either way).
/// `{cid}` (a comment of a post) likewise takes the post's id, and `{secret}` (a review
/// link's) B's link ids: only the secret itself opens a link, whoever holds it.
const ID_PARAMS: [&str; 5] = ["{id}", "{user_id}", "{did}", "{cid}", "{secret}"];

/// The id values to try on a route: B's objects of the kind the path names.
fn ids_for(path: &str, victim: &Victim) -> Vec<(String, i64)> {
    let params: Vec<&str> = path.split('/').filter(|s| s.starts_with('{')).collect();
    for p in &params {
        assert!(*p == "{ws}" || ID_PARAMS.contains(p), "route {path} has path parameter {p}: teach the isolation matrix what of B's to put there");
    }
    let Some(param) = params.iter().find(|p| ID_PARAMS.contains(p)) else {
        return vec![(String::new(), 1)];
    };
    let kind = path.split('/').take_while(|s| s != param).last().unwrap_or_default();
    let unversioned = |ids: &[String]| ids.iter().map(|t| (t.clone(), 1)).collect();
    match kind {
        "posts" => victim.posts.clone(),
        "tokens" => unversioned(&victim.token_ids),
        "invitations" => unversioned(&victim.invitation_ids),
        "members" => unversioned(&victim.member_ids),
        "sessions" => unversioned(&victim.session_ids),
        "webhooks" => unversioned(&victim.webhook_ids),
        "review-links" | "review" => unversioned(&victim.review_link_ids),
        "feeds" => unversioned(&victim.feed_ids),
        "templates" => unversioned(&victim.template_ids),
        "hashtag-groups" => unversioned(&victim.hashtag_group_ids),
        "media" => unversioned(&victim.media_ids),
        other => panic!("route {path}: `{param}` after `{other}` is a kind of object the isolation matrix does not know; add B's objects of that kind"),
    }
}

fn fill(path: &str, ws: &str, id: &str) -> String {
    ID_PARAMS.iter().fold(path.replace("{ws}", ws), |p, param| p.replace(param, id))
}

/// A plausible value for a request schema: every property filled, known fields with
/// values Herald would accept (`version` = the target's current version).
fn example(schema: &Value, doc: &Value, field: Option<&str>, version: i64) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return example(&doc["components"]["schemas"][name], doc, field, version);
    }
    match field {
        Some("version") => return json!(version),
        Some("text") => return json!("A was here"),
        Some("platforms") => return json!(["twitter"]),
        Some("media_urls") => return json!([]),
        Some("schedule_at") => {
            return json!((chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339())
        }
        Some("comment") => return json!("a comment from A"),
        Some("role") => return json!("admin"),
        Some("name") => return json!(format!("A intruder {}", uuid::Uuid::new_v4().simple())),
        Some("ayrshare_profile_key") => return json!("A-STOLEN-PROFILE-0123456789"),
        Some("timezone") => return json!("UTC"),
        Some("submit") => return json!(true),
        _ => {}
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.iter().find(|v| !v.is_null())) {
        return first.clone();
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(alts) = schema[combinator].as_array() {
            let alt = alts.iter().find(|a| a["type"] != "null").unwrap_or(&Value::Null);
            return example(alt, doc, field, version);
        }
    }
    let ty = match &schema["type"] {
        Value::Array(types) => types.iter().find(|t| *t != "null").cloned().unwrap_or(Value::Null),
        t => t.clone(),
    };
    match ty.as_str() {
        Some("object") => {
            let props = schema["properties"].as_object().cloned().unwrap_or_default();
            Value::Object(
                props.iter().map(|(k, s)| (k.clone(), example(s, doc, Some(k), version))).collect(),
            )
        }
        Some("array") => json!([example(&schema["items"], doc, None, version)]),
        Some("string") => json!("plausible"),
        Some("integer") => json!(1),
        Some("number") => json!(1.0),
        Some("boolean") => json!(true),
        _ => Value::Null,
    }
}

/// B as the global admin sees it, plus its Ayrshare profile's call counters and posts.
async fn snapshot(app: &TestApp, b: &Victim) -> Value {
    let get = |path: String| async move {
        app.call(Method::GET, &path, Some(ADMIN), None).await.expect(200)
    };
    let mut details = Vec::new();
    for post in app.all_posts(&b.ws).await {
        details.push(app.post_detail(&b.ws, post["id"].as_str().unwrap()).await);
    }
    let stats = app.sim.sim.stats();
    json!({
        "workspace": get(format!("/api/workspaces/{}", b.ws)).await,
        "tokens": get(format!("/api/workspaces/{}/tokens", b.ws)).await,
        "members": get(format!("/api/workspaces/{}/members", b.ws)).await,
        "invitations": get(format!("/api/workspaces/{}/invitations", b.ws)).await,
        "webhooks": get(format!("/api/workspaces/{}/webhooks", b.ws)).await,
        "review_links": get(format!("/api/workspaces/{}/review-links", b.ws)).await,
        "comments": get(format!("/api/workspaces/{}/posts/{}/comments", b.ws, b.posts[1].0)).await,
        "templates": get(format!("/api/workspaces/{}/templates", b.ws)).await,
        "hashtag_groups": get(format!("/api/workspaces/{}/hashtag-groups", b.ws)).await,
        "media": get(format!("/api/workspaces/{}/media", b.ws)).await,
        "person": app.call_as(Method::GET, "/api/me", &Caller::person(&b.person), None).await.expect(200),
        "posts": details,
        "ayrshare_calls": stats.by_profile.get(&profile_key("tenant-b")),
    })
}

async fn make_victim(app: &TestApp) -> Victim {
    let ws = app.create_workspace("tenant-b", true, "expire").await;
    let (_, editor) = app.token_with_id(&ws, "editor").await;
    let (approver_id, approver) = app.token_with_id(&ws, "approver").await;
    let (admin_id, _) = app.token_with_id(&ws, "admin").await;
    let mut posts = Vec::new();
    let texts =
        ["B draft: merger with Initech", "B pending: layoffs on Friday", "B published: launch day"];
    for (i, text) in texts.iter().enumerate() {
        let post = app
            .create_post(
                &ws,
                &editor,
                json!({"text": text, "platforms": ["twitter"], "submit": i > 0}),
            )
            .await
            .expect(201);
        let id = post["id"].as_str().unwrap().to_owned();
        let mut version = post["version"].as_i64().unwrap();
        if i == 2 {
            let path = format!("/api/workspaces/{ws}/posts/{id}/approve");
            let done = app
                .call(Method::POST, &path, Some(&approver), Some(json!({"version": version})))
                .await
                .expect(200);
            assert_eq!(done["status"], "published", "B's third post is published on Ayrshare");
            version = done["version"].as_i64().unwrap();
        }
        posts.push((id, version));
    }
    let person = app.person(&ws, "editor").await;
    let open = app.invite(&ws, "b-invitee@example.com", "viewer").await;
    let sessions = app
        .call_as(Method::GET, "/api/me/sessions", &Caller::person(&person), None)
        .await
        .expect(200);
    let session_ids =
        sessions.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect();
    let mut secrets: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
    secrets.extend(["tenant-b".to_owned(), profile_key("tenant-b"), person.email.clone()]);
    secrets.extend(["b-invitee@example.com".to_owned(), invitation_token(&open)]);
    let hook = json!({"url": "http://93.184.216.34/b-hook", "events": ["post.created"]});
    let path = format!("/api/workspaces/{ws}/webhooks");
    let hook = app.call(Method::POST, &path, Some(ADMIN), Some(hook)).await.expect(201);
    secrets.extend(["b-hook".to_owned(), hook["secret"].as_str().unwrap().to_owned()]);
    let pending = &posts[1].0;
    let path = format!("/api/workspaces/{ws}/posts/{pending}/comments");
    let comment = json!({"text": "B comment: the numbers are soft"});
    app.call(Method::POST, &path, Some(&approver), Some(comment)).await.expect(201);
    let path = format!("/api/workspaces/{ws}/review-links");
    let link = json!({"post_ids": [pending], "reviewer_name": "B client Zed"});
    let link = app.call(Method::POST, &path, Some(&approver), Some(link)).await.expect(201);
    let url = link["url"].as_str().unwrap();
    let secret = url.rsplit_once("/review/").unwrap().1.to_owned();
    secrets.extend(["B comment: the numbers are soft".to_owned(), "B client Zed".to_owned()]);
    secrets.push(secret);
    let feed = json!({"url": "http://93.184.216.34/b-feed.xml", "platforms": ["twitter"]});
    let path = format!("/api/workspaces/{ws}/feeds");
    let feed = app.call(Method::POST, &path, Some(ADMIN), Some(feed)).await.expect(201);
    secrets.push("b-feed".to_owned());
    let (template_ids, hashtag_group_ids, media_ids) = library_of_b(app, &ws, &editor).await;
    secrets.extend(["B template: the Initech deal".to_owned(), "#initechdeal".to_owned()]);
    Victim {
        ws,
        posts,
        token_ids: vec![admin_id, approver_id],
        invitation_ids: vec![open["id"].as_str().unwrap().to_owned()],
        member_ids: vec![person.user_id.clone()],
        session_ids,
        webhook_ids: vec![hook["id"].as_str().unwrap().to_owned()],
        review_link_ids: vec![link["id"].as_str().unwrap().to_owned()],
        feed_ids: vec![feed["id"].as_str().unwrap().to_owned()],
        template_ids,
        hashtag_group_ids,
        media_ids,
        person,
        secrets,
    }
}

/// B's template, hashtag group and upload (its media library): their ids.
async fn library_of_b(
    app: &TestApp,
    ws: &str,
    editor: &str,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let post = |path: String, body: Value| async move {
        let made = app.call(Method::POST, &path, Some(editor), Some(body)).await.expect(201);
        made["id"].as_str().unwrap().to_owned()
    };
    let template = json!({"name": "B secret", "text": "B template: the Initech deal", "platforms": ["twitter"]});
    let template = post(format!("/api/workspaces/{ws}/templates"), template).await;
    let tags = json!({"name": "B tags", "tags": ["#initechdeal"]});
    let group = post(format!("/api/workspaces/{ws}/hashtag-groups"), tags).await;
    let mut png = Vec::new();
    let image = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 10, 10]));
    image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let part =
        reqwest::multipart::Part::bytes(png).file_name("b.png").mime_str("image/png").unwrap();
    let res = app
        .http
        .post(format!("{}/api/workspaces/{ws}/media", app.url))
        .bearer_auth(editor)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let media: Value = res.json().await.unwrap();
    (vec![template], vec![group], vec![media["id"].as_str().unwrap().to_owned()])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_of_workspace_a_gets_404_and_nothing_of_b_on_every_route_with_an_id_and_b_is_unchanged(
) {
    let app = spawn_app().await;
    let a = app.create_workspace("tenant-a", true, "expire").await;
    let mut a_callers = Vec::new();
    for role in ROLES {
        a_callers.push((format!("{role} token"), Caller::Bearer(app.token(&a, role).await)));
        a_callers.push((format!("{role} person"), Caller::person(&app.person(&a, role).await)));
    }
    let b = make_victim(&app).await;
    // Publishing B's post warms its Ayrshare history in the background: let that happen
    // first, so the snapshot counts every Ayrshare call made for B.
    app.dashboard.settled().await;
    let before = snapshot(&app, &b).await;

    let doc =
        serde_json::to_value(herald::app::http::openapi()).expect("OpenAPI document serialises");
    let routes = routes_with_ids(&doc);
    let covered: Vec<String> =
        routes.iter().map(|r| format!("{} {}", r.method.to_uppercase(), r.path)).collect();
    for known in [
        "GET /api/workspaces/{ws}",
        "PATCH /api/workspaces/{ws}",
        "POST /api/workspaces/{ws}/posts",
        "DELETE /api/workspaces/{ws}/posts/{id}",
        "POST /api/workspaces/{ws}/posts/{id}/approve",
        "DELETE /api/workspaces/{ws}/tokens/{id}",
        "DELETE /api/workspaces/{ws}/invitations/{id}",
        "PATCH /api/workspaces/{ws}/members/{user_id}",
        "DELETE /api/workspaces/{ws}/members/{user_id}",
        "DELETE /api/me/sessions/{id}",
        "GET /api/workspaces/{ws}/history",
        "GET /api/workspaces/{ws}/events",
        "POST /api/workspaces/{ws}/posts/{id}/comments",
        "DELETE /api/workspaces/{ws}/posts/{id}/comments/{cid}",
        "POST /api/workspaces/{ws}/review-links",
        "DELETE /api/workspaces/{ws}/review-links/{id}",
        "GET /api/review/{secret}",
        "POST /api/review/{secret}/posts/{id}/decision",
    ] {
        assert!(
            covered.iter().any(|c| c == known),
            "the route table lost {known}; the matrix would not cover it. Routes: {covered:?}"
        );
    }

    let mut failures = Vec::new();
    let (mut requests, mut pairs) = (0usize, 0usize);
    for route in &routes {
        let method = Method::from_bytes(route.method.to_uppercase().as_bytes()).unwrap();
        let label = format!("{} {}", route.method.to_uppercase(), route.path);
        for (role, token) in &a_callers {
            pairs += 1;
            let leaks = |r: &Reply| {
                b.secrets
                    .iter()
                    .filter(|s| r.text.contains(s.as_str()))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            if let (Some(param), false) = (&route.workspace_query, route.path.contains('{')) {
                // B's workspace id in the query: answered as for a workspace that does not exist.
                let body = route.body_schema.as_ref().map(|s| example(s, &doc, None, 1));
                let with = |ws: &str| format!("{}?{param}={ws}", route.path);
                let on_b = app.call_as(method.clone(), &with(&b.ws), token, body.clone()).await;
                let unknown = app
                    .call_as(method.clone(), &with(&uuid::Uuid::now_v7().to_string()), token, body)
                    .await;
                requests += 1;
                if on_b.status.is_success()
                    || on_b.status != unknown.status
                    || on_b.body != unknown.body
                    || !leaks(&on_b).is_empty()
                {
                    failures.push(format!("{role} of A: {label} with ?{param}=B: {} {} (an unknown workspace gets {} {})", on_b.status, on_b.text, unknown.status, unknown.text));
                }
                continue;
            }
            for (id, version) in ids_for(&route.path, &b) {
                let body = route.body_schema.as_ref().map(|s| example(s, &doc, None, version));

                let on_b = app
                    .call_as(method.clone(), &fill(&route.path, &b.ws, &id), token, body.clone())
                    .await;
                requests += 1;
                // A route without `{ws}` (the caller's own sessions): B's id is unknown there.
                let scoped = route.path.contains("{ws}");
                if (scoped && (on_b.status != 404 || !on_b.is_error_body("not_found")))
                    || on_b.status.is_success()
                    || !leaks(&on_b).is_empty()
                {
                    failures.push(format!(
                        "{role} of A: {label} on B's {}: {} {} leaks {:?}",
                        if id.is_empty() { "workspace" } else { &id },
                        on_b.status,
                        on_b.text,
                        leaks(&on_b)
                    ));
                }
                if id.is_empty() {
                    continue;
                }
                let on_a = app
                    .call_as(method.clone(), &fill(&route.path, &a, &id), token, body.clone())
                    .await;
                let unknown = app
                    .call_as(
                        method.clone(),
                        &fill(&route.path, &a, &uuid::Uuid::now_v7().to_string()),
                        token,
                        body.clone(),
                    )
                    .await;
                requests += 1;
                if on_a.status.is_success()
                    || on_a.status != unknown.status
                    || on_a.body != unknown.body
                    || !leaks(&on_a).is_empty()
                {
                    failures.push(format!("{role} of A: {label} with B's id {id} under A: {} {} (an unknown id gets {} {})", on_a.status, on_a.text, unknown.status, unknown.text));
                }
            }
        }
    }
    app.dashboard.settled().await;
    let after = snapshot(&app, &b).await;
    assert!(failures.is_empty(), "{} isolation failures:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(before, after, "workspace B changed while A's principals were aimed at it");
    let matrix: BTreeMap<&str, usize> = [
        ("routes", routes.len()),
        ("principals", a_callers.len()),
        ("route_role_pairs", pairs),
        ("requests", requests),
    ]
    .into();
    println!("isolation matrix routes: {}", covered.join(", "));
    println!("FIGURE isolation matrix: {} routes x {} principals (a token and a person per role) = {pairs} route-principal pairs, {requests} cross-tenant requests, 0 leaks ({matrix:?})", routes.len(), a_callers.len());
}
