//! The planning pages: the calendar (month and week, in the workspace's zone, drag or
//! "Move to…" to reschedule). The grid is empty until `calendar.js` fills it from
//! `GET /api/workspaces/{ws}/calendar`.

use super::layout::{layout, page, topbar, Section};
use super::vocab::config;
use axum::extract::Path;
use axum::response::Response;
use maud::html;

/// `GET /w/{ws}/calendar`: the calendar.
pub async fn calendar(Path(ws): Path<String>) -> Response {
    let body = html! {
        div.page-head.cal-head {
            div {
                h1 { "Calendar" }
                p.sub #cal-zone { "Times in " span.tz-name { "UTC" } }
            }
            div.cal-controls {
                a.btn #plan-link href={ "/w/" (ws) "/plan" } { "Queue, import and feeds" }
                div.segmented role="group" aria-label="View" {
                    button.btn #view-month type="button" data-view="month" aria-pressed="true" { "Month" }
                    button.btn #view-week type="button" data-view="week" aria-pressed="false" { "Week" }
                }
                div.cal-nav role="group" aria-label="Period" {
                    button.btn #cal-prev type="button" aria-label="Previous" { "‹" }
                    button.btn #cal-today type="button" { "Today" }
                    button.btn #cal-next type="button" aria-label="Next" { "›" }
                }
            }
        }
        div #cal-banner .banner hidden role="alert" {}
        section.panel.cal-panel aria-labelledby="cal-title" {
            div.panel-head {
                h2 #cal-title aria-live="polite" { "Loading…" }
                span.sub #cal-hint { "Drag a post to another day to move it, or use its “Move to…” button." }
                span.sub #cal-create-hint { "Click an empty day or hour (or press Enter on it) to write a post for that time." }
            }
            ul.legend.cal-legend aria-label="Colours" {
                li { span.swatch data-status="scheduled" {} "Scheduled" }
                li { span.swatch data-status="pending_approval" {} "Pending approval" }
                li { span.swatch data-status="published" {} "Published" }
                li { span.swatch data-status="failed" {} "Failed" }
                li { span.swatch data-status="draft" {} "Draft or other" }
            }
            div #cal-grid .cal-grid {}
        }
        dialog #move-dialog .move-dialog aria-labelledby="move-title" {
            form #move-form method="dialog" novalidate {
                h2 #move-title { "Move post" }
                p #move-what .sub {}
                div.field {
                    label for="move-at" { "New date and time " span.optional { "(" span.tz-name { "UTC" } ")" } }
                    input #move-at type="datetime-local" name="schedule_at" required;
                }
                p.field-error data-error-for="_form" hidden role="alert" {}
                div.form-actions {
                    button.btn.btn-primary type="submit" value="move" { "Move" }
                    button.btn type="button" #move-cancel { "Cancel" }
                }
            }
        }
    };
    let cfg = config("calendar", Some(&ws), None);
    let scripts = ["calendar.js"];
    page(layout("Calendar", &cfg, &scripts, Some(topbar(Some(&ws), Section::Calendar, true)), body))
}
