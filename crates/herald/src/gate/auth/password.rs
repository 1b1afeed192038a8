//! Password hashes: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), in the
//! PHC string form (salt and parameters included), behind an admission gate (security
//! review N1, where 150 concurrent sign-ins for made-up addresses each hashed at once and
//! left the process 2.8 GB larger):
//!
//! - at most [`Hasher::size`] hashes run at once per instance, on the blocking pool (a hash is
//!   tens of milliseconds of CPU, which must not stall the async workers);
//! - each runs in one of that many 19 MiB work areas, allocated once and reused, so the
//!   memory hashing takes is fixed — hashers × 19 MiB — whatever arrives, and is never
//!   handed back and forth to the allocator (whose per-thread arenas kept it);
//! - a request waits for a hasher at most [`QUEUE_WAIT`], and at most [`QUEUE_DEPTH`]
//!   wait at once; beyond either it is refused with [`Busy`] (429 with `Retry-After`)
//!   before anything is hashed.
//!
//! Callers count an attempt against their limits *before* asking for a hash (see
//! [`crate::commands::people::signin`]), so waiting here never lets more guesses through.
//!
//! [`check`] is the policy for new passwords: 12 to 256 characters, not only
//! whitespace or invisible characters, and not guessable — zxcvbn (Dropbox's estimator,
//! with its bundled lists of common passwords, names and words) must rate it at least
//! "safely unguessable" against a throttled online attack.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// Longest password accepted (hashing cost grows with it).
pub const MAX_LENGTH: usize = 256;
/// The lowest zxcvbn score (0-4) a new password may have.
const MIN_SCORE: u8 = 3;
/// The longest a request waits for a free hasher.
pub const QUEUE_WAIT: Duration = Duration::from_secs(5);
/// How many requests may wait for a hasher at once.
pub const QUEUE_DEPTH: usize = 64;

/// Every hasher is busy and the queue is full or too slow: try again shortly.
#[derive(Debug, thiserror::Error)]
#[error("every password hasher is busy")]
pub struct Busy;

/// Every password hasher busy: the caller retries in a second (429, no log line — a
/// flood of sign-ins must not become a flood of logs). Written here, not in
/// [`crate::coherence::error`], which `auth` depends on: the module graph stays one-way.
impl From<Busy> for crate::coherence::error::AppError {
    fn from(_: Busy) -> Self {
        Self::RateLimited { retry_after: Duration::from_secs(1) }
    }
}

fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).unwrap_or_default()
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

/// The admission gate of one Herald (see the module docs). Cheap to clone.
#[derive(Clone)]
pub struct Hasher {
    gate: Arc<Gate>,
}

struct Gate {
    permits: Arc<Semaphore>,
    areas: Mutex<Vec<Vec<Block>>>,
    waiting: AtomicUsize,
    size: usize,
}

/// Counts a waiting request for as long as it waits (also if it is cancelled).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Default for Hasher {
    /// As many hashers as cores.
    fn default() -> Self {
        Self::new(std::thread::available_parallelism().map(usize::from).unwrap_or(2))
    }
}

impl Hasher {
    /// At most `n` hashes at once (at least one).
    pub fn new(n: usize) -> Self {
        let size = n.max(1);
        let gate = Gate {
            permits: Arc::new(Semaphore::new(size)),
            areas: Mutex::new(Vec::new()),
            waiting: AtomicUsize::new(0),
            size,
        };
        Self { gate: Arc::new(gate) }
    }

    /// How many hashes may run at once.
    pub fn size(&self) -> usize {
        self.gate.size
    }

    /// The PHC string of `password`.
    pub async fn hash(&self, password: String) -> Result<anyhow::Result<String>, Busy> {
        self.run(params().block_count(), move |area| phc(password.as_bytes(), area)).await
    }

    /// Whether `password` matches the PHC string `hash` (false for a malformed hash).
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, Busy> {
        let blocks = PasswordHash::new(&hash)
            .ok()
            .and_then(|parsed| Params::try_from(&parsed).ok())
            .map_or(0, |p| p.block_count());
        if blocks == 0 {
            return Ok(false);
        }
        self.run(blocks, move |area| matches(password.as_bytes(), &hash, area)).await
    }

    /// A hash of nothing anyone knows, verified when an e-mail is unknown so that the
    /// answer takes as long as for a known one (no timing oracle for which e-mails exist).
    pub async fn verify_nothing(&self, password: String) -> Result<(), Busy> {
        static DUMMY: OnceLock<String> = OnceLock::new();
        let dummy = match DUMMY.get() {
            Some(d) => d.clone(),
            None => {
                let made = self.hash(uuid::Uuid::new_v4().to_string()).await?.unwrap_or_default();
                DUMMY.get_or_init(|| made).clone()
            }
        };
        self.verify(password, dummy).await.map(|_| ())
    }

