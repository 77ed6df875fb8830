-- Team statistics read only these columns of campaign emails: a covering index lets the
-- per-member aggregates over a million emails run from the index alone.
CREATE INDEX campaign_messages_statistics ON campaign_messages (owner_id, sent_at, recipient_id, opened_at, clicked_at, replied_at);
