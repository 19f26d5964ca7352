package io.kwhisk.perf.client;

import java.util.Optional;

/**
 * One HTTP answer as the load scenarios need it: the status, the body as text and the {@code
 * Retry-After} header (a throttled client waits it).
 */
public record HttpAnswer(int status, String body, Optional<String> retryAfter) {}
