//! The extractors handlers take to say who may call them: `Principal` (anyone
//! authenticated), `GlobalAdmin`, and `Access<R>` (at least role `R` in the workspace of
//! the `{ws}` path segment: 404 for another workspace, 403 for a lower role). They read
//! what [`super::layer`] found, so a request is authenticated once.

use super::layer::Authentication;
use super::Principal;
use crate::coherence::error::{AppError, Forbidden};
use crate::foundation::domain::Role;
use axum::extract::{FromRequestParts, OptionalFromRequestParts, RawPathParams};
use axum::http::request::Parts;
use std::marker::PhantomData;

/// Any authenticated caller.
impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        match parts.extensions.get::<Authentication>() {
            Some(Authentication::Known(principal)) => Ok(principal.clone()),
            Some(Authentication::Csrf) => Err(AppError::Forbidden {
                why: Forbidden::Csrf,
                message: "send the X-CSRF-Token header of your session with this request".into(),
            }),
            _ => Err(AppError::Unauthorized),
        }
    }
}

/// The authenticated caller, if any.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Principal {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(match parts.extensions.get::<Authentication>() {
            Some(Authentication::Known(principal)) => Some(principal.clone()),
            _ => None,
        })
    }
}

/// The global admin only.
pub struct GlobalAdmin;

impl<S: Send + Sync> FromRequestParts<S> for GlobalAdmin {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let principal =
            <Principal as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        match principal.is_global_admin() {
            true => Ok(GlobalAdmin),
            false => Err(AppError::forbidden("this needs a global administrator")),
        }
    }
}

/// A minimum role, as a type: `Access<Editor>`.
pub trait MinRole: Send + Sync {
    const ROLE: Role;
}
pub struct Viewer;
pub struct Editor;
pub struct Admin;
impl MinRole for Viewer {
    const ROLE: Role = Role::Viewer;
}
impl MinRole for Editor {
    const ROLE: Role = Role::Editor;
}
impl MinRole for Admin {
    const ROLE: Role = Role::Admin;
}

/// An authenticated caller with at least role `R` in the workspace of the `{ws}` path
/// segment. A caller of another workspace gets 404, as if the workspace did not exist.
pub struct Access<R> {
    pub principal: Principal,
    pub workspace_id: String,
    pub role: Role,
    _role: PhantomData<R>,
}

impl<S: Send + Sync, R: MinRole> FromRequestParts<S> for Access<R> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let principal =
            <Principal as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let ws = params.iter().find(|(name, _)| *name == "ws").map(|(_, value)| value);
        let workspace_id = ws.ok_or(AppError::NotFound)?.to_owned();
        let role = principal.role_in(&workspace_id).ok_or(AppError::NotFound)?;
        if role < R::ROLE {
            return Err(AppError::forbidden(format!(
                "this needs the {} role; yours is {}",
                R::ROLE.as_str(),
                role.as_str()
            )));
        }
        Ok(Access { principal, workspace_id, role, _role: PhantomData })
    }
}

/// The approver role, as a type: `Access<Approver>`.
pub struct Approver;
impl MinRole for Approver {
    const ROLE: Role = Role::Approver;
}
