//! MX and TXT lookups over real DNS (hickory-resolver, with the system's resolver
//! configuration and a timeout), and a resolver with fixed answers for tests and the demo.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::name_server::TokioConnectionProvider;

use crate::domain::campaigns::domain_readiness::{TxtAnswer, TxtResolver};
use crate::domain::prospects::verification::{MxAnswer, MxResolver};

pub struct DnsResolver {
    resolver: TokioResolver,
}

impl DnsResolver {
    /// Reads /etc/resolv.conf; falls back to the public default servers when it cannot.
    pub fn from_system(timeout: Duration) -> Self {
        let mut builder = TokioResolver::builder_tokio().unwrap_or_else(|e| {
            log::warn!("system DNS configuration unreadable ({e}); using defaults");
            TokioResolver::builder_with_config(
                Default::default(),
                TokioConnectionProvider::default(),
            )
        });
        builder.options_mut().timeout = timeout;
        builder.options_mut().attempts = 1;
        DnsResolver {
            resolver: builder.build(),
        }
    }
}

impl MxResolver for DnsResolver {
    fn lookup<'a>(
        &'a self,
        domain: &'a str,
    ) -> Pin<Box<dyn Future<Output = MxAnswer> + Send + 'a>> {
        Box::pin(async move {
            // A trailing dot: the domain is absolute, no search suffixes are tried.
            match self.resolver.mx_lookup(format!("{domain}.")).await {
                Ok(lookup) if lookup.iter().next().is_some() => MxAnswer::Found,
                Ok(_) => MxAnswer::NoRecords,
                Err(e) if e.is_nx_domain() => MxAnswer::NoDomain,
                Err(e) if e.is_no_records_found() => MxAnswer::NoRecords,
                Err(e) => MxAnswer::Failed(e.to_string()),
            }
        })
    }
}

impl TxtResolver for DnsResolver {
    fn txt<'a>(&'a self, name: &'a str) -> Pin<Box<dyn Future<Output = TxtAnswer> + Send + 'a>> {
        Box::pin(async move {
            match self.resolver.txt_lookup(format!("{name}.")).await {
                // A record's strings are one text, joined without spaces (RFC 7208 §3.3).
                Ok(lookup) => TxtAnswer::Found(
                    lookup
                        .iter()
                        .map(|txt| {
                            txt.txt_data()
                                .iter()
                                .map(|part| String::from_utf8_lossy(part))
                                .collect::<String>()
                        })
                        .collect(),
                ),
                Err(e) if e.is_nx_domain() || e.is_no_records_found() => TxtAnswer::NoRecords,
                Err(e) => TxtAnswer::Failed(e.to_string()),
            }
        })
    }
}

/// Answers from tables: MX by domain with a default for every other domain, TXT by name
/// (`NoRecords` for every other name).
pub struct FixedResolver {
    pub answers: HashMap<String, MxAnswer>,
    pub default: MxAnswer,
    pub txt: HashMap<String, TxtAnswer>,
}

impl MxResolver for FixedResolver {
    fn lookup<'a>(
        &'a self,
        domain: &'a str,
    ) -> Pin<Box<dyn Future<Output = MxAnswer> + Send + 'a>> {
        let answer = self
            .answers
            .get(domain)
            .cloned()
            .unwrap_or_else(|| self.default.clone());
        Box::pin(async move { answer })
    }
}

impl TxtResolver for FixedResolver {
    fn txt<'a>(&'a self, name: &'a str) -> Pin<Box<dyn Future<Output = TxtAnswer> + Send + 'a>> {
        let answer = self.txt.get(name).cloned().unwrap_or(TxtAnswer::NoRecords);
        Box::pin(async move { answer })
    }
}
