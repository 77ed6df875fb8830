//! Test helpers: the real app on port 0 over a fresh database (SQLite by default, a new
//! PostgreSQL database when TEST_DATABASE_URL is set), a real SMTP server that keeps what
//! it receives, and a browser-like client (cookie jar, CSRF token read from the page,
//! redirects followed), a team builder (`team`), and the background jobs run one round
//! at a time (`run_sender_once`, `deliver_outbox`, `poll_replies_once`).

pub mod imap;
mod team;

pub use team::{Export, Member, Plan, Team, View};

use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::Connection;
use diesel::RunQueryDsl;
use dripteam::clock::Clock;
use dripteam::config::Settings;
use dripteam::db::Pool;
use dripteam::domain::campaigns::outbound::MailHosts;
use dripteam::jobs::campaign_sender::{self, Transports};
use dripteam::jobs::reply_poller::{self, PollSettings};
use dripteam::mail::deliverer::{self, DeliverySettings};
use dripteam::startup::Application;

pub const PASSWORD: &str = "correct horse battery";

/// One email the SMTP server accepted.
#[derive(Clone, Debug)]
pub struct ReceivedEmail {
    pub to: Vec<String>,
    pub data: String,
}

impl ReceivedEmail {
    /// The raw message with quoted-printable soft breaks undone.
    pub fn body(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }

    pub fn subject(&self) -> String {
        self.data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_string()
    }

    /// The first link in the body whose path starts with `path_prefix`.
    pub fn link(&self, path_prefix: &str) -> String {
        let body = self.body();
        let start = body
            .find(path_prefix)
            .unwrap_or_else(|| panic!("no {path_prefix} link in:\n{body}"));
        let from = body[..start].rfind("http").expect("absolute link");
        body[from..]
            .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
            .next()
            .unwrap()
            .to_string()
    }
}

/// Answers the capture gives instead of OK: to RCPT TO per address, and to MAIL FROM.
#[derive(Default)]
struct Refusals {
    recipients: std::collections::HashMap<String, (u16, String)>,
    sender: Option<(u16, String)>,
}

#[derive(Clone)]
struct CaptureHandler {
    inbox: Arc<Mutex<Vec<ReceivedEmail>>>,
    refusals: Arc<Mutex<Refusals>>,
    refuse: Arc<AtomicBool>,
    attempts: Arc<Mutex<Vec<Vec<String>>>>,
    current_to: Vec<String>,
    current: Vec<u8>,
}

impl mailin_embedded::Handler for CaptureHandler {
    fn mail(
        &mut self,
        _ip: std::net::IpAddr,
        _domain: &str,
        _from: &str,
    ) -> mailin_embedded::Response {
        match &self.refusals.lock().unwrap().sender {
            Some((code, text)) => mailin_embedded::Response::custom(*code, text.clone()),
            None => mailin_embedded::response::OK,
        }
    }

    fn rcpt(&mut self, to: &str) -> mailin_embedded::Response {
        match self.refusals.lock().unwrap().recipients.get(to) {
            Some((code, text)) => mailin_embedded::Response::custom(*code, text.clone()),
            None => mailin_embedded::response::OK,
        }
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.attempts.lock().unwrap().push(to.to_vec());
        if self.refuse.load(Ordering::SeqCst) {
            return mailin_embedded::response::INTERNAL_ERROR;
        }
        self.current_to = to.to_vec();
        self.current.clear();
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        self.inbox.lock().unwrap().push(ReceivedEmail {
            to: std::mem::take(&mut self.current_to),
            data: String::from_utf8_lossy(&self.current).into_owned(),
        });
        mailin_embedded::response::OK
    }
}

/// A real SMTP server on a free loopback port, for the life of the test process.
pub struct SmtpCapture {
    pub port: u16,
    inbox: Arc<Mutex<Vec<ReceivedEmail>>>,
    refusals: Arc<Mutex<Refusals>>,
    refuse: Arc<AtomicBool>,
    attempts: Arc<Mutex<Vec<Vec<String>>>>,
}

