use super::*;
use std::collections::HashSet;
use std::io::Read as _;
use std::net::TcpStream;
use std::sync::Mutex;
use std::sync::mpsc;

/// A connection accepted from a client of our own, which is returned beside it.
fn connection(listener: &TcpListener, slots: &Arc<Slots>) -> (Connection, TcpStream) {
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (stream, peer) = listener.accept().unwrap();
    let slot = slots.admit(&stream, 128).unwrap();
    let connection = Connection {
        stream,
        peer,
        started: Instant::now(),
        limits: Limits::default(),
        slot,
        slots: Arc::clone(slots),
        got_bytes: false,
        body_held: 0,
    };
    (connection, client)
}

fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(20);
    while !condition() {
        assert!(Instant::now() < until, "gave up waiting until {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn connections_one_after_another_reuse_the_same_few_threads() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (seen, threads) = mpsc::channel();
    let seen = Mutex::new(seen);
    let serve: Serve = Arc::new(move |mut connection: Connection| {
        let request = connection.read_request();
        let _ = seen.lock().unwrap().send(std::thread::current().id());
        let status = if matches!(request, Ok(Some(_))) {
            200
        } else {
            400
        };
        let _ = connection.respond(status, &[], b"");
    });
    let slots = Arc::new(Slots::default());
    let stop = Arc::new(AtomicBool::new(false));
    let (stopping, taken) = (Arc::clone(&stop), Arc::clone(&slots));
    let accepting = std::thread::spawn(move || {
        accept_loop(&listener, Limits::default(), &taken, &stopping, &serve)
    });
    for _ in 0..100 {
        let mut client = TcpStream::connect(addr).unwrap();
        client
            .write_all(b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}")
            .unwrap();
        let mut answer = String::new();
        client.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    }
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(addr);
    accepting.join().unwrap();
    let distinct: HashSet<_> = threads.try_iter().collect();
    assert!(
        !distinct.is_empty() && distinct.len() < 10,
        "100 connections one after another were served on {} threads",
        distinct.len()
    );
}

/// A pool whose first eight connections each wait for all eight (served one after
/// another, none would end), with those eight handed to it and served; the receiver
/// hears of each connection served.
fn after_a_burst_of_eight(
    idle_for: Duration,
) -> (
    Pool,
    TcpListener,
    Arc<Slots>,
    Vec<TcpStream>,
    mpsc::Receiver<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let slots = Arc::new(Slots::default());
    let together = std::sync::Barrier::new(8);
    let count = std::sync::atomic::AtomicUsize::new(0);
    let (done, finished) = mpsc::channel();
    let done = Mutex::new(done);
    let pool = Pool::new(
        Arc::new(move |_connection: Connection| {
            if count.fetch_add(1, Ordering::SeqCst) < 8 {
                together.wait();
            }
            let _ = done.lock().unwrap().send(());
        }),
        idle_for,
    );
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (connection, client) = connection(&listener, &slots);
        clients.push(client);
        pool.hand(connection);
    }
    for _ in 0..8 {
        finished
            .recv_timeout(Duration::from_secs(20))
            .expect("eight connections at once were not served at once");
    }
    assert!(
        pool.threads() <= 8,
        "{} threads for 8 connections",
        pool.threads()
    );
    (pool, listener, slots, clients, finished)
}

#[test]
fn connections_at_once_each_get_a_thread_and_idle_threads_end() {
    let (pool, listener, slots, clients, finished) =
        after_a_burst_of_eight(Duration::from_millis(50));
    wait_until("the idle threads ended", || pool.threads() == 0);
    wait_until("every connection left its place", || slots.count() == 0);
    // A connection after that starts a thread again.
    let (connection, _client) = connection(&listener, &slots);
    pool.hand(connection);
    finished
        .recv_timeout(Duration::from_secs(20))
        .expect("a connection after the threads ended was not served");
    drop(clients);
}

#[test]
fn after_a_burst_a_steady_load_is_served_by_few_threads_and_the_others_end() {
    let (pool, listener, slots, _clients, finished) =
        after_a_burst_of_eight(Duration::from_millis(300));
    // One connection after another, without a pause longer than a few milliseconds:
    // woken in turn, all eight would stay; the last idle one first, the others end.
    let until = Instant::now() + Duration::from_secs(20);
    while pool.threads() > 2 {
        assert!(
            Instant::now() < until,
            "{} threads still up for one connection at a time",
            pool.threads()
        );
        let (connection, _client) = connection(&listener, &slots);
        pool.hand(connection);
        finished.recv_timeout(Duration::from_secs(20)).unwrap();
    }
}

#[test]
fn a_connection_waits_for_the_thread_that_just_answered_instead_of_starting_another() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let slots = Arc::new(Slots::default());
    // The first connection's thread answers it (its place is freed), then is slow to
    // come back, as when the cores are busy: the second waits for it.
    let (answered, first_answered) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let (served, second_served) = mpsc::channel();
    let (answered, released, served) = (
        Mutex::new(answered),
        Mutex::new(released),
        Mutex::new(served),
    );
    let count = std::sync::atomic::AtomicUsize::new(0);
    let pool = Pool::new(
        Arc::new(move |connection: Connection| {
            drop(connection);
            if count.fetch_add(1, Ordering::SeqCst) == 0 {
                answered.lock().unwrap().send(()).unwrap();
                let _ = released
                    .lock()
                    .unwrap()
                    .recv_timeout(Duration::from_secs(20));
            } else {
                served.lock().unwrap().send(()).unwrap();
            }
        }),
        Pool::IDLE,
    );
    let (first, _one) = connection(&listener, &slots);
    pool.hand(first);
    first_answered
        .recv_timeout(Duration::from_secs(20))
        .unwrap();
    let (second, _two) = connection(&listener, &slots);
    pool.hand(second);
    assert_eq!(pool.threads(), 1, "a second thread was started");
    assert!(
        second_served.try_recv().is_err(),
        "the second connection was served before the thread was free"
    );
    release.send(()).unwrap();
    second_served
        .recv_timeout(Duration::from_secs(20))
        .expect("the queued connection was not served by the thread that came back");
    assert_eq!(pool.threads(), 1);
}

#[test]
fn an_answer_read_a_little_at_a_time_still_ends_at_the_deadline() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let slots = Arc::new(Slots::default());
    let (mut connection, mut client) = connection(&listener, &slots);
    connection.limits.deadline = Duration::from_secs(1);
    // The client reads a few bytes now and then, so that each write moves a little: one
    // timeout renewed at every partial write never ran out.
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::clone(&done);
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut total = 0usize;
        while !finished.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(20));
            match client.read(&mut buf) {
                Ok(0) | Err(_) => return total,
                Ok(n) => total += n,
            }
        }
        total
    });
    let body = vec![b'x'; 64 * 1024 * 1024];
    let started = Instant::now();
    let written = connection.respond(200, &[], &body);
    let took = started.elapsed();
    assert!(written.is_err(), "64 MiB cannot go at 200 KiB/s");
    assert!(
        took < Duration::from_secs(5),
        "the answer was given up on after {took:?}, not at its 1 s deadline"
    );
    done.store(true, Ordering::SeqCst);
    drop(connection);
    assert!(reading.join().unwrap() < body.len());
}
