package dev.whetstone.jobs;

/** The job's {@code error} object (docs/reference/API.md 3.1): why it failed, and which input, if one is to blame. */
public record JobError(String code, String message, String param) {}
