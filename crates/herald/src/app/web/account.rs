//! The pages of a person's account: sign in (e-mail and password; an access token for
//! machines), accepting an invitation, the profile with its sessions, and the page that
//! says a page does not exist. Shells, like every page: the scripts talk to the JSON API.

use super::layout::{layout, logo, page, page_with_status, topbar, Section};
use super::vocab::config;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

/// A centred card with the brand, for the pages a person sees before a workspace.
fn card(body: Markup) -> Markup {
    html! {
        div.signin {
            div.signin-card.panel {
                div.brand.brand-lg { (logo()) span { "Herald" } }
                (body)
            }
        }
    }
}

/// One labelled input with its error slot.
fn field(id: &str, label: &str, kind: &str, autocomplete: &str, hint: Option<&str>) -> Markup {
    let described =
        format!("{id}-error{}", if hint.is_some() { format!(" {id}-hint") } else { String::new() });
    html! {
        div.field #{ (id) "-field" } {
            label for=(id) #{ (id) "-label" } { (label) }
            input #(id) type=(kind) name=(id) autocomplete=(autocomplete) spellcheck="false"
                aria-describedby=(described);
            @if let Some(hint) = hint { p.hint #{ (id) "-hint" } { (hint) } }
            p.field-error #{ (id) "-error" } data-error-for=(id) hidden {}
        }
    }
}

/// `GET /`: sign in with e-mail and password; an access token, for machines, below.
pub async fn sign_in() -> Response {
    let body = card(html! {
        h1 { "Sign in" }
        p.signin-note #signin-note role="status" aria-live="polite" {}
        div #continue .continue hidden {}
        form #login-form novalidate {
            (field("email", "E-mail address", "email", "username", None))
            (field("password", "Password", "password", "current-password", None))
            p.field-error.form-error data-error-for="_form" hidden role="alert" {}
            button.btn.btn-primary.btn-block type="submit" { "Sign in" }
        }
        p.hint.signin-help { a href="/reset-password" { "Forgot your password?" } }
        p.hint.signin-help { "No account yet? Ask an admin of your workspace to invite you." }
        details #token-signin .token-signin {
            summary { "Sign in with an access token (for machines and automation)" }
            form #signin-form novalidate {
                div.field {
                    label for="token" { "Access token" }
                    input #token type="password" name="token" autocomplete="off" spellcheck="false" required
                        aria-describedby="token-error token-hint";
                    p.hint #token-hint { "Kept in this browser tab only, and sent only in the Authorization header." }
                    p.field-error #token-error data-error-for="token" hidden {}
                }
                button.btn.btn-block type="submit" { "Sign in with the token" }
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
        }
    });
    page(layout("Sign in", &config("signin", None, None), &["signin.js"], None, body))
}

/// `GET /invitation`: accept an invitation. The secret is in the URL's fragment
/// (`#token=`), which the browser never sends; the script reads it and drops it from the
/// address bar at once.
pub async fn invitation() -> Response {
    let body = card(html! {
        h1 { "Join your team" }
        p.sub #invite-intro { "You were invited to a workspace on Herald. Set up your account to join it." }
        div #invite-problem .banner data-tone="bad" hidden role="alert" {}
        form #accept-form novalidate data-mode="new" {
            (field("name", "Your name", "text", "name", Some("As your team will see it on posts and approvals.")))
            (field("password", "Choose a password", "password", "new-password", Some("At least 12 characters, not easy to guess: a few words work well.")))
            p.field-error.form-error data-error-for="_form" hidden role="alert" {}
            button.btn.btn-primary.btn-block #accept-button type="submit" { "Join the workspace" }
            p.mode-switch {
                button.btn-link #mode-toggle type="button" aria-controls="accept-form" { "I already have a Herald account" }
            }
        }
        p.hint { a href="/" { "Go to sign in" } }
    });
    let cfg = config("invitation", None, None);
    page(layout("Join your team", &cfg, &["invitation.js"], None, body))
}

