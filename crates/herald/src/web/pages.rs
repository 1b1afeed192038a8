//! The page shells, rendered with maud: layout, navigation, forms with their labels, and
//! empty regions the page scripts fill from the JSON API. Each page embeds the JSON of
//! [`super::config`] so the browser checks exactly what the server checks.

use super::assets;
use super::vocab::{config, short_limit, status_label};
use crate::domain::PostStatus;
use axum::extract::Path;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::response::{Html, IntoResponse, Response};
use ayrshare::Platform;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// Scripts and styles only from Herald itself; fetches only to Herald.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// An HTML answer with the page headers (CSP, no sniffing, no referrer, revalidate).
fn page(markup: Markup) -> Response {
    let mut res = Html(markup.into_string()).into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, CSP.parse().expect("static header"));
    h.insert(X_CONTENT_TYPE_OPTIONS, "nosniff".parse().expect("static header"));
    h.insert(REFERRER_POLICY, "no-referrer".parse().expect("static header"));
    h.insert(CACHE_CONTROL, "no-cache".parse().expect("static header"));
    res
}

/// The document around every page: head, config, scripts, skip link, toasts.
fn layout(
    title: &str,
    config: &str,
    scripts: &[&str],
    chrome: Option<Markup>,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light";
                title { (title) " · Herald" }
                link rel="icon" type="image/svg+xml" href=(assets::url("favicon.svg"));
                link rel="stylesheet" href=(assets::url("app.css"));
                script type="application/json" id="herald-config" { (PreEscaped(config)) }
                @for s in scripts {
                    script src=(assets::url(s)) defer {}
                }
            }
            body {
                a.skip-link href="#main" { "Skip to content" }
                @if let Some(chrome) = chrome { (chrome) }
                main #main tabindex="-1" { (body) }
                div #toasts .toasts role="status" aria-live="polite" {}
            }
        }
    }
}

fn logo() -> Markup {
    html! {
        svg.logo viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" {
            rect x="1" y="1" width="22" height="22" rx="6" fill="currentColor" {}
            path d="M7 17V7M17 17V7M7 12h10" stroke="#fff" stroke-width="2.4" stroke-linecap="round" fill="none" {}
        }
    }
}

