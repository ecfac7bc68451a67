use super::*;

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";

fn secret() -> AppSecret {
    AppSecret::from_base64(SECRET).unwrap()
}

fn profiles() -> (Profiles<MemoryStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (
        Profiles::new(MemoryStore::default(), dir.path().join("sinch-ticket")),
        dir,
    )
}

#[test]
fn add_then_load_gives_back_key_and_secret_and_the_first_is_default() {
    let (profiles, _dir) = profiles();
    assert_eq!(
        profiles.add("sandbox", KEY, &secret(), false).unwrap(),
        Warnings::new()
    );
    profiles.add("production", KEY, &secret(), false).unwrap();
    let loaded = profiles.load("sandbox").unwrap();
    assert_eq!(loaded.key, KEY);
    assert!(loaded.secret.ct_eq(&secret()));
    let (list, warnings) = profiles.list().unwrap();
    assert!(warnings.is_empty());
    let names: Vec<_> = list
        .iter()
        .map(|p| (p.name.as_str(), p.is_default))
        .collect();
    assert_eq!(names, [("production", false), ("sandbox", true)]);
}

#[test]
fn one_keyring_entry_holds_key_and_secret_and_the_index_holds_no_secret() {
    let (profiles, _dir) = profiles();
    profiles.add("sandbox", KEY, &secret(), false).unwrap();
    let entry = profiles.store().get(SERVICE, "sandbox").unwrap().unwrap();
    assert!(entry.contains(KEY) && entry.contains(SECRET));
    let index = std::fs::read_to_string(profiles.index_path()).unwrap();
    assert!(index.contains(KEY));
    assert!(!index.contains(SECRET));
}

#[test]
fn replacing_needs_to_be_asked_for() {
    let (profiles, _dir) = profiles();
    profiles.add("sandbox", KEY, &secret(), false).unwrap();
    let other = AppSecret::from_base64("ax8hTTQJF0OPXL32r1LHMA==").unwrap();
    assert_eq!(
        profiles.add(
            "sandbox",
            "a32e5a8d-f7d8-411c-9645-9038e8dd051d",
            &other,
            false
        ),
        Err(ProfileError::Exists("sandbox".into()))
    );
    assert!(profiles.load("sandbox").unwrap().secret.ct_eq(&secret()));
    profiles
        .add(
            "sandbox",
            "a32e5a8d-f7d8-411c-9645-9038e8dd051d",
            &other,
            true,
        )
        .unwrap();
    assert!(profiles.load("sandbox").unwrap().secret.ct_eq(&other));
    let err = profiles.add("SANDBOX", KEY, &secret(), true).unwrap_err();
    assert!(err.to_string().contains("differing only in case"), "{err}");
}

#[test]
fn validation_names_the_problem() {
    let (profiles, _dir) = profiles();
    for (name, expected) in [
        ("", "empty"),
        (" x", "white space"),
        ("a\u{202e}b", "invisible or control"),
        ("tab\there", "invisible or control"),
    ] {
        let err = profiles
            .add(name, KEY, &secret(), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{name:?}: {err}");
    }
    assert!(
        profiles
            .add(&"x".repeat(65), KEY, &secret(), false)
            .is_err()
    );
    assert!(
        profiles
            .add("x", " ", &secret(), false)
            .unwrap_err()
            .to_string()
            .contains("key is empty")
    );
    let warnings = profiles
        .add(
            "odd",
            "not-a-key",
            &AppSecret::from_base64("c2VjcmV0").unwrap(),
            false,
        )
        .unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
}

#[test]
fn remove_and_default() {
    let (profiles, _dir) = profiles();
    profiles.add("a", KEY, &secret(), false).unwrap();
    profiles.add("b", KEY, &secret(), false).unwrap();
    profiles.set_default("b").unwrap();
    assert_eq!(profiles.default_name().unwrap().as_deref(), Some("b"));
    assert_eq!(
        profiles.set_default("c"),
        Err(ProfileError::NotFound("c".into()))
    );
    profiles.remove("b").unwrap();
    assert_eq!(profiles.default_name().unwrap(), None);
    assert_eq!(profiles.store().get(SERVICE, "b").unwrap(), None);
    assert_eq!(
        profiles.remove("b"),
        Err(ProfileError::NotFound("b".into()))
    );
    assert!(matches!(profiles.load("b"), Err(ProfileError::NotFound(name)) if name == "b"));
}

#[test]
fn a_keyring_failure_saves_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = Profiles::new(
        MemoryStore::failing(KeyringError::Locked("collection is locked".into())),
        dir.path().join("cfg"),
    );
    let err = profiles.add("sandbox", KEY, &secret(), false).unwrap_err();
    assert!(err.to_string().contains("unlock it"), "{err}");
    assert!(
        profiles.list().unwrap().0.is_empty(),
        "no half-saved profile in the index"
    );
}

