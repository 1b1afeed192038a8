//! Posting, history, the post lifecycle and the transport (rate limits, timeouts,
//! redirects, keys kept out of errors).

use std::time::Duration;

use ayrshare::{Client, Error, HistoryQuery, Platform, Profile, ProfileFilter, UpdateRequest};
use ayrshare_sim::{RateLimitSpec, SimConfig, Simulator};

use crate::support::{post, spawn, API_KEY};

/// A profile key no simulator knows (for calls that fail before profiles matter).
const PROFILE_KEY: &str = "PROFILE-KEY-ABCDEFGHIJ";

#[tokio::test]
async fn post_then_history_by_id_on_primary_and_user_profile() {
    let f = spawn(Duration::from_secs(5)).await;
    let client = &f.client;
    for profile in [f.primary(), f.user()] {
        let req = post(&["twitter", "telegram"]);
        let reply = client.post(profile, &req).await.expect("post succeeds");
        assert_eq!(reply.status, 200);
        let outcome = reply.body;
        assert_eq!(outcome.status, "success");
        assert!(outcome.errors.is_empty());
        assert_eq!(outcome.post_ids.len(), 2, "{outcome:?}");
        assert!(outcome.post_ids.iter().all(|p| !p.id.is_empty()));
        let id = outcome.id.expect("post id");

        let item = client.history_by_id(profile, &id).await.expect("history by id").body;
        assert_eq!(item.id, id);
        assert_eq!(item.post, req.post);
        assert_eq!(item.platforms, vec!["twitter", "telegram"]);
        assert_eq!(item.status, "success");
        assert_eq!(item.notes.as_deref(), Some("from tests"));
        assert!(item.schedule_date.as_deref().is_some_and(|d| d.ends_with('Z')), "{item:?}");

        let history =
            client.history(profile, &HistoryQuery::default()).await.expect("history").body;
        assert!(history.items.iter().any(|i| i.id == id));
    }
}

#[tokio::test]
async fn history_filters_by_platform() {
    let f = spawn(Duration::from_secs(5)).await;
    let client = &f.client;
    let on_twitter = client.post(f.primary(), &post(&["twitter"])).await.unwrap().body.id.unwrap();
    let on_facebook =
        client.post(f.primary(), &post(&["facebook"])).await.unwrap().body.id.unwrap();
    let query = HistoryQuery {
        platforms: vec!["facebook".into()],
        limit: Some(10),
        ..HistoryQuery::default()
    };
    let ids: Vec<String> = client
        .history(f.primary(), &query)
        .await
        .unwrap()
        .body
        .items
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert!(ids.contains(&on_facebook) && !ids.contains(&on_twitter), "{ids:?}");
}

