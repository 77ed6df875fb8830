//! MX lookups over real DNS (hickory-resolver, with the system's resolver configuration
//! and a timeout), and a resolver with fixed answers for tests and the demo.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::name_server::TokioConnectionProvider;

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

/// Answers from a table, with a default for every other domain.
pub struct FixedResolver {
    pub answers: HashMap<String, MxAnswer>,
    pub default: MxAnswer,
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