#[test]
fn a_damaged_index_loses_no_profile_the_keyring_still_has() {
    let (profiles, _dir) = profiles();
    profiles.add("sandbox", KEY, &secret(), false).unwrap();
    std::fs::write(profiles.index_path(), "\u{0}garbage").unwrap();
    let (list, warnings) = profiles.list().unwrap();
    assert!(list.is_empty());
    assert!(warnings[0].contains("still in the keyring"));
    let attached = profiles.attach("sandbox").unwrap();
    assert_eq!(attached.key, KEY);
    let (list, _) = profiles.list().unwrap();
    assert_eq!(list[0].name, "sandbox");
    assert!(list[0].is_default);
}

#[test]
fn remembers_the_last_username_and_expiry() {
    let (profiles, _dir) = profiles();
    profiles.add("sandbox", KEY, &secret(), false).unwrap();
    profiles.remember("sandbox", "alice", "1h").unwrap();
    let (list, _) = profiles.list().unwrap();
    assert_eq!(list[0].meta.last_user.as_deref(), Some("alice"));
    assert_eq!(list[0].meta.last_expiry.as_deref(), Some("1h"));
}

#[test]
fn an_entry_not_written_by_us_is_named_not_shown() {
    let (profiles, _dir) = profiles();
    profiles.store().set(SERVICE, "foreign", "hunter2").unwrap();
    let err = profiles.load("foreign").unwrap_err().to_string();
    assert!(err.contains("not written by sinch-ticket"), "{err}");
    assert!(!err.contains("hunter2"));
}

#[test]
fn a_listed_profile_missing_from_the_keyring_is_named_as_such() {
    let (profiles, _dir) = profiles();
    profiles.add("sandbox", KEY, &secret(), false).unwrap();
    profiles.store().delete(SERVICE, "sandbox").unwrap();
    let err = profiles.load("sandbox").unwrap_err();
    assert_eq!(err, ProfileError::MissingSecret("sandbox".into()));
    assert!(err.to_string().contains("another keyring"));
}

#[test]
fn reading_an_absent_index_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = Profiles::new(MemoryStore::default(), dir.path().join("cfg"));
    assert!(profiles.list().unwrap().0.is_empty());
    assert_eq!(profiles.default_name().unwrap(), None);
    assert!(!dir.path().join("cfg").exists());
}

#[test]
fn a_keyring_entry_the_index_lost_is_not_replaced_without_force() {
    let (profiles, _dir) = profiles();
    profiles.add("prod", KEY, &secret(), false).unwrap();
    std::fs::remove_file(profiles.index_path()).unwrap();
    let other = AppSecret::from_base64("AAAAAAAAAAAAAAAAAAAAAA==").unwrap();

    let err = profiles.add("prod", KEY, &other, false).unwrap_err();
    assert_eq!(err, ProfileError::Unlisted("prod".into()));
    assert!(err.to_string().contains("index does not list"), "{err}");
    // The profiles layer speaks to both faces: each adds its own way to act on it.
    assert!(!err.to_string().contains("--"), "{err}");
    assert!(profiles.load("prod").unwrap().secret.ct_eq(&secret()));

    profiles.add("prod", KEY, &other, true).unwrap();
    assert!(profiles.load("prod").unwrap().secret.ct_eq(&other));
}

#[test]
fn of_many_adds_of_one_name_at_once_exactly_one_wins() {
    let (profiles, _dir) = profiles();
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let adds: Vec<_> = [
            "same", "same", "same", "same", "prod", "Prod", "PROD", "pRod",
        ]
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let profiles = &profiles;
            scope.spawn(move || {
                let secret = distinct_secret(i);
                (name, profiles.add(name, KEY, &secret, false), secret)
            })
        })
        .collect();
        adds.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let won = |group: &[&str]| {
        outcomes
            .iter()
            .filter(|(name, outcome, _)| group.contains(name) && outcome.is_ok())
            .count()
    };
    assert_eq!(won(&["same"]), 1, "{outcomes:?}");
    assert_eq!(won(&["prod", "Prod", "PROD", "pRod"]), 1, "{outcomes:?}");
    for (name, outcome, _) in &outcomes {
        if let Err(err) = outcome {
            let said = err.to_string();
            assert!(said.contains("exists already"), "{name}: {said}");
        }
    }
    // The keyring holds the secret of the add that succeeded, not a later overwrite.
    let (_, _, winner) = outcomes
        .iter()
        .find(|(name, outcome, _)| *name == "same" && outcome.is_ok())
        .unwrap();
    assert!(profiles.load("same").unwrap().secret.ct_eq(winner));
    let (list, _) = profiles.list().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
}