/// The top bar of the workspace pages: brand, workspace, navigation, live state, role.
fn topbar(ws: &str, current: &str) -> Markup {
    let link = |href: String, key: &str, label: &str, extra: Markup| {
        html! { a.nav-link href=(href) aria-current=[(current == key).then_some("page")] { (label) (extra) } }
    };
    html! {
        header.topbar {
            div.topbar-inner {
                a.brand href={ "/w/" (ws) } { (logo()) span { "Herald" } }
                span #ws-name .ws-name { "Workspace" }
                nav.nav aria-label="Workspace" {
                    (link(format!("/w/{ws}"), "dashboard", "Dashboard", html! {}))
                    (link(format!("/w/{ws}/approvals"), "approvals", "Approvals",
                        html! { span #nav-pending .nav-count hidden { span.n {} span.visually-hidden { " waiting" } } }))
                }
                span #live .live data-state="connecting" role="status" aria-live="polite" {
                    span.dot aria-hidden="true" {} span.live-text { "Connecting…" } span.live-count aria-hidden="true" {}
                }
                div.topbar-right {
                    span #role .role-chip hidden {}
                    button #sign-out .btn-link type="button" { "Sign out" }
                }
            }
        }
    }
}

/// The post form: new posts on the dashboard (`prefix` "compose"), edits on the post page
/// ("edit"). Errors from the API appear in the `data-error-for` element of their field.
fn post_form(prefix: &str, editing: bool) -> Markup {
    let id = |name: &str| format!("{prefix}-{name}");
    html! {
        form.post-form id=(id("form")) novalidate data-mode=(if editing { "edit" } else { "create" }) {
            div.field {
                label for=(id("text")) { "Text" }
                textarea id=(id("text")) name="text" rows="5" required
                    aria-describedby={ (id("count")) " " (id("text-error")) } {}
                div.count-row {
                    span.char-count id=(id("count")) aria-live="polite" { "Choose platforms to see their limit" }
                }
                p.field-error id=(id("text-error")) data-error-for="text" hidden {}
            }
            fieldset.field {
                legend { "Platforms" }
                div.platforms {
                    @for p in Platform::ALL {
                        label.platform-option {
                            input type="checkbox" name="platforms" value=(p.as_str());
                            span.pname { (p.label()) }
                            span.plimit title={ (p.text_limit()) " characters" } { (short_limit(p.text_limit())) }
                        }
                    }
                }
                p.field-error data-error-for="platforms" hidden {}
            }
            div.field {
                label for=(id("schedule")) { "Schedule " span.optional { "(optional)" } }
                input id=(id("schedule")) type="datetime-local" name="schedule_at" aria-describedby=(id("schedule-hint"));
                p.hint id=(id("schedule-hint")) {
                    "In the workspace's time zone, " span.tz-name { "UTC" } ". Leave empty to publish as soon as it is approved."
                }
                p.field-error data-error-for="schedule_at" hidden {}
            }
            details.field.more-fields {
                summary { "Media URLs" }
                label for=(id("media")) { "One http(s) URL per line " span.optional { "(optional)" } }
                textarea id=(id("media")) name="media_urls" rows="2" {}
                p.field-error data-error-for="media_urls" hidden {}
            }
            p.field-error.form-error data-error-for="_form" hidden {}
            div.form-actions {
                @if editing {
                    button.btn.btn-primary type="submit" value="save" { "Save changes" }
                    button.btn type="submit" value="resubmit" hidden { "Save and resubmit" }
                } @else {
                    button.btn.btn-primary type="submit" value="submit" { "Submit for approval" }
                    button.btn type="submit" value="draft" { "Save as draft" }
                }
            }
            p.form-result id=(id("result")) role="status" aria-live="polite" {}
        }
    }
}

/// `GET /`: sign in.
pub async fn sign_in() -> Response {
    let body = html! {
        div.signin {
            div.signin-card.panel {
                div.brand.brand-lg { (logo()) span { "Herald" } }
                h1 { "Sign in" }
                p.sub { "Use a workspace token, or the admin token and then choose a workspace." }
                form #signin-form novalidate {
                    div.field {
                        label for="token" { "Access token" }
                        input #token type="password" name="token" autocomplete="off" spellcheck="false" required
                            aria-describedby="token-error token-hint";
                        p.hint #token-hint { "Kept in this browser tab only, and sent only in the Authorization header." }
                        p.field-error #token-error data-error-for="token" hidden {}
                    }
                    button.btn.btn-primary.btn-block type="submit" { "Sign in" }
                }
                form #choose-form hidden novalidate {
                    div.field {
                        label for="workspace" { "Workspace" }
                        select #workspace name="workspace" {}
                        p.field-error data-error-for="workspace" hidden {}
                    }
                    div.form-actions {
                        button.btn.btn-primary type="submit" { "Open workspace" }
                        button.btn #choose-back type="button" { "Use another token" }
                    }
                }
                p.signin-note #signin-note role="status" aria-live="polite" {}
            }
        }
    };
    page(layout("Sign in", &config("signin", None, None), &["core.js", "signin.js"], None, body))
}

