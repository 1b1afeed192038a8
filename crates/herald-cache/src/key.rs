//! Versioned keys: what identifies one immutable cache entry, and its names in Redis.

/// The versions a reader resolved before looking anything up: the epoch and one
/// version per tag, in the order the tags were given.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Versions {
    pub epoch: u64,
    pub tags: Box<[u64]>,
}

/// `(key, versions)`: the identity of an entry on both tiers and of an in-flight fill.
/// `tags_fp` fingerprints the tag names so the same key read under other tags is
/// another entry; entries also keep their tag names, compared on every hit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct VKey {
    pub key: Box<str>,
    pub tags_fp: u64,
    pub versions: Versions,
}

impl VKey {
    pub fn new(key: &str, tags: &[impl AsRef<str>], versions: Versions) -> Self {
        Self { key: key.into(), tags_fp: tags_fingerprint(tags), versions }
    }

    /// 16 hex digits naming this version in Redis. Stable across builds and
    /// instances (FNV-1a), so every instance computes the same name.
    pub fn version_hash(&self) -> String {
        let mut h = Fnv::new();
        h.write(&self.tags_fp.to_le_bytes());
        h.write(&self.versions.epoch.to_le_bytes());
        for v in self.versions.tags.iter() {
            h.write(&v.to_le_bytes());
        }
        format!("{:016x}", h.0)
    }
}

/// The tags a caller passed, owned: what a fill and an entry keep.
pub(crate) fn owned_tags(tags: &[impl AsRef<str>]) -> Vec<String> {
    tags.iter().map(|t| t.as_ref().to_owned()).collect()
}

/// True if both name the same tags in the same order.
pub(crate) fn same_tags(kept: &[String], asked: &[impl AsRef<str>]) -> bool {
    kept.len() == asked.len() && kept.iter().zip(asked).all(|(k, a)| k == a.as_ref())
}

fn tags_fingerprint(tags: &[impl AsRef<str>]) -> u64 {
    let mut h = Fnv::new();
    for tag in tags {
        h.write(tag.as_ref().as_bytes());
        h.write(&[0xff]); // never part of UTF-8: separates "ab","c" from "a","bc"
    }
    h.0
}

/// 64-bit FNV-1a.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Names of everything the cache keeps in Redis under one namespace.
pub(crate) struct RedisNames {
    ns: String,
}

impl RedisNames {
    pub fn new(ns: &str) -> Self {
        Self { ns: ns.to_owned() }
    }

    pub fn epoch(&self) -> String {
        format!("{}:epoch", self.ns)
    }

    pub fn tag(&self, tag: &str) -> String {
        format!("{}:tag:{tag}", self.ns)
    }

    /// The Redis key of `tag` as a command argument, written straight into the command
    /// (no `String` per tag on every version lookup).
    pub fn tag_arg<'a>(&'a self, tag: &'a str) -> TagArg<'a> {
        TagArg { ns: &self.ns, tag }
    }

    pub fn entry(&self, vk: &VKey) -> String {
        format!("{}:v:{}:{}", self.ns, vk.key, vk.version_hash())
    }

    pub fn lease(&self, vk: &VKey) -> String {
        format!("{}:lease:{}:{}", self.ns, vk.key, vk.version_hash())
    }

    /// The number of the last invalidation or epoch move (see the `lease` module).
    pub fn seq(&self) -> String {
        format!("{}:seq", self.ns)
    }

    /// Sorted set of read-lease holders, scored by when their registration ends.
    pub fn holders(&self) -> String {
        format!("{}:holders", self.ns)
    }

    /// Present for two leases after any instance recovered from a Redis failure: Redis
    /// may have forgotten lease holders (a restart), so every write waits a whole lease.
    pub fn unsure(&self) -> String {
        format!("{}:unsure", self.ns)
    }

    /// Hash of the last number each lease holder acknowledged.
    pub fn applied(&self) -> String {
        format!("{}:applied", self.ns)
    }

    pub fn window(&self, key: &str) -> String {
        format!("{}:window:{key}", self.ns)
    }

    pub fn channel(&self) -> String {
        format!("{}:events", self.ns)
    }

    /// SCAN pattern matching every entry whose key starts with `prefix`.
    pub fn entry_pattern(&self, prefix: &str) -> String {
        let mut out = format!("{}:v:", glob_escape(&self.ns));
        out.push_str(&glob_escape(prefix));
        out.push('*');
        out
    }
}

/// `{ns}:tag:{tag}` as a Redis argument.
pub(crate) struct TagArg<'a> {
    ns: &'a str,
    tag: &'a str,
}

impl redis::ToRedisArgs for TagArg<'_> {
    fn write_redis_args<W: ?Sized + redis::RedisWrite>(&self, out: &mut W) {
        use std::io::Write as _;
        let mut arg = out.writer_for_next_arg();
        // Writing into the command's own buffer cannot fail.
        let _ = arg.write_all(self.ns.as_bytes());
        let _ = arg.write_all(b":tag:");
        let _ = arg.write_all(self.tag.as_bytes());
    }
}

fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vk(key: &str, tags: &[&str], epoch: u64, versions: &[u64]) -> VKey {
        VKey::new(key, tags, Versions { epoch, tags: versions.into() })
    }

    #[test]
    fn a_bumped_tag_or_epoch_names_another_entry() {
        let names = RedisNames::new("ns");
        let base = names.entry(&vk("k", &["a", "b"], 1, &[0, 0]));
        assert_ne!(base, names.entry(&vk("k", &["a", "b"], 1, &[0, 1])));
        assert_ne!(base, names.entry(&vk("k", &["a", "b"], 2, &[0, 0])));
        assert_ne!(base, names.entry(&vk("k", &["ab"], 1, &[0])));
        assert_eq!(base, names.entry(&vk("k", &["a", "b"], 1, &[0, 0])));
    }

    #[test]
    fn borrowed_and_owned_tags_name_the_same_entry() {
        let owned = owned_tags(&["a", "b"]);
        let versions = Versions { epoch: 1, tags: vec![0, 0].into() };
        assert_eq!(VKey::new("k", &owned, versions.clone()), VKey::new("k", &["a", "b"], versions));
        assert!(same_tags(&owned, &["a", "b"]) && !same_tags(&owned, &["a"]));
        assert!(!same_tags(&owned, &["b", "a"]), "order is part of the identity");
    }

    #[test]
    fn a_tag_argument_is_its_key() {
        let names = RedisNames::new("ns");
        let mut cmd = redis::cmd("MGET");
        cmd.arg(names.tag_arg("content:1"));
        let mut other = redis::cmd("MGET");
        other.arg(names.tag("content:1"));
        assert_eq!(cmd.get_packed_command(), other.get_packed_command());
    }

    #[test]
    fn entry_patterns_escape_glob_characters() {
        let names = RedisNames::new("ns");
        assert_eq!(names.entry_pattern("a*[b]"), "ns:v:a\\*\\[b\\]*");
    }
}
