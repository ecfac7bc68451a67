//! What the mock remembers while it runs (batches, calls, numbers…), bounded: past
//! [`Kept::cap`] entries the oldest is forgotten, so that a mock driven for hours by a load
//! test holds the same memory as after its first minute.

use std::collections::{HashMap, VecDeque};

/// Entries by id, in the order they were made, at most `cap` of them.
#[derive(Debug)]
pub struct Kept<T> {
    map: HashMap<String, T>,
    order: VecDeque<String>,
    cap: usize,
}

impl<T> Kept<T> {
    /// An empty store of at most `cap` entries (at least one).
    pub fn new(cap: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            cap: cap.max(1),
        }
    }

    /// Keeps `value` under `id`, forgetting the oldest entry when full. An id kept already
    /// is replaced in place.
    pub fn insert(&mut self, id: String, value: T) {
        if let Some(old) = self.map.get_mut(&id) {
            *old = value;
            return;
        }
        while self.map.len() >= self.cap {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.map.remove(&oldest);
        }
        self.order.push_back(id.clone());
        self.map.insert(id, value);
    }

    /// The entry kept under `id`.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.map.get(id)
    }

    /// The entry kept under `id`, to change it.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.map.get_mut(id)
    }

    /// Whether `id` is kept.
    pub fn contains(&self, id: &str) -> bool {
        self.map.contains_key(id)
    }

    /// How many are kept.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The entries, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &T> {
        self.order.iter().rev().filter_map(|id| self.map.get(id))
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[test]
    fn forgets_the_oldest_past_its_cap_and_lists_newest_first() {
        let mut kept = Kept::new(3);
        for n in 0..5 {
            kept.insert(format!("id{n}"), n);
        }
        assert_eq!(kept.len(), 3);
        assert!(!kept.contains("id1"));
        assert_eq!(kept.newest_first().copied().collect::<Vec<_>>(), [4, 3, 2]);
        kept.insert("id3".into(), 30);
        assert_eq!(kept.len(), 3);
        assert_eq!(kept.get("id3"), Some(&30));
    }
}
