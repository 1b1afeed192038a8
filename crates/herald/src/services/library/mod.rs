//! Templates and hashtag groups of a workspace (API.md "Compose"): create, list, change,
//! delete; names unique per workspace (409 `name_taken`). Both are a name and a JSON body
//! stored alike ([`Named`]); each kind is an [`Entry`] that says how its body is checked.
//! A change (PATCH) is the stored body with the given fields replaced, checked whole.

mod entries;

pub use entries::{HashtagGroup, TemplateBody};

use crate::coherence::error::{AppError, AppResult};
use crate::foundation::domain::library::{Library, Named};
use crate::foundation::domain::model::now_ms;
use crate::foundation::domain::validate::{self, FieldError};
use crate::gate::auth::Principal;
use crate::storage::store::{LibraryStore, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;

/// A kind of library entry: its body, and how the body is checked.
pub trait Entry: Serialize + DeserializeOwned {
    const LIBRARY: Library;
    /// Checks (and normalises) the body.
    fn check(&mut self) -> Result<(), FieldError>;
}

/// An entry as clients see it: id, name and the body's fields.
#[derive(Debug, Serialize)]
pub struct View<B> {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub body: B,
}

/// The library use cases. Cheap to clone.
#[derive(Clone)]
pub struct LibraryService {
    store: Arc<dyn LibraryStore>,
}

impl LibraryService {
    pub fn new(store: Arc<dyn LibraryStore>) -> Self {
        Self { store }
    }

    pub async fn list<B: Entry>(&self, ws_id: &str) -> AppResult<Vec<View<B>>> {
        let rows = self.store.named_list(B::LIBRARY, ws_id).await?;
        rows.into_iter().map(view).collect()
    }

    /// Creates an entry from a body `{"name", …the kind's fields}`.
    pub async fn create<B: Entry>(
        &self,
        who: &Principal,
        ws_id: &str,
        mut input: Map<String, Value>,
    ) -> AppResult<View<B>> {
        let name = name_of(input.remove("name"))?
            .ok_or_else(|| AppError::invalid("name", "Give it a name."))?;
        let body = checked::<B>(input)?;
        let now = now_ms();
        let named = Named {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: ws_id.to_owned(),
            name,
            body: serde_json::to_string(&body).map_err(AppError::internal)?,
            created_by: who.actor(),
            created_at: now,
            updated_at: now,
        };
        self.store.create_named(B::LIBRARY, &named).await.map_err(taken)?;
        Ok(View { id: named.id, name: named.name, body })
    }

    /// Changes an entry: the given fields replace the stored ones.
    pub async fn update<B: Entry>(
        &self,
        ws_id: &str,
        id: &str,
        mut patch: Map<String, Value>,
    ) -> AppResult<View<B>> {
        let mut named = self.store.named(B::LIBRARY, ws_id, id).await?.ok_or(AppError::NotFound)?;
        if let Some(name) = name_of(patch.remove("name"))? {
            named.name = name;
        }
        let mut stored: Map<String, Value> = serde_json::from_str(&named.body)
            .map_err(|e| AppError::internal(format!("stored {:?}: {e}", B::LIBRARY)))?;
        stored.extend(patch);
        let body = checked::<B>(stored)?;
        named.body = serde_json::to_string(&body).map_err(AppError::internal)?;
        named.updated_at = now_ms();
        if !self.store.update_named(B::LIBRARY, &named).await.map_err(taken)? {
            return Err(AppError::NotFound);
        }
        Ok(View { id: named.id, name: named.name, body })
    }

    pub async fn delete<B: Entry>(&self, ws_id: &str, id: &str) -> AppResult<()> {
        match self.store.delete_named(B::LIBRARY, ws_id, id).await? {
            true => Ok(()),
            false => Err(AppError::NotFound),
        }
    }
}

fn view<B: Entry>(n: Named) -> AppResult<View<B>> {
    let body = serde_json::from_str(&n.body)
        .map_err(|e| AppError::internal(format!("stored {:?}: {e}", B::LIBRARY)))?;
    Ok(View { id: n.id, name: n.name, body })
}

/// A given `name`, checked; `None` when absent.
fn name_of(value: Option<Value>) -> AppResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(Value::String(name)) => {
            let name = name.trim().to_owned();
            validate::name("name", &name)?;
            Ok(Some(name))
        }
        Some(_) => Err(AppError::invalid("name", "The name is text.")),
    }
}

/// The body of the fields given, of the kind's shape (422 naming a field that is not one
/// of its own, or of the wrong type), checked.
fn checked<B: Entry>(fields: Map<String, Value>) -> AppResult<B> {
    let mut body: B = serde_json::from_value(Value::Object(fields)).map_err(|e| {
        let message = e.to_string();
        let field = message
            .split('`')
            .nth(1)
            .filter(|_| {
                message.starts_with("unknown field") || message.starts_with("missing field")
            })
            .unwrap_or("body")
            .to_owned();
        AppError::invalid(&field, message)
    })?;
    body.check()?;
    Ok(body)
}

/// 409 `name_taken` for a name the workspace already uses for this kind.
fn taken(e: StoreError) -> AppError {
    match e {
        StoreError::Duplicate { constraint } if constraint.ends_with("_workspace_id_name_key") => {
            AppError::conflict("name_taken", "This workspace already has one of that name.")
        }
        e => e.into(),
    }
}
