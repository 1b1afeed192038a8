//! `GET /w/{ws}/analytics`: the analytics page — totals, per network, a per-day chart
//! (SVG drawn by `analytics.js`, no library), the top posts table with a client-side CSV
//! export, and a date range in the workspace's time zone. Like every page it is a shell
//! filled from the JSON API (`GET /api/workspaces/{ws}/analytics`).

use super::layout::{layout, page, topbar, Section};
use super::vocab::config;
use axum::extract::Path;
use axum::response::Response;
use maud::{html, Markup};

fn stat(id: &str, label: &str) -> Markup {
    html! {
        div.stat data-tone="neutral" {
            span.stat-label id={ (id) "-label" } { (label) }
            span.stat-value id=(id) aria-describedby={ (id) "-label" } { "–" }
        }
    }
}

fn range_form() -> Markup {
    html! {
        form #range-form .range-form {
            label { span { "From" } input #range-from type="date" name="from" required; }
            label { span { "To" } input #range-to type="date" name="to" required; }
            button.btn type="submit" { "Show" }
            span.sub { "Days in " span.tz-name { "the workspace zone" } }
            p.field-error #range-error hidden {}
        }
    }
}

pub async fn analytics(Path(ws): Path<String>) -> Response {
    let body = html! {
        div.page-head {
            div {
                h1 { "Analytics" }
                p #freshness .freshness { "Loading…" }
            }
            (range_form())
        }
        section.stats aria-label="Totals" {
            (stat("total-posts", "Posts"))
            (stat("total-impressions", "Impressions"))
            (stat("total-engagements", "Engagements"))
            (stat("total-likes", "Likes"))
            (stat("total-comments", "Comments"))
            (stat("total-shares", "Shares"))
            (stat("total-clicks", "Clicks"))
        }
        div.layout {
            div.col-main {
                section.panel #chart-panel aria-labelledby="chart-title" {
                    div.panel-head {
                        h2 #chart-title { "Engagements per day" }
                        span.sub #chart-sub {}
                    }
                    div #chart .chart {}
                }
                section.panel aria-labelledby="top-title" {
                    div.panel-head {
                        h2 #top-title { "Top posts" }
                        button #csv .btn type="button" { "Download CSV" }
                    }
                    div.table-wrap {
                        table #top-posts .table {
                            thead { tr {
                                th scope="col" { "Post" } th scope="col" { "Network" }
                                th scope="col" { "Posted" } th scope="col" { "Impressions" }
                                th scope="col" { "Engagements" } th scope="col" { "Likes" }
                                th scope="col" { "Comments" } th scope="col" { "Shares" }
                                th scope="col" { "Clicks" } th scope="col" { "As of" }
                            } }
                            tbody {}
                        }
                    }
                    p #top-empty .empty hidden { "No figures for posts in this range yet." }
                }
            }
            div.col-side {
                section.panel aria-labelledby="networks-title" {
                    h2 #networks-title { "By network" }
                    ul #by-platform .bars {}
                }
                section.panel aria-labelledby="accounts-title" {
                    h2 #accounts-title { "Accounts" }
                    ul #accounts .chips {}
                }
            }
        }
    };
    let cfg = config("analytics", Some(&ws), None);
    let scripts = ["analytics.js"];
    page(layout(
        "Analytics",
        &cfg,
        &scripts,
        Some(topbar(Some(&ws), Section::Analytics, false)),
        body,
    ))
}
