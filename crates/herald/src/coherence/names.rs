//! Names for the actors Herald records ([`Actor`]: people, tokens, client reviewers, the
//! admin token, Herald and Ayrshare), and who each actor is as a person. A client reviewer
//! is named "<reviewer name> (client review)"; a new review link bumps the `tokens` tag.
//!
//! A workspace's [`Directory`] holds its members' names and its tokens' names (revoked
//! ones too: they still wrote posts), and maps each token to the user who created it,
//! where one is recorded, or else to the token that issued it (so every token minted down
//! a chain from one token counts as that token): four eyes counts a token as its creator
//! ([`Directory::person_of`]).
//! People who have left the workspace are added by id when something they wrote is shown
//! ([`Directory::missing_users`]). Directories are cached ([`crate::coherence::lookups`]) under the
//! `users`, `tokens` and `memberships` tags, which every rename, token change and
//! membership change bumps before it is acknowledged — so a name shown is never older
//! than the last acknowledged change.
//!
//! [`PostView`] and [`EventView`] are the post and the audit event as clients see them:
//! with `author_name` and `actor_name`.

use crate::foundation::domain::{Actor, Event, Post, User};
use crate::storage::store::{AccessStore, PeopleStore, ReviewStore, StoreError};
use herald_cache::Weigh;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// Who is who in one workspace.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Directory {
    /// Actor → display name.
    names: HashMap<Actor, String>,
    /// Token actor → the actor of the user who created it.
    creators: HashMap<Actor, Actor>,
}

impl Weigh for Directory {
    fn weigh(&self) -> usize {
        let size = |a: &Actor| a.to_string().len() + 32;
        let names = self.names.iter().map(|(k, v)| size(k) + v.len() + 24);
        names.sum::<usize>() + self.creators.iter().map(|(k, v)| size(k) + size(v)).sum::<usize>()
    }
}

impl Directory {
    /// The members, tokens and review links of a workspace, from the store.
    pub async fn load<S>(store: &S, workspace_id: &str) -> Result<Self, StoreError>
    where
        S: PeopleStore + AccessStore + ReviewStore + ?Sized,
    {
        let mut dir = Self::default();
        for member in store.members(workspace_id).await? {
            dir.add_user(&member.user);
        }
        for token in store.tokens(workspace_id).await? {
            let actor = Actor::token(&token.id);
            let name = token.name.unwrap_or_else(|| unnamed_token(&token.id));
            dir.names.insert(actor.clone(), name);
            let person = match (token.created_by, token.issued_by) {
                (Some(user), _) => Some(Actor::User(user)),
                // Listed oldest first: the issuing token is already known.
                (None, Some(issuer)) if issuer.is_token() => Some(dir.person_of(&issuer)),
                _ => None,
            };
            if let Some(person) = person {
                dir.creators.insert(actor, person);
            }
        }
        for link in store.review_links(workspace_id).await? {
            let name = crate::foundation::domain::review::reviewer_display(&link.reviewer_name);
            dir.names.insert(Actor::Reviewer(link.id), name);
        }
        Ok(dir)
    }

