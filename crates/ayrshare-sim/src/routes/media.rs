//! Media (research note §11.1): `POST /api/media/upload` (and the SDK's older
//! `POST /api/upload`) with `file` as a `data:<type>;base64,...` URL, `fileName` and
//! `description`; `GET /api/media/uploadUrl?fileName=&contentType=` for large files,
//! whose `uploadUrl` takes a `PUT` of the bytes (`/__sim/upload/{id}`, no API key, as
//! a signed storage URL would). Files are served at `/__sim/media/{id}`.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{json, Value};

use super::origin;
use crate::errors::{ok, reply, ApiError, Body};
use crate::Simulator;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("media", message)
}

/// The content type and bytes of a `data:<type>;base64,<data>` URL.
fn data_url(file: &str) -> Result<(String, Vec<u8>), ApiError> {
    let invalid =
        || bad("Invalid file parameter: send a base64 data URL such as data:image/png;base64,....");
    let rest = file.trim().strip_prefix("data:").ok_or_else(invalid)?;
    let (meta, data) = rest.split_once(',').ok_or_else(invalid)?;
    let content_type = meta.strip_suffix(";base64").ok_or_else(invalid)?;
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(data.trim()).map_err(|_| invalid())?;
    let content_type =
        if content_type.is_empty() { "application/octet-stream" } else { content_type };
    Ok((content_type.to_string(), bytes))
}

/// `POST /api/media/upload` `{file, fileName?, description?}`.
pub(crate) async fn upload(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let file =
        body.get("file").and_then(Value::as_str).ok_or_else(|| bad("Missing file parameter."))?;
    let (content_type, bytes) = data_url(file)?;
    let field = |name: &str| body.get(name).and_then(Value::as_str).map(String::from);
    let file_name = field("fileName").unwrap_or_else(|| "upload".to_string());
    let id = sim.shared.with_store(|s| s.add_media(&file_name, &content_type, bytes));
    Ok(ok(&json!({
        "status": "success", "id": id, "url": format!("{}/__sim/media/{id}", origin(&headers)),
        "fileName": file_name, "description": field("description"),
    })))
}

/// `GET /api/media/uploadUrl?fileName=&contentType=`.
pub(crate) async fn upload_url(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query.map_err(|e| bad(format!("Invalid query: {e}")))?;
    let param =
        |name: &str| pairs.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.clone());
    let file_name = param("fileName").ok_or_else(|| bad("Missing fileName parameter."))?;
    let content_type = param("contentType").ok_or_else(|| bad("Missing contentType parameter."))?;
    let id = sim.shared.with_store(|s| s.open_upload(&file_name, &content_type));
    let origin = origin(&headers);
    Ok(ok(&json!({
        "status": "success", "uploadUrl": format!("{origin}/__sim/upload/{id}"),
        "accessUrl": format!("{origin}/__sim/media/{id}"), "contentType": content_type,
    })))
}

/// `PUT /__sim/upload/{id}`: the bytes of an upload URL.
pub(crate) async fn receive(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    if sim.shared.with_store(|s| s.fill_upload(&id, bytes.to_vec())) {
        ok(&json!({"status": "success"}))
    } else {
        reply(
            StatusCode::NOT_FOUND,
            &json!({"status": "error", "code": 404, "message": "Unknown upload URL."}),
        )
    }
}

/// `GET /__sim/media/{id}`: a stored file with its content type.
pub(crate) async fn serve(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    let Some(media) = sim.shared.with_store(|s| s.media_file(&id)) else {
        return reply(
            StatusCode::NOT_FOUND,
            &json!({"status": "error", "code": 404, "message": "No such media."}),
        );
    };
    let content_type = HeaderValue::from_str(&media.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let name: String =
        media.file_name.chars().filter(|c| c.is_ascii_graphic() && *c != '"').collect();
    let disposition = HeaderValue::from_str(&format!("inline; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("inline"));
    let headers =
        [(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)];
    (headers, media.bytes.unwrap_or_default()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_are_decoded_and_others_refused() {
        assert_eq!(
            data_url("data:image/png;base64,aGk=").ok(),
            Some(("image/png".into(), b"hi".to_vec()))
        );
        for bad in ["aGk=", "data:image/png,aGk=", "data:image/png;base64,!!", "data:;base64"] {
            assert!(data_url(bad).is_err(), "{bad}");
        }
    }
}
