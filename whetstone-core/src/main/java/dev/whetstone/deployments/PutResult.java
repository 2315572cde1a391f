package dev.whetstone.deployments;

/** The answer to a PUT: the deployment, and whether it was created (201) rather than updated (200). */
public record PutResult(Deployment deployment, boolean created) {}
