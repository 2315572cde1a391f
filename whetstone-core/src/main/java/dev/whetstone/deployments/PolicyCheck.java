package dev.whetstone.deployments;

/** Whether an account has the content filtering policy a deployment names (the safety service answers). */
@FunctionalInterface
public interface PolicyCheck {
    /**
     * @param policyName null for the default policy, which always exists
     * @throws dev.whetstone.error.ApiException 400 naming {@code properties.raiPolicyName} when it does not exist
     */
    void require(String account, String policyName);
}
