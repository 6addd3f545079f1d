//! A TCP proxy in front of PostgreSQL that a test breaks as a network would: `freeze`
//! (a silent partition: no byte goes through either way, the sockets stay open, so
//! nothing tells either end) or `cut` (every connection closed, new ones closed as soon
//! as they come), then `resume`.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Open,
    Frozen,
    Cut,
}

struct Shared {
    mode: Mutex<Mode>,
    changed: Condvar,
    /// Both ends of every connection, to close them at a cut.
    links: Mutex<Vec<TcpStream>>,
}

impl Shared {
    fn mode(&self) -> Mode {
        *self.mode.lock().unwrap()
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
        self.changed.notify_all();
    }

    /// Waits while frozen.
    fn wait_unfrozen(&self) {
        let mode = self.mode.lock().unwrap();
        drop(self.changed.wait_while(mode, |m| *m == Mode::Frozen).unwrap());
    }
}

pub struct Proxy {
    pub port: u16,
    shared: Arc<Shared>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `target`.
    pub fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            mode: Mutex::new(Mode::Open),
            changed: Condvar::new(),
            links: Mutex::new(Vec::new()),
        });
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if accepting.mode() == Mode::Cut {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(target) else { continue };
                let mut links = accepting.links.lock().unwrap();
                links.push(client.try_clone().unwrap());
                links.push(server.try_clone().unwrap());
                drop(links);
                for (from, to) in
                    [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    let shared = accepting.clone();
                    std::thread::spawn(move || pump(from, to, &shared));
                }
            }
        });
        Self { port, shared }
    }

    /// `url` (the cluster's) through this proxy.
    pub fn url(&self, url: &str, cluster_port: u16) -> String {
        let direct = format!("127.0.0.1:{cluster_port}/");
        assert!(url.contains(&direct), "{url}");
        url.replacen(&direct, &format!("127.0.0.1:{}/", self.port), 1)
    }

    pub fn freeze(&self) {
        self.shared.set(Mode::Frozen);
    }

    /// Closes every connection; new ones are closed at once until `resume`.
    pub fn cut(&self) {
        self.shared.set(Mode::Cut);
        for link in self.shared.links.lock().unwrap().drain(..) {
            let _ = link.shutdown(Shutdown::Both);
        }
    }

    pub fn resume(&self) {
        self.shared.set(Mode::Open);
    }
}

/// Copies bytes from one end to the other; bytes read while frozen are held until the
/// proxy resumes.
fn pump(mut from: TcpStream, mut to: TcpStream, shared: &Shared) {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        shared.wait_unfrozen();
        let n = match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        shared.wait_unfrozen();
        if to.write_all(&buffer[..n]).is_err() {
            break;
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

/// Resumes the proxy when dropped: declared after the instance behind it, it lets that
/// instance end its calls and stop even when the test fails while frozen.
pub struct ResumeOnDrop<'a>(pub &'a Proxy);

impl Drop for ResumeOnDrop<'_> {
    fn drop(&mut self) {
        self.0.resume();
    }
}
