//! Engagement per post and per account, from Ayrshare's analytics: normalised across
//! networks ([`normalize`]).

pub mod normalize;
