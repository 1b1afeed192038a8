//! People routes: sign in and out, who I am, my profile and sessions, invitations and
//! members. Thin wrappers over [`PeopleService`]; this module only sets and clears the
//! session cookie.

use super::json::AppJson;
use crate::coherence::error::AppResult;
use crate::commands::people::invitations::{
    Accept, CreatedInvitation, InvitationView, NewInvitation,
};
use crate::commands::people::members::{MemberPatch, MemberView};
use crate::commands::people::signin::{device_cookie, device_from_cookies, Origin};
use crate::commands::people::{Login, MePatch, Opened, PeopleService, SessionView, UserView};
use crate::foundation::client_ip::ClientIp;
use crate::foundation::domain::Role;
use crate::gate::auth::extract::{Access, Admin, GlobalAdmin, Viewer};
use crate::gate::auth::{session, Principal};
use crate::services::notify::Notifier;
use crate::services::workspaces::WorkspaceService;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::header::{HOST, SET_COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use utoipa::ToSchema;

/// Answer of a sign-in (and of an accepted invitation): the user and the CSRF token
/// cookie-authenticated writes must send as `X-CSRF-Token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    pub user: UserView,
    pub csrf_token: String,
    /// For an accepted invitation: the workspace joined and the role held there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// One membership as `GET /api/me` lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    pub workspace_id: String,
    pub workspace_name: String,
    pub role: Role,
}

/// `GET /api/me`: who is calling (a person, a workspace token or the admin token).
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The person; null for a token.
    pub user: Option<UserView>,
    pub global_admin: bool,
    /// For cookie sessions; null for bearer tokens (they need none).
    pub csrf_token: Option<String>,
    pub memberships: Vec<MembershipView>,
    /// `user:<id>`, `token:<id>` or `admin`.
    #[schema(value_type = String)]
    pub actor: crate::foundation::domain::Actor,
    /// Unread notifications (always 0 for a token).
    pub unread_notifications: u32,
}

/// Body of `POST /api/users/password` (`herald user reset-password` on a running Herald).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub email: String,
    pub password: String,
}

/// The client's address (the TCP peer, or the forwarded client behind a trusted proxy:
/// [`crate::foundation::client_ip`]), when the server passes it.
pub struct Client(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(ClientIp(ip)) = parts.extensions.get::<ClientIp>() {
            return Ok(Client(Some(*ip)));
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Client(peer.map(|ConnectInfo(addr)| addr.ip())))
    }
}

pub(super) fn agent(headers: &HeaderMap) -> Option<String> {
    headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The answer that sets the session cookie.
pub(super) fn signed_in(
    people: &PeopleService,
    opened: Opened,
    joined: Option<(String, Role)>,
) -> Response {
    let cookie = session::cookie(&opened.secret, people.https());
    let device = opened.device.as_deref().map(|proof| device_cookie(proof, people.https()));
    let (workspace_id, role) = joined.unzip();
    let body = SignedIn {
        user: UserView::from(&opened.user),
        csrf_token: opened.csrf_token,
        workspace_id,
        role,
    };
    let mut response = ([(SET_COOKIE, cookie)], Json(body)).into_response();
    if let Some(device) = device {
        response.headers_mut().append(SET_COOKIE, device);
    }
    response
}

#[utoipa::path(post, path = "/api/auth/login", tag = "people", request_body = Login, security(()),
    description = "Signs in with e-mail and password; sets the `herald_session` cookie. Wrong password and unknown e-mail are the same 401; repeated failures per e-mail and per client are 429.",
    responses((status = 200, body = SignedIn), (status = 401), (status = 422), (status = 429)))]
pub async fn login(
    State(people): State<PeopleService>,
    Client(client): Client,
    headers: HeaderMap,
    AppJson(input): AppJson<Login>,
) -> AppResult<Response> {
    let origin = Origin { client, device: device_from_cookies(&headers) };
    let opened = people.login(input, origin, agent(&headers)).await?;
    Ok(signed_in(&people, opened, None))
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "people",
    description = "Ends the session on the server (its streams end on every instance) and clears the cookie.",
    responses((status = 204), (status = 401), (status = 403), (status = 503)))]
pub async fn logout(State(people): State<PeopleService>, who: Principal) -> AppResult<Response> {
    people.logout(&who).await?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, session::clear_cookie(people.https()))])
        .into_response())
}

#[utoipa::path(get, path = "/api/me", tag = "people",
    responses((status = 200, body = Me), (status = 401)))]
pub async fn me(
    State(people): State<PeopleService>,
    State(workspaces): State<WorkspaceService>,
    State(notifier): State<Notifier>,
    who: Principal,
    headers: HeaderMap,
) -> AppResult<Json<Me>> {
    let user = people.user_of(&who).await?;
    let mut memberships = Vec::new();
    for ws in workspaces.list(&who).await? {
        let role = who.role_in(&ws.id).unwrap_or(Role::Viewer);
        memberships.push(MembershipView { workspace_id: ws.id, workspace_name: ws.name, role });
    }
    let csrf_token = match &who {
        Principal::User(_) => session::from_cookies(&headers).map(session::csrf_of),
        _ => None,
    };
    Ok(Json(Me {
        user: user.as_ref().map(UserView::from),
        global_admin: who.is_global_admin(),
        csrf_token,
        memberships,
        actor: who.actor(),
        unread_notifications: notifier.unread(&who).await?,
    }))
}

#[utoipa::path(patch, path = "/api/me", tag = "people", request_body = MePatch,
    description = "Changes the caller's name, notification preference or password (which needs `current_password` and ends every session of the caller).",
    responses((status = 200, body = UserView), (status = 401), (status = 403), (status = 422), (status = 429), (status = 503)))]
