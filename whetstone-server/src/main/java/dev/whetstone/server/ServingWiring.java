package dev.whetstone.server;

import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.deployments.DeploymentQuotas;
import dev.whetstone.store.AccountKeyStore;
import dev.whetstone.store.AccountStore;
import dev.whetstone.store.DeploymentStore;
import dev.whetstone.store.SafetyStore;
import dev.whetstone.store.ServiceSecretStore;
import java.time.Clock;

/**
 * What deployments need from the outside: their store, the engine that loads their models, and where their
 * content filtering policies and blocklists are kept.
 *
 * @param accountKeys the accounts' key1 and key2 (ARM listKeys)
 * @param accounts    the accounts' homes and the owners of jobs (docs/deployments.md, "Accounts")
 * @param secrets     the service's API key and token secret, shared by the replicas
 * @param quotas      where the deployments' rate-limit buckets live: this process, or the database the replicas share
 * @param clock quota refills and timestamps (tests pass a manual clock)
 */
record ServingWiring(DeploymentStore store, SafetyStore safetyStore, AccountKeyStore accountKeys, InferenceEngine engine,
                     Clock clock, AccountStore accounts, ServiceSecretStore secrets, DeploymentQuotas quotas) {}