impl SmtpCapture {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(AtomicBool::new(false));
        let attempts = Arc::new(Mutex::new(Vec::new()));
        let refusals = Arc::new(Mutex::new(Refusals::default()));
        let handler = CaptureHandler {
            inbox: inbox.clone(),
            refusals: refusals.clone(),
            refuse: refuse.clone(),
            attempts: attempts.clone(),
            current_to: Vec::new(),
            current: Vec::new(),
        };
        std::thread::spawn(move || {
            let mut server = mailin_embedded::Server::new(handler);
            server
                .with_name("capture.test")
                .with_ssl(mailin_embedded::SslConfig::None)
                .unwrap()
                .with_num_threads(16)
                .with_tcp_listener(listener);
            let _ = server.serve();
        });
        SmtpCapture {
            port,
            inbox,
            refusals,
            refuse,
            attempts,
        }
    }

    /// From now on RCPT TO `address` is answered `code text` (e.g. 550, "5.1.1 User unknown").
    pub fn refuse_recipient(&self, address: &str, code: u16, text: &str) {
        self.refusals
            .lock()
            .unwrap()
            .recipients
            .insert(address.to_string(), (code, text.to_string()));
    }

    /// From now on MAIL FROM is answered `code text`; `None`: accepted again.
    pub fn refuse_sender(&self, refusal: Option<(u16, &str)>) {
        self.refusals.lock().unwrap().sender = refusal.map(|(c, t)| (c, t.to_string()));
    }

    /// While refusing, every message gets a 451 and is not kept.
    pub fn refuse(&self, refuse: bool) {
        self.refuse.store(refuse, Ordering::SeqCst);
    }

    /// How many messages to `address` were offered (DATA asked), accepted or refused.
    pub fn attempts_to(&self, address: &str) -> usize {
        self.attempts
            .lock()
            .unwrap()
            .iter()
            .filter(|to| to.iter().any(|t| t == address))
            .count()
    }

    pub fn all(&self) -> Vec<ReceivedEmail> {
        self.inbox.lock().unwrap().clone()
    }

    pub fn to(&self, address: &str) -> Vec<ReceivedEmail> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    /// Waits up to 10 s for an email to `address` whose subject contains `subject`, and
    /// takes it out of the inbox (later counts of emails to `address` do not see it).
    pub async fn take(&self, address: &str, subject: &str) -> ReceivedEmail {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            {
                let mut inbox = self.inbox.lock().unwrap();
                if let Some(i) = inbox.iter().position(|m| {
                    m.to.iter().any(|t| t == address) && m.subject().contains(subject)
                }) {
                    return inbox.remove(i);
                }
            }
            assert!(
                Instant::now() < deadline,
                "no email {subject:?} to {address}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits up to 10 s for the `n`-th email (1-based) to `address`.
    pub async fn wait_for(&self, address: &str, n: usize) -> ReceivedEmail {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.to(address);
            if got.len() >= n {
                return got[n - 1].clone();
            }
            assert!(
                Instant::now() < deadline,
                "no email #{n} to {address}; received: {:?}",
                self.all()
                    .iter()
                    .map(|m| (&m.to, m.subject()))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// DNS for tests: every domain has a mail server except these; TXT records for the sender
/// domain checks (`sender_domain`): ready.test has SPF, DMARC and a DKIM key for selector
/// s1, weak.test an SPF record naming another server and DMARC p=none, others nothing.
pub fn fake_dns() -> dripteam::dns::FixedResolver {
    use dripteam::domain::campaigns::domain_readiness::TxtAnswer;
    use dripteam::domain::prospects::verification::MxAnswer;
    let txt = |records: &[&str]| TxtAnswer::Found(records.iter().map(|r| r.to_string()).collect());
    dripteam::dns::FixedResolver {
        answers: HashMap::from([
            ("nomx.test".to_string(), MxAnswer::NoRecords),
            ("nowhere.test".to_string(), MxAnswer::NoDomain),
            (
                "slow.test".to_string(),
                MxAnswer::Failed("timed out".into()),
            ),
        ]),
        default: MxAnswer::Found,
        txt: HashMap::from([
            (
                "ready.test".to_string(),
                txt(&["google-site-verification=abc", "v=spf1 ip4:127.0.0.1 -all"]),
            ),
            (
                "_dmarc.ready.test".to_string(),
                txt(&["v=DMARC1; p=quarantine; rua=mailto:dmarc@ready.test"]),
            ),
            (
                "s1._domainkey.ready.test".to_string(),
                txt(&["v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP"]),
            ),
            ("weak.test".to_string(), txt(&["v=spf1 ip4:192.0.2.1 -all"])),
            ("_dmarc.weak.test".to_string(), txt(&["v=DMARC1; p=none"])),
        ]),
    }
}

/// A fresh database for one test, dropped at the end when it is a PostgreSQL one.
pub struct TestDatabase {
    pub url: String,
    admin_url: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    /// An empty database (no migrations run) on the backend TEST_DATABASE_URL selects.
    pub fn create() -> Self {
        let dir = tempfile::tempdir().unwrap();
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin) => {
                let admin = without_tls(&admin);
                let name = format!("dripteam_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn =
                    diesel::PgConnection::establish(&admin).expect("TEST_DATABASE_URL reachable");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .unwrap();
                let (base, query) = admin.split_once('?').unwrap_or((&admin, ""));
                let base = base.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
                TestDatabase {
                    url: format!("{base}/{name}?{query}"),
                    admin_url: Some((admin, name)),
                    _dir: dir,
                }
            }
            None => TestDatabase {
                url: format!("sqlite://{}", dir.path().join("test.db").display()),
                admin_url: None,
                _dir: dir,
            },
        }
    }
}

/// The test server's URL with `sslmode=disable` unless it names a mode: the tests talk to
/// a PostgreSQL on loopback, and without TLS libpq never calls OpenSSL, whose clean-up at
/// process exit raced with pool threads still holding connections (a SIGSEGV after every
/// test had passed, issue 12 item 6).
fn without_tls(url: &str) -> String {
    if url.contains("sslmode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.admin_url
            && let Ok(mut conn) = diesel::PgConnection::establish(admin)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub pool: Pool,
    pub clock: Clock,
    pub smtp: Option<SmtpCapture>,
    /// DATA_DIR, kept for the app's life.
    _data_dir: tempfile::TempDir,
    vars: HashMap<String, String>,
    sender_poll: Duration,
    reply_poll: Duration,
    instances: Vec<Instance>,
    db: TestDatabase,
}

impl Drop for TestApp {
    /// Stops the background workers before the database goes away.
    fn drop(&mut self) {
        for worker in self.instances.iter().flat_map(|i| &i.workers) {
            worker.abort();
        }
    }
}

pub struct Options {
    pub smtp: bool,
    pub extra: Vec<(&'static str, String)>,
    /// How often the campaign sender runs (long: the test drives it by hand).
    pub sender_poll: Duration,
    /// How often the reply poller runs (long: the test drives it by hand).
    pub reply_poll: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            smtp: true,
            extra: Vec::new(),
            sender_poll: Duration::from_millis(100),
            reply_poll: Duration::from_millis(200),
        }
    }
}

impl Options {
    /// The campaign sender and the reply poller wait an hour between rounds: the test runs
    /// their rounds itself (`run_sender_once`, `poll_replies_once`).
    pub fn manual_rounds() -> Self {
        Options {
            sender_poll: Duration::from_secs(3600),
            reply_poll: Duration::from_secs(3600),
            ..Default::default()
        }
    }
}

/// The app with a real SMTP server behind it.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let _ = env_logger::builder().is_test(true).try_init();
    let db = TestDatabase::create();
    let data_dir = tempfile::tempdir().unwrap();
    let smtp = options.smtp.then(SmtpCapture::start);
    let mut vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", db.url.clone()),
        ("DATA_DIR", data_dir.path().display().to_string()),
        ("BIND_ADDR", "127.0.0.1:0".to_string()),
        ("BCRYPT_COST", "4".to_string()),
        ("ALLOW_PRIVATE_MAIL_HOSTS", "true".to_string()),
        // Tests run at any hour: new campaigns send at any hour unless a test says otherwise.
        ("DEFAULT_SENDING_WINDOW", "always".to_string()),
        // ...and their mailboxes send without a pause unless a test sets one.
        ("DEFAULT_SENDER_PAUSE", "0-0".to_string()),
    ]);
    if let Some(smtp) = &smtp {
        vars.insert("SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port));
    }
    for (k, v) in options.extra {
        vars.insert(k, v);
    }
    let vars: HashMap<String, String> = vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let instance = start_instance(
        &vars,
        Clock::default(),
        options.sender_poll,
        options.reply_poll,
    );
    TestApp {
        address: instance.address.clone(),
        pool: instance.pool.clone(),
        clock: instance.clock.clone(),
        smtp,
        _data_dir: data_dir,
        vars,
        sender_poll: options.sender_poll,
        reply_poll: options.reply_poll,
        instances: vec![instance],
        db,
    }
}

/// One running app process (in this test process) over the test's database.
struct Instance {
    address: String,
    /// Where its emailed links point (its BASE_URL, or its bound port).
    base_url: String,
    pool: Pool,
    clock: Clock,
    workers: Vec<tokio::task::AbortHandle>,
    /// The campaign sender's transports between the rounds the test runs, as its job keeps them.
    transports: tokio::sync::Mutex<Transports>,
}

/// The app's settings for these variables, with the tests' short job pauses.
fn test_settings(
    vars: &HashMap<String, String>,
    sender_poll: Duration,
    reply_poll: Duration,
) -> Settings {
    let mut settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings");
    settings.outbox_poll = Duration::from_millis(50);
    settings.outbox_retry_base = Duration::from_millis(200);
    settings.sender_poll = sender_poll;
    settings.reply_poll = reply_poll;
    settings.verify_poll = Duration::from_secs(3600);
    settings
}

fn start_instance(
    vars: &HashMap<String, String>,
    clock: Clock,
    sender_poll: Duration,
    reply_poll: Duration,
) -> Instance {
    let settings = test_settings(vars, sender_poll, reply_poll);
    let hosts = MailHosts::from_setting(settings.allow_private_mail_hosts);
    let concurrency = settings.sender_concurrency;
    let app = Application::build_with_resolver(settings, clock, Arc::new(fake_dns()))
        .expect("app starts");
    let instance = Instance {
        // Where the test connects: the bound port, whatever BASE_URL says.
        address: format!("http://127.0.0.1:{}", app.port),
        base_url: app.base_url.clone(),
        pool: app.pool.clone(),
        clock: app.clock.clone(),
        workers: app.workers.clone(),
        transports: tokio::sync::Mutex::new(Transports::new(hosts, concurrency)),
    };
    tokio::spawn(app.run_until_stopped());
    instance
}

impl TestApp {
    /// A second app process on the same database, sharing the keys (a load balancer's view)
    /// and the test's clock.
    pub fn another_instance(&mut self) -> String {
        let instance = start_instance(
            &self.vars,
            self.clock.clone(),
            self.sender_poll,
            self.reply_poll,
        );
        let address = instance.address.clone();
        self.instances.push(instance);
        address
    }

    /// The settings the app was started with.
    fn settings(&self) -> Settings {
        test_settings(&self.vars, self.sender_poll, self.reply_poll)
    }

    pub fn secrets(&self) -> dripteam::crypto::SecretBox {
        dripteam::crypto::SecretBox::new(self.settings().secret_key.expose_secret())
    }

    /// Which mail server addresses this app allows (its ALLOW_PRIVATE_MAIL_HOSTS).
    pub fn mail_hosts(&self) -> MailHosts {
        MailHosts::from_setting(self.settings().allow_private_mail_hosts)
    }

    /// Runs one round of the campaign sender (`campaign_sender::tick`) as the app's job
    /// does, with the transports kept from the previous round; returns how many emails
    /// went out. The SMTP server has them when this returns. Start the app with
    /// `Options::manual_rounds` so that its own sender does not claim them first.
    pub async fn run_sender_once(&self) -> usize {
        self.sender_round(&self.instances[0]).await
    }

    /// One round of the campaign sender on every instance at the same time (two app
    /// processes whose timers fired together); returns how many emails went out in all.
    pub async fn run_sender_once_everywhere(&self) -> usize {
        let rounds = self.instances.iter().map(|i| self.sender_round(i));
        futures_util::future::join_all(rounds).await.iter().sum()
    }

    async fn sender_round(&self, instance: &Instance) -> usize {
        let mut transports = instance.transports.lock().await;
        campaign_sender::tick(
            &instance.pool,
            &instance.clock,
            &self.secrets(),
            &instance.base_url,
            &mut transports,
        )
        .await
        .expect("the campaign sender's round ends")
    }

    /// Runs one round of the list verification job (`verifications::run_round`) as the
    /// app's worker does, with the tests' DNS and the app's `VERIFY_BATCH`; with
    /// `max_batches` the round stops after that many batches, as a restart between
    /// batches would. Returns the batches stored. The app's own worker waits an hour
    /// between rounds in tests, so lists are verified when (and only when) this runs.
    pub async fn run_verifications_once(&self, max_batches: Option<usize>) -> usize {
        dripteam::jobs::verifications::run_round(
            &self.pool,
            &self.clock,
            &fake_dns(),
            self.settings().verify_batch,
            max_batches,
        )
        .await
    }

    /// Delivers the outbox: runs the deliverer's round (`deliverer::deliver_due`) until no
    /// email is due any more, including one the app's own deliverer is sending at that
    /// moment; returns how many this call sent. Every email due now has been sent (or has
    /// failed and waits for its retry) when this returns.
    pub async fn deliver_outbox(&self) -> usize {
        let settings = self.settings();
        let delivery = DeliverySettings {
            smtp_url: settings.smtp_url.expect("app started with SMTP"),
            from: settings.mail_from,
            poll_every: settings.outbox_poll,
            retry_base: settings.outbox_retry_base,
        };
        let mailer = deliverer::transport_builder(delivery.smtp_url.expose_secret())
            .unwrap()
            .build();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut sent = 0;
        loop {
            sent += deliverer::deliver_due(&self.pool, &self.clock, &mailer, &delivery)
                .await
                .expect("the deliverer's round ends");
            if self.outbox_due() == 0 {
                return sent;
            }
            assert!(Instant::now() < deadline, "the outbox did not empty");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Outbox emails due now and not sent (claimed by a deliverer or not).
    fn outbox_due(&self) -> i64 {
        use diesel::prelude::*;
        use dripteam::db::schema::outbox;
        outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::failed_at.is_null())
            .filter(outbox::next_attempt_at.le(self.clock.now()))
            .count()
            .get_result(&mut self.conn())
            .unwrap()
    }

    /// Runs one round of the reply poller (`reply_poller::tick`) with the job's settings;
    /// returns each sender account's outcome. Start the app with `Options::manual_rounds`.
    pub async fn poll_replies_once(&self) -> Vec<reply_poller::AccountOutcome> {
        self.poll_replies_once_within(PollSettings::new(self.mail_hosts()).account_timeout)
            .await
    }

    /// `poll_replies_once` with a time limit of `account_timeout` for each mailbox.
    pub async fn poll_replies_once_within(
        &self,
        account_timeout: Duration,
    ) -> Vec<reply_poller::AccountOutcome> {
        let settings = PollSettings {
            account_timeout,
            ..PollSettings::new(self.mail_hosts())
        };
        let context = reply_poller::PollContext {
            pool: self.pool.clone(),
            clock: self.clock.clone(),
            secrets: self.secrets(),
            base_url: self.instances[0].base_url.clone(),
        };
        reply_poller::tick(&context, &settings)
            .await
            .expect("the reply poller's round ends")
    }

    /// The settings this app was started with, for starting the real binary beside it.
    pub fn env(&self) -> &HashMap<String, String> {
        &self.vars
    }
    pub fn database_url(&self) -> &str {
        &self.db.url
    }

    pub fn browser(&self) -> Browser {
        Browser {
            base: self.address.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
        }
    }

    /// A browser whose cookies can be read (to copy a session cookie, as an attacker would).
    pub fn browser_with_jar(&self) -> (Browser, Arc<reqwest::cookie::Jar>) {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let browser = Browser {
            base: self.address.clone(),
            client: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .build()
                .unwrap(),
        };
        (browser, jar)
    }

    /// A client that sends exactly this `Cookie` header on every request and ignores
    /// whatever cookies the app sets (a replayed, copied cookie).
    pub fn replaying(&self, cookie: reqwest::header::HeaderValue) -> Browser {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::COOKIE, cookie);
        Browser {
            base: self.address.clone(),
            client: reqwest::Client::builder()
                .default_headers(headers)
                .build()
                .unwrap(),
        }
    }

    pub fn smtp(&self) -> &SmtpCapture {
        self.smtp.as_ref().expect("app started with SMTP")
    }

    pub fn conn(&self) -> diesel::r2d2::PooledConnection<dripteam::db::ConnectionManager> {
        self.pool.get().unwrap()
    }

    /// A new account, logged in, in its own browser, with its address confirmed through
    /// the emailed link (see `confirm_address`).
    pub async fn user(&self, name: &str, email: &str) -> Browser {
        let browser = self.unconfirmed_user(name, email).await;
        self.confirm_address(&browser, email).await;
        browser
    }

    /// A new account, logged in, whose address nobody has confirmed yet.
    pub async fn unconfirmed_user(&self, name: &str, email: &str) -> Browser {
        let browser = self.browser();
        let page = browser.signup(name, email, PASSWORD).await;
        assert!(
            page.contains("Log out"),
            "sign-up of {email} failed:\n{page:?}"
        );
        browser
    }

    /// The newest "Confirm your …email address" link emailed to `email`: from the SMTP
    /// server (the email is taken out of its inbox, so other tests' counts of emails to
    /// `email` stay as they were) or, for apps started without SMTP, from the outbox.
    pub async fn confirmation_link(&self, email: &str) -> String {
        const SUBJECT: &str = "email address for dripteam";
        match &self.smtp {
            Some(smtp) => smtp
                .take(email, SUBJECT)
                .await
                .link("/account/email/confirm?token="),
            None => {
                let emails = dripteam::db::outbox::recent(&mut self.conn(), 100).unwrap();
                let email = emails
                    .iter()
                    .find(|m| m.to_address == email && m.subject.contains(SUBJECT))
                    .unwrap_or_else(|| panic!("no confirmation email to {email} in the outbox"));
                ReceivedEmail {
                    to: vec![email.to_address.clone()],
                    data: email.text_body.clone(),
                }
                .link("/account/email/confirm?token=")
            }
        }
    }

    /// Follows the confirmation link emailed to `email` in `browser`, as its owner would:
    /// opens the link's page and presses its button.
    pub async fn confirm_address(&self, browser: &Browser, email: &str) -> Page {
        let link = self.confirmation_link(email).await;
        let page = browser.get(&link).await;
        let token = link.rsplit_once("token=").unwrap().1.to_string();
        assert!(page.contains("<button type=\"submit\">"), "{page:?}");
        browser
            .post("/account/email/confirm", &[("token", &token)])
            .await
    }
}

pub struct Page {
    pub status: u16,
    pub url: String,
    pub body: String,
}

impl Page {
    /// Whether the page, with askama's entity escapes undone, contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.text().contains(needle)
    }

    pub fn text(&self) -> String {
        self.body
            .replace("&#39;", "'")
            .replace("&#34;", "\"")
            .replace("&#60;", "<")
            .replace("&#62;", ">")
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    }
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}\n{}", self.status, self.url, self.body)
    }
}

