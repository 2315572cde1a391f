package dev.whetstone.data.prepare;

/** How much a finding matters: an error makes the file fail the service's checks; the others are advice. */
public enum Severity {
    ERROR, WARNING, SUGGESTION, INFO
}
