//! ChromeDriver and headless Chromium for the browser test: finds the binaries (or says
//! why the test is skipped), starts chromedriver on a free port in its own process group
//! and ends that group when dropped, opens WebDriver sessions with a fresh profile each,
//! and waits on the page with deadlines (a DOM observer in the page, or navigation).

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Chromium and ChromeDriver are: `HERALD_CHROMIUM` / `HERALD_CHROMEDRIVER`, else
/// the Debian packages' paths.
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Browser {
    /// The binaries, or why not (for the skip message).
    pub fn find() -> Result<Self, String> {
        let path = |var: &str, default: &str| {
            PathBuf::from(
                std::env::var(var).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.into()),
            )
        };
        let chromium = path("HERALD_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = path("HERALD_CHROMEDRIVER", "/usr/bin/chromedriver");
        let missing: Vec<String> = [&chromium, &chromedriver]
            .iter()
            .filter(|p| !p.is_file())
            .map(|p| format!("{} not found", p.display()))
            .collect();
        if missing.is_empty() {
            Ok(Self { chromium, chromedriver })
        } else {
            Err(missing.join(", "))
        }
    }
}

/// A running chromedriver; dropping it ends its whole process group (browsers included).
pub struct ChromeDriver {
    child: Child,
    pub url: String,
    chromium: PathBuf,
    profiles: std::sync::Mutex<Vec<tempfile::TempDir>>,
}

/// The window a session emulates.
#[derive(Clone, Copy)]
pub enum Viewport {
    Desktop,
    /// 375 CSS pixels wide, like a small phone.
    Phone,
}

