//! Reading one setting's value: whole numbers, booleans, IP lists, `RUST_LOG`.

use super::{ConfigError, bad};

/// A whole number; unset is `default`.
pub(super) fn parse_number(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: i64,
) -> Result<i64, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| bad(name, format!("'{v}' is not a whole number"))),
    }
}

/// `true` / `false` (also `1` / `0`, `yes` / `no`); unset is false.
pub(super) fn parse_bool(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<bool, ConfigError> {
    match get(name).map(|v| v.trim().to_lowercase()) {
        None => Ok(false),
        Some(v) if ["true", "1", "yes"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["false", "0", "no"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(bad(name, format!("'{v}' is not true or false"))),
    }
}

/// A comma-separated list of IP addresses (IPv4 or IPv6); unset is empty.
pub(super) fn parse_ip_list(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Vec<std::net::IpAddr>, ConfigError> {
    get(name)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse()
                .map_err(|_| bad(name, format!("'{v}' is not an IP address")))
        })
        .collect()
}

/// `RUST_LOG` as env_logger reads it: comma-separated `level`, `target` or `target=level`.
pub(super) fn check_log_spec(spec: &str) -> Result<(), String> {
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    let filter_free = spec.split('/').next().unwrap_or("");
    for directive in filter_free
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        let level = match directive.split_once('=') {
            Some((target, level)) if !target.is_empty() => level,
            Some(_) => return Err(format!("'{directive}' has no target before '='")),
            None => continue,
        };
        if !LEVELS.contains(&level.to_lowercase().as_str()) {
            return Err(format!(
                "'{level}' is not a level (off, error, warn, info, debug, trace)"
            ));
        }
    }
    Ok(())
}
