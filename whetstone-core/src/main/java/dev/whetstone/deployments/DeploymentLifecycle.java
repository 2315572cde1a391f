package dev.whetstone.deployments;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When deployments are deleted without being asked, as Azure does (docs/deployments.md, "Expiry"): a
 * {@code DeveloperTier} deployment a fixed time after its creation (Azure: 24 hours), and any deployment that has
 * answered no inference for a while (Azure: 15 days, counted from its creation when it was never used).
 *
 * @param developerTierLifetime how long a DeveloperTier deployment lives
 * @param idleLimit             how long a deployment may go without inference; {@link Duration#ZERO}: never deleted for it
 * @param sweepEvery            how often the service looks for deployments past their time
 */
public record DeploymentLifecycle(Duration developerTierLifetime, Duration idleLimit, Duration sweepEvery) {
    public static final String DEVELOPER_TIER = "DeveloperTier";
    public static final DeploymentLifecycle AZURE = new DeploymentLifecycle(Duration.ofHours(24), Duration.ofDays(15),
            Duration.ofMinutes(1));

    public DeploymentLifecycle {
        if (developerTierLifetime.isNegative() || developerTierLifetime.isZero()) {
            throw new IllegalArgumentException("the DeveloperTier lifetime must be positive, got " + developerTierLifetime);
        }
        if (idleLimit.isNegative()) throw new IllegalArgumentException("the idle limit must be 0 (off) or positive, got " + idleLimit);
        if (sweepEvery.toMillis() < 10) throw new IllegalArgumentException("the sweep interval must be at least 10 ms, got " + sweepEvery);
    }

    /** Why a deployment is deleted: the wire names of {@code properties.expiryReason}. */
    public enum Reason {
        DEVELOPER_TIER("DeveloperTier"), IDLE("Idle");

        private final String wire;

        Reason(String wire) { this.wire = wire; }

        public String wireName() { return wire; }
    }

    /** When and why a deployment will be deleted unless something changes (a use postpones an idle deletion). */
    public record Expiry(Instant at, Reason reason) {}

    /** The earlier of the DeveloperTier end and the idle deadline; empty when neither applies. */
    public Optional<Expiry> expiry(Deployment d) {
        Expiry developer = d.sku().name().equalsIgnoreCase(DEVELOPER_TIER)
                ? new Expiry(Instant.ofEpochSecond(d.createdAt()).plus(developerTierLifetime), Reason.DEVELOPER_TIER)
                : null;
        Expiry idle = idleLimit.isZero() ? null
                : new Expiry(Instant.ofEpochSecond(Math.max(d.createdAt(), d.lastUsedAt())).plus(idleLimit), Reason.IDLE);
        if (developer == null) return Optional.ofNullable(idle);
        if (idle == null) return Optional.of(developer);
        return Optional.of(idle.at().isBefore(developer.at()) ? idle : developer);
    }

    /** "15 days", "24 hours", "90 minutes", else the ISO form. */
    static String words(Duration d) {
        if (d.toSeconds() % 86400 == 0) return d.toDays() + (d.toDays() == 1 ? " day" : " days");
        if (d.toSeconds() % 3600 == 0) return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
        if (d.toSeconds() % 60 == 0) return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
        return d.toString();
    }

    /** The log line of a deletion, saying which rule and since when. */
    String describe(Deployment d, Expiry e) {
        return switch (e.reason()) {
            case DEVELOPER_TIER -> "deployment '" + d.name() + "' (account '" + d.account() + "') deleted: a "
                    + DEVELOPER_TIER + " deployment expires " + words(developerTierLifetime) + " after its creation at "
                    + Instant.ofEpochSecond(d.createdAt()) + " (due " + e.at() + ")";
            case IDLE -> "deployment '" + d.name() + "' (account '" + d.account() + "') deleted: no inference for "
                    + words(idleLimit) + " (last " + (d.lastUsedAt() > 0 ? "used " + Instant.ofEpochSecond(d.lastUsedAt())
                    : "never used; created " + Instant.ofEpochSecond(d.createdAt())) + ", due " + e.at() + ")";
        };
    }
}
