//! Accounts: sign up, log in, password reset and change (`credentials`), sessions, the
//! links that confirm an address, and the unguessable tokens every emailed link carries.

pub mod confirmation;
mod credentials;
pub mod sessions;
pub mod tokens;

pub use credentials::{
    AddressProof, EmailAddress, NewPassword, PersonName, SignUp, change_password,
    check_current_password, check_reset_token, log_in, request_password_reset, reset_password,
    sign_up,
};
