//! dripteam: a self-hosted outreach workspace whose centre is Teamwork.
//! See README.md for the module map.

pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod dns;
pub mod domain;
pub mod jobs;
pub mod mail;
pub mod mailboxes;
pub mod startup;
pub mod text;
pub mod web;
