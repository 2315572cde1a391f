-- Deployments' rate-limit buckets shared by every serve replica (docs/deployments.md, "Rate limits"): capacity N
-- allows N x 1000 tokens and N x 6 requests a minute across the whole cluster. Each charge reads the row and writes
-- it back only if version is unchanged (compare-and-set), so replicas charging at once never spend the same tokens.
-- tokens and requests are fractional (continuous refill); refilled_at is epoch milliseconds and never goes back.
-- UNLOGGED on PostgreSQL: no WAL, so a charge's commit waits for no disk flush (the cost per request is the round
-- trips); after a database crash or on a promoted standby the table is empty and the buckets start full, exactly
-- as one process's buckets do after a restart.
CREATE ${unlogged} TABLE quota_buckets (
    deployment    TEXT PRIMARY KEY,
    token_limit   BIGINT NOT NULL,
    request_limit BIGINT NOT NULL,
    tokens        DOUBLE PRECISION NOT NULL,
    requests      DOUBLE PRECISION NOT NULL,
    refilled_at   BIGINT NOT NULL,
    version       BIGINT NOT NULL
);

-- Secrets every replica must share (docs/security.md): the generated admin API key ('api_key') and the HS256
-- token-signing secret ('token_secret', hex). Inserted once by the first process (ON CONFLICT DO NOTHING, then
-- read back, so processes starting together agree); an existing data folder's api-key and token-secret files are
-- imported on first start.
CREATE TABLE service_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
