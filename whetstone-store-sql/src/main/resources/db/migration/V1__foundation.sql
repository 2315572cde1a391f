-- One migration set for SQLite and PostgreSQL: only syntax and types both accept (TEXT, BIGINT, INTEGER,
-- DOUBLE PRECISION, BOOLEAN, row constraints). Times are epoch seconds, as the API reports them, unless a
-- column says otherwise. JSON is stored as TEXT: the services own its shape, and SQLite has no JSON type.
-- ${binary_collation} makes ids compare by code point on both engines: cursor pagination orders by
-- (created_at, id), and a locale-aware PostgreSQL collation would order ids differently than SQLite and Java.

CREATE TABLE files (
    id                     TEXT ${binary_collation} NOT NULL PRIMARY KEY,
    created_at             BIGINT NOT NULL,
    filename               TEXT   NOT NULL,
    purpose                TEXT   NOT NULL, -- FilePurpose wire name
    bytes                  BIGINT,          -- null while unknown (an import still downloading)
    status                 TEXT   NOT NULL, -- FileStatus wire name
    status_details         TEXT,
    sha256                 TEXT,
    blob_key               TEXT,            -- null until the content is completely stored
    stats_format           TEXT,            -- FileStatistics; stats_examples is null when there are none
    stats_examples         BIGINT,
    stats_estimated_tokens BIGINT
);
CREATE INDEX files_by_created ON files (created_at, id);
CREATE INDEX files_by_purpose_created ON files (purpose, created_at, id);
CREATE INDEX files_by_status ON files (status);

CREATE TABLE jobs (
    id               TEXT ${binary_collation} NOT NULL PRIMARY KEY,
    created_at       BIGINT  NOT NULL,
    status           TEXT    NOT NULL,
    model            TEXT    NOT NULL,
    training_file    TEXT    NOT NULL, -- no foreign key: file records are deleted independently of jobs
    validation_file  TEXT,
    suffix           TEXT,
    seed             BIGINT,
    hyperparameters  TEXT,             -- JSON object
    method           TEXT,             -- the API's method object, JSON
    fine_tuned_model TEXT,
    result_files     TEXT,             -- JSON array of file ids
    trained_tokens   BIGINT,
    finished_at      BIGINT,
    estimated_finish BIGINT,
    error            TEXT,             -- JSON error object
    version          INTEGER NOT NULL DEFAULT 0, -- optimistic claims: UPDATE ... WHERE version = :previous
    lease_owner      TEXT,
    lease_expires_at BIGINT,           -- epoch milliseconds: leases last seconds
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    pause_requested  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX jobs_by_created ON jobs (created_at, id);
CREATE INDEX jobs_by_status ON jobs (status, created_at);

CREATE TABLE job_events (
    id         TEXT ${binary_collation} NOT NULL PRIMARY KEY,
    job_id     TEXT ${binary_collation} NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    seq        BIGINT NOT NULL, -- stable order within a job where created_at ties
    level      TEXT   NOT NULL,
    type       TEXT   NOT NULL,
    message    TEXT   NOT NULL,
    data       TEXT,            -- JSON object
    UNIQUE (job_id, seq)
);

CREATE TABLE job_metrics (
    job_id                         TEXT ${binary_collation} NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step                           INTEGER NOT NULL,
    train_loss                     DOUBLE PRECISION,
    train_mean_token_accuracy      DOUBLE PRECISION,
    valid_loss                     DOUBLE PRECISION,
    valid_mean_token_accuracy      DOUBLE PRECISION,
    full_valid_loss                DOUBLE PRECISION,
    full_valid_mean_token_accuracy DOUBLE PRECISION,
    PRIMARY KEY (job_id, step)
);

CREATE TABLE checkpoints (
    id                          TEXT ${binary_collation} NOT NULL PRIMARY KEY,
    job_id                      TEXT ${binary_collation} NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    created_at                  BIGINT  NOT NULL,
    step_number                 INTEGER NOT NULL,
    fine_tuned_model_checkpoint TEXT    NOT NULL,
    metrics                     TEXT,             -- JSON object
    dir                         TEXT    NOT NULL
);
CREATE INDEX checkpoints_by_job ON checkpoints (job_id, step_number);

CREATE TABLE models (
    id         TEXT ${binary_collation} NOT NULL PRIMARY KEY,
    created_at BIGINT NOT NULL,
    base_model TEXT   NOT NULL,
    job_id     TEXT ${binary_collation}, -- no foreign key: deleting a job record must not delete its model
    dir        TEXT,
    status     TEXT   NOT NULL
);
CREATE INDEX models_by_created ON models (created_at, id);

CREATE TABLE deployments (
    account      TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    model        TEXT    NOT NULL,
    sku_name     TEXT    NOT NULL,
    sku_capacity INTEGER NOT NULL,
    state        TEXT    NOT NULL,
    error        TEXT,              -- JSON error object
    PRIMARY KEY (account, name)
);