    /// Runs `work` on the blocking pool with a work area of `blocks`, once a hasher is
    /// free. The permit travels with the work: a caller that gives up while its hash
    /// runs does not let another hash start early.
    async fn run<T, F>(&self, blocks: usize, work: F) -> Result<T, Busy>
    where
        T: Send + 'static,
        F: FnOnce(&mut [Block]) -> T + Send + 'static,
    {
        let gate = &self.gate;
        if gate.waiting.fetch_add(1, Ordering::AcqRel) >= QUEUE_DEPTH {
            gate.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(Busy);
        }
        let waiting = Waiting(&gate.waiting);
        let permit = tokio::time::timeout(QUEUE_WAIT, gate.permits.clone().acquire_owned())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?;
        drop(waiting);
        let gate = self.gate.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut area = gate.take_area(blocks);
            let out = work(&mut area);
            gate.put_area(area);
            out
        })
        .await
        .map_err(|_| Busy)
    }
}

impl Gate {
    fn take_area(&self, blocks: usize) -> Vec<Block> {
        let pooled = self.areas.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match pooled {
            Some(area) if area.len() == blocks => area,
            _ => vec![Block::default(); blocks],
        }
    }

    fn put_area(&self, area: Vec<Block>) {
        let mut areas = self.areas.lock().unwrap_or_else(|p| p.into_inner());
        if areas.len() < self.size && area.len() == params().block_count() {
            areas.push(area);
        }
    }
}

/// Why a new password is refused, as a sentence for the form.
pub fn check(password: &str) -> Result<(), &'static str> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err("Use at least 12 characters.");
    }
    if len > MAX_LENGTH {
        return Err("Use at most 256 characters.");
    }
    if password.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        return Err("Use letters, digits or signs, not only spaces.");
    }
    let score: u8 = zxcvbn::zxcvbn(password, &[]).score().into();
    if score < MIN_SCORE {
        return Err("This password is too easy to guess: add words or mix in other signs.");
    }
    Ok(())
}

/// Characters that show nothing (zero-width spaces and joiners, the byte-order mark).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

fn phc(password: &[u8], area: &mut [Block]) -> anyhow::Result<String> {
    let fail = |e: &dyn std::fmt::Display| anyhow::anyhow!("hashing a password: {e}");
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buf).map_err(|e| fail(&e))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2()
        .hash_password_into_with_memory(password, salt_bytes, &mut out, area)
        .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params()).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

fn matches(password: &[u8], hash: &str, area: &mut [Block]) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let Ok(params) = Params::try_from(&parsed) else { return false };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else { return false };
    let version = parsed.version.map_or(Ok(Version::V0x13), Version::try_from);
    let Ok(version) = version else { return false };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else { return false };
    let mut out = vec![0u8; expected.len()];
    let hasher = Argon2::new(algorithm, version, params);
    if hasher.hash_password_into_with_memory(password, salt_bytes, &mut out, area).is_err() {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordVerifier;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_is_argon2id_with_owasp_parameters() {
        let hasher = Hasher::new(1);
        let h = hasher.hash("correct horse battery".into()).await.unwrap().unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(hasher.verify("correct horse battery".into(), h.clone()).await.unwrap());
        assert!(!hasher.verify("wrong horse battery".into(), h.clone()).await.unwrap());
        assert!(!hasher.verify("x".into(), "not a hash".into()).await.unwrap());
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(argon2().verify_password(b"correct horse battery", &parsed).is_ok(), "standard");
    }

    #[tokio::test]
    async fn hashes_made_by_the_argon2_crate_itself_verify_here() {
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let made = argon2().hash_password(b"an older stored hash", &salt).unwrap().to_string();
        let hasher = Hasher::default();
        assert!(hasher.verify("an older stored hash".into(), made.clone()).await.unwrap());
        assert!(!hasher.verify("another password".into(), made).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn beyond_the_queue_a_request_is_busy_and_one_work_area_serves_every_hash() {
        let hasher = Hasher::new(1);
        let h = hasher.hash("some long password here".into()).await.unwrap().unwrap();
        let attempts = (0..100).map(|_| {
            let (hasher, h) = (hasher.clone(), h.clone());
            async move { hasher.verify("wrong".into(), h).await }
        });
        let results = futures::future::join_all(attempts).await;
        let busy = results.iter().filter(|r| r.is_err()).count();
        assert!(busy >= 100 - QUEUE_DEPTH - 1, "only {busy} of 100 were refused");
        assert!(results.iter().flatten().all(|ok| !ok), "no wrong password verified");
        let areas = hasher.gate.areas.lock().unwrap().len();
        assert_eq!(areas, 1, "one hasher, one reused work area");
    }

    #[test]
    fn short_huge_blank_and_common_passwords_are_refused() {
        assert!(check("short").is_err());
        assert!(check(&"x".repeat(300)).is_err());
        for weak in ["password1234", "123456789012", "aaaaaaaaaaaa", "qwertyuiop12"] {
            assert!(check(weak).is_err(), "{weak} is accepted");
        }
        assert!(check(&" ".repeat(12)).is_err());
        assert!(check(&"\u{200B}".repeat(12)).is_err());
        assert!(check("correct horse battery").is_ok());
        assert!(check("camille-writes-posts").is_ok());
    }
}
