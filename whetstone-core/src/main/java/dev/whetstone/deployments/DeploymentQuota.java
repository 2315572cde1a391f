package dev.whetstone.deployments;

/** The quota of one served deployment: {@link TokenQuota} plus the capacity a PUT can change without a reload. */
public interface DeploymentQuota extends TokenQuota {
    int capacity();

    /** A PUT changed the capacity: the limits follow at once; what is left grows or shrinks by the difference. */
    void setCapacity(int capacity);

    /** The counters now, for the {@code x-ratelimit-*} headers. */
    QuotaState state();
}
