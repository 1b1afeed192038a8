//! A workspace's team and settings pages: members and their roles, invitations and API
//! tokens (`/w/{ws}/team`); name, time zone, approval policy, X credentials and linked
//! social accounts (`/w/{ws}/settings`). What only admins may change is hidden from
//! others by the script; the API decides either way.

use super::layout::{layout, page, topbar, Section};
use super::vocab::config;
use axum::extract::Path;
use axum::response::Response;
use maud::{html, Markup};

/// A select of the roles (filled by the script from the page config, weakest first).
fn role_select(id: &str) -> Markup {
    html! { select #(id) name="role" .role-select data-default="editor" {} }
}

/// `GET /w/{ws}/team`: members, invitations and API tokens.
pub async fn team(Path(ws): Path<String>) -> Response {
    let body = html! {
        div.page-head {
            div { h1 { "Team" } p.sub #team-sub { "Who works in this workspace, and what each of them may do." } }
        }
        div.layout {
            div.col-main {
                section.panel #members-panel aria-labelledby="members-title" {
                    div.panel-head { h2 #members-title { "Members " span #member-count .count-pill {} } }
                    div.table-wrap {
                        table.table #members {
                            thead { tr { th scope="col" { "Name" } th scope="col" { "Role" } th scope="col" { span.visually-hidden { "Actions" } } } }
                            tbody {}
                        }
                    }
                    p.field-error.form-error #members-error hidden role="alert" {}
                }
                section.panel #tokens-panel hidden aria-labelledby="tokens-title" {
                    div.panel-head {
                        h2 #tokens-title { "API tokens" }
                        span.sub { "For machines and automation: each acts with its role in this workspace only." }
                    }
                    ul #tokens .rows {}
                    p.empty #tokens-empty hidden { "No API tokens yet." }
                    p.field-error.form-error #tokens-error hidden role="alert" {}
                }
            }
            div.col-side {
                section.panel #invite-panel hidden aria-labelledby="invite-title" {
                    h2 #invite-title { "Invite someone" }
                    form #invite-form novalidate {
                        div.field {
                            label for="invite-email" { "E-mail address" }
                            input #invite-email type="email" name="email" autocomplete="off" aria-describedby="invite-email-error";
                            p.field-error #invite-email-error data-error-for="email" hidden {}
                        }
                        div.field {
                            label for="invite-role" { "Role" }
                            (role_select("invite-role"))
                            p.hint #invite-role-help {}
                            p.field-error data-error-for="role" hidden {}
                        }
                        p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                        div.form-actions { button.btn.btn-primary type="submit" { "Send invitation" } }
                    }
                    div #invite-result .secret-box hidden role="status" {}
                }
                section.panel #invitations-panel hidden aria-labelledby="invitations-title" {
                    h2 #invitations-title { "Open invitations" }
                    ul #invitations .rows {}
                    p.empty #invitations-empty hidden { "No open invitations." }
                    p.field-error.form-error #invitations-error hidden role="alert" {}
                }
                section.panel #token-panel hidden aria-labelledby="token-title" {
                    h2 #token-title { "New API token" }
                    form #token-form novalidate {
                        div.field {
                            label for="token-name" { "Name " span.optional { "(what uses it, e.g. “Zapier”)" } }
                            input #token-name type="text" name="name" autocomplete="off";
                            p.field-error data-error-for="name" hidden {}
                        }
                        div.field {
                            label for="token-role" { "Role" }
                            (role_select("token-role"))
                            p.field-error data-error-for="role" hidden {}
                        }
                        p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                        div.form-actions { button.btn.btn-primary type="submit" { "Create token" } }
                    }
                    div #token-result .secret-box hidden role="status" {}
                }
                section.panel aria-labelledby="roles-title" {
                    h2 #roles-title { "Roles" }
                    dl #roles-help .roles-help {}
                }
            }
        }
    };
    let cfg = config("team", Some(&ws), None);
    let scripts = ["team.js"];
    page(layout("Team", &cfg, &scripts, Some(topbar(Some(&ws), Section::Team, true)), body))
}

