//! [`Weigh`]: how a cached value tells the in-process tier its size, so that the tier
//! is bounded by bytes (`CacheConfig::max_local_bytes`) rather than by entry count.

use std::mem::{size_of, size_of_val};
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// The approximate number of heap bytes a value owns, beyond `size_of_val(self)`
/// (which its holder counts): `capacity()` for a `String`, the buffer plus each
/// element's own heap bytes for a `Vec`, nothing for an integer.
///
/// Unsized `str` and `[T]` are the bytes a `Box` or `Arc` holds, so a `Box<str>`
/// counts them through `size_of_val` and `str::weigh` itself is 0.
///
/// Implement it for a cached type by adding up its fields' weights:
///
/// ```
/// use herald_cache::Weigh;
///
/// struct Post { id: u64, text: String, media: Vec<String> }
///
/// impl Weigh for Post {
///     fn weigh(&self) -> usize {
///         self.id.weigh() + self.text.weigh() + self.media.weigh()
///     }
/// }
/// let post = Post { id: 1, text: "hello".into(), media: vec!["a.png".into()] };
/// assert!(post.weigh() >= "hello".len() + "a.png".len());
/// ```
pub trait Weigh {
    /// Approximate heap bytes owned by `self`; an over-estimate is safer than an under-one.
    fn weigh(&self) -> usize;
}

/// Types that own no heap memory.
macro_rules! weighs_nothing {
    ($($t:ty),* $(,)?) => {
        $(impl Weigh for $t {
            fn weigh(&self) -> usize {
                0
            }
        })*
    };
}

weighs_nothing!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);
weighs_nothing!(f32, f64, bool, char, (), str, DateTime<Utc>);

impl Weigh for String {
    fn weigh(&self) -> usize {
        self.capacity()
    }
}

impl<T: Weigh> Weigh for [T] {
    fn weigh(&self) -> usize {
        self.iter().map(Weigh::weigh).sum()
    }
}

impl<T: Weigh> Weigh for Vec<T> {
    fn weigh(&self) -> usize {
        self.capacity() * size_of::<T>() + self.as_slice().weigh()
    }
}

impl<T: Weigh> Weigh for Option<T> {
    fn weigh(&self) -> usize {
        self.as_ref().map_or(0, Weigh::weigh)
    }
}

impl<T: Weigh + ?Sized> Weigh for Box<T> {
    fn weigh(&self) -> usize {
        size_of_val(&**self) + (**self).weigh()
    }
}

/// Counts the shared value in full for every `Arc` (an over-estimate when shared).
impl<T: Weigh + ?Sized> Weigh for Arc<T> {
    fn weigh(&self) -> usize {
        2 * size_of::<usize>() + size_of_val(&**self) + (**self).weigh()
    }
}

macro_rules! tuples {
    ($(($($name:ident),+)),* $(,)?) => {
        $(impl<$($name: Weigh),+> Weigh for ($($name,)+) {
            #[allow(non_snake_case)]
            fn weigh(&self) -> usize {
                let ($($name,)+) = self;
                0 $(+ $name.weigh())+
            }
        })*
    };
}

tuples!((A), (A, B), (A, B, C), (A, B, C, D), (A, B, C, D, E), (A, B, C, D, E, F));

impl Weigh for serde_json::Value {
    fn weigh(&self) -> usize {
        use serde_json::Value;
        /// One map entry: its key and value slots plus a share of the tree node.
        const MAP_ENTRY: usize = size_of::<String>() + size_of::<Value>() + size_of::<usize>();
        match self {
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
            Value::String(s) => s.weigh(),
            Value::Array(items) => items.weigh(),
            Value::Object(map) => map.iter().map(|(k, v)| MAP_ENTRY + k.weigh() + v.weigh()).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_add_up_their_buffers_and_their_elements() {
        let text = String::with_capacity(100);
        assert_eq!(text.weigh(), 100);
        let texts = vec![String::with_capacity(10), String::with_capacity(20)];
        assert_eq!(texts.weigh(), texts.capacity() * size_of::<String>() + 30);
        assert_eq!(Some(String::with_capacity(7)).weigh(), 7);
        assert_eq!(None::<String>.weigh(), 0);
        assert_eq!(Box::<str>::from("abcd").weigh(), 4);
        assert_eq!((1u64, String::with_capacity(5), true).weigh(), 5);
        assert_eq!(vec![1u64; 8].weigh(), 64);
        assert!(Arc::new(String::with_capacity(50)).weigh() >= 50 + size_of::<String>());
    }

    #[test]
    fn json_counts_every_string_and_slot() {
        let long = "x".repeat(1000);
        let value = serde_json::json!({ "posts": [long.clone(), long], "n": 1 });
        assert!(value.weigh() >= 2000 + 2 * size_of::<serde_json::Value>());
        assert_eq!(serde_json::json!(42).weigh(), 0);
    }
}
