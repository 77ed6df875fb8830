//! The command line: `dripteam [serve|migrate|demo]`.

use dripteam::clock::Clock;
use dripteam::config::Settings;
use dripteam::startup::Application;
use secrecy::ExposeSecret;

const USAGE: &str =
    "usage: dripteam [serve | migrate | demo [--members N --prospects N --emails N]]";

fn main() {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("dripteam: configuration error: {e}");
            std::process::exit(2);
        }
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    let result = match command.as_str() {
        "serve" => serve(settings),
        "migrate" => migrate(&settings),
        "demo" => match large_team_sizes(std::env::args().skip(2).collect()) {
            Ok(None) => demo(&settings),
            Ok(Some(sizes)) => large_demo(&settings, &sizes),
            Err(e) => Err(format!("{e}\n{USAGE}")),
        },
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command '{other}'\n{USAGE}")),
    };
    if let Err(e) = result {
        eprintln!("dripteam: {e}");
        std::process::exit(1);
    }
}

fn serve(settings: Settings) -> Result<(), String> {
    let bind = settings.bind_addr.clone();
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings, Clock::default()).map_err(|e| e.to_string())?;
        // The port actually bound (BIND_ADDR may name port 0), so a supervisor can read it.
        let ip = bind.rsplit_once(':').map_or(bind.as_str(), |(ip, _)| ip);
        log::info!(
            "dripteam listens on {ip}:{}; open {}",
            app.port,
            app.base_url
        );
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn migrate(settings: &Settings) -> Result<(), String> {
    dripteam::db::connect(&settings.database_url, 1).map_err(|e| e.to_string())?;
    println!("database is up to date");
    Ok(())
}

fn demo(settings: &Settings) -> Result<(), String> {
    let pool = dripteam::db::connect(&settings.database_url, 2).map_err(|e| e.to_string())?;
    let now = Clock::default().now();
    let outcome = {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        dripteam::demo::run(
            &mut conn,
            &dripteam::crypto::SecretBox::new(settings.secret_key.expose_secret()),
            &settings.base_url,
            settings.bcrypt_cost,
            now,
        )
        .map_err(|e| e.to_string())?
    };
    if outcome.created {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime
            .block_on(dripteam::demo::verify_lists(&pool, now))
            .map_err(|e| e.to_string())?;
    }
    println!(
        "Demo accounts (password: {}):",
        dripteam::demo::DEMO_PASSWORD
    );
    for login in outcome.logins {
        println!("  {:<42} {}", login.role, login.email);
    }
    Ok(())
}

/// `--members N --prospects N --emails N` (any of them; the others default to 1,000,
/// 100,000 and 1,000,000), or None for the small demo.
fn large_team_sizes(args: Vec<String>) -> Result<Option<LargeSizes>, String> {
    if args.is_empty() {
        return Ok(None);
    }
    let mut sizes = LargeSizes {
        members: 1_000,
        prospects: 100_000,
        emails: 1_000_000,
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .and_then(|v| v.replace('_', "").parse::<usize>().ok())
            .ok_or_else(|| format!("{flag} needs a whole number"))?;
        match flag.as_str() {
            "--members" => sizes.members = value,
            "--prospects" => sizes.prospects = value,
            "--emails" => sizes.emails = value,
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    Ok(Some(sizes))
}

type LargeSizes = dripteam::demo::large_team::Sizes;

fn large_demo(settings: &Settings, sizes: &LargeSizes) -> Result<(), String> {
    let pool = dripteam::db::connect(&settings.database_url, 2).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let leader = dripteam::demo::large_team::build(
        &mut conn,
        &dripteam::crypto::SecretBox::new(settings.secret_key.expose_secret()),
        sizes,
        settings.bcrypt_cost,
        Clock::default().now(),
        &mut |line| println!("  {line} ({:.0?})", started.elapsed()),
    )
    .map_err(|e| e.to_string())?;
    println!(
        "Large demo team ready in {:.0?}. Leader: {leader} (password: {})",
        started.elapsed(),
        dripteam::demo::DEMO_PASSWORD
    );
    Ok(())
}
