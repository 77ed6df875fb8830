//! A real IMAP server for the tests: Debian's dovecot, started on a free loopback port
//! with its own configuration, one user, and a Maildir the tests deliver replies into.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

pub const USER: &str = "sender@acme.example";
pub const PASSWORD: &str = "imap-secret";
const DOVECOT: &str = "/usr/sbin/dovecot";

pub struct ImapServer {
    pub port: u16,
    dir: tempfile::TempDir,
}

fn nobody() -> (u32, u32) {
    (65534, 65534)
}

impl ImapServer {
    pub fn start() -> Self {
        assert!(
            std::path::Path::new(DOVECOT).exists(),
            "dovecot is not installed: apt-get install dovecot-imapd (.ci/run does this)"
        );
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (uid, gid) = nobody();
        std::fs::create_dir_all(root.join("run")).unwrap();
        let maildir = root.join("mail").join(USER).join("Maildir");
        for sub in ["new", "cur", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
        }
        for path in [
            root.join("mail"),
            root.join("mail").join(USER),
            maildir.clone(),
            maildir.join("new"),
            maildir.join("cur"),
            maildir.join("tmp"),
        ] {
            std::os::unix::fs::chown(&path, Some(uid), Some(gid)).unwrap();
        }
        std::fs::write(
            root.join("users"),
            format!(
                "{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{}\n",
                root.join("mail").join(USER).display()
            ),
        )
        .unwrap();
        let r = root.display();
        std::fs::write(
            root.join("dovecot.conf"),
            format!(
                "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {r}/run\nstate_dir = {r}/run\nlog_path = {r}/dovecot.log\n\
                 ssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\n\
                 mail_location = maildir:{r}/mail/%u/Maildir\nfirst_valid_uid = 1\n\
                 default_internal_user = nobody\ndefault_internal_group = nogroup\ndefault_login_user = nobody\n\
                 service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n}}\n\
                 service anvil {{\n  chroot =\n}}\n\
                 passdb {{\n  driver = passwd-file\n  args = {r}/users\n}}\nuserdb {{\n  driver = passwd-file\n  args = {r}/users\n}}\n"
            ),
        )
        .unwrap();
        let status = Command::new(DOVECOT)
            .arg("-c")
            .arg(root.join("dovecot.conf"))
            .status()
            .unwrap();
        assert!(status.success(), "dovecot did not start");
        for _ in 0..50 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        ImapServer { port, dir }
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("mail").join(USER).join("Maildir")
    }

    /// Puts a reply to `message_id` into the inbox, as the recipient's mail server would.
    pub fn deliver_reply(&self, from: &str, message_id: &str) {
        let body = format!(
            "From: {from}\r\nTo: {USER}\r\nSubject: Re: hello\r\nMessage-ID: <{}@reply.test>\r\nIn-Reply-To: <{message_id}>\r\nReferences: <{message_id}>\r\n\r\nThanks, interested!\r\n",
            uuid::Uuid::new_v4().simple()
        );
        self.deliver_raw(&body);
    }

    /// Puts the raw message `body` (RFC 5322, CRLF lines) into the inbox as it is.
    pub fn deliver_raw(&self, body: &str) {
        let name = format!("{}.reply.test", uuid::Uuid::new_v4().simple());
        let tmp = self.maildir().join("tmp").join(&name);
        std::fs::write(&tmp, body).unwrap();
        let (uid, gid) = nobody();
        std::os::unix::fs::chown(&tmp, Some(uid), Some(gid)).unwrap();
        std::fs::rename(&tmp, self.maildir().join("new").join(&name)).unwrap();
    }
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        let _ = Command::new(DOVECOT)
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .arg("stop")
            .status();
    }
}
