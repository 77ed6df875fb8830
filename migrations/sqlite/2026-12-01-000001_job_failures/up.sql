-- An outbox email that can never be sent as it stands (an address or subject that cannot go
-- into a header, or building it failed): set once, with the reason in last_error; such an
-- email is no longer due.
ALTER TABLE outbox ADD COLUMN failed_at TIMESTAMP;
