//! A TCP relay between the laptops and the test's PostgreSQL that can cut its connections
//! after a number of bytes: a network that drops in the middle of an exchange. TLS goes
//! through it untouched (the laptops still verify the server's certificate for `localhost`).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub struct Proxy {
    pub port: u16,
    /// Bytes the open connections may still carry (both ways together) before they are cut.
    budget: Arc<AtomicI64>,
}

impl Proxy {
    /// Relays `127.0.0.1:port` (a free port) to `127.0.0.1:target`, uncut until told.
    pub fn start(target: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().unwrap().port();
        let budget = Arc::new(AtomicI64::new(i64::MAX));
        let shared = budget.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                for (from, to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let budget = shared.clone();
                    std::thread::spawn(move || pump(from, to, &budget));
                }
            }
        });
        Proxy { port, budget }
    }

    /// From now on, the connections are cut once they have carried `bytes` more bytes.
    pub fn cut_after(&self, bytes: i64) {
        self.budget.store(bytes, Ordering::SeqCst);
    }

    /// The network is whole again.
    pub fn heal(&self) {
        self.budget.store(i64::MAX, Ordering::SeqCst);
    }
}

fn pump(mut from: TcpStream, mut to: TcpStream, budget: &AtomicI64) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if budget.fetch_sub(n as i64, Ordering::SeqCst) < n as i64 {
            break;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}