    /// The directory of a workspace with the names of the users among `actors` who are
    /// no longer members, all from the store (for a cache fill that builds on it).
    pub async fn load_with<'a, S>(
        store: &S,
        workspace_id: &str,
        actors: impl IntoIterator<Item = &'a Actor>,
    ) -> Result<Self, StoreError>
    where
        S: PeopleStore + AccessStore + ReviewStore + ?Sized,
    {
        let mut dir = Self::load(store, workspace_id).await?;
        for id in dir.missing_users(actors) {
            if let Some(record) = store.user(&id).await? {
                dir.add_user(&record.user);
            }
        }
        Ok(dir)
    }

    /// Adds a user (someone no longer a member, shown because of what they wrote).
    pub fn add_user(&mut self, user: &User) {
        self.names.insert(Actor::user(&user.id), user.name.clone());
    }

    /// The ids of users among `actors` this directory has no name for.
    pub fn missing_users<'a>(&self, actors: impl IntoIterator<Item = &'a Actor>) -> Vec<String> {
        let mut missing: Vec<String> = actors
            .into_iter()
            .filter(|a| !self.names.contains_key(*a))
            .filter_map(Actor::user_id)
            .map(str::to_owned)
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }

    /// The display name of an actor.
    pub fn name_of(&self, actor: &Actor) -> String {
        if let Some(name) = self.names.get(actor) {
            return name.clone();
        }
        match actor {
            Actor::Admin => "Admin".into(),
            Actor::Herald | Actor::Scheduler => "Herald".into(),
            Actor::Ayrshare => "Ayrshare".into(),
            Actor::Reviewer(_) => "a client reviewer".into(),
            Actor::Token(id) => unnamed_token(id),
            Actor::User(_) | Actor::Unknown(_) => "a former member".into(),
        }
    }

    /// Who an actor is as a person: a token counts as the user who created it.
    pub fn person_of(&self, actor: &Actor) -> Actor {
        self.creators.get(actor).cloned().unwrap_or_else(|| actor.clone())
    }

    pub fn post(&self, post: Post) -> PostView {
        PostView { author_name: self.name_of(&post.author), post }
    }

    pub fn event(&self, event: Event) -> EventView {
        EventView { actor_name: self.name_of(&event.actor), event }
    }
}

/// How a token without a name is shown: the end of its id, never the secret.
fn unnamed_token(id: &str) -> String {
    let tail: String = id.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    format!("token …{tail}")
}

/// A post as clients see it: the post object with its author's name.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostView {
    #[serde(flatten)]
    pub post: Post,
    /// The author's name: a person's name, a token's name, or `Herald`.
    pub author_name: String,
}

/// An audit event as clients see it, with its actor's name.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    #[serde(flatten)]
    pub event: Event,
    /// The actor's name: a person's name, a token's name, or `Herald`.
    pub actor_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> Directory {
        let mut dir = Directory::default();
        dir.names.insert(Actor::user("u1"), "Ann Lee".into());
        dir.names.insert(Actor::token("t1"), "CI bot".into());
        dir.creators.insert(Actor::token("t1"), Actor::user("u1"));
        dir
    }

    #[test]
    fn actors_are_named_by_people_tokens_and_herald() {
        let dir = directory();
        assert_eq!(dir.name_of(&Actor::user("u1")), "Ann Lee");
        assert_eq!(dir.name_of(&Actor::token("t1")), "CI bot");
        assert_eq!(dir.name_of(&Actor::Herald), "Herald");
        assert_eq!(dir.name_of(&Actor::Scheduler), "Herald");
        assert_eq!(dir.name_of(&Actor::Admin), "Admin");
        assert_eq!(dir.name_of(&Actor::Ayrshare), "Ayrshare");
        assert_eq!(dir.name_of(&Actor::Reviewer("l1".into())), "a client reviewer");
        assert_eq!(dir.name_of(&Actor::token("0190abcdef123456")), "token …123456");
        assert_eq!(dir.name_of(&Actor::user("gone")), "a former member");
        assert_eq!(dir.name_of(&Actor::from("alice")), "a former member");
    }

    #[test]
    fn a_token_counts_as_the_person_who_created_it() {
        let dir = directory();
        assert_eq!(dir.person_of(&Actor::token("t1")), Actor::user("u1"));
        assert_eq!(dir.person_of(&Actor::token("t2")), Actor::token("t2"));
        assert_eq!(dir.person_of(&Actor::user("u9")), Actor::user("u9"));
    }

    #[test]
    fn only_users_without_a_name_are_missing() {
        let dir = directory();
        let (u1, u2) = (Actor::user("u1"), Actor::user("u2"));
        let actors = [&u1, &u2, &Actor::token("t9"), &u2, &Actor::Herald];
        assert_eq!(dir.missing_users(actors), ["u2"]);
    }
}