fn distinct_secret(i: usize) -> AppSecret {
    let first = char::from(b'A' + u8::try_from(i).unwrap());
    AppSecret::from_base64(&format!("{first}AAAAAAAAAAAAAAAAAAAAA==")).unwrap()
}

#[test]
fn nothing_reaches_the_keyring_when_the_index_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the config folder should be.
    std::fs::write(dir.path().join("cfg"), b"").unwrap();
    let store = MemoryStore::default();
    let profiles = Profiles::new(store.clone(), dir.path().join("cfg"));
    let err = profiles.add("y", KEY, &secret(), false).unwrap_err();
    assert!(matches!(err, ProfileError::Index(_)), "{err:?}");
    assert_eq!(
        store.get(SERVICE, "y").unwrap(),
        None,
        "an orphan keyring entry"
    );
}

#[test]
fn names_are_one_profile_however_they_are_typed_and_hidden_characters_are_refused() {
    let (profiles, _dir) = profiles();
    let composed = "caf\u{e9}";
    let decomposed = "cafe\u{301}";
    profiles.add(composed, KEY, &secret(), false).unwrap();
    assert_eq!(
        profiles.add(decomposed, KEY, &secret(), false),
        Err(ProfileError::Exists(composed.into()))
    );
    assert_eq!(profiles.load(decomposed).unwrap().name, composed);
    assert_eq!(profiles.list().unwrap().0.len(), 1);
    for hidden in ["a\u{2060}b", "a\u{ad}b", "a\u{34f}b", "\u{115f}ab"] {
        let err = profiles.add(hidden, KEY, &secret(), false).unwrap_err();
        assert!(err.to_string().contains("invisible"), "{hidden:?}: {err}");
    }
}

use crate::sinch::webhook::Scheme;

const CONVERSATION_SECRET: &str = "foo_secret1234";

fn webhook(text: &str) -> WebhookSecret {
    WebhookSecret::new(text)
}

