package dev.whetstone.server;

import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.store.DeploymentStore;
import dev.whetstone.store.SafetyStore;
import java.time.Clock;

/**
 * What deployments need from the outside: their store, the engine that loads their models, and where their
 * content filtering policies and blocklists are kept.
 *
 * @param clock quota refills and timestamps (tests pass a manual clock)
 */
record ServingWiring(DeploymentStore store, SafetyStore safetyStore, InferenceEngine engine, Clock clock) {}