impl ChromeDriver {
    pub async fn start(browser: &Browser) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(&browser.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            chromium: browser.chromium.clone(),
            profiles: Default::default(),
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        let http = reqwest::Client::new();
        loop {
            let ready = http.get(format!("{}/status", driver.url)).send().await;
            if let Ok(res) = ready {
                let body: Value = res.json().await.unwrap_or_default();
                if body["value"]["ready"] == true {
                    return driver;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A new browser session with its own fresh profile directory.
    pub async fn session(&self, viewport: Viewport) -> Client {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-background-networking".into(),
            "--no-first-run".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut options = json!({"binary": self.chromium.to_string_lossy()});
        match viewport {
            Viewport::Desktop => args.push("--window-size=1280,1000".into()),
            Viewport::Phone => {
                options["mobileEmulation"] =
                    json!({"deviceMetrics": {"width": 375, "height": 812, "pixelRatio": 1}})
            }
        }
        options["args"] = json!(args);
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("WebDriver session");
        self.profiles.lock().unwrap_or_else(|p| p.into_inner()).push(profile);
        client
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The group holds chromedriver and any browser it started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `condition` (a JavaScript expression) is truthy in the page, re-checking
/// on every DOM change; returns its value, or panics with `what` after `timeout`.
pub async fn wait_dom(c: &Client, what: &str, timeout: Duration, condition: &str) -> Value {
    let ms = timeout.as_millis();
    let script = format!(
        r#"const done = arguments[arguments.length - 1];
        const check = () => {{ try {{ return ({condition}); }} catch (e) {{ return null; }} }};
        const first = check();
        if (first) {{ done(first); return; }}
        const obs = new MutationObserver(() => {{ const v = check(); if (v) {{ obs.disconnect(); clearTimeout(timer); done(v); }} }});
        obs.observe(document.documentElement, {{ subtree: true, childList: true, attributes: true, characterData: true }});
        const timer = setTimeout(() => {{ obs.disconnect(); done(null); }}, {ms});"#
    );
    let value = c
        .execute_async(&script, vec![])
        .await
        .unwrap_or_else(|e| panic!("waiting for {what}: {e}"));
    if value.is_null() || value == false {
        let seen = c.execute(PAGE_STATE, vec![]).await.unwrap_or_default();
        panic!("timed out after {timeout:?} waiting for {what}; the page: {seen}");
    }
    value
}

/// Waits across page loads (navigation) until `condition` holds, re-checking every 50 ms.
pub async fn wait_page(c: &Client, what: &str, timeout: Duration, condition: &str) -> Value {
    let deadline = Instant::now() + timeout;
    let script = format!("try {{ return ({condition}); }} catch (e) {{ return null; }}");
    loop {
        if let Ok(v) = c.execute(&script, vec![]).await {
            if !v.is_null() && v != false {
                return v;
            }
        }
        if Instant::now() >= deadline {
            let seen = c.execute(PAGE_STATE, vec![]).await.unwrap_or_default();
            panic!("timed out after {timeout:?} waiting for {what}; the page: {seen}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Where the browser is and what its page says, for a failure message.
const PAGE_STATE: &str = "return location.pathname + location.search + ' :: ' + (document.body ? document.body.innerText.slice(0, 400) : '')";

/// Signs in on `/` with an access token (the secondary form, for machines) and waits for
/// the workspace dashboard to be loaded and live.
pub async fn sign_in(c: &Client, base: &str, token: &str, ws: &str) {
    c.goto(&format!("{base}/")).await.expect("open sign-in");
    wait_page(
        c,
        "the sign-in page",
        Duration::from_secs(5),
        "!!document.getElementById('token-signin')",
    )
    .await;
    click(c, "#token-signin summary").await;
    type_into(c, "#token", token).await;
    click(c, "#signin-form button[type=submit]").await;
    let cond = format!("location.pathname === '/w/{ws}' && document.body.dataset.loaded === 'true' && document.getElementById('live').dataset.state === 'open'");
    wait_page(c, "the dashboard after sign-in", Duration::from_secs(10), &cond).await;
}

/// Signs in with e-mail and password on the sign-in page the browser shows now, and
/// waits until `path` is open and loaded.
pub async fn sign_in_person(c: &Client, email: &str, password: &str, path: &str) {
    wait_page(c, "the sign-in form", Duration::from_secs(10), "location.pathname === '/' && document.body.dataset.loaded === 'true' && !!document.getElementById('email')").await;
    type_into(c, "#email", email).await;
    type_into(c, "#password", password).await;
    click(c, "#login-form button[type=submit]").await;
    let cond =
        format!("location.pathname === {} && document.body.dataset.loaded === 'true'", json!(path));
    wait_page(c, &format!("{path} after signing in"), Duration::from_secs(10), &cond).await;
}

/// Types `text` into the (emptied) field `css` matches.
pub async fn type_into(c: &Client, css: &str, text: &str) {
    let field = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"));
    field.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
    field.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// Chooses `value` in the select `css` matches.
pub async fn choose(c: &Client, css: &str, value: &str) {
    let select = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"));
    select.select_by_value(value).await.unwrap_or_else(|e| panic!("choose {value} in {css}: {e}"));
}

/// Answers the confirmation dialog the last action opened (`yes`: accept it).
pub async fn confirm(c: &Client, yes: bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(text) = c.get_alert_text().await {
            let answered = if yes { c.accept_alert().await } else { c.dismiss_alert().await };
            answered.expect("answer the dialog");
            return text;
        }
        assert!(Instant::now() < deadline, "no confirmation dialog opened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A JavaScript expression's value in the page.
pub async fn eval(c: &Client, expr: &str) -> Value {
    c.execute(&format!("return ({expr});"), vec![])
        .await
        .unwrap_or_else(|e| panic!("evaluate {expr}: {e}"))
}

/// Calls `method` (`drop`: as a network failure would; `stop`: for good) on the page's
/// event stream. The pages are ES modules with no global: this imports the page's own
/// `core.js` (the versioned URL its `modulepreload` link names, so the same module
/// instance) and reaches the stream as `session.connection`.
pub async fn page_stream(c: &Client, method: &str) {
    let js = format!(
        "const core = [...document.querySelectorAll('link[rel=modulepreload]')]\
            .find(l => l.href.includes('/assets/core.js?'));\
         return import(core.href).then(m => {{ m.session.connection.{method}(); return true; }});"
    );
    let done = c.execute(&js, vec![]).await.unwrap_or_else(|e| panic!("stream {method}: {e}"));
    assert_eq!(done, Value::Bool(true), "stream {method}");
}

/// Clicks the element `css` matches.
pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// A screenshot of the viewport, written to every path given.
pub async fn screenshot(c: &Client, paths: &[PathBuf]) {
    screenshot_at(c, None, paths).await;
}

/// A screenshot of the viewport scrolled to the element `css` matches (top of the page
/// without one), written to every path given.
pub async fn screenshot_at(c: &Client, css: Option<&str>, paths: &[PathBuf]) {
    let scroll = match css {
        Some(css) => {
            format!("document.querySelector({}).scrollIntoView({{block: 'center'}});", json!(css))
        }
        None => "window.scrollTo(0, 0);".to_owned(),
    };
    let tidy = format!("const t = document.getElementById('toasts'); t && t.replaceChildren(); {scroll} document.activeElement && document.activeElement.blur();");
    c.execute(&tidy, vec![]).await.expect("tidy before screenshot");
    let png = c.screenshot().await.expect("screenshot");
    for p in paths {
        std::fs::create_dir_all(p.parent().unwrap_or(Path::new("."))).expect("screenshot dir");
        std::fs::write(p, &png).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
    }
}