/// A browser: its own cookie jar, follows redirects, sends the page's CSRF token.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
}

impl Browser {
    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        Page {
            status: response.status().as_u16(),
            url: response.url().to_string(),
            body: response.text().await.unwrap(),
        }
    }

    /// The status and the exact bytes of a response (a download, BOM included).
    pub async fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.bytes().await.unwrap().to_vec())
    }

    /// The session's CSRF token, read from a page's form as a browser would have it.
    pub async fn csrf_token(&self) -> String {
        let page = self.get("/password/forgot").await;
        extract_csrf(&page.body)
    }

    /// Posts a form with the session's CSRF token and, unless `fields` carry one, a fresh
    /// one-time form token, as a browser sends a form it has just loaded (creating forms
    /// need it; the others ignore it).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf_token().await;
        let fresh = fresh_form_token();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        if !fields.iter().any(|(name, _)| *name == "form_token") {
            all.push(("form_token", &fresh));
        }
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap();
        Page {
            status: response.status().as_u16(),
            url: response.url().to_string(),
            body: response.text().await.unwrap(),
        }
    }

    /// Uploads a CSV file to the list's import form; the answer is the mapping page.
    pub async fn upload_csv(&self, list_path: &str, file_name: &str, content: &[u8]) -> Page {
        let token = self.csrf_token().await;
        let part = reqwest::multipart::Part::bytes(content.to_vec())
            .file_name(file_name.to_string())
            .mime_str("text/csv")
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token)
            .text("form_token", fresh_form_token())
            .part("file", part);
        let response = self
            .client
            .post(self.url(&format!("{list_path}/import")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        Page {
            status: response.status().as_u16(),
            url: response.url().to_string(),
            body: response.text().await.unwrap(),
        }
    }

    /// Reloads an import page until the import has ended.
    pub async fn wait_for_import(&self, import_url: &str) -> Page {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let page = self.get(import_url).await;
            if page.contains("<strong>Done.</strong>") || page.contains("Nothing was imported") {
                return page;
            }
            assert!(Instant::now() < deadline, "import did not end: {page:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn signup(&self, name: &str, email: &str, password: &str) -> Page {
        self.post(
            "/signup",
            &[("name", name), ("email", email), ("password", password)],
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Page {
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }

    pub async fn logout(&self) -> Page {
        self.post("/logout", &[]).await
    }
}

/// A new one-time form token, as a page would render into a creating form (random and
/// URL-safe, like the app's own).
pub fn fresh_form_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The one-time form token of the first creating form in a page.
pub fn extract_form_token(html: &str) -> String {
    let marker = "name=\"form_token\" value=\"";
    let start = html.find(marker).expect("a form with a form token") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

pub fn extract_csrf(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// The path of the first `action="..."` that contains `fragment`.
pub fn form_action(html: &str, fragment: &str) -> String {
    html.split("action=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .find(|action| action.contains(fragment))
        .unwrap_or_else(|| panic!("no form action with {fragment}"))
        .to_string()
}

/// The path of the first `href="..."` that contains `fragment`.
pub fn link_href(html: &str, fragment: &str) -> String {
    html.split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .find(|href| href.contains(fragment))
        .unwrap_or_else(|| panic!("no link with {fragment}"))
        .replace("&amp;", "&")
}
