-- What deployments need beyond the foundation table (same dialect rules as V1).
-- Names are unique across accounts: the data-plane inference URL (/openai/deployments/{name}/...) has no account.

ALTER TABLE deployments ADD COLUMN model_format  TEXT NOT NULL DEFAULT 'OpenAI';
ALTER TABLE deployments ADD COLUMN model_version TEXT NOT NULL DEFAULT '1';
ALTER TABLE deployments ADD COLUMN model_source  TEXT;              -- ARM id of the account holding the model
ALTER TABLE deployments ADD COLUMN updated_at    BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deployments ADD COLUMN etag          TEXT NOT NULL DEFAULT ''; -- updates: UPDATE ... WHERE etag = :expected

CREATE UNIQUE INDEX deployments_by_name ON deployments (name);
CREATE INDEX deployments_by_account_created ON deployments (account, created_at, name);
