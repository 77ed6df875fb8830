-- The reply digest: a campaign's owner is emailed the replies to their campaigns, at most
-- once an hour. One row per owner holds when their last digest was sent (read and written
-- under a lock on the owner's row, so several app processes send it once); each reply is
-- marked when a digest has listed it, so none is listed twice or forgotten.
CREATE TABLE reply_digests (
    owner_id BIGINT PRIMARY KEY NOT NULL REFERENCES users(id),
    sent_at TIMESTAMP NOT NULL
);
ALTER TABLE campaign_messages ADD COLUMN reply_digested_at TIMESTAMP;
-- Replies from before the digest existed are not sent now.
UPDATE campaign_messages SET reply_digested_at = replied_at WHERE replied_at IS NOT NULL;
CREATE INDEX campaign_messages_undigested_replies ON campaign_messages (campaign_id)
    WHERE replied_at IS NOT NULL AND reply_digested_at IS NULL;
