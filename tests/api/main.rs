//! The one integration-test crate: the app driven over HTTP like a browser, against real
//! SMTP, IMAP and database servers. `helpers` is compiled once for every module.

mod helpers;

mod authorization_matrix;
mod beyond;
mod bounces;
mod browser;
mod campaign_page;
mod campaigns;
mod company_pause;
mod contacting;
mod csv_and_imports;
mod do_not_email;
mod do_not_email_csv;
mod downgrades;
mod forget;
mod forms;
mod foundation;
mod headers_and_jobs;
mod import_errors;
mod incoming_mail;
mod launch_and_archive;
mod launch_approval;
mod list_browsing;
mod look_and_feel;
mod my_team_page;
mod outbound;
mod pacing;
mod prospect_zones;
mod prospects;
mod record_transfer;
mod replicas_and_throttle;
mod reply_digest;
mod same_header;
mod schedules;
mod sender_domain;
mod sessions_and_accounts;
mod statistics;
mod team_activity;
mod teamwork;
mod threading;
mod two_processes;
mod unsubscribe;
mod verification_runs;
mod web_hardening;