/// `GET /w/{ws}`: the dashboard.
pub async fn dashboard(Path(ws): Path<String>) -> Response {
    let stat = |id: &str, label: &str, tone: &str| {
        html! {
            div.stat data-tone=(tone) {
                span.stat-label id={ (id) "-label" } { (label) }
                span.stat-value id=(id) aria-describedby={ (id) "-label" } { "–" }
            }
        }
    };
    let body = html! {
        div.page-head {
            div {
                h1 { "Dashboard" }
                p #freshness .freshness { "Loading…" }
            }
            a.btn.btn-primary.compose-jump href="#compose-form" { "New post" }
        }
        section.stats aria-label="Post counts" {
            (stat("count-total", "All posts", "neutral"))
            (stat("count-pending", "Pending approval", "warn"))
            (stat("count-scheduled", "Scheduled", "info"))
            (stat("count-published", "Published", "good"))
            (stat("count-attention", "Needs attention", "bad"))
        }
        div.layout {
            div.col-main {
                section.panel #chart-panel aria-labelledby="chart-title" {
                    div.panel-head {
                        h2 #chart-title { "Posts per day" }
                        span.sub #chart-sub { "Last 30 days" }
                    }
                    div #chart .chart {}
                    ul.legend aria-hidden="true" {
                        li { span.swatch data-series="published" {} "Published" }
                        li { span.swatch data-series="waiting" {} "Waiting" }
                        li { span.swatch data-series="problem" {} "Failed or stopped" }
                    }
                }
                section.panel #posts-panel aria-labelledby="posts-title" {
                    div.panel-head {
                        h2 #posts-title { "Posts" }
                        label.inline-filter {
                            span { "Show" }
                            select #status-filter {
                                option value="" { "All statuses" }
                                @for s in PostStatus::ALL { option value=(s.as_str()) { (status_label(s)) } }
                            }
                        }
                    }
                    ol #post-list .post-list aria-live="off" {}
                    p #posts-empty .empty hidden { "No posts yet. Write the first one." }
                    button #posts-more .btn.btn-block type="button" hidden { "Show more" }
                }
            }
            div.col-side {
                section.panel #compose-panel aria-labelledby="compose-title" {
                    h2 #compose-title { "New post" }
                    (post_form("compose", false))
                }
                section.panel aria-labelledby="platforms-title" {
                    h2 #platforms-title { "By platform" }
                    ul #by-platform .bars {}
                    h2 { "By status" }
                    ul #by-status .chips {}
                }
            }
        }
    };
    let cfg = config("dashboard", Some(&ws), None);
    let scripts = ["core.js", "live.js", "compose.js", "dashboard.js"];
    page(layout("Dashboard", &cfg, &scripts, Some(topbar(&ws, "dashboard")), body))
}

/// `GET /w/{ws}/approvals`: the approval queue.
pub async fn approvals(Path(ws): Path<String>) -> Response {
    let body = html! {
        div.page-head {
            div {
                h1 { "Approval queue" }
                p.sub { "You approve the exact version shown. If a post changes while you look at it, you are told and can reload it." }
            }
        }
        div.layout {
            div.col-main {
                section.panel aria-labelledby="queue-title" {
                    div.panel-head {
                        h2 #queue-title { "Waiting for approval " span #queue-count .count-pill {} }
                        span.sub { "Oldest first" }
                    }
                    div #queue .cards {}
                    p #queue-empty .empty hidden { "Nothing is waiting for approval." }
                }
            }
            div.col-side {
                section.panel aria-labelledby="sent-back-title" {
                    h2 #sent-back-title { "Sent back to authors" }
                    p.sub { "Changes requested or rejected: edit and resubmit them." }
                    ol #sent-back .post-list {}
                    p #sent-back-empty .empty hidden { "Nothing has been sent back." }
                }
            }
        }
    };
    let cfg = config("approvals", Some(&ws), None);
    let scripts = ["core.js", "live.js", "review.js", "approvals.js"];
    page(layout("Approvals", &cfg, &scripts, Some(topbar(&ws, "approvals")), body))
}

/// `GET /w/{ws}/posts/{id}`: one post with its audit trail and actions.
pub async fn post(Path((ws, id)): Path<(String, String)>) -> Response {
    let body = html! {
        div.narrow {
        p.back { a href={ "/w/" (ws) } { "← Dashboard" } }
        div #post-stale .banner hidden role="alert" {}
        article #post-view .panel aria-live="polite" { p { "Loading…" } }
        section #review-panel .panel hidden aria-labelledby="review-title" {
            h2 #review-title { "Decision" }
            div #review {}
        }
        section #edit-panel .panel hidden aria-labelledby="edit-title" {
            h2 #edit-title { "Edit" }
            (post_form("edit", true))
        }
        section #actions-panel .panel hidden aria-labelledby="actions-title" {
            h2 #actions-title { "Actions" }
            div #post-actions .form-actions {}
            p.field-error #actions-error hidden {}
        }
        section.panel aria-labelledby="audit-title" {
            h2 #audit-title { "Audit trail" }
            ol #audit .audit {}
        }
        }
    };
    let cfg = config("post", Some(&ws), Some(&id));
    let scripts = ["core.js", "live.js", "compose.js", "review.js", "post.js"];
    page(layout("Post", &cfg, &scripts, Some(topbar(&ws, "post")), body))
}
