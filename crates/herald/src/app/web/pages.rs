//! The workspace pages, rendered with maud: the dashboard, the approval queue and one
//! post, with the post form they share. Layout and navigation come from
//! [`super::layout`]; the regions here are empty until the page scripts fill them from
//! the JSON API. Each page embeds the JSON of [`super::vocab::config`] so the browser
//! checks exactly what the server checks.

use super::layout::{layout, page, topbar, Section};
use super::vocab::{config, short_limit, status_label};
use crate::foundation::domain::PostStatus;
use axum::extract::Path;
use axum::response::Response;
use ayrshare::Platform;
use maud::{html, Markup};

/// The post form: new posts on the dashboard (`prefix` "compose"), edits on the post page
/// ("edit"). Errors from the API appear in the `data-error-for` element of their field.
fn post_form(prefix: &str, editing: bool) -> Markup {
    let id = |name: &str| format!("{prefix}-{name}");
    html! {
        form.post-form id=(id("form")) novalidate data-mode=(if editing { "edit" } else { "create" }) {
            div.field.compose-library {
                label for=(id("template")) { "Template" }
                select.template-select id=(id("template")) { option value="" { "Start from a template…" } }
                label for=(id("hashtags")) { "Hashtags" }
                select.hashtag-select id=(id("hashtags")) { option value="" { "Add a hashtag group…" } }
                button.btn.btn-small.save-template type="button" { "Save as template" }
            }
            div.field {
                label for=(id("text")) { "Text" }
                textarea id=(id("text")) name="text" rows="5" required
                    aria-describedby={ (id("count")) " " (id("text-error")) } {}
                div.count-row {
                    span.char-count id=(id("count")) aria-live="polite" { "Choose platforms to see their limit" }
                }
                p.field-error id=(id("text-error")) data-error-for="text" hidden {}
            }
            div.field {
                label for=(id("first-comment")) { "First comment " span.optional { "(optional)" } }
                textarea id=(id("first-comment")) name="first_comment" rows="2"
                    aria-describedby=(id("first-comment-hint")) {}
                p.hint id=(id("first-comment-hint")) {
                    "Posted as a comment right after the post (on X, as a reply)."
                }
                p.field-error data-error-for="first_comment" hidden {}
            }
            div.field.variants-field {
                span.label-like { "Text per network " span.optional { "(optional)" } }
                p.hint { "Give a network its own text or first comment; the others use the ones above." }
                div.variants {}
                p.field-error data-error-for="variants" hidden {}
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
                p.hint.platforms-note hidden {}
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
            div.field {
                span.label-like { "Images and video " span.optional { "(optional)" } }
                div.drop-zone {
                    "Drop images or a video here, or "
                    label.btn.btn-small for=(id("file")) { "choose files" }
                    input.visually-hidden id=(id("file")) type="file" multiple
                        accept="image/jpeg,image/png,image/gif,image/webp,video/mp4,video/quicktime,video/webm";
                }
                ul.uploads aria-live="polite" {}
                details.media-library {
                    summary { "Reuse from the media library" }
                    ul.library-picker aria-live="polite" {}
                }
                details.more-fields {
                    summary { "Add media by link" }
                    label for=(id("media")) { "One http(s) link per line" }
                    textarea id=(id("media")) name="media_urls" rows="2" {}
                }
                p.field-error data-error-for="media_urls" hidden {}
            }
            details.field.preview-box open {
                summary { "Preview on each network" }
                div.previews aria-live="off" {}
            }
            p.field-error.form-error data-error-for="_form" hidden {}
            div.form-actions {
                @if editing {
                    button.btn.btn-primary type="submit" value="save" { "Save changes" }
                    button.btn type="submit" value="resubmit" hidden { "Save and resubmit" }
                } @else {
                    button.btn.btn-primary type="submit" value="submit" { "Submit for approval" }
                    button.btn type="submit" value="draft" { "Save as draft" }
                    button.btn type="button" id=(id("queue")) { "Add to queue" }
                }
            }
            p.draft-note id=(id("restored")) role="status" hidden {}
            p.form-result id=(id("result")) role="status" aria-live="polite" {}
        }
    }
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
            a.btn.btn-primary.compose-jump href="#compose-form" hidden { "New post" }
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
                            span { "Order" }
                            select #f-sort {
                                option value="" { "Newest first" }
                                option value="schedule_at" { "Next up" }
                            }
                        }
                    }
                    form #filters .filters role="search" aria-label="Search and filter posts" {
                        label.search { span { "Search" }
                            input #f-q type="search" name="q" placeholder="Words in the post" autocomplete="off" maxlength="200"; }
                        label { span { "Status" }
                            select #status-filter {
                                option value="" { "All statuses" }
                                @for s in PostStatus::ALL { option value=(s.as_str()) { (status_label(s)) } }
                            }
                        }
                        label { span { "Network" }
                            select #f-platform {
                                option value="" { "All networks" }
                                @for p in Platform::ALL { option value=(p.as_str()) { (p.label()) } }
                            }
                        }
                        label { span { "Author" }
                            select #f-author { option value="" { "Everyone" } }
                        }
                        label { span { "From" } input #f-from type="date" name="from"; }
                        label { span { "Until" } input #f-to type="date" name="to"; }
                    }
                    p #filter-note .filter-note role="status" aria-live="polite" {
                        "Dates are days in " span.tz-name { "UTC" } "."
                    }
                    ol #post-list .post-list aria-live="off" {}
                    p #posts-empty .empty hidden { "No posts yet. Write the first one." }
                    button #posts-more .btn.btn-block type="button" hidden { "Show more" }
                }
            }
            div.col-side {
                section.panel #compose-panel hidden aria-labelledby="compose-title" {
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
    let scripts = ["dashboard.js"];
    page(layout(
        "Dashboard",
        &cfg,
        &scripts,
        Some(topbar(Some(&ws), Section::Dashboard, true)),
        body,
    ))
}

