-- The process registry (docs/operations.md, "Process registry"): every `serve` and `worker` process writes its row
-- at start and rewrites it every heartbeat; `whetstone status` lists them. Times are epoch milliseconds; jobs and
-- deployments are JSON arrays of ids and names. Rows of processes that stopped heartbeating are pruned by the
-- live ones, by heartbeat_at.
CREATE TABLE processes (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    host         TEXT NOT NULL,
    pid          BIGINT NOT NULL,
    version      TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    state        TEXT NOT NULL,
    jobs         TEXT NOT NULL,
    deployments  TEXT NOT NULL
);
CREATE INDEX processes_by_heartbeat ON processes (heartbeat_at);
