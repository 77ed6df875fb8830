-- Launch approval (issue 16 item 3). Per membership: the leader set "Campaigns need
-- approval". Per campaign: its approval, one row at most: waiting (asked for, with the
-- "Launch at" time asked, if any), approved (by whom, when), or rejected with the reason.
-- A change to the campaign while waiting or after approval deletes the row.
ALTER TABLE memberships ADD COLUMN launch_needs_approval BOOLEAN NOT NULL DEFAULT 0;
CREATE TABLE campaign_approvals (
    campaign_id BIGINT PRIMARY KEY NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    launch_at TIMESTAMP NULL,
    reason TEXT NOT NULL DEFAULT '',
    requested_at TIMESTAMP NOT NULL,
    decided_by BIGINT NULL REFERENCES users(id),
    decided_at TIMESTAMP NULL
);
CREATE INDEX campaign_approvals_status ON campaign_approvals (status);
