//! The JavaScript a developer pastes into a page to start a Sinch client with a credential.
//!
//! Every value is placed as an escaped JavaScript string literal, so a username holding
//! quotes, backslashes, line breaks or `</script>` can neither break the snippet nor the page.

/// What a JS SDK v1 client is started for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Capabilities {
    /// Voice calls.
    pub calling: bool,
    /// Instant messages.
    pub messaging: bool,
}

impl Default for Capabilities {
    fn default() -> Self {
        Self {
            calling: true,
            messaging: true,
        }
    }
}

/// `s` as a double-quoted JavaScript string literal that is also safe inside an HTML
/// `<script>` element: `<` is written `\u003c`, so neither `</script>` nor `<!--` appears.
/// Only escapes that JSON shares are used, so the literal is valid JSON as well.
pub fn js_string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if c.is_control() => {
                // Control characters outside the Basic Multilingual Plane do not exist, so
                // four hex digits always suffice.
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The JS SDK v1 start-up code for a legacy ticket, in the shape of Sinch's tutorials.
pub fn ticket_snippet(application_key: &str, ticket: &str, capabilities: Capabilities) -> String {
    format!(
        r#"<script src="https://cdn.sinch.com/latest/sinch.min.js"></script>
<script>
  sinchClient = new SinchClient({{
    applicationKey: {key},
    capabilities: {{messaging: {messaging}, calling: {calling}}},
    startActiveConnection: true,
    onLogMessage: function(message) {{ console.log(message.message); }},
  }});
  sinchClient.start({{"userTicket": {ticket}}});
</script>
"#,
        key = js_string_literal(application_key),
        messaging = capabilities.messaging,
        calling = capabilities.calling,
        ticket = js_string_literal(ticket),
    )
}

/// The current JS SDK start-up code that answers `onCredentialsRequired` with a JWT.
pub fn jwt_snippet(application_key: &str, user_id: &str, jwt: &str) -> String {
    format!(
        r#"<script src="https://cdn.sinch.com/latest/sinch-rtc-min.js"></script>
<script>
  const sinchClient = Sinch.getSinchClientBuilder()
    .applicationKey({key})
    .userId({user})
    .environmentHost("ocra.api.sinch.com")
    .build();
  sinchClient.addListener({{
    onCredentialsRequired: (client, registration) => {{
      registration.register({jwt});
    }},
    onClientStarted: (client) => {{ console.log("Sinch client started"); }},
    onClientFailed: (client, error) => {{ console.error("Sinch client failed", error); }},
  }});
  sinchClient.start();
</script>
"#,
        key = js_string_literal(application_key),
        user = js_string_literal(user_id),
        jwt = js_string_literal(jwt),
    )
}

/// A minimal HTML page that runs `snippet`, for "Save test page...".
/// The mark a test page carries, so that a later save knows the file is one of ours.
pub const TEST_PAGE_MARK: &str = "<meta name=\"generator\" content=\"sinch-ticket test page\">";

/// A minimal HTML page that runs `snippet`, marked with [`TEST_PAGE_MARK`].
pub fn test_page(title: &str, snippet: &str) -> String {
    let title: String = title
        .chars()
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            c => c.to_string(),
        })
        .collect();
    // The page watches the client the snippet starts (the snippet stays as it is copied):
    // its watcher goes right after the SDK's own <script>, before the snippet's start.
    let (sdk, start) = match snippet.find("</script>") {
        Some(at) => snippet.split_at(at + "</script>".len()),
        None => ("", snippet),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{TEST_PAGE_MARK}\n<title>{title}</title>\n</head>\n<body>\n\
         <p id=\"sinch-status\" role=\"status\">Starting the Sinch client…</p>\n\
         <p>The browser console follows the Sinch client in detail.</p>\n{sdk}\n{PAGE_WATCH}{start}</body>\n</html>\n"
    )
}

