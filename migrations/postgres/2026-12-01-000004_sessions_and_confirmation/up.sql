-- Server-side sessions: the cookie carries a random token, the database only its SHA-256.
-- Log-out revokes one row; a password reset or "Log out other sessions" revokes several.
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    client TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions (user_id, revoked_at);

-- When the owner proved the address by following an emailed link; empty: unconfirmed.
-- Accounts that exist when this migration runs count as confirmed (as of their sign-up):
-- they were created before dripteam asked for proof, and locking them out of their teams'
-- invitations now would punish their owners for our omission.
ALTER TABLE users ADD COLUMN email_confirmed_at TIMESTAMP;
UPDATE users SET email_confirmed_at = created_at;

-- Emailed links that prove an address: "confirm" (the account's own address, at sign-up
-- or resent) and "change" (a new address the owner asked for; it replaces the old one
-- only when this link is followed). Only the SHA-256 of the token is stored.
CREATE TABLE email_confirmations (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    email TEXT NOT NULL,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX email_confirmations_user ON email_confirmations (user_id, created_at);
