//! The plan page (`/w/{ws}/plan`, linked from the calendar): the posting queue's weekly
//! slots, pause and next free times; CSV import (upload, the dry run's report of every
//! bad row, then confirm); and the workspace's feeds with each one's last error. The
//! page is empty until `plan.js` fills it from the API; admins may change the queue and
//! the feeds, editors import.

use super::layout::{layout, page, topbar, Section};
use super::vocab::config;
use axum::extract::Path;
use axum::response::Response;
use maud::html;

/// `GET /w/{ws}/plan`.
pub async fn plan(Path(ws): Path<String>) -> Response {
    let body = html! {
        div.page-head {
            div {
                h1 { "Queue, import and feeds" }
                p.sub { "Times in " span.tz-name { "UTC" } }
            }
        }
        div #plan-banner .banner hidden role="alert" {}
        section.panel aria-labelledby="queue-title" {
            div.panel-head {
                h2 #queue-title { "Posting queue" }
                span.sub #queue-state role="status" {}
            }
            p.hint { "One slot per line, a weekday and a time: " code { "mon 09:00" } ". “Add to queue” in the composer takes the next free slot." }
            form #queue-form novalidate {
                div.field {
                    label for="queue-slots" { "Slots" }
                    textarea #queue-slots name="slots" rows="8" {}
                    p.field-error data-error-for="slots" hidden {}
                }
                div.field {
                    label { input #queue-paused type="checkbox" name="paused"; " Paused (queued posts wait until it resumes)" }
                }
                div.form-actions {
                    button.btn.btn-primary #queue-save type="submit" { "Save queue" }
                }
                p.form-result #queue-result role="status" aria-live="polite" {}
            }
            h3 { "Next free slots" }
            ul #queue-next .plain-list {}
        }
        section.panel aria-labelledby="import-title" {
            h2 #import-title { "Import posts from CSV" }
            p.hint {
                "Columns: " code { "text" } ", " code { "platforms" } ", " code { "schedule_at" }
                " (RFC 3339 or " code { "YYYY-MM-DD HH:MM" } " in the workspace's zone), "
                code { "media_urls" } ", " code { "queue" } ", " code { "external_id" }
                ". Up to 1,000 rows; nothing is imported unless every row is right."
            }
            form #import-form novalidate {
                div.field {
                    label for="import-file" { "CSV file" }
                    input #import-file type="file" name="file" accept=".csv,text/csv";
                }
                div.field {
                    label { input #import-submit type="checkbox" name="submit"; " Submit the posts (otherwise they are drafts)" }
                }
                div.form-actions {
                    button.btn #import-check type="submit" { "Check file" }
                    button.btn.btn-primary #import-confirm type="button" hidden { "Import" }
                }
            }
            div #import-report aria-live="polite" {}
        }
        section.panel #feeds-panel aria-labelledby="feeds-title" {
            h2 #feeds-title { "Feeds" }
            p.hint { "Each new item of an RSS or Atom feed becomes a draft. Admins add and remove feeds." }
            ul #feed-list .plain-list {}
            form #feed-form novalidate {
                div.field {
                    label for="feed-url" { "Feed URL" }
                    input #feed-url type="url" name="url" required;
                    p.field-error data-error-for="url" hidden {}
                }
                div.field {
                    label for="feed-platforms" { "Networks (space-separated)" }
                    input #feed-platforms type="text" name="platforms" value="linkedin";
                    p.field-error data-error-for="platforms" hidden {}
                }
                div.field {
                    label for="feed-template" { "Template " span.optional { "(optional, with {title} and {link})" } }
                    input #feed-template type="text" name="template";
                    p.field-error data-error-for="template" hidden {}
                }
                div.form-actions { button.btn #feed-add type="submit" { "Add feed" } }
                p.form-result #feed-result role="status" aria-live="polite" {}
            }
        }
    };
    let cfg = config("plan", Some(&ws), None);
    let scripts = ["plan.js"];
    page(layout("Plan", &cfg, &scripts, Some(topbar(Some(&ws), Section::Calendar, false)), body))
}
