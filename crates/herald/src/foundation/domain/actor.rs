//! Who did something: the one place that knows how an actor is written down. Audit
//! events, post and comment authors, review links, invitations, tokens' issuers and the
//! uploads record an actor in this stored form, which is also what the API shows:
//!
//! | actor | stored as |
//! | --- | --- |
//! | a person signed in | `user:<user id>` |
//! | a workspace token | `token:<token id>` |
//! | a client through a review link | `review:<link id>` (named "<name> (client review)") |
//! | the admin token | `admin` |
//! | Herald itself (feeds, settling a publish) | `herald` |
//! | Herald's scheduler (its claims of due posts) | `scheduler` |
//! | Ayrshare (its webhooks) | `ayrshare` |
//!
//! Parsing never fails: a form Herald does not know (an older or hand-written row) is
//! kept verbatim as [`Actor::Unknown`], shown as "a former member" and printed back
//! unchanged, so stored data stays readable and round-trips without a migration.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

const USER: &str = "user:";
const TOKEN: &str = "token:";
const REVIEW: &str = "review:";
const ADMIN: &str = "admin";
const HERALD: &str = "herald";
const SCHEDULER: &str = "scheduler";
const AYRSHARE: &str = "ayrshare";

/// An actor, typed; its `Display` and `FromStr` are the stored form (module docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Actor {
    /// A person, by user id.
    User(String),
    /// A workspace token, by token id.
    Token(String),
    /// A client reviewer, by the id of the review link they came through.
    Reviewer(String),
    /// The global admin token.
    Admin,
    /// Herald's own transitions.
    Herald,
    /// The scheduler, claiming a due post.
    Scheduler,
    /// Ayrshare, through its webhooks.
    Ayrshare,
    /// A stored form Herald does not know, kept as it was.
    Unknown(String),
}

impl Actor {
    /// The person with user id `id`.
    pub fn user(id: &str) -> Self {
        Self::User(id.to_owned())
    }

    /// The workspace token with id `id`.
    pub fn token(id: &str) -> Self {
        Self::Token(id.to_owned())
    }

    /// The user id of a person.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Self::User(id) => Some(id),
            _ => None,
        }
    }

    /// Whether this is a workspace token.
    pub fn is_token(&self) -> bool {
        matches!(self, Self::Token(_))
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(id) => write!(f, "{USER}{id}"),
            Self::Token(id) => write!(f, "{TOKEN}{id}"),
            Self::Reviewer(link) => write!(f, "{REVIEW}{link}"),
            Self::Admin => f.write_str(ADMIN),
            Self::Herald => f.write_str(HERALD),
            Self::Scheduler => f.write_str(SCHEDULER),
            Self::Ayrshare => f.write_str(AYRSHARE),
            Self::Unknown(raw) => f.write_str(raw),
        }
    }
}

impl FromStr for Actor {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Infallible> {
        let tagged = |prefix: &str| s.strip_prefix(prefix).map(str::to_owned);
        Ok(match s {
            ADMIN => Self::Admin,
            HERALD => Self::Herald,
            SCHEDULER => Self::Scheduler,
            AYRSHARE => Self::Ayrshare,
            _ => tagged(USER)
                .map(Self::User)
                .or_else(|| tagged(TOKEN).map(Self::Token))
                .or_else(|| tagged(REVIEW).map(Self::Reviewer))
                .unwrap_or_else(|| Self::Unknown(s.to_owned())),
        })
    }
}

impl From<&str> for Actor {
    fn from(s: &str) -> Self {
        let Ok(actor) = s.parse();
        actor
    }
}

impl From<String> for Actor {
    fn from(s: String) -> Self {
        Self::from(s.as_str())
    }
}

impl Serialize for Actor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_variant() -> [Actor; 8] {
        [
            Actor::user("0190a1b2"),
            Actor::token("0190c3d4"),
            Actor::Reviewer("0190e5f6".into()),
            Actor::Admin,
            Actor::Herald,
            Actor::Scheduler,
            Actor::Ayrshare,
            Actor::Unknown("alice".into()),
        ]
    }

    #[test]
    fn every_variant_round_trips_through_its_stored_form() {
        for actor in every_variant() {
            assert_eq!(actor.to_string().parse::<Actor>(), Ok(actor.clone()));
            let json = serde_json::to_string(&actor).unwrap();
            assert_eq!(json, format!("\"{actor}\""));
            assert_eq!(serde_json::from_str::<Actor>(&json).unwrap(), actor);
        }
    }

    #[test]
    fn the_stored_forms_parse_into_their_variants() {
        let cases = [
            ("user:up-user-1", Actor::user("up-user-1")),
            ("token:up-token-1", Actor::token("up-token-1")),
            ("review:l1", Actor::Reviewer("l1".into())),
            ("admin", Actor::Admin),
            ("herald", Actor::Herald),
            ("scheduler", Actor::Scheduler),
            ("ayrshare", Actor::Ayrshare),
        ];
        for (stored, actor) in cases {
            assert_eq!(Actor::from(stored), actor, "{stored}");
            assert_eq!(actor.to_string(), stored);
        }
    }

    #[test]
    fn an_unknown_form_is_kept_verbatim_and_prints_back_unchanged() {
        for raw in ["alice", "", "Admin", "user", "robot:7", "herald:k1"] {
            let actor = Actor::from(raw);
            assert_eq!(actor, Actor::Unknown(raw.into()));
            assert_eq!(actor.to_string(), raw);
        }
    }

    #[test]
    fn only_people_have_a_user_id() {
        assert_eq!(Actor::user("u1").user_id(), Some("u1"));
        assert!(every_variant().iter().skip(1).all(|a| a.user_id().is_none()));
        assert!(Actor::token("t").is_token() && !Actor::user("t").is_token());
    }

    #[test]
    fn actors_are_json_map_keys_in_their_stored_form() {
        let map = std::collections::HashMap::from([(Actor::user("u1"), 1)]);
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(json, r#"{"user:u1":1}"#);
        let back: std::collections::HashMap<Actor, i32> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, map);
    }
}
