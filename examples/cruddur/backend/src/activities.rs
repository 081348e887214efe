//! The cruds: short messages that expire, kept in memory (the tutorial's API starts with mock
//! data too). Bounded, newest first; the lock is never held across an await.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;
use time::{Duration, OffsetDateTime};

/// How many cruds are kept; the oldest are dropped first.
pub const CAPACITY: usize = 1000;
/// How long a crud lives.
pub const LIFETIME: Duration = Duration::days(1);

/// One crud as the API shows it. The author's `sub` is kept to find their own, never shown.
#[derive(Debug, Clone, Serialize)]
pub struct Activity {
    pub uuid: String,
    #[serde(skip)]
    pub author_sub: String,
    pub handle: String,
    pub display_name: String,
    pub message: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// All cruds, newest first.
pub struct Activities {
    items: Mutex<VecDeque<Activity>>,
}

impl Activities {
    /// The feed a new server starts with: the tutorial's first cruds.
    pub fn seeded(now: OffsetDateTime) -> Self {
        let seed = |uuid: &str, handle: &str, display_name: &str, message: &str, age: Duration| Activity {
            uuid: uuid.into(),
            author_sub: String::new(),
            handle: handle.into(),
            display_name: display_name.into(),
            message: message.into(),
            created_at: now - age,
            expires_at: now - age + LIFETIME,
        };
        Self {
            items: Mutex::new(VecDeque::from([
                seed(
                    "66e12864-8c26-4c3a-9658-95a10f8fea67",
                    "worf",
                    "Worf",
                    "This post has no honor!",
                    Duration::minutes(35),
                ),
                seed(
                    "68f126b0-1ceb-4a33-88be-d90fa7109eee",
                    "andrewbrown",
                    "Andrew Brown",
                    "Cloud is very fun!",
                    Duration::hours(2),
                ),
            ])),
        }
    }

    fn live(&self, now: OffsetDateTime, keep: impl Fn(&Activity) -> bool) -> Vec<Activity> {
        let items = self.items.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        items.iter().filter(|a| a.expires_at > now && keep(a)).cloned().collect()
    }

    /// Every live crud.
    pub fn home(&self, now: OffsetDateTime) -> Vec<Activity> {
        self.live(now, |_| true)
    }

    /// The live cruds of one author.
    pub fn by(&self, sub: &str, now: OffsetDateTime) -> Vec<Activity> {
        self.live(now, |a| a.author_sub == sub)
    }

    /// Adds a crud at the front, dropping the oldest beyond [`CAPACITY`].
    pub fn post(&self, activity: Activity) {
        let mut items = self.items.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        items.push_front(activity);
        items.truncate(CAPACITY);
    }
}
