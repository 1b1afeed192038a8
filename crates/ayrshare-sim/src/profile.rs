//! What answers show about a profile ([`ProfileView`]). A leaf: it imports nothing of
//! the crate, so `post`, `webhooks` and `store` can all use it without depending on
//! each other.

/// What responses need to show about a profile.
#[derive(Debug, Clone)]
pub(crate) struct ProfileView {
    pub(crate) title: String,
    pub(crate) ref_id: String,
}
