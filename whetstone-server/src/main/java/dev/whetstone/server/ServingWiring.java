package dev.whetstone.server;

import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.store.DeploymentStore;
import java.time.Clock;

/**
 * What deployments need from the outside: their store and the engine that loads their models.
 *
 * @param clock quota refills and timestamps (tests pass a manual clock)
 */
record ServingWiring(DeploymentStore store, InferenceEngine engine, Clock clock) {}
