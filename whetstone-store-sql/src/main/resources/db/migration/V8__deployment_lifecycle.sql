-- Deployment lifecycle (docs/deployments.md, "Expiry"): when a deployment last answered an inference, so that idle
-- deployments can be deleted. Epoch seconds, 0 for never (then the idle time counts from created_at).

ALTER TABLE deployments ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
