package dev.whetstone.server.api;

/** Which API dialect a request came in on: shapes status codes, object fields and list metadata (docs/reference/API.md §7). */
public enum Flavor { AZURE, OPENAI }
