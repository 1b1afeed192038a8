//! What every page shares: the response headers (CSP and friends), the document around
//! a page (head, embedded config, its entry modules, skip link, toasts) and the top bar
//! with its workspace switcher, navigation, live state and the person's menu. The
//! scripts (`chrome.js`) fill the top bar from `GET /api/me`; the server renders only its
//! empty shape.

use super::assets;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// Scripts and styles only from Herald itself; fetches only to Herald.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// An HTML answer with the page headers (CSP, no sniffing, no referrer, revalidate).
pub fn page(markup: Markup) -> Response {
    page_with_status(StatusCode::OK, markup)
}

/// [`page`] with another status (a page that says "not found" answers 404).
pub fn page_with_status(status: StatusCode, markup: Markup) -> Response {
    let mut res = (status, Html(markup.into_string())).into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, CSP.parse().expect("static header"));
    h.insert(X_CONTENT_TYPE_OPTIONS, "nosniff".parse().expect("static header"));
    h.insert(REFERRER_POLICY, "no-referrer".parse().expect("static header"));
    h.insert(CACHE_CONTROL, "no-cache".parse().expect("static header"));
    res
}

/// The document around every page: head, config, scripts, skip link, toasts. `modules`
/// are the page's entry modules (usually one): each imports what it needs, and the page
/// preloads the whole graph of them.
pub fn layout(
    title: &str,
    config: &str,
    modules: &[&str],
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
                link rel="stylesheet" href=(assets::url("people.css"));
                link rel="stylesheet" href=(assets::url("planning.css"));
                script type="application/json" id="herald-config" { (PreEscaped(config)) }
                @for m in assets::module_graph(modules) {
                    link rel="modulepreload" href=(assets::url(m));
                }
                @for m in modules {
                    script type="module" src=(assets::url(m)) {}
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

pub fn logo() -> Markup {
    html! {
        svg.logo viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" {
            rect x="1" y="1" width="22" height="22" rx="6" fill="currentColor" {}
            path d="M7 17V7M17 17V7M7 12h10" stroke="#fff" stroke-width="2.4" stroke-linecap="round" fill="none" {}
        }
    }
}

/// The notification bell: hidden until `notify.js` knows a person is signed in.
fn bell() -> Markup {
    html! {
        details #bell .bell hidden {
            summary.bell-button {
                svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" {
                    path d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15zM10 20a2 2 0 0 0 4 0" stroke="currentColor" stroke-width="1.8" fill="none" stroke-linejoin="round" {}
                }
                span.visually-hidden { "Notifications" }
                span #bell-count .bell-count hidden {}
            }
            div.bell-panel {
                div.bell-head {
                    strong { "Notifications" }
                    button #bell-read-all .btn-link type="button" hidden { "Mark all read" }
                }
                ul #bell-list .bell-list {}
                p #bell-empty .bell-empty hidden { "No notifications yet." }
            }
        }
    }
}

/// Which page of the top bar's navigation is open.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Calendar,
    Approvals,
    Analytics,
    Post,
    Team,
    Settings,
    Profile,
}

/// The top bar: brand, workspace switcher, navigation (Team and Settings shown to admins
/// by the script), the live state on pages that follow the event stream, and the
/// person's menu (Profile, Sign out).
pub fn topbar(ws: Option<&str>, current: Section, live: bool) -> Markup {
    let link = |href: String, key: Section, label: &str, admin: bool, extra: Markup| {
        html! {
            a.nav-link href=(href) aria-current=[(current == key).then_some("page")]
                hidden[admin] data-needs=[admin.then_some("admin")] { (label) (extra) }
        }
    };
    let home = ws.map_or_else(|| "/".to_owned(), |ws| format!("/w/{ws}"));
    html! {
        header.topbar {
            div.topbar-inner {
                a.brand href=(home) { (logo()) span { "Herald" } }
                div.ws-switch {
                    label.visually-hidden for="ws-select" { "Workspace" }
                    select #ws-select hidden {}
                    span #ws-name .ws-name { @if ws.is_some() { "Workspace" } }
                }
                @if let Some(ws) = ws {
                    nav.nav #nav aria-label="Workspace" {
                        (link(format!("/w/{ws}"), Section::Dashboard, "Dashboard", false, html! {}))
                        (link(format!("/w/{ws}/calendar"), Section::Calendar, "Calendar", false, html! {}))
                        (link(format!("/w/{ws}/approvals"), Section::Approvals, "Approvals", false,
                            html! { span #nav-pending .nav-count hidden { span.n {} span.visually-hidden { " waiting" } } }))
                        (link(format!("/w/{ws}/analytics"), Section::Analytics, "Analytics", false, html! {}))
                        (link(format!("/w/{ws}/team"), Section::Team, "Team", true, html! {}))
                        (link(format!("/w/{ws}/settings"), Section::Settings, "Settings", true, html! {}))
                    }
                }
                @if live {
                    span #live .live data-state="connecting" role="status" aria-live="polite" {
                        span.dot aria-hidden="true" {} span.live-text { "Connecting…" } span.live-count aria-hidden="true" {}
                    }
                } @else {
                    span.spacer {}
                }
                div.topbar-right {
                    (bell())
                    details #user-menu .menu {
                        summary.menu-button {
                            span #user-name { "Account" }
                            span #role .role-chip hidden {}
                        }
                        div.menu-list {
                            p #user-email .menu-note hidden {}
                            a #menu-profile href="/me" aria-current=[(current == Section::Profile).then_some("page")] { "Profile" }
                            button #sign-out type="button" { "Sign out" }
                        }
                    }
                }
            }
        }
    }
}
