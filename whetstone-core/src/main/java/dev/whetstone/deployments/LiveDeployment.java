package dev.whetstone.deployments;

import dev.whetstone.engine.inference.ServedModel;

/**
 * A deployment that can answer.
 *
 * @param name      the deployment name (the {@code {deployment-id}} of inference URLs)
 * @param modelName the model it serves, as responses report it in {@code model}
 * @param model     the loaded model
 * @param quota     its tokens-per-minute budget
 * @param account   the account it belongs to, whose policies apply; null for one outside any account (tests)
 * @param raiPolicyName its content filtering policy, or null for Microsoft.Default
 */
public record LiveDeployment(String name, String modelName, ServedModel model, TokenQuota quota, String account,
                             String raiPolicyName) {}
