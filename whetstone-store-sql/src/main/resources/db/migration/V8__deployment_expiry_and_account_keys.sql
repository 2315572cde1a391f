-- Deployment expiry (docs/deployments.md, "Expiry"): when a deployment last answered an inference, so that idle
-- deployments can be deleted. Epoch seconds, 0 for never (then the idle time counts from created_at).

ALTER TABLE deployments ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;

-- The two keys of each account (ARM listKeys / regenerateKey; docs/security.md). The keys are kept as they are,
-- because listKeys shows them; requests are matched by their SHA-256 (hex), so the lookup is an indexed equality
-- on a digest rather than on the secret.
CREATE TABLE account_keys (
    account     TEXT PRIMARY KEY,
    key1        TEXT NOT NULL,
    key2        TEXT NOT NULL,
    key1_sha256 TEXT NOT NULL,
    key2_sha256 TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX account_keys_by_key1 ON account_keys (key1_sha256);
CREATE INDEX account_keys_by_key2 ON account_keys (key2_sha256);
