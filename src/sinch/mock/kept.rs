//! What the mock remembers while it runs (batches, calls, numbers…), bounded by count and by
//! bytes: past either bound the oldest is forgotten, so that a mock driven for hours by a
//! load test, or fed the largest bodies it takes, holds no more than its bounds.

use std::collections::{HashMap, VecDeque};

/// Entries by id, in the order they were made: at most `cap` of them, weighing at most
/// `max_bytes` in all (each weighed by its maker).
#[derive(Debug)]
pub struct Kept<T> {
    map: HashMap<String, (T, usize)>,
    order: VecDeque<String>,
    cap: usize,
    max_bytes: usize,
    bytes: usize,
}

impl<T> Kept<T> {
    /// An empty store of at most `cap` entries (at least one) and `max_bytes` of weight.
    pub fn new(cap: usize, max_bytes: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            cap: cap.max(1),
            max_bytes,
            bytes: 0,
        }
    }

    /// Keeps `value`, weighing about `weight` bytes, under `id`, forgetting the oldest
    /// entries while it would not fit. An id kept already is replaced in place.
    pub fn insert(&mut self, id: String, value: T, weight: usize) {
        if let Some((old, old_weight)) = self.map.get_mut(&id) {
            *old = value;
            self.bytes = self.bytes - *old_weight + weight;
            *old_weight = weight;
            return;
        }
        while !self.map.is_empty()
            && (self.map.len() >= self.cap || self.bytes + weight > self.max_bytes)
        {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, gone)) = self.map.remove(&oldest) {
                self.bytes -= gone;
            }
        }
        self.order.push_back(id.clone());
        self.bytes += weight;
        self.map.insert(id, (value, weight));
    }

    /// The entry kept under `id`.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.map.get(id).map(|(value, _)| value)
    }

    /// The entry kept under `id`, to change it (its weight stays as made).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.map.get_mut(id).map(|(value, _)| value)
    }

    /// What the entries weigh in all.
    pub fn bytes(&self) -> usize {
        self.bytes
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
        self.order
            .iter()
            .rev()
            .filter_map(|id| self.map.get(id).map(|(value, _)| value))
    }
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[test]
    fn forgets_the_oldest_past_its_cap_and_lists_newest_first() {
        let mut kept = Kept::new(3, usize::MAX);
        for n in 0..5 {
            kept.insert(format!("id{n}"), n, 1);
        }
        assert_eq!(kept.len(), 3);
        assert!(!kept.contains("id1"));
        assert_eq!(kept.newest_first().copied().collect::<Vec<_>>(), [4, 3, 2]);
        kept.insert("id3".into(), 30, 1);
        assert_eq!(kept.len(), 3);
        assert_eq!(kept.get("id3"), Some(&30));
    }

    #[test]
    fn forgets_the_oldest_past_its_bytes() {
        let mut kept = Kept::new(100, 1000);
        for n in 0..10 {
            kept.insert(format!("id{n}"), n, 300);
        }
        assert_eq!(kept.len(), 3);
        assert!(kept.bytes() <= 1000);
        // One heavier than the bound alone is kept, alone.
        kept.insert("huge".into(), 99, 5000);
        assert_eq!(kept.newest_first().copied().collect::<Vec<_>>(), [99]);
        assert_eq!(kept.bytes(), 5000);
    }
}
