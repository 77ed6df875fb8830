-- Prospect lists and prospects belong to the user who created them (owner_id).
CREATE TABLE prospect_lists (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX prospect_lists_owner ON prospect_lists (owner_id);

CREATE TABLE prospects (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    list_id BIGINT NOT NULL REFERENCES prospect_lists(id) ON DELETE CASCADE,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    email TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    position TEXT NOT NULL DEFAULT '',
    verification TEXT,
    verification_detail TEXT NOT NULL DEFAULT '',
    verified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX prospects_email_once_per_list ON prospects (list_id, email);
CREATE INDEX prospects_owner_created ON prospects (owner_id, created_at);

-- Custom field definitions belong to the user who created them while importing.
CREATE TABLE custom_fields (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX custom_fields_name_per_owner ON custom_fields (owner_id, name);

CREATE TABLE prospect_field_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    prospect_id BIGINT NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    field_id BIGINT NOT NULL REFERENCES custom_fields(id),
    value TEXT NOT NULL
);
CREATE UNIQUE INDEX prospect_field_values_once ON prospect_field_values (prospect_id, field_id);

-- A CSV upload and its import. The file is kept until the import ends so that the
-- import can run in the background; the import itself is one transaction.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    list_id BIGINT NOT NULL REFERENCES prospect_lists(id) ON DELETE CASCADE,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    total_rows INTEGER NOT NULL DEFAULT 0,
    checked_rows INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    mapping TEXT NOT NULL DEFAULT '',
    report TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX imports_owner ON imports (owner_id);
