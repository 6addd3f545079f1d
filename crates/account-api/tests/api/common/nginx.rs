//! Debian's nginx with the recipe of deploy/nginx.conf, in front of API instances. The
//! configuration is the recipe with substitutions only (as e2e/nginx.mjs makes it): the
//! listen port, the root folder, the upstream group's two servers, and each OUTSCALE
//! region's `proxy_pass` sent to a closed port (nginx resolves those names at start,
//! and this machine resolves none). Each substitution must match exactly once.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Nginx {
    pub base: String,
    child: Child,
    _dir: tempfile::TempDir,
}

fn substitute(text: &str, from: &str, to: &str) -> String {
    let count = text.matches(from).count();
    assert_eq!(count, 1, "deploy/nginx.conf: expected {from:?} once, found it {count} times");
    text.replacen(from, to, 1)
}

impl Nginx {
    /// nginx on a free port, with `instances` (`127.0.0.1:PORT`, two) as the upstream group.
    pub fn start(instances: [&str; 2]) -> Self {
        let recipe = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../deploy/nginx.conf"
        ))
        .expect("deploy/nginx.conf");
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut site = substitute(&recipe, "listen 8080;", &format!("listen 127.0.0.1:{port};"));
        site = substitute(
            &site,
            "root /var/www/osc-console;",
            &format!("root {};", dir.path().display()),
        );
        site = substitute(&site, "server 127.0.0.1:8090;", &format!("server {};", instances[0]));
        site = substitute(&site, "server 127.0.0.1:8091;", &format!("server {};", instances[1]));
        let regions: Vec<String> = recipe
            .lines()
            .filter_map(|l| l.trim().strip_prefix("proxy_pass https://api."))
            .map(|rest| format!("proxy_pass https://api.{rest}"))
            .collect();
        assert!(!regions.is_empty(), "the recipe proxies OUTSCALE's regions");
        for line in regions {
            site = substitute(&site, &line, "proxy_pass https://127.0.0.1:9/api/v1/;");
        }
        let temp: String = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
            .iter()
            .map(|k| format!("  {k}_temp_path {};\n", dir.path().join(k).display()))
            .collect();
        // One process (master_process off, as e2e/nginx.mjs): killing it leaves no
        // worker behind holding the port. SAFETY: geteuid has no preconditions.
        let root = unsafe { geteuid() } == 0;
        let config = format!(
            "{}master_process off;\nworker_processes 1;\nevents {{ worker_connections 512; }}\nhttp {{\n  access_log off;\n{temp}\n{site}\n}}\n",
            if root { "user root;\n" } else { "" }
        );
        let file = dir.path().join("nginx.conf");
        std::fs::write(&file, &config).unwrap();
        let child =
            Command::new(std::env::var("NGINX_BIN").unwrap_or_else(|_| "/usr/sbin/nginx".into()))
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&file)
                .args(["-e", "stderr", "-g"])
                .arg(format!("daemon off; pid {};", dir.path().join("nginx.pid").display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("nginx (scripts/setup installs it)");
        let nginx = Nginx { base: format!("http://127.0.0.1:{port}"), child, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not start:\n{config}");
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }
}

extern "C" {
    fn geteuid() -> u32;
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
