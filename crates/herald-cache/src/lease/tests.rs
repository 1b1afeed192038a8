//! The lease state on its own: what it answers from memory, and when it refuses to.

use super::*;

fn tags(names: &[&str]) -> Vec<String> {
    names.iter().map(|t| (*t).to_owned()).collect()
}

/// A lease synchronised at number 10, epoch 5, and granted just now.
fn granted() -> ReadLease {
    let lease = ReadLease::new(Duration::from_secs(2));
    let first = lease.attempt();
    assert!(lease.refused(first, 10, 5), "no baseline yet: resynchronise");
    lease.granted(lease.attempt());
    lease
}

#[test]
fn a_granted_lease_answers_known_tags_from_memory_and_nothing_else() {
    let lease = granted();
    assert!(lease.versions(&["a"]).is_none(), "an unknown tag resolves in Redis");
    let generation = lease.generation();
    lease.learn(generation, &["a"], &Versions { epoch: 5, tags: Box::new([3]) });
    let found = lease.versions(&["a"]).expect("known and leased");
    assert_eq!((found.epoch, &*found.tags), (5, &[3][..]));
}

#[test]
fn the_lease_ends_before_a_writer_stops_waiting() {
    let lease = ReadLease::new(Duration::from_secs(2));
    assert!(lease.hold < Duration::from_millis(1900), "hold {:?}", lease.hold);
    assert!(!ReadLease::new(Duration::ZERO).enabled());
}

#[test]
fn numbered_invalidations_move_versions_on_in_order() {
    let lease = granted();
    let a = tags(&["a"]);
    assert_eq!(lease.invalidated(&a, &[4], Some(11)), Numbered::Next(11));
    assert_eq!(lease.invalidated(&a, &[3], Some(9)), Numbered::Old, "before the baseline");
    assert_eq!(&*lease.versions(&["a"]).unwrap().tags, &[4], "versions never go back");
    assert_eq!(lease.applied(), Some(11));
}

#[test]
fn a_gap_in_the_numbers_drops_the_lease_and_everything_learned() {
    let lease = granted();
    let generation = lease.generation();
    lease.learn(generation, &["b"], &Versions { epoch: 5, tags: Box::new([7]) });
    assert_eq!(lease.invalidated(&tags(&["a"]), &[4], Some(13)), Numbered::Gap(13));
    assert!(!lease.held() && lease.versions(&["b"]).is_none());
    assert_eq!(lease.applied(), Some(13), "acknowledged: nothing older is kept");
    lease.learn(generation, &["b"], &Versions { epoch: 5, tags: Box::new([7]) });
    lease.granted(lease.attempt());
    assert!(lease.versions(&["b"]).is_none(), "a read sent before the gap is not learned");
}

#[test]
fn a_grant_sent_before_a_reset_is_ignored() {
    let lease = granted();
    let before = lease.attempt();
    lease.reset();
    lease.granted(before);
    assert!(!lease.held());
}

#[test]
fn a_refusal_resynchronises_only_when_the_feed_made_no_progress() {
    let lease = granted();
    let attempt = lease.attempt();
    assert!(!lease.refused(attempt, 11, 5), "a message may be on its way");
    assert!(lease.held(), "a refusal alone takes nothing away");
    assert!(lease.refused(lease.attempt(), 11, 5), "refused again at the same number: lost");
    assert!(!lease.held());
    assert_eq!(lease.applied(), Some(11));
}

#[test]
fn an_invalidation_without_a_number_forgets_its_tags() {
    let lease = granted();
    let generation = lease.generation();
    lease.learn(generation, &["a"], &Versions { epoch: 5, tags: Box::new([3]) });
    assert_eq!(lease.invalidated(&tags(&["a"]), &[], None), Numbered::Old);
    assert!(lease.versions(&["a"]).is_none());
}
