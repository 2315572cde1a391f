package dev.whetstone.deployments;

/** ARM's provisioningState of a deployment (docs/reference/API.md 5.1), spelled as ARM spells it ("Canceled", one "l"). */
public enum ProvisioningState {
    ACCEPTED("Accepted"),
    CREATING("Creating"),
    SUCCEEDED("Succeeded"),
    FAILED("Failed"),
    DELETING("Deleting"),
    MOVING("Moving"),
    DISABLED("Disabled"),
    CANCELED("Canceled");

    private final String wireName;

    ProvisioningState(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    public static ProvisioningState fromWire(String value) {
        for (ProvisioningState s : values()) {
            if (s.wireName.equals(value)) return s;
        }
        throw new IllegalArgumentException("unknown provisioning state " + value);
    }

    /** States whose weights should be in memory: loaded again when the service starts. */
    public boolean wantsLoaded() { return this == ACCEPTED || this == CREATING || this == SUCCEEDED; }
}
