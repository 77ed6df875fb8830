-- A team exists once its leader has invited someone; one team per leader.
CREATE TABLE teams (
    id BIGSERIAL PRIMARY KEY,
    leader_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);

-- The one authoritative membership row. A row with ended_at set is a former member,
-- kept so that past usage and statistics stay attributed.
CREATE TABLE memberships (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    can_export BOOLEAN NOT NULL DEFAULT TRUE,
    records_scope TEXT NOT NULL DEFAULT 'own',
    joined_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    end_reason TEXT
);
-- A user is an active member of at most one team.
CREATE UNIQUE INDEX memberships_one_active_team ON memberships (user_id) WHERE ended_at IS NULL;
CREATE INDEX memberships_team ON memberships (team_id);

CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'pending',
    expires_at TIMESTAMP NOT NULL,
    last_sent_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    responded_at TIMESTAMP
);
CREATE UNIQUE INDEX invitations_one_pending ON invitations (team_id, email) WHERE status = 'pending';
CREATE INDEX invitations_email ON invitations (email, status);

-- Every spend of payment units: who paid (whose plan pool), who spent, in which period.
CREATE TABLE usage_ledger (
    id BIGSERIAL PRIMARY KEY,
    payer_id BIGINT NOT NULL REFERENCES users(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    team_id BIGINT REFERENCES teams(id),
    kind TEXT NOT NULL,
    amount INTEGER NOT NULL,
    recipient_email TEXT,
    period_start TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX usage_ledger_pool ON usage_ledger (payer_id, period_start, kind);
CREATE UNIQUE INDEX usage_ledger_recipient_once ON usage_ledger (payer_id, period_start, recipient_email) WHERE kind = 'recipient';

CREATE TABLE team_activity (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams(id),
    actor_id BIGINT NOT NULL REFERENCES users(id),
    subject_email TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX team_activity_team ON team_activity (team_id, created_at);
