//! Profiles, `/user`, the linking JWT and X credentials, against the simulator.

use std::time::Duration;

use ayrshare::{JwtRequest, Platform, Profile, ProfileFilter, Secret, XCredentials};

use crate::support::{post, spawn};

#[tokio::test]
async fn a_call_to_x_sends_the_x_credentials_and_fails_419_without_them() {
    let f = spawn(Duration::from_secs(5)).await;
    let err = f.client.post(Profile::primary(), &post(&["twitter"])).await.expect_err("no X keys");
    assert_eq!((err.status(), err.code()), (Some(400), Some(419)), "{err}");
    let reply = f.client.post(f.primary(), &post(&["twitter"])).await.expect("with X keys");
    assert_eq!(reply.body.status, "success");
    let x = XCredentials::new("ONLY-THIS-X-KEY-123", "");
    let err = f.client.post(Profile::primary().with_x(&x), &post(&["twitter"])).await;
    let err = err.expect_err("one credential is not enough");
    assert_eq!(err.code(), Some(400));
    assert!(err.to_string().contains("X-Twitter-OAuth1-Api-Secret"), "{err}");
    let shown = format!("{err} {err:?} {x:?} {:?}", f.user());
    assert!(!shown.contains("ONLY-THIS-X-KEY-123") && !shown.contains(&f.key), "{shown}");
}

#[tokio::test]
async fn user_details_list_the_linked_networks() {
    let f = spawn(Duration::from_secs(5)).await;
    let fresh = f.sim.sim.create_profile("Fresh");
    let none = f.client.user(Profile::new(&fresh)).await.expect("user").body;
    assert!(none.active_social_accounts.is_empty() && none.display_names.is_empty());
    assert_eq!(none.title.as_deref(), Some("Fresh"));
    f.sim.sim.link(&fresh, &[Platform::LinkedIn], true).expect("known profile");
    let one = f.client.user(Profile::new(&fresh)).await.expect("user").body;
    assert_eq!(one.active_social_accounts, ["linkedin"]);
    let account = &one.display_names[0];
    assert_eq!(account.platform, "linkedin");
    assert!(account.username.is_some() && account.profile_url.is_some() && account.id.is_some());
    assert!(one.created.is_some() && one.ref_id.is_some());
}

#[tokio::test]
async fn profiles_are_filtered_and_deleted() {
    let f = spawn(Duration::from_secs(5)).await;
    let created = f.client.create_profile("Filtered").await.expect("create").body;
    let by_title = ProfileFilter { title: Some("Filtered".into()), ..ProfileFilter::default() };
    let found = f.client.profiles(&by_title).await.expect("list").body;
    assert_eq!(found.len(), 1);
    let by_ref = ProfileFilter { ref_id: created.ref_id.clone(), ..ProfileFilter::default() };
    assert_eq!(f.client.profiles(&by_ref).await.expect("list").body[0].title, "Filtered");
    let linked = f.client.profiles(&ProfileFilter::default()).await.expect("list").body;
    let tests = linked.iter().find(|p| p.title == "Client tests").expect("fixture profile");
    assert_eq!(tests.active_social_accounts.len(), Platform::ALL.len());
    let deleted = f.client.delete_profile(&created.profile_key).await.expect("delete").body;
    assert_eq!(deleted["refId"].as_str(), created.ref_id.as_deref());
    assert!(f.client.profiles(&by_title).await.expect("list").body.is_empty());
    let again = f.client.delete_profile(&created.profile_key).await.expect_err("gone");
    assert!(!format!("{again} {again:?}").contains(&created.profile_key));
}

#[tokio::test]
async fn a_jwt_opens_a_linking_page_valid_five_minutes() {
    let f = spawn(Duration::from_secs(5)).await;
    let req = JwtRequest {
        domain: "acme".into(),
        private_key: Secret::new(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
        ),
        profile_key: f.key.clone(),
        x: Some(f.x.clone()),
    };
    assert!(!format!("{req:?}").contains("MIIE"));
    let jwt = f.client.generate_jwt(&req).await.expect("jwt").body;
    assert_eq!(jwt.expires_in, Some(Duration::from_secs(300)));
    assert!(!format!("{jwt:?}").contains(jwt.token.expose()));
    let page = reqwest::get(&jwt.url).await.expect("page").text().await.expect("html");
    assert!(page.contains("Client tests") && page.contains("Unlink"), "{page}");
    let unknown = JwtRequest { profile_key: "NOT-A-PROFILE-KEY-00".into(), ..req };
    let err = f.client.generate_jwt(&unknown).await.expect_err("unknown profile");
    assert_eq!(err.status(), Some(403));
}