/// The test page's watcher: it says on the page whether the Sinch client started, or why
/// not, for the JS SDK v1 (`SinchClient`, whose `start` returns a promise) and the current
/// SDK (`Sinch.getSinchClientBuilder`, whose client has listeners); and when the SDK did not
/// load at all (offline, or the CDN blocked).
const PAGE_WATCH: &str = r##"<script>
(function () {
  var status = document.getElementById("sinch-status");
  var settled = false;
  function say(text, failed) {
    settled = true;
    status.textContent = text;
    status.style.color = failed ? "#b00020" : "#1b7f3b";
  }
  function why(error) {
    if (!error) { return "no reason given"; }
    return error.message || (typeof error === "string" ? error : JSON.stringify(error));
  }
  if (typeof window.SinchClient === "function") {
    var Real = window.SinchClient;
    window.SinchClient = function (config) {
      var client = new Real(config);
      var start = client.start;
      client.start = function () {
        var started = start.apply(client, arguments);
        Promise.resolve(started).then(function () {
          say("The Sinch client started, for user " + ((client.user && client.user.userId) || "?") + ".", false);
        }, function (error) {
          say("The Sinch client did not start: " + why(error), true);
        });
        return started;
      };
      return client;
    };
  } else if (window.Sinch && typeof window.Sinch.getSinchClientBuilder === "function") {
    var getBuilder = window.Sinch.getSinchClientBuilder;
    window.Sinch.getSinchClientBuilder = function () {
      var builder = getBuilder.apply(window.Sinch, arguments);
      var build = builder.build;
      builder.build = function () {
        var client = build.apply(builder, arguments);
        client.addListener({
          onClientStarted: function () { say("The Sinch client started.", false); },
          onClientFailed: function (c, error) { say("The Sinch client did not start: " + why(error), true); },
        });
        return client;
      };
      return builder;
    };
  } else {
    say("The Sinch SDK did not load (from cdn.sinch.com): is this computer online, and is the CDN reachable from this browser?", true);
  }
  setTimeout(function () {
    if (!settled) {
      say("No word from the Sinch client after 30 s: the browser console says what it is doing.", true);
    }
  }, 30000);
})();
</script>
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NASTY: &str = "a\"b'c\\d</script><!--e\nf\r\u{2028}g Åsa 山田 😀 \u{0}";

    /// The literal that follows `marker` in `snippet`, decoded as JSON (a subset of JS).
    fn literal_after(snippet: &str, marker: &str) -> String {
        let start = snippet.find(marker).unwrap() + marker.len();
        let mut de = serde_json::Deserializer::from_str(&snippet[start..]).into_iter::<String>();
        de.next().unwrap().unwrap()
    }

    #[test]
    fn literals_survive_any_username_and_never_close_the_script() {
        let literal = js_string_literal(NASTY);
        assert_eq!(serde_json::from_str::<String>(&literal).unwrap(), NASTY);
        assert!(!literal.contains("</"));
        assert!(!literal.contains('\n'));
    }

    #[test]
    fn the_v1_snippet_carries_the_ticket_key_and_capabilities() {
        let snippet = ticket_snippet(
            NASTY,
            "abc==:def=",
            Capabilities {
                calling: true,
                messaging: false,
            },
        );
        assert_eq!(literal_after(&snippet, "applicationKey: "), NASTY);
        assert_eq!(literal_after(&snippet, "\"userTicket\": "), "abc==:def=");
        assert!(snippet.contains("capabilities: {messaging: false, calling: true}"));
        assert_eq!(snippet.matches("</script>").count(), 2);
    }

    #[test]
    fn the_jwt_snippet_registers_the_jwt_for_the_user() {
        let snippet = jwt_snippet("key-1", NASTY, "h.p.s");
        assert_eq!(literal_after(&snippet, ".applicationKey("), "key-1");
        assert_eq!(literal_after(&snippet, ".userId("), NASTY);
        assert_eq!(literal_after(&snippet, "registration.register("), "h.p.s");
        assert_eq!(snippet.matches("</script>").count(), 2);
    }

    #[test]
    fn the_test_page_watches_the_client_between_the_sdk_and_its_start() {
        let snippet = ticket_snippet("key", "ticket", Capabilities::default());
        let page = test_page("alice", &snippet);
        let sdk = page.find("cdn.sinch.com/latest/sinch.min.js").unwrap();
        let watch = page.find("window.SinchClient = function").unwrap();
        let start = page.find("sinchClient.start(").unwrap();
        assert!(sdk < watch && watch < start, "{page}");
        assert!(page.contains("id=\"sinch-status\""));
        // The snippet itself is on the page unchanged.
        let (head, tail) = snippet.split_at(snippet.find("</script>").unwrap() + 9);
        assert!(page.contains(head) && page.contains(tail));
    }

    #[test]
    fn the_test_page_escapes_its_title() {
        let page = test_page("<b>alice</b>", "<script></script>\n");
        assert!(page.contains("<title>&lt;b&gt;alice&lt;/b&gt;</title>"));
        assert!(page.contains("<meta charset=\"utf-8\">"));
    }

    proptest! {
        #[test]
        fn any_string_round_trips_through_a_literal(s in any::<String>()) {
            let literal = js_string_literal(&s);
            prop_assert_eq!(serde_json::from_str::<String>(&literal).unwrap(), s);
            prop_assert!(!literal.contains('<'));
        }
    }
}