#[tokio::test]
async fn empty_history_is_ok_and_empty() {
    let f = spawn(Duration::from_secs(5)).await;
    let client = &f.client;
    let reply =
        client.history(f.user(), &HistoryQuery::default()).await.expect("empty history is Ok");
    assert!(reply.body.items.is_empty());
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn rate_limited_call_is_flagged_and_headers_are_parsed() {
    let f = spawn(Duration::from_secs(5)).await;
    let (sim, client) = (&f.sim, &f.client);
    sim.sim.update_config(|c| {
        c.rate_limit = RateLimitSpec { max: 2, window: Duration::from_secs(60) }
    });
    let first = client.history(f.primary(), &HistoryQuery::default()).await.expect("first call");
    assert_eq!(first.rate_limit.max, Some(2));
    assert_eq!(first.rate_limit.count, Some(1));
    client.history(f.primary(), &HistoryQuery::default()).await.expect("second call");
    let err = client
        .history(f.primary(), &HistoryQuery::default())
        .await
        .expect_err("third call is limited");
    assert!(err.is_rate_limited(), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.status(), Some(429));
    let rl = err.rate_limit().expect("API error carries rate limit");
    assert_eq!((rl.max, rl.count), (Some(2), Some(2)));
    // Limits are per profile: another profile is still admitted.
    client.history(f.user(), &HistoryQuery::default()).await.expect("other profile");
}

#[tokio::test]
async fn slow_answer_is_a_timeout() {
    let f = spawn(Duration::from_millis(150)).await;
    let (sim, client) = (&f.sim, &f.client);
    sim.sim.update_config(|c| c.latency = Duration::from_millis(1500));
    let err = client.history(f.primary(), &HistoryQuery::default()).await.expect_err("times out");
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn reused_idempotency_key_is_detected() {
    assert_eq!(ayrshare::IDEMPOTENCY_REUSED_CODE, ayrshare_sim::IDEMPOTENCY_REUSED_CODE);
    let f = spawn(Duration::from_secs(5)).await;
    let client = &f.client;
    let mut req = post(&["twitter"]);
    req.idempotency_key = Some("idem-1".into());
    client.post(f.user(), &req).await.expect("first use succeeds");
    let mut again = post(&["twitter"]);
    again.idempotency_key = Some("idem-1".into());
    let err = client.post(f.user(), &again).await.expect_err("reuse is refused");
    assert!(err.is_idempotency_reused(), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(err.code(), Some(ayrshare::IDEMPOTENCY_REUSED_CODE));
}

#[tokio::test]
async fn partial_failure_is_ok_with_errors_and_can_be_retried() {
    let f = spawn(Duration::from_secs(5)).await;
    let (sim, client) = (&f.sim, &f.client);
    sim.sim.update_config(|c| c.fail_platforms = vec!["linkedin".into()]);
    let reply =
        client.post(f.user(), &post(&["twitter", "linkedin"])).await.expect("partial is Ok");
    assert_eq!(reply.status, 400);
    let outcome = reply.body;
    assert_eq!(outcome.status, "error");
    assert_eq!(outcome.post_ids.len(), 1, "{outcome:?}");
    assert_eq!(outcome.post_ids[0].platform, "twitter");
    assert_eq!(outcome.errors.len(), 1, "{outcome:?}");
    assert_eq!(outcome.errors[0].platform.as_deref(), Some("linkedin"));
    assert!(outcome.errors[0].code.is_some());

    sim.sim.update_config(|c| c.fail_platforms.clear());
    let id = outcome.id.expect("record id");
    let retried = client.retry_post(f.user(), &id).await.expect("retry").body;
    assert_eq!(retried.status, "success", "{retried:?}");
    assert!(retried.post_ids.iter().any(|p| p.platform == "linkedin"));
}

#[tokio::test]
async fn scheduled_post_can_be_paused_and_deleted() {
    let f = spawn(Duration::from_secs(5)).await;
    let client = &f.client;
    let mut req = post(&["twitter"]);
    req.schedule_date = Some("2099-01-01T10:00:00Z".into());
    let outcome = client.post(f.primary(), &req).await.expect("scheduled").body;
    assert_eq!(outcome.status, "scheduled");
    assert_eq!(outcome.schedule_date.as_deref(), Some("2099-01-01T10:00:00Z"));
    let id = outcome.id.expect("id");

    let update =
        UpdateRequest { id: id.clone(), scheduled_pause: Some(true), ..UpdateRequest::default() };
    client.update_post(f.primary(), &update).await.expect("pause");
    let item = client.history_by_id(f.primary(), &id).await.expect("get").body;
    assert_eq!(item.schedule_date.as_deref(), Some("2099-01-01T10:00:00Z"));

    client.delete_post(f.primary(), &id).await.expect("delete");
    let err = client.delete_post(f.primary(), "no-such-post").await.expect_err("unknown id");
    assert_eq!(err.status(), Some(404));
    assert!(err.code().is_some());
}

#[tokio::test]
async fn profiles_can_be_created_listed_and_used() {
    let f = spawn(Duration::from_secs(5)).await;
    let client = &f.client;
    let created = client.create_profile("Team A").await.expect("create").body;
    assert_eq!(created.title, "Team A");
    assert!(!format!("{created:?}").contains(&created.profile_key));
    let list = client.profiles(&ProfileFilter::default()).await.expect("list").body;
    assert!(list.iter().any(|p| p.title == "Team A" && p.ref_id == created.ref_id), "{list:?}");
    let dup = client.create_profile("Team A").await.expect_err("duplicate title");
    assert_eq!(dup.status(), Some(400));
    f.sim.sim.link(&created.profile_key, &[Platform::Facebook], true).expect("known profile");

    let id = client
        .post(Profile::new(&created.profile_key), &post(&["facebook"]))
        .await
        .unwrap()
        .body
        .id
        .unwrap();
    let stats = client
        .analytics_post(Profile::new(&created.profile_key), &id, None)
        .await
        .expect("analytics")
        .body;
    assert_eq!(stats.id.as_deref(), Some(id.as_str()));
    assert!(stats.networks[&Platform::Facebook].analytics["likeCount"].is_u64(), "{stats:?}");
}

#[tokio::test]
async fn bad_api_key_is_an_api_error_without_the_key() {
    let sim = Simulator::spawn(SimConfig { api_key: Some(API_KEY.into()), ..SimConfig::default() })
        .await
        .unwrap();
    let wrong = "WRONG-KEY-9876543210";
    let client = Client::new(&sim.base_url(), wrong, Duration::from_secs(5)).unwrap();
    let err = client
        .post(Profile::new(PROFILE_KEY), &post(&["twitter"]))
        .await
        .expect_err("unauthorized");
    assert_eq!(err.status(), Some(401));
    assert!(!err.is_retryable());
    let text = format!("{err} {err:?}");
    assert!(!text.contains(wrong) && !text.contains(PROFILE_KEY), "{text}");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client =
        Client::new(&format!("http://127.0.0.1:{port}/api"), API_KEY, Duration::from_secs(2))
            .unwrap();
    let err = client
        .history(Profile::primary(), &HistoryQuery::default())
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!err.to_string().contains(API_KEY));
}

#[test]
fn client_debug_hides_the_key() {
    let client = Client::new("http://127.0.0.1:9/api/", API_KEY, Duration::from_secs(1)).unwrap();
    let dbg = format!("{client:?}");
    assert!(dbg.contains("TEST..."), "{dbg}");
    assert!(!dbg.contains(API_KEY), "{dbg}");
    assert_eq!(client.base_url(), "http://127.0.0.1:9/api");
}

/// A tiny upstream that answers every request with `307` to `location`.
async fn redirecting(location: String) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let location = location.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = s.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = s.write_all(answer.as_bytes()).await;
            });
        }
    });
    addr
}

/// Security review L3: a redirect to another host must carry neither the profile key nor
/// the post there.
#[tokio::test]
async fn the_client_follows_no_redirect_and_sends_nothing_to_another_host() {
    use tokio::io::AsyncReadExt;
    let sink = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
    let sink_addr = sink.local_addr().unwrap();
    let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = sink.accept().await {
            let mut buf = vec![0u8; 65536];
            let n = s.read(&mut buf).await.unwrap_or(0);
            let _ = seen_tx.send(buf[..n].to_vec());
        }
    });
    let upstream = redirecting(format!("http://{sink_addr}/api/post")).await;
    let client = Client::new(&format!("http://{upstream}/api"), API_KEY, Duration::from_secs(2))
        .expect("valid client config");
    let result = client.post(Profile::new(PROFILE_KEY), &post(&["twitter"])).await;
    let err = result.expect_err("a redirect is not a successful post");
    assert!(matches!(err, Error::Api { status: 307, .. }), "{err:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    if let Ok(request) = seen.try_recv() {
        let text = String::from_utf8_lossy(&request);
        panic!("the other host received: {text}");
    }
}