#[test]
fn webhook_secrets_are_kept_by_kind_in_their_own_entries_and_listed_without_the_keyring() {
    let (profiles, _dir) = profiles();
    profiles.add("sandbox", KEY, &secret(), false).unwrap();
    profiles
        .set_webhook_secret(
            "sandbox",
            CredentialKind::Conversation,
            CONVERSATION_SECRET,
            false,
        )
        .unwrap();
    profiles
        .set_webhook_secret("sandbox", CredentialKind::Mailgun, "key-3ax6\n", false)
        .unwrap();

    // Each in its own entry; the application entry is what it always was.
    let store = profiles.store();
    let entry = store
        .get("sinch-ticket:conversation", "sandbox")
        .unwrap()
        .unwrap();
    assert_eq!(&*entry, r#"{"secret":"foo_secret1234"}"#);
    let app = store.get(SERVICE, "sandbox").unwrap().unwrap();
    assert_eq!(
        app.as_str(),
        format!(r#"{{"key":"{KEY}","secret":"{SECRET}"}}"#)
    );
    let index = std::fs::read_to_string(profiles.index_path()).unwrap();
    assert!(!index.contains(CONVERSATION_SECRET) && !index.contains("key-3ax6"));

    let (list, _) = profiles.list().unwrap();
    let kinds: Vec<_> = list[0].meta.credentials.iter().cloned().collect();
    assert_eq!(kinds, ["conversation", "mailgun"]);

    let found = profiles.webhook_secrets("sandbox").unwrap();
    assert_eq!(found.schemes(), [Scheme::Conversation, Scheme::Mailgun]);
    assert!(
        found
            .get(Scheme::Mailgun)
            .unwrap()
            .ct_eq(&webhook("key-3ax6"))
    );
    assert!(
        profiles
            .webhook_secret("sandbox", CredentialKind::Conversation)
            .unwrap()
            .ct_eq(&webhook(CONVERSATION_SECRET))
    );
    assert_eq!(
        profiles
            .webhook_secret("sandbox", CredentialKind::Numbers)
            .unwrap_err(),
        ProfileError::NoCredential {
            profile: "sandbox".into(),
            kind: CredentialKind::Numbers,
            listed: false
        }
    );
}

#[test]
fn a_webhook_secret_is_replaced_only_when_asked_and_removed_alone() {
    let (profiles, _dir) = profiles();
    profiles.add("sandbox", KEY, &secret(), false).unwrap();
    let numbers = CredentialKind::Numbers;
    profiles
        .set_webhook_secret("sandbox", numbers, "first", false)
        .unwrap();
    assert_eq!(
        profiles.set_webhook_secret("sandbox", numbers, "second", false),
        Err(ProfileError::CredentialExists {
            profile: "sandbox".into(),
            kind: numbers
        })
    );
    assert!(
        profiles
            .webhook_secret("sandbox", numbers)
            .unwrap()
            .ct_eq(&webhook("first"))
    );
    profiles
        .set_webhook_secret("sandbox", numbers, "second", true)
        .unwrap();
    assert!(
        profiles
            .webhook_secret("sandbox", numbers)
            .unwrap()
            .ct_eq(&webhook("second"))
    );

    profiles.remove_webhook_secret("sandbox", numbers).unwrap();
    assert!(profiles.webhook_secrets("sandbox").unwrap().is_empty());
    assert!(
        profiles.load("sandbox").unwrap().secret.ct_eq(&secret()),
        "the app stays"
    );
    assert!(matches!(
        profiles.remove_webhook_secret("sandbox", numbers),
        Err(ProfileError::NoCredential { listed: false, .. })
    ));
    // Only for a profile that exists, and never an empty or hidden secret.
    assert_eq!(
        profiles.set_webhook_secret("nobody", numbers, "x", false),
        Err(ProfileError::NotFound("nobody".into()))
    );
    for bad in ["", "  \n", "ab\u{200b}cd"] {
        let err = profiles
            .set_webhook_secret("sandbox", numbers, bad, false)
            .unwrap_err();
        assert!(matches!(err, ProfileError::Invalid(_)), "{bad:?}: {err}");
    }
    let long = "x".repeat(MAX_SECRET_BYTES + 1);
    assert!(
        profiles
            .set_webhook_secret("sandbox", numbers, &long, false)
            .is_err()
    );
}

#[test]
fn removing_a_profile_removes_its_webhook_secrets_and_a_new_one_inherits_none() {
    let (profiles, _dir) = profiles();
    profiles.add("sandbox", KEY, &secret(), false).unwrap();
    profiles
        .set_webhook_secret("sandbox", CredentialKind::Conversation, "s", false)
        .unwrap();
    profiles.remove("sandbox").unwrap();
    let store = profiles.store();
    assert_eq!(
        store.get("sinch-ticket:conversation", "sandbox").unwrap(),
        None
    );

    // What an older version's `profile remove` leaves: the entries it did not know.
    profiles.add("old", KEY, &secret(), false).unwrap();
    profiles
        .set_webhook_secret("old", CredentialKind::Numbers, "left behind", false)
        .unwrap();
    store.delete(SERVICE, "old").unwrap();
    profiles
        .index
        .update(|index| index.profiles.remove("old"))
        .unwrap();
    profiles.add("old", KEY, &secret(), false).unwrap();
    assert!(profiles.webhook_secrets("old").unwrap().is_empty());
    assert!(profiles.list().unwrap().0[0].meta.credentials.is_empty());
}

/// The index and keyring entry exactly as sinch-ticket 0.1 (before webhook secrets) wrote them.
const RELEASE_0_1_INDEX: &str = r#"{
  "default": "sandbox",
  "profiles": {
    "sandbox": {
      "key": "196087a1-e815-4bc4-8984-60d8d8a43f1d",
      "last_user": "alice",
      "last_expiry": "1h"
    }
  }
}
"#;

/// What sinch-ticket 0.1 reads of an index: its own struct, which ignores other fields.
#[derive(serde::Deserialize, serde::Serialize)]
struct ReleaseMeta {
    key: String,
    last_user: Option<String>,
    last_expiry: Option<String>,
}

#[derive(serde::Deserialize, serde::Serialize)]
struct ReleaseIndex {
    default: Option<String>,
    profiles: std::collections::BTreeMap<String, ReleaseMeta>,
}

#[test]
fn profiles_of_the_previous_release_upgrade_intact_and_survive_a_downgrade() {
    let (profiles, _dir) = profiles();
    std::fs::create_dir_all(profiles.index_path().parent().unwrap()).unwrap();
    std::fs::write(profiles.index_path(), RELEASE_0_1_INDEX).unwrap();
    let entry = format!(r#"{{"key":"{KEY}","secret":"{SECRET}"}}"#);
    profiles.store().set(SERVICE, "sandbox", &entry).unwrap();

    // Upgrade: everything is there, and a webhook secret is added.
    let loaded = profiles.load("sandbox").unwrap();
    assert!(loaded.key == KEY && loaded.secret.ct_eq(&secret()));
    let (list, warnings) = profiles.list().unwrap();
    assert!(warnings.is_empty());
    assert_eq!(list[0].meta.last_user.as_deref(), Some("alice"));
    assert!(list[0].is_default);
    profiles
        .set_webhook_secret("sandbox", CredentialKind::Conversation, "s3cret", false)
        .unwrap();

    // What the older version reads: the same entry, byte for byte, and an index its own
    // struct parses, with everything it knew.
    assert_eq!(
        profiles
            .store()
            .get(SERVICE, "sandbox")
            .unwrap()
            .unwrap()
            .as_str(),
        entry
    );
    let text = std::fs::read_to_string(profiles.index_path()).unwrap();
    let old: ReleaseIndex = serde_json::from_str(&text).unwrap();
    assert_eq!(old.default.as_deref(), Some("sandbox"));
    assert_eq!(old.profiles["sandbox"].key, KEY);
    assert_eq!(old.profiles["sandbox"].last_expiry.as_deref(), Some("1h"));

    // The older version rewrites the index with its own struct (any change it makes does),
    // dropping the list of webhook secrets; the secret itself stays in the keyring, and is
    // found and listed again the next time it is read.
    std::fs::write(profiles.index_path(), serde_json::to_string(&old).unwrap()).unwrap();
    assert!(profiles.list().unwrap().0[0].meta.credentials.is_empty());
    let found = profiles.webhook_secrets("sandbox").unwrap();
    assert!(
        found
            .get(Scheme::Conversation)
            .unwrap()
            .ct_eq(&webhook("s3cret"))
    );
    let (list, _) = profiles.list().unwrap();
    assert!(list[0].meta.credentials.contains("conversation"));
    assert_eq!(list[0].meta.last_user.as_deref(), Some("alice"));
}

fn access_key(secret: &str) -> crate::sinch::oauth::AccessKey {
    crate::sinch::oauth::AccessKey {
        project_id: "e2df3a34-a71b-4448-9db5-a8d2baad28e4".into(),
        key_id: "b5ae4a5c-47ae-4e8c-8e65-0fb1a8b5b6d1".into(),
        key_secret: crate::sinch::oauth::KeySecret::new(secret),
    }
}

#[test]
fn a_project_access_key_makes_a_profile_of_its_own_or_joins_one_and_keeps_its_secret_out_of_the_index()
 {
    let (profiles, _dir) = profiles();
    profiles
        .set_access_key("sms", &access_key("k-secret"), false)
        .unwrap();
    let (list, _) = profiles.list().unwrap();
    assert_eq!(list[0].name, "sms");
    assert!(list[0].is_default);
    assert_eq!(
        list[0].meta.key_id.as_deref(),
        Some("b5ae4a5c-47ae-4e8c-8e65-0fb1a8b5b6d1")
    );
    assert!(list[0].meta.credentials.contains("access-key"));
    assert!(
        !std::fs::read_to_string(profiles.index_path())
            .unwrap()
            .contains("k-secret")
    );
    assert_eq!(
        profiles.load("sms").unwrap_err(),
        ProfileError::NoApplication("sms".into())
    );
    let key = profiles.access_key("sms").unwrap();
    assert_eq!(key.key_secret.expose(), "k-secret");
    assert_eq!(key.project_id, "e2df3a34-a71b-4448-9db5-a8d2baad28e4");
    // Its application is added without --force; an access key is replaced only when asked.
    profiles.add("sms", KEY, &secret(), false).unwrap();
    assert_eq!(profiles.load("sms").unwrap().key, KEY);
    assert!(matches!(
        profiles.set_access_key("sms", &access_key("other"), false),
        Err(ProfileError::CredentialExists { .. })
    ));
    // An existing application profile takes an access key too.
    profiles.add("voice", KEY, &secret(), false).unwrap();
    profiles
        .set_access_key("voice", &access_key("v"), false)
        .unwrap();
    assert!(profiles.load("voice").unwrap().secret.ct_eq(&secret()));
    assert!(matches!(
        profiles.access_key("nobody"),
        Err(ProfileError::NotFound(_))
    ));
    assert!(matches!(
        profiles.set_access_key(
            "x",
            &crate::sinch::oauth::AccessKey {
                key_id: " ".into(),
                ..access_key("s")
            },
            false
        ),
        Err(ProfileError::Invalid(_))
    ));
}

#[test]
fn a_cached_token_is_kept_per_key_and_url_and_forgotten_when_the_key_changes() {
    let (profiles, _dir) = profiles();
    profiles
        .set_access_key("sms", &access_key("k-secret"), false)
        .unwrap();
    let token = crate::sinch::oauth::AccessToken {
        token: Zeroizing::new("eyJ.token".into()),
        token_type: "bearer".into(),
        expires_at: chrono::DateTime::from_timestamp(1_900_000_000, 0).unwrap(),
        scope: None,
    };
    let key_id = "b5ae4a5c-47ae-4e8c-8e65-0fb1a8b5b6d1";
    let url = crate::sinch::oauth::AUTH_URL;
    profiles.store_token("sms", key_id, url, &token).unwrap();
    let cached = profiles.cached_token("sms", key_id, url).unwrap().unwrap();
    assert_eq!(cached.token.as_str(), "eyJ.token");
    assert_eq!(cached.expires_at, token.expires_at);
    assert!(
        profiles
            .cached_token("sms", "another-key", url)
            .unwrap()
            .is_none()
    );
    assert!(
        profiles
            .cached_token("sms", key_id, "http://127.0.0.1:1/t")
            .unwrap()
            .is_none()
    );
    assert!(
        !profiles.list().unwrap().0[0]
            .meta
            .credentials
            .contains("oauth-token"),
        "a cache, not a credential"
    );
    profiles
        .set_access_key("sms", &access_key("new"), true)
        .unwrap();
    assert!(profiles.cached_token("sms", key_id, url).unwrap().is_none());
    profiles.remove("sms").unwrap();
    assert_eq!(
        profiles
            .store()
            .get("sinch-ticket:access-key", "sms")
            .unwrap(),
        None
    );
}

/// Secret managers for the tests: references resolve from a table, and every fetch is
/// counted (a copy of a profile must fetch nothing).
#[derive(Debug, Default)]
struct Table {
    values: std::sync::Mutex<std::collections::HashMap<String, String>>,
    fetches: std::sync::atomic::AtomicUsize,
}

impl Table {
    fn with(pairs: &[(&str, &str)]) -> Arc<Self> {
        let table = Self::default();
        for (reference, value) in pairs {
            table
                .values
                .lock()
                .unwrap()
                .insert((*reference).to_owned(), (*value).to_owned());
        }
        Arc::new(table)
    }

    fn fetches(&self) -> usize {
        self.fetches.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Resolve for Table {
    fn resolve(&self, reference: &SecretRef) -> Result<Zeroizing<String>, ResolveError> {
        self.fetches
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match self.values.lock().unwrap().get(&reference.to_string()) {
            Some(value) => Ok(Zeroizing::new(value.clone())),
            None => Err(ResolveError {
                reference: reference.clone(),
                problem: Problem::Missing("nothing there".into()),
            }),
        }
    }
}

fn referring(table: &Arc<Table>) -> (Profiles<MemoryStore>, tempfile::TempDir) {
    let (profiles, dir) = profiles();
    (profiles.with_managers(table.clone()), dir)
}

fn reference(text: &str) -> SecretRef {
    SecretRef::parse(text).unwrap()
}

#[test]
fn a_referred_secret_is_fetched_when_loaded_and_never_kept() {
    let table = Table::with(&[("env:APP", SECRET), ("pass:hook", "hook-secret")]);
    let (profiles, _dir) = referring(&table);
    profiles
        .add_reference("dev", KEY, &reference("env:APP"), false)
        .unwrap();
    profiles
        .set_webhook_reference(
            "dev",
            CredentialKind::Conversation,
            &reference("pass:hook"),
            false,
        )
        .unwrap();
    assert_eq!(table.fetches(), 0, "saving fetches nothing");
    let loaded = profiles.load_with_webhooks("dev").unwrap();
    assert_eq!(loaded.key, KEY);
    assert!(loaded.secret.ct_eq(&secret()));
    assert_eq!(
        loaded
            .webhooks
            .get(crate::sinch::webhook::Scheme::Conversation)
            .unwrap()
            .expose_text()
            .as_str(),
        "hook-secret"
    );
    assert_eq!(
        loaded.sources.keys().copied().collect::<Vec<_>>(),
        [
            SecretSlot::Application,
            SecretSlot::Credential(CredentialKind::Conversation)
        ]
    );
    // Nothing in the store; the index holds the references and no value.
    assert_eq!(profiles.store().get(SERVICE, "dev").unwrap(), None);
    assert_eq!(
        profiles
            .store()
            .get(&CredentialKind::Conversation.service(), "dev")
            .unwrap(),
        None
    );
    let index = std::fs::read_to_string(profiles.index_path()).unwrap();
    assert!(
        index.contains("env:APP") && index.contains("pass:hook"),
        "{index}"
    );
    assert!(!index.contains(SECRET) && !index.contains("hook-secret"));
    // `references` reads the index alone.
    let before = table.fetches();
    assert_eq!(profiles.references("dev").unwrap().len(), 2);
    assert_eq!(table.fetches(), before);
}

#[test]
fn a_fetched_value_that_is_not_a_secret_of_its_kind_is_refused_without_repeating_it() {
    let table = Table::with(&[("env:APP", "not base64 at all!"), ("env:EMPTY", "")]);
    let (profiles, _dir) = referring(&table);
    profiles
        .add_reference("dev", KEY, &reference("env:APP"), false)
        .unwrap();
    let err = profiles.load("dev").unwrap_err();
    assert!(
        matches!(&err, ProfileError::Reference { slot: SecretSlot::Application, error, .. }
            if matches!(error.problem, Problem::Invalid(_))),
        "{err:?}"
    );
    let words = err.to_string();
    assert!(words.contains("not a valid application secret"), "{words}");
    assert!(words.contains("(env:APP)"), "{words}");
    assert!(!words.contains("not base64 at all"), "{words}");
    // A missing one is the manager's failure, named with the profile and the slot.
    profiles
        .add_reference("other", KEY, &reference("env:NOPE"), false)
        .unwrap();
    let words = profiles.load("other").unwrap_err().to_string();
    assert!(
        words.starts_with("the application secret of profile \"other\" could not be fetched from environment variable NOPE (env:NOPE)"),
        "{words}"
    );
    // `check` reports each, fetching each once.
    let results = profiles.check("dev").unwrap();
    assert_eq!(results.len(), 1);
    assert!(results[0].2.is_err());
}

#[test]
fn a_literal_secret_and_a_reference_replace_each_other_whole() {
    let table = Table::with(&[("env:APP", "ax8hTTQJF0OPXL32r1LHMA==")]);
    let (profiles, _dir) = referring(&table);
    profiles.add("dev", KEY, &secret(), false).unwrap();
    assert_eq!(
        profiles.add_reference("dev", KEY, &reference("env:APP"), false),
        Err(ProfileError::Exists("dev".into()))
    );
    profiles
        .add_reference("dev", KEY, &reference("env:APP"), true)
        .unwrap();
    // The copy the keyring held is gone: the reference is the only source.
    assert_eq!(profiles.store().get(SERVICE, "dev").unwrap(), None);
    assert!(!profiles.load("dev").unwrap().secret.ct_eq(&secret()));
    profiles.add("dev", KEY, &secret(), true).unwrap();
    assert!(profiles.load("dev").unwrap().secret.ct_eq(&secret()));
    assert!(profiles.references("dev").unwrap().is_empty());
    // The same for a webhook secret.
    profiles
        .set_webhook_secret("dev", CredentialKind::Mailgun, "key-literal", false)
        .unwrap();
    profiles
        .set_webhook_reference("dev", CredentialKind::Mailgun, &reference("env:APP"), true)
        .unwrap();
    assert_eq!(
        profiles
            .store()
            .get(&CredentialKind::Mailgun.service(), "dev")
            .unwrap(),
        None
    );
    profiles
        .remove_webhook_secret("dev", CredentialKind::Mailgun)
        .unwrap();
    assert!(profiles.references("dev").unwrap().is_empty());
}

#[test]
fn copying_a_profile_copies_its_references_and_fetches_nothing() {
    let table = Table::with(&[]);
    let (from, _a) = referring(&table);
    let (to, _b) = referring(&table);
    from.add_reference("dev", KEY, &reference("op://Dev/Sinch/secret"), false)
        .unwrap();
    from.set_access_key_reference(
        "dev",
        "project",
        "key-id",
        &reference("env:KEY_SECRET"),
        false,
    )
    .unwrap();
    from.set_service_plan_reference("dev", "plan", &reference("pass:plan"), false)
        .unwrap();
    from.set_webhook_reference(
        "dev",
        CredentialKind::Numbers,
        &reference("env:HMAC"),
        false,
    )
    .unwrap();
    from.copy_into("dev", &to, "dev", true).unwrap();
    assert_eq!(table.fetches(), 0);
    assert_eq!(
        to.references("dev").unwrap(),
        from.references("dev").unwrap()
    );
    let meta = to.list().unwrap().0.remove(0).meta;
    assert_eq!(meta.key, KEY);
    assert_eq!(meta.key_id.as_deref(), Some("key-id"));
    assert_eq!(meta.service_plan_id.as_deref(), Some("plan"));
    // A rename within one set of profiles, the same.
    from.copy_into("dev", &from, "renamed", true).unwrap();
    assert_eq!(table.fetches(), 0);
    assert_eq!(from.references("renamed").unwrap().len(), 4);
}

#[test]
fn a_profile_of_references_only_is_saved_and_removed_without_a_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let table = Table::with(&[("env:APP", SECRET)]);
    let profiles = Profiles::new(
        MemoryStore::failing(KeyringError::Unavailable("no Secret Service".into())),
        dir.path().join("sinch-ticket"),
    )
    .with_managers(table.clone());
    profiles
        .add_reference("ci", KEY, &reference("env:APP"), false)
        .unwrap();
    assert!(profiles.load("ci").unwrap().secret.ct_eq(&secret()));
    // Everything it holds loads too (what `mock` and the window read), though the keyring
    // cannot be asked about the webhook kinds it does not list.
    let whole = profiles.load_for_window("ci").unwrap();
    assert!(whole.webhooks.schemes().is_empty());
    profiles
        .set_webhook_reference(
            "ci",
            CredentialKind::Conversation,
            &reference("env:APP"),
            false,
        )
        .unwrap();
    let whole = profiles.load_for_window("ci").unwrap();
    assert_eq!(whole.webhooks.schemes(), [Scheme::Conversation]);
    profiles.remove("ci").unwrap();
    assert!(profiles.list().unwrap().0.is_empty());
    // A literal secret still needs the keyring, and says so.
    assert!(matches!(
        profiles.add("lit", KEY, &secret(), false),
        Err(ProfileError::Keyring(_))
    ));
}

#[test]
fn a_reference_a_hand_edit_broke_is_named_and_loses_no_other_profile() {
    let (profiles, _dir) = profiles();
    profiles.add("sandbox", KEY, &secret(), false).unwrap();
    let path = profiles.index_path();
    let mut index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    index["profiles"]["broken"] =
        serde_json::json!({"key": KEY, "references": {"application": 12}});
    std::fs::write(&path, index.to_string()).unwrap();
    let (list, warnings) = profiles.list().unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(list.len(), 2, "the index is read, not set aside");
    let err = profiles.load("broken").unwrap_err();
    assert!(
        matches!(
            err,
            ProfileError::BadReference {
                slot: SecretSlot::Application,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("set it again"), "{err}");
    assert!(profiles.load("sandbox").unwrap().secret.ct_eq(&secret()));
}

fn draft(name: &str) -> ProfileDraft {
    ProfileDraft {
        name: name.into(),
        key: KEY.into(),
        secret: SecretInput::Value(secret()),
        replace: true,
        rename_from: None,
        webhooks: Vec::new(),
        access_key: None,
        service_plan: None,
        access_key_reference: None,
        service_plan_reference: None,
    }
}

#[test]
fn a_draft_is_saved_whole_and_a_rename_takes_the_default_and_the_webhook_secrets_along() {
    let (profiles, _dir) = profiles();
    let mut first = draft("sandbox");
    first.webhooks = vec![(
        CredentialKind::Conversation,
        WebhookEdit::Set(zeroize::Zeroizing::new("conv-secret".into())),
    )];
    first.service_plan = Some(("plan-1".into(), KeySecret::new("plan-token")));
    profiles.save_draft(&first).unwrap();
    profiles.add("other", KEY, &secret(), false).unwrap();
    assert_eq!(profiles.default_name().unwrap().as_deref(), Some("sandbox"));

    // Renamed in the editor, with one webhook secret removed at the same time.
    let mut renamed = draft("staging");
    renamed.rename_from = Some("sandbox".into());
    renamed.webhooks = vec![(CredentialKind::Numbers, WebhookEdit::Remove)];
    profiles.save_draft(&renamed).unwrap();
    let (list, _) = profiles.list().unwrap();
    let names: Vec<_> = list.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["other", "staging"], "the old name is gone");
    assert_eq!(profiles.default_name().unwrap().as_deref(), Some("staging"));
    assert!(
        profiles
            .webhook_secret("staging", CredentialKind::Conversation)
            .unwrap()
            .ct_eq(&WebhookSecret::new("conv-secret"))
    );
    assert_eq!(profiles.service_plan("staging").unwrap().0, "plan-1");

    // A rename onto a profile that exists is refused without `replace`, and loses nothing.
    let mut clash = draft("other");
    clash.rename_from = Some("staging".into());
    clash.replace = false;
    assert!(profiles.save_draft(&clash).is_err());
    assert!(profiles.load("staging").is_ok());
}

#[test]
fn a_sessions_profiles_move_into_the_keyring_except_a_name_it_has() {
    let (session, _a) = profiles();
    let (real, _b) = profiles();
    session
        .add("typed-meanwhile", KEY, &secret(), false)
        .unwrap();
    session.add("clash", KEY, &secret(), false).unwrap();
    let other = AppSecret::from_base64("ax8hTTQJF0OPXL32r1LHMA==").unwrap();
    real.add("clash", KEY, &other, false).unwrap();
    let (moved, not_moved) = session.move_all_into(&real);
    assert_eq!(moved, ["typed-meanwhile"]);
    assert_eq!(not_moved.len(), 1);
    assert_eq!(not_moved[0].0, "clash");
    assert!(
        real.load("typed-meanwhile")
            .unwrap()
            .secret
            .ct_eq(&secret())
    );
    assert!(
        real.load("clash").unwrap().secret.ct_eq(&other),
        "the keyring's own is kept"
    );
}
