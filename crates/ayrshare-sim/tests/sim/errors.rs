//! Answers in Ayrshare's error envelope for what is wrong with the request itself: a
//! bad API key, malformed JSON, an unknown route or method.

use ayrshare_sim::SimConfig;
use reqwest::{Method, StatusCode};

use crate::support::{answer, Api};

#[tokio::test]
async fn missing_or_wrong_api_key_is_401_code_102() {
    let api = Api::start(SimConfig { api_key: Some("RIGHT".into()), ..SimConfig::default() }).await;
    let url = format!("{}/user", api.sim.base_url());
    let none = answer(api.http.get(&url).send().await.expect("sent")).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.body["code"], 102);
    assert_eq!(none.body["action"], "authorization");
    assert!(none.headers.contains_key("x-ratelimit-max"));
    let wrong = api.call(Method::GET, "/user", None, None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "TEST-KEY is not RIGHT");
    let right = api.http.get(&url).bearer_auth("RIGHT").send().await.expect("sent");
    assert_eq!(right.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_json_is_a_400_envelope_not_a_panic() {
    let api = Api::default().await;
    for path in ["/post", "/analytics/post", "/hook/webhook", "/profiles"] {
        let response = api
            .http
            .post(format!("{}{path}", api.sim.base_url()))
            .bearer_auth("k")
            .header("content-type", "application/json")
            .body("{\"post\": ")
            .send()
            .await
            .expect("sent");
        let answer = answer(response).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(answer.body["status"], "error", "{path}");
    }
}

#[tokio::test]
async fn unknown_route_is_a_json_404() {
    let api = Api::default().await;
    let answer = api.call(Method::GET, "/nope", None, None).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.body["status"], "error");
    let wrong_method = api.call(Method::GET, "/analytics/post", None, None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.header("content-type"), "application/json; charset=utf-8");
}

#[tokio::test]
async fn an_undecodable_path_id_is_a_400_envelope() {
    let api = Api::default().await;
    for path in ["/post/%FF", "/history/%FF"] {
        let answer = api.call(Method::GET, path, None, None).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(answer.body["status"], "error", "{path}");
        assert_eq!(answer.body["action"], "get", "{path}");
    }
}