/// `GET /w/{ws}/approvals`: the approval queue.
pub async fn approvals(Path(ws): Path<String>) -> Response {
    let body = html! {
        div.page-head {
            div {
                h1 { "Approval queue" }
                p #queue-intro .sub { "Posts waiting for a decision." }
            }
        }
        div.layout {
            div.col-main {
                section.panel aria-labelledby="queue-title" {
                    div.panel-head {
                        h2 #queue-title tabindex="-1" { "Waiting for approval " span #queue-count .count-pill {} }
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
    let scripts = ["approvals.js"];
    page(layout(
        "Approvals",
        &cfg,
        &scripts,
        Some(topbar(Some(&ws), Section::Approvals, true)),
        body,
    ))
}

/// `GET /w/{ws}/posts/{id}`: one post with its audit trail and actions.
pub async fn post(Path((ws, id)): Path<(String, String)>) -> Response {
    let body = html! {
        div.narrow {
        p.back { a href={ "/w/" (ws) } { "← Dashboard" } }
        div #draft-note .banner hidden role="status" {}
        div #post-stale .banner hidden role="alert" {}
        article #post-view .panel aria-live="polite" { p { "Loading…" } }
        section #figures-panel .panel hidden aria-labelledby="figures-title" {
            h2 #figures-title { "Engagement" }
            div #figures {}
        }
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
        section #comments-panel .panel hidden aria-labelledby="comments-title" {
            h2 #comments-title { "Comments" }
            ol #comments .comments aria-live="polite" {}
            p #comments-empty .empty { "No comments yet." }
            form #comment-form .comment-form novalidate {
                label for="comment-text" { "Add a comment" }
                textarea #comment-text name="text" rows="2" aria-describedby="comment-hint comment-text-error" {}
                p.hint #comment-hint { "Write @Name to tell a member of the workspace." }
                p.field-error #comment-text-error data-error-for="text" hidden {}
                p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                button.btn type="submit" { "Comment" }
            }
        }
        section #share-panel .panel hidden aria-labelledby="share-title" {
            details {
                summary #share-title { "Share for review" }
                p.hint { "A link for a client without an account: it shows this post, its comments and (if allowed) lets them decide." }
                form #share-form novalidate {
                    div.field {
                        label for="share-name" { "Reviewer's name" }
                        input #share-name type="text" name="reviewer_name" aria-describedby="share-name-error";
                        p.field-error #share-name-error data-error-for="reviewer_name" hidden {}
                    }
                    div.field {
                        label for="share-email" { "Reviewer's e-mail " span.optional { "(optional, for a reminder)" } }
                        input #share-email type="email" name="reviewer_email" aria-describedby="share-email-error";
                        p.field-error #share-email-error data-error-for="reviewer_email" hidden {}
                    }
                    div.field {
                        label for="share-hours" { "Works for (hours, at most 720)" }
                        input #share-hours type="number" name="expires_in_hours" min="1" max="720" value="72" aria-describedby="share-hours-error";
                        p.field-error #share-hours-error data-error-for="expires_in_hours" hidden {}
                    }
                    label.check { input #share-decide type="checkbox" name="can_decide" checked; " The reviewer may approve, request changes or reject" }
                    p.field-error.form-error data-error-for="_form" hidden role="alert" {}
                    button.btn.btn-primary type="submit" { "Create link" }
                }
                div #share-result .share-result hidden role="status" {}
                ul #share-links .share-links {}
            }
        }
        section.panel aria-labelledby="audit-title" {
            h2 #audit-title { "Audit trail" }
            ol #audit .audit {}
        }
        }
    };
    let cfg = config("post", Some(&ws), Some(&id));
    let scripts = ["post.js"];
    page(layout("Post", &cfg, &scripts, Some(topbar(Some(&ws), Section::Post, true)), body))
}
