use super::*;
use proptest::prelude::*;

fn wire(text: &str) -> Result<Option<Head>, HeadError> {
    parse_head(text.as_bytes())
}

#[test]
fn a_head_is_measured_and_its_body_length_read() {
    assert_eq!(wire("POST / HTTP/1.1\r\nHost: x"), Ok(None));
    let head = wire("POST /cb?x=1 HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nab")
        .unwrap()
        .unwrap();
    assert_eq!(
        (head.method.as_str(), head.target.as_str()),
        ("POST", "/cb?x=1")
    );
    assert_eq!((head.len, head.content_length), (66, 3));
    assert!(head.expects_continue());
    let same = wire("POST / HTTP/1.1\r\nContent-Length: 3\r\ncontent-length: 3, 3\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(
        same.content_length, 3,
        "repeated equal lengths are one length"
    );
}

#[test]
fn what_rfc_9112_says_a_server_must_refuse_is_refused_with_400() {
    for (head, expected) in [
        (
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            HeadError::ConflictingLengths,
        ),
        (
            "POST / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\n",
            HeadError::ConflictingLengths,
        ),
        (
            "POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n",
            HeadError::BadLength("+5".into()),
        ),
        (
            "POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n",
            HeadError::BadLength("0x10".into()),
        ),
        (
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
            HeadError::LengthAndEncoding,
        ),
        (
            "POST / HTTP/1.1\r\nX-One: a\r\n x-two: b\r\n\r\n",
            HeadError::FoldedLine(3),
        ),
        (
            "POST / HTTP/1.1\r\nContent-Length : 5\r\n\r\n",
            HeadError::SpaceBeforeColon(2),
        ),
        (
            "POST callback HTTP/1.1\r\n\r\n",
            HeadError::BadTarget("callback".into()),
        ),
        ("hello world\r\n\r\n", HeadError::NoRequestLine),
    ] {
        let err = wire(head).unwrap_err();
        assert_eq!(err, expected, "{head:?}");
        assert_eq!(err.status(), 400, "{head:?}");
    }
    let chunked = wire("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").unwrap_err();
    assert_eq!(
        (chunked.clone(), chunked.status()),
        (HeadError::Chunked, 411)
    );
}

#[test]
fn the_head_limit_holds_however_the_bytes_arrive() {
    let big = format!(
        "POST / HTTP/1.1\r\nX-Big: {}\r\n\r\n",
        "a".repeat(MAX_HEAD_BYTES)
    );
    // All at once, its end included.
    assert_eq!(wire(&big), Err(HeadError::HeadTooLarge));
    // Or in pieces, before its end has come.
    assert_eq!(
        parse_head(&big.as_bytes()[..MAX_HEAD_BYTES + 1]),
        Err(HeadError::HeadTooLarge)
    );
    assert_eq!(HeadError::HeadTooLarge.status(), 431);
    let many = format!(
        "POST / HTTP/1.1\r\n{}\r\n",
        "X-A: 1\r\n".repeat(MAX_HEADERS + 1)
    );
    assert_eq!(wire(&many), Err(HeadError::HeadTooLarge));
}

#[test]
fn an_absolute_target_keeps_its_path_and_query_as_written() {
    let head = wire("POST http://example.com/a/../b?x=%20 HTTP/1.1\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(head.target, "/a/../b?x=%20");
    let head = wire("POST /a/./b%2F?q HTTP/1.1\r\n\r\n").unwrap().unwrap();
    assert_eq!(
        head.target, "/a/./b%2F?q",
        "no normalization of what is signed"
    );
}

#[test]
fn a_pasted_request_is_read_leniently() {
    let pasted = parse_request(
        b"\n  POST   /cb   HTTP/1.1\nHost: x\nContent-Type : application/json\nX-Long: a\n  b\n\n{}\n",
    )
    .unwrap();
    assert_eq!(
        (pasted.method.as_str(), pasted.target.as_str()),
        ("POST", "/cb")
    );
    assert_eq!(pasted.header("content-type"), Some("application/json"));
    assert_eq!(
        pasted.header("x-long"),
        Some("a b"),
        "a folded line is unfolded"
    );
    assert_eq!(
        pasted.body, b"{}\n",
        "without a Content-Length the body is all that follows"
    );
}

#[test]
fn what_is_not_a_request_is_named() {
    assert_eq!(parse_request(b"  \n"), Err(HeadError::Empty));
    assert_eq!(parse_request(b"hello world"), Err(HeadError::NoRequestLine));
    assert_eq!(
        parse_request(b"POST /x HTTP/1.1\nno colon here\n\n"),
        Err(HeadError::BadHeader(2))
    );
    assert_eq!(
        parse_request(b"POST /x HTTP/1.1\nBad Name: v\n\n"),
        Err(HeadError::BadHeader(2))
    );
    let cut = parse_request(b"POST /x HTTP/1.1\nContent-Length: 2\n\n{}\n").unwrap();
    assert_eq!(
        cut.body, b"{}",
        "a trailing line break after the body is not part of it"
    );
}

proptest! {
    #[test]
    fn the_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_request(&bytes);
        let _ = parse_head(&bytes);
    }

    #[test]
    fn the_parsers_never_panic_on_request_shaped_text(
        method in "[A-Z]{0,7}", target in "\\PC{0,20}", rest in "\\PC{0,200}",
    ) {
        let text = format!("{method} {target} HTTP/1.1\n{rest}");
        let _ = parse_request(text.as_bytes());
        let _ = parse_head(text.as_bytes());
    }

    /// Whatever the wire parser takes, the pasted parser reads the same way.
    #[test]
    fn the_two_modes_agree_on_what_the_wire_takes(
        path in "/[a-zA-Z0-9/_.~%+-]{0,30}",
        names in proptest::collection::vec("[A-Za-z][A-Za-z0-9-]{0,10}", 0..5),
        body in "[ -~]{0,40}",
    ) {
        let mut text = format!("POST {path} HTTP/1.1\r\n");
        for (i, name) in names.iter().enumerate() {
            text.push_str(&format!("X-{name}: v{i}\r\n"));
        }
        text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        let head = parse_head(text.as_bytes()).unwrap().unwrap();
        let pasted = parse_request(text.as_bytes()).unwrap();
        prop_assert_eq!(&pasted.body, &text.as_bytes()[head.len..]);
        prop_assert_eq!(head.into_request(pasted.body.clone()), pasted);
    }
}