/// `GET /w/{ws}/settings`: the workspace's settings (admins).
pub async fn settings(Path(ws): Path<String>) -> Response {
    let body = html! {
        div.page-head { div { h1 { "Settings" } p.sub { "How this workspace works. Only admins can change these." } } }
        div #settings-note .banner hidden {}
        div.layout {
            div.col-main {
                section.panel #general-panel aria-labelledby="general-title" {
                    h2 #general-title { "Workspace" }
                    form #general-form novalidate {
                        div.field {
                            label for="ws-name-input" { "Name" }
                            input #ws-name-input type="text" name="name" autocomplete="off";
                            p.field-error data-error-for="name" hidden {}
                        }
                        div.field {
                            label for="ws-timezone" { "Time zone" }
                            input #ws-timezone type="text" name="timezone" list="tz-list" autocomplete="off" spellcheck="false" aria-describedby="ws-timezone-hint";
                            datalist #tz-list {}
                            p.hint #ws-timezone-hint { "A place name such as Europe/Paris. Every time in this workspace is shown and entered in this zone." }
                            p.field-error data-error-for="timezone" hidden {}
                        }
                        p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                        div.form-actions { button.btn.btn-primary type="submit" { "Save" } }
                        p.form-result role="status" aria-live="polite" {}
                    }
                }
                section.panel #approval-panel aria-labelledby="approval-title" {
                    h2 #approval-title { "Approval" }
                    form #approval-form novalidate {
                        div.field.check {
                            label { input #requires-approval type="checkbox" name="requires_approval"; " Posts need an approver's OK before they go out" }
                            p.hint { "Without it, editors publish and schedule posts themselves." }
                        }
                        fieldset.field #late-field {
                            legend { "When a post is approved after its planned time" }
                            label.radio { input type="radio" name="late_approval" value="expire"; " Don't publish it: it expires, and its author picks a new time" }
                            label.radio { input type="radio" name="late_approval" value="publish"; " Publish it at once" }
                            p.field-error data-error-for="late_approval" hidden {}
                        }
                        p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                        div.form-actions { button.btn.btn-primary type="submit" { "Save" } }
                        p.form-result role="status" aria-live="polite" {}
                    }
                }
            }
            div.col-side {
                section.panel #x-panel aria-labelledby="x-title" {
                    h2 #x-title { "X (Twitter) credentials" }
                    p #x-status .x-status {}
                    form #x-form novalidate {
                        p.hint { "Ayrshare needs an X developer app's API key and secret to post to X. They are stored, never shown again." }
                        div.field {
                            label for="x-key" { "API key" }
                            input #x-key type="password" name="x_api_key" autocomplete="off" spellcheck="false";
                            p.field-error data-error-for="x_api_key" hidden {}
                        }
                        div.field {
                            label for="x-secret" { "API secret" }
                            input #x-secret type="password" name="x_api_secret" autocomplete="off" spellcheck="false";
                            p.field-error data-error-for="x_api_secret" hidden {}
                        }
                        p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                        div.form-actions {
                            button.btn.btn-primary type="submit" { "Save the credentials" }
                            button.btn.btn-danger #x-remove type="button" hidden { "Remove the workspace's own" }
                        }
                        p.form-result role="status" aria-live="polite" {}
                    }
                }
                section.panel #accounts-panel aria-labelledby="accounts-title" {
                    div.panel-head {
                        h2 #accounts-title { "Linked social accounts" }
                        span.sub #accounts-as-of {}
                    }
                    p.sub { "Posts can go only to networks linked here. Linking happens on Ayrshare's page." }
                    div.form-actions {
                        button.btn #connect type="button" { "Link accounts" }
                        button.btn #accounts-reload type="button" { "Refresh the list" }
                    }
                    div #connect-result hidden role="status" {}
                    ul #accounts .rows {}
                    p.empty #accounts-empty hidden { "No social accounts are linked yet." }
                }
                section.panel #webhooks-panel aria-labelledby="webhooks-title" {
                    h2 #webhooks-title { "Webhooks" }
                    p.sub { "Herald sends post events to these addresses, signed per Standard Webhooks, retrying for 24 hours." }
                    p #webhook-note .banner hidden role="status" {}
                    ul #webhooks .rows {}
                    p.empty #webhooks-empty hidden { "No webhooks yet." }
                    form #webhook-form novalidate {
                        div.field {
                            label for="webhook-url" { "Address (URL)" }
                            input #webhook-url type="url" name="url" placeholder="https://example.com/herald" spellcheck="false";
                            p.field-error data-error-for="url" hidden {}
                        }
                        fieldset.field {
                            legend { "Events" }
                            div #webhook-events {}
                            p.field-error data-error-for="events" hidden {}
                        }
                        p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                        div.form-actions { button.btn.btn-primary type="submit" { "Add the webhook" } }
                    }
                    div #webhook-secret hidden role="status" {}
                    div #webhook-log hidden {}
                }
            }
        }
    };
    let cfg = config("settings", Some(&ws), None);
    let scripts = ["settings.js"];
    page(layout(
        "Settings",
        &cfg,
        &scripts,
        Some(topbar(Some(&ws), Section::Settings, false)),
        body,
    ))
}
