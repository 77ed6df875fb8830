//! HTTP: one file per page or resource. Handlers extract and parse input, call one domain
//! function inside `AppState::db`, and render a template or redirect with a flash message.

pub mod account;
pub mod approvals;
pub mod assets;
pub mod auth;
pub mod billing;
pub mod campaign_archive;
pub mod campaign_handover;
pub mod campaign_launch;
pub mod campaign_lifecycle;
pub mod campaign_settings;
pub mod campaign_steps;
pub mod campaign_test_email;
pub mod campaigns;
pub mod csv_download;
pub mod dev_mailbox;
pub mod do_not_email;
pub mod error_pages;
pub mod errors;
pub mod extract;
pub mod home;
pub mod imports;
pub mod invitations;
pub mod navigation;
pub mod page;
pub mod prospect_list;
pub mod prospect_profile;
pub mod prospects;
pub mod respond;
pub mod senders;
pub mod statistics;
pub mod team;
pub mod team_activity;
pub mod team_departures;
pub mod team_settings;
pub mod tracking;
pub mod unsubscribe;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(assets::stylesheet)
        .service(assets::script)
        .service(assets::healthz)
        .service(home::landing)
        .service(account::account)
        .service(account::log_out_others)
        .service(account::change_password)
        .service(account::change_email)
        .service(account::change_time_zone)
        .service(account::resend_confirmation)
        .service(account::confirm_form)
        .service(account::confirm)
        .service(auth::signup_form)
        .service(auth::signup)
        .service(auth::login_form)
        .service(auth::login)
        .service(auth::logout)
        .service(auth::forgot_form)
        .service(auth::forgot)
        .service(auth::reset_form)
        .service(auth::reset)
        .service(billing::page)
        .service(billing::change_plan)
        .service(billing::downgrade_page)
        .service(billing::schedule_downgrade)
        .service(billing::cancel_downgrade)
        .service(billing::renew)
        .service(statistics::page)
        .service(statistics::download_csv)
        .service(team::page)
        .service(team::invite)
        .service(team::resend)
        .service(team::cancel)
        .service(team::set_permissions)
        .service(team::set_caps)
        .service(team_settings::save)
        .service(approvals::set_needs_approval)
        .service(approvals::page)
        .service(approvals::approve)
        .service(approvals::reject)
        .service(approvals::request)
        .service(team_activity::page)
        .service(team_activity::download_csv)
        .service(team_departures::confirm_remove)
        .service(team_departures::remove)
        .service(team_departures::confirm_leave)
        .service(team_departures::leave)
        .service(invitations::follow_link)
        .service(invitations::join_from_link)
        .service(invitations::join_in_app)
        .service(invitations::decline)
        .service(prospects::lists_page)
        .service(prospects::create_list)
        .service(prospect_list::list_page)
        .service(prospects::rename_list)
        .service(prospects::confirm_delete_list)
        .service(prospects::delete_list)
        .service(prospects::add_prospect)
        .service(prospects::export)
        .service(prospect_profile::verify_list)
        .service(imports::upload_form)
        .service(imports::upload)
        .service(imports::import_page)
        .service(imports::start)
        .service(do_not_email::list)
        .service(do_not_email::add)
        .service(do_not_email::remove)
        // Before /prospects/{id}, which would take "do-not-email.csv" for an id.
        .service(do_not_email::download_csv)
        .service(do_not_email::import_csv)
        .service(prospect_profile::confirm_forget)
        .service(prospect_profile::forget_prospect)
        .service(prospect_profile::profile)
        .service(prospect_profile::update)
        .service(prospect_profile::delete)
        .service(prospect_profile::verify_prospect)
        .service(senders::list)
        .service(senders::add)
        .service(senders::edit_form)
        .service(senders::update)
        .service(senders::delete)
        .service(senders::test_connection)
        .service(campaigns::list)
        .service(campaigns::create)
        .service(campaigns::campaign_page)
        .service(campaigns::settings)
        .service(campaign_steps::add_step)
        .service(campaign_steps::update_step)
        .service(campaign_steps::delete_step)
        .service(campaign_test_email::send_test_email)
        .service(campaign_launch::confirm_launch)
        .service(campaign_lifecycle::launch)
        .service(campaign_lifecycle::pause)
        .service(campaign_lifecycle::resume)
        .service(campaign_lifecycle::resume_recipient)
        .service(campaign_archive::archive)
        .service(campaign_archive::unarchive)
        .service(campaign_archive::confirm_delete)
        .service(campaign_archive::delete)
        .service(campaign_handover::restart)
        .service(tracking::open_pixel)
        .service(tracking::click)
        .service(unsubscribe::confirm)
        .service(unsubscribe::one_click)
        .service(dev_mailbox::mailbox);
}

/// Every unknown path: the styled 404 page.
pub async fn not_found() -> Result<actix_web::HttpResponse, errors::AppError> {
    Err(errors::AppError::NotFound)
}