pub async fn update_me(
    State(people): State<PeopleService>,
    who: Principal,
    Client(client): Client,
    headers: HeaderMap,
    AppJson(patch): AppJson<MePatch>,
) -> AppResult<Json<UserView>> {
    let origin = Origin { client, device: device_from_cookies(&headers) };
    Ok(Json(UserView::from(&people.update_me(&who, patch, origin).await?)))
}

#[utoipa::path(get, path = "/api/me/sessions", tag = "people",
    responses((status = 200, body = [SessionView]), (status = 401)))]
pub async fn sessions(
    State(people): State<PeopleService>,
    who: Principal,
) -> AppResult<Json<Vec<SessionView>>> {
    Ok(Json(people.sessions(&who).await?))
}

#[utoipa::path(delete, path = "/api/me/sessions/{id}", tag = "people", params(("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 503)))]
pub async fn end_session(
    State(people): State<PeopleService>,
    who: Principal,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    people.end_session(&who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/users/password", tag = "people", request_body = PasswordReset,
    description = "Sets a user's password (global admin; `herald user reset-password`). Ends every session of the user on every instance.",
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 422), (status = 503)))]
pub async fn reset_password(
    State(people): State<PeopleService>,
    _: GlobalAdmin,
    AppJson(input): AppJson<PasswordReset>,
) -> AppResult<StatusCode> {
    people.reset_password(&input.email, input.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/workspaces/{ws}/invitations", tag = "people", params(("ws" = String, Path)), request_body = NewInvitation,
    description = "Invites an e-mail address (a bare `local@domain`) with a role. The `accept_url` carries a single-use secret and is shown only here (also e-mailed when SMTP and `HERALD_PUBLIC_URL` are configured: `mail` says which). At most `HERALD_INVITATIONS_PER_DAY` per workspace per 24 hours (429 `rate_limited` with `Retry-After`).",
    responses((status = 201, body = CreatedInvitation), (status = 401), (status = 403), (status = 404), (status = 422), (status = 429)))]
pub async fn invite(
    State(people): State<PeopleService>,
    access: Access<Admin>,
    headers: HeaderMap,
    AppJson(input): AppJson<NewInvitation>,
) -> AppResult<(StatusCode, Json<CreatedInvitation>)> {
    // Only for the link answered to the admin; a mailed link needs HERALD_PUBLIC_URL.
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let shown = format!("http://{host}");
    let created = people.invite(&access.principal, &access.workspace_id, input, &shown).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/invitations", tag = "people", params(("ws" = String, Path)),
    responses((status = 200, body = [InvitationView]), (status = 401), (status = 403), (status = 404)))]
pub async fn invitations(
    State(people): State<PeopleService>,
    access: Access<Admin>,
) -> AppResult<Json<Vec<InvitationView>>> {
    Ok(Json(people.invitations(&access.workspace_id).await?))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/invitations/{id}", tag = "people",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub async fn withdraw(
    State(people): State<PeopleService>,
    access: Access<Admin>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    people.withdraw(&access.workspace_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/invitations/accept", tag = "people", request_body = Accept, security(()),
    description = "Accepts an invitation: a new e-mail gives a new user (name and password required); an existing user (signed in, or giving their password) gains the membership. Until an account's right password is given the answers do not tell whether the address has one (no name: 422 `name` either way). Sets the session cookie. Used, expired, withdrawn, or its issuer no longer holds its role: 410.",
    responses((status = 200, body = SignedIn), (status = 401), (status = 409), (status = 410), (status = 422), (status = 429), (status = 503)))]
pub async fn accept(
    State(people): State<PeopleService>,
    who: Option<Principal>,
    Client(client): Client,
    headers: HeaderMap,
    AppJson(input): AppJson<Accept>,
) -> AppResult<Response> {
    let joined = people.accept(who.as_ref(), input, client, agent(&headers)).await?;
    Ok(signed_in(&people, joined.session, Some((joined.workspace_id, joined.role))))
}

#[utoipa::path(get, path = "/api/workspaces/{ws}/members", tag = "people", params(("ws" = String, Path)),
    responses((status = 200, body = [MemberView]), (status = 401), (status = 404)))]
pub async fn members(
    State(people): State<PeopleService>,
    access: Access<Viewer>,
) -> AppResult<Json<Vec<MemberView>>> {
    Ok(Json(people.members(&access.workspace_id).await?))
}

#[utoipa::path(patch, path = "/api/workspaces/{ws}/members/{user_id}", tag = "people",
    params(("ws" = String, Path), ("user_id" = String, Path)), request_body = MemberPatch,
    responses((status = 200, body = MemberView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422), (status = 503)))]
pub async fn set_role(
    State(people): State<PeopleService>,
    access: Access<Admin>,
    Path((_, user_id)): Path<(String, String)>,
    AppJson(patch): AppJson<MemberPatch>,
) -> AppResult<Json<MemberView>> {
    Ok(Json(people.set_role(&access.workspace_id, &user_id, patch.role).await?))
}

#[utoipa::path(delete, path = "/api/workspaces/{ws}/members/{user_id}", tag = "people",
    params(("ws" = String, Path), ("user_id" = String, Path)),
    description = "Removes a member: their streams end and their next request there is refused, on every instance (503 when that cannot be made sure).",
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409), (status = 503)))]
pub async fn remove_member(
    State(people): State<PeopleService>,
    access: Access<Admin>,
    Path((_, user_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    people.remove_member(&access.workspace_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

impl std::fmt::Debug for PasswordReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordReset").field("email", &self.email).finish_non_exhaustive()
    }
}
