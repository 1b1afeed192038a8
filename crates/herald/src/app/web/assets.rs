//! The dashboard's static files (CSS, scripts, icon), compiled into the binary with
//! `include_str!` and served from memory with a content hash as ETag. Pages link them as
//! `/assets/{name}?v={hash}`, so a versioned URL can be cached for good and a new build
//! is picked up at once.
//!
//! The scripts are ES modules: a page loads its entry module(s) with
//! `<script type="module">` and each module names what it uses with `import … from
//! './core.js'` (no global, no order of script tags). Those specifiers are rewritten here,
//! once, to the versioned URLs of the modules they name (`'/assets/core.js?v=…'`), in
//! dependency order, so a module's hash covers the hashes of everything it imports.
//! Rewriting rather than serving imports at stable paths because:
//!
//! - every module URL the browser sees is versioned and cached for a year: no
//!   revalidation round trip per module (a chain of them, as imports are discovered one
//!   module at a time), and after a deploy no page mixes a cached old module with a new
//!   one, since a changed module changes the URL of every module up to the page;
//! - an import map would do the same in the browser, but it is an inline script, which
//!   the pages' CSP (`script-src 'self'`) refuses;
//! - the files stay plain relative imports, which Node's test runner loads from the disk
//!   unchanged (`cd crates/herald/assets && node --test test/*.test.js`).
//!
//! [`module_graph`] lists what an entry imports, for the page's `modulepreload` links:
//! the browser fetches the whole graph at once instead of import by import.
//! Only one-line `import …` and `export … from` statements with a `./` specifier are
//! imports; a module naming a file that is not an asset, or an import cycle, fails at
//! the first use (and in this module's tests).

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// One file as written.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

