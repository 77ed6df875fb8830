-- Verifying a list runs in the background, a batch at a time (issue 14 item 5). A run covers
-- the list's prospects with ids up to up_to_prospect_id (those there when it was asked for),
-- in id order; last_prospect_id is how far it got. Each batch's results, its credits and the
-- move of last_prospect_id are written in one transaction, so a crash loses at most the batch
-- being checked (nothing of it stored, nothing spent) and the next round resumes after
-- last_prospect_id. status: 'queued', 'running', 'done', 'stopped' (report says why).
CREATE TABLE verification_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    list_id BIGINT NOT NULL REFERENCES prospect_lists(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    total INTEGER NOT NULL,
    verified INTEGER NOT NULL DEFAULT 0,
    up_to_prospect_id BIGINT NOT NULL,
    last_prospect_id BIGINT NOT NULL DEFAULT 0,
    report TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX verification_runs_list ON verification_runs (list_id);
CREATE INDEX verification_runs_status ON verification_runs (status);