/// `GET /reset-password`: ask for a reset link by e-mail, or, with `?token=` (the link
/// from that e-mail), choose a new password. The script drops the token from the address
/// bar at once.
pub async fn reset_password() -> Response {
    let body = card(html! {
        h1 { "Reset your password" }
        div #reset-problem .banner data-tone="bad" hidden role="alert" {}
        div #reset-done .banner data-tone="good" hidden role="status" {}
        form #ask-form novalidate {
            p.sub { "Give the e-mail address of your Herald account: we send it a link to choose a new password." }
            (field("email", "E-mail address", "email", "username", None))
            p.field-error.form-error data-error-for="_form" hidden role="alert" {}
            button.btn.btn-primary.btn-block #ask-button type="submit" { "Send the link" }
        }
        form #choose-form novalidate hidden {
            p.sub { "Choose a new password. Every browser signed in as you is signed out." }
            (field("password", "New password", "password", "new-password", Some("At least 12 characters, not easy to guess: a few words work well.")))
            p.field-error.form-error data-error-for="_form" hidden role="alert" {}
            button.btn.btn-primary.btn-block #choose-button type="submit" { "Set the password and sign in" }
        }
        p.hint { a href="/" { "Back to sign in" } }
    });
    let cfg = config("reset", None, None);
    page(layout("Reset your password", &cfg, &["reset.js"], None, body))
}

/// `GET /me`: the person's profile: name, notifications, password, sessions.
pub async fn profile() -> Response {
    let body = html! {
        div.page-head { div { h1 { "Your profile" } p.sub #profile-sub { "Loading…" } } }
        div #token-note .banner hidden {}
        div.layout {
            div.col-main {
                section.panel #name-panel hidden aria-labelledby="name-title" {
                    h2 #name-title { "Name and e-mail" }
                    form #name-form novalidate {
                        div.field { span.label-like { "E-mail address" } p #me-email .static-value {} }
                        (field("name", "Name", "text", "name", Some("Shown to your team on posts, approvals and the audit trail.")))
                        div.field.check {
                            label { input #notify type="checkbox" name="notify_email"; " E-mail me about approvals and decisions on my posts" }
                        }
                        p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                        div.form-actions { button.btn.btn-primary type="submit" { "Save" } }
                        p.form-result #name-result role="status" aria-live="polite" {}
                    }
                }
                section.panel #password-panel hidden aria-labelledby="password-title" {
                    h2 #password-title { "Password" }
                    form #password-form novalidate {
                        (field("current_password", "Current password", "password", "current-password", None))
                        (field("password", "New password", "password", "new-password", Some("At least 12 characters, not easy to guess: a few words work well.")))
                        (field("confirm", "New password again", "password", "new-password", None))
                        p.hint { "Changing it signs you out everywhere, this browser included; you then sign in with the new one." }
                        p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                        div.form-actions { button.btn.btn-primary type="submit" { "Change password" } }
                    }
                }
            }
            div.col-side {
                section.panel #sessions-panel hidden aria-labelledby="sessions-title" {
                    h2 #sessions-title { "Where you are signed in" }
                    p.sub { "Sign out a browser you no longer use; it has to sign in again." }
                    ul #sessions .rows {}
                    p.field-error #sessions-error hidden role="alert" {}
                }
            }
        }
    };
    let cfg = config("profile", None, None);
    let scripts = ["profile.js"];
    page(layout("Your profile", &cfg, &scripts, Some(topbar(None, Section::Profile, false)), body))
}

/// The page for an address that has none: a way back instead of an error body.
pub fn not_found_page() -> Response {
    let body = card(html! {
        h1 { "Page not found" }
        p.sub { "There is no page at this address. The link may be incomplete, or the page may have moved." }
        div.form-actions {
            a.btn.btn-primary href="/" { "Go to your workspace" }
        }
    });
    let markup = layout("Page not found", &config("not_found", None, None), &[], None, body);
    page_with_status(StatusCode::NOT_FOUND, markup)
}
