//! Coherence, what keeps every instance's answers true: cached lookups invalidated by
//! their writes, the one write path of posts, exactly-once publishing, Ayrshare calls
//! within each profile's budget, rate limits, and the one error type. Names only the
//! layers below it: storage, foundation.

pub mod changes;
pub mod error;
pub mod gateway;
pub mod lookups;
pub mod names;
pub mod publish;
pub mod ratelimit;
