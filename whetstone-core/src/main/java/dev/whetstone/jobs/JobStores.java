package dev.whetstone.jobs;

import dev.whetstone.store.CheckpointStore;
import dev.whetstone.store.JobEventStore;
import dev.whetstone.store.JobStore;
import dev.whetstone.store.ModelStore;

/** The four stores a job's life touches, passed around together. */
public record JobStores(JobStore jobs, JobEventStore events, CheckpointStore checkpoints, ModelStore models) {}