macro_rules! asset {
    ($name:literal, $type:expr) => {
        Asset {
            name: $name,
            content_type: $type,
            body: include_str!(concat!("../../../assets/", $name)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("app.css", CSS),
    asset!("people.css", CSS),
    asset!("planning.css", CSS),
    asset!("favicon.svg", "image/svg+xml"),
    // Pure modules (no page): also run under `node --test`.
    asset!("time.js", JS),
    asset!("text.js", JS),
    asset!("sse.js", JS),
    asset!("filter-query.js", JS),
    // What every page shares.
    asset!("core.js", JS),
    asset!("posts.js", JS),
    asset!("notify.js", JS),
    asset!("chrome.js", JS),
    asset!("live.js", JS),
    // Parts of pages.
    asset!("preview.js", JS),
    asset!("media.js", JS),
    asset!("library.js", JS),
    asset!("compose.js", JS),
    asset!("filters.js", JS),
    asset!("review.js", JS),
    asset!("comments.js", JS),
    asset!("webhooks.js", JS),
    asset!("plan-compose.js", JS),
    asset!("plan-calendar.js", JS),
    // Entry modules, one per page.
    asset!("signin.js", JS),
    asset!("invitation.js", JS),
    asset!("reset.js", JS),
    asset!("profile.js", JS),
    asset!("dashboard.js", JS),
    asset!("approvals.js", JS),
    asset!("calendar.js", JS),
    asset!("plan.js", JS),
    asset!("analytics.js", JS),
    asset!("post.js", JS),
    asset!("team.js", JS),
    asset!("settings.js", JS),
    asset!("client-review.js", JS),
];

/// A file as served: a module's imports rewritten to versioned URLs, its hash.
struct Built {
    asset: &'static Asset,
    body: Bytes,
    /// 16 hex digits of the served body.
    hash: String,
    /// The assets a module imports, in the order it names them.
    imports: Vec<&'static str>,
}

static BUILT: LazyLock<HashMap<&'static str, Built>> = LazyLock::new(|| build(ASSETS));

/// Builds every asset, each after what it imports. Panics on an import of a file that
/// is not in `assets` and on a cycle.
fn build(assets: &'static [Asset]) -> HashMap<&'static str, Built> {
    let mut built = HashMap::new();
    for asset in assets {
        build_one(assets, asset, &mut built, &mut Vec::new());
    }
    built
}

fn build_one(
    assets: &'static [Asset],
    asset: &'static Asset,
    built: &mut HashMap<&'static str, Built>,
    path: &mut Vec<&'static str>,
) {
    if built.contains_key(asset.name) {
        return;
    }
    assert!(!path.contains(&asset.name), "import cycle: {} -> {}", path.join(" -> "), asset.name);
    path.push(asset.name);
    let mut imports = Vec::new();
    let mut body = String::with_capacity(asset.body.len() + 256);
    for line in asset.body.split_inclusive('\n') {
        let Some(target) = (asset.content_type == JS).then(|| import_target(line)).flatten() else {
            body.push_str(line);
            continue;
        };
        let dep = assets
            .iter()
            .find(|a| a.name == target)
            .unwrap_or_else(|| panic!("{} imports ./{target}, which is not an asset", asset.name));
        build_one(assets, dep, built, path);
        let url = format!("/assets/{}?v={}", dep.name, built[dep.name].hash);
        body.push_str(&line.replacen(&format!("'./{target}'"), &format!("'{url}'"), 1));
        imports.push(dep.name);
    }
    path.pop();
    let hash = hash_of(&body);
    built.insert(asset.name, Built { asset, body: Bytes::from(body), hash, imports });
}

/// The file a static import or re-export line names (`import { a } from './core.js';`,
/// `export { b } from './text.js';`, `import './x.js';`), without its `./`.
fn import_target(line: &str) -> Option<&str> {
    if !line.starts_with("import ") && !line.starts_with("export ") {
        return None;
    }
    let rest = line.split_once(" from '").map(|(_, r)| r).or(line.strip_prefix("import '"))?;
    rest.split_once('\'')?.0.strip_prefix("./")
}

fn hash_of(body: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The versioned URL of an asset, for links in pages.
pub fn url(name: &str) -> String {
    match BUILT.get(name) {
        Some(b) => format!("/assets/{name}?v={}", b.hash),
        None => format!("/assets/{name}"),
    }
}

/// Every module the `entries` import, directly or not, each after what it imports and
/// without the entries themselves: the page's `modulepreload` links.
pub fn module_graph(entries: &[&str]) -> Vec<&'static str> {
    fn visit(name: &str, out: &mut Vec<&'static str>) {
        let Some(b) = BUILT.get(name) else { return };
        for dep in &b.imports {
            if !out.contains(dep) {
                visit(dep, out);
                out.push(dep);
            }
        }
    }
    let mut out = Vec::new();
    for entry in entries {
        visit(entry, &mut out);
    }
    out.retain(|m| !entries.contains(m));
    out
}

/// `GET /favicon.ico`: the icon, for browsers that ask for it by that old name.
pub async fn favicon(headers: HeaderMap) -> Response {
    serve(Path("favicon.svg".to_owned()), Query(HashMap::new()), headers).await
}

/// `GET /assets/{file}`: the file, 304 on a matching `If-None-Match`, 404 otherwise.
pub async fn serve(
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(built) = BUILT.get(file.as_str()) else {
        return crate::coherence::error::AppError::NotFound.into_response();
    };
    let etag = format!("\"{}\"", built.hash);
    // A URL carrying the current hash never changes meaning: cache it for a year.
    let cache = if q.get("v") == Some(&built.hash) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let matches = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        built.body.clone().into_response()
    };
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(built.asset.content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(ETAG, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_versioned_and_opens_with_a_comment() {
        for a in ASSETS {
            assert!(url(a.name).contains("?v="), "{}", a.name);
            let start = a.body.trim_start();
            assert!(
                start.starts_with("/*") || start.starts_with("//") || start.starts_with("<!--"),
                "{} opens without a comment",
                a.name
            );
        }
    }

    #[test]
    fn every_script_is_a_module_served_with_its_imports_versioned() {
        for b in BUILT.values().filter(|b| b.asset.content_type == JS) {
            let body = std::str::from_utf8(&b.body).unwrap();
            assert!(!body.contains("window.Herald"), "{} names the old global", b.asset.name);
            assert!(!body.contains("from './") && !body.contains("import './"), "{}", b.asset.name);
            for dep in &b.imports {
                assert!(body.contains(&format!("'{}'", url(dep))), "{} -> {dep}", b.asset.name);
            }
        }
    }

    #[test]
    fn every_script_in_the_folder_is_served() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".js") {
                assert!(BUILT.contains_key(name.as_str()), "{name} is not in ASSETS");
            }
        }
    }

    #[test]
    fn the_graph_lists_what_an_entry_imports_each_after_its_own_imports() {
        let graph = module_graph(&["dashboard.js"]);
        let at = |m: &str| graph.iter().position(|x| *x == m).unwrap_or_else(|| panic!("{m}"));
        assert!(at("time.js") < at("core.js") && at("core.js") < at("chrome.js"), "{graph:?}");
        assert!(at("sse.js") < at("live.js") && at("filter-query.js") < at("filters.js"));
        assert!(!graph.contains(&"dashboard.js") && !graph.contains(&"calendar.js"));
    }

    static CHAIN: &[Asset] = &[
        Asset { name: "a.js", content_type: JS, body: "import { b } from './b.js';\n" },
        Asset { name: "b.js", content_type: JS, body: "export { c } from './c.js';\n" },
        Asset { name: "c.js", content_type: JS, body: "export const c = 1;\n" },
    ];
    static CHANGED: &[Asset] = &[
        Asset { name: "a.js", content_type: JS, body: "import { b } from './b.js';\n" },
        Asset { name: "b.js", content_type: JS, body: "export { c } from './c.js';\n" },
        Asset { name: "c.js", content_type: JS, body: "export const c = 2;\n" },
    ];

    #[test]
    fn a_changed_module_changes_the_url_of_every_module_that_imports_it() {
        let (before, after) = (build(CHAIN), build(CHANGED));
        for m in ["a.js", "b.js", "c.js"] {
            assert_ne!(before[m].hash, after[m].hash, "{m}");
        }
        let a = std::str::from_utf8(&before["a.js"].body).unwrap();
        assert_eq!(a, format!("import {{ b }} from '/assets/b.js?v={}';\n", before["b.js"].hash));
    }

    static CYCLE: &[Asset] = &[
        Asset { name: "a.js", content_type: JS, body: "import './b.js';\n" },
        Asset { name: "b.js", content_type: JS, body: "import './a.js';\n" },
    ];
    static MISSING: &[Asset] =
        &[Asset { name: "a.js", content_type: JS, body: "import { x } from './x.js';\n" }];

    #[test]
    #[should_panic(expected = "import cycle: a.js -> b.js -> a.js")]
    fn an_import_cycle_is_refused() {
        build(CYCLE);
    }

    #[test]
    #[should_panic(expected = "a.js imports ./x.js, which is not an asset")]
    fn an_import_of_a_missing_file_is_refused() {
        build(MISSING);
    }
}
