//! The command line: `dripteam [serve|migrate|demo]`.

use dripteam::clock::Clock;
use dripteam::config::Settings;
use dripteam::startup::Application;

const USAGE: &str = "usage: dripteam [serve|migrate|demo]";

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
        "demo" => demo(&settings),
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
    let base = settings.base_url.clone();
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings, Clock::default()).map_err(|e| e.to_string())?;
        log::info!("dripteam listens on {bind}; open {base}");
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
            &dripteam::crypto::SecretBox::new(&settings.secret_key),
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
        println!("  {:<28} {}", login.role, login.email);
    }
    Ok(())
}
