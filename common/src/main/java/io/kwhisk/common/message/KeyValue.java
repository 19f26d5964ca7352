package io.kwhisk.common.message;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * OpenWhisk's {@code {"key":..., "value":...}} pair, used for annotations and parameters on the
 * wire.
 */
public record KeyValue(String key, JsonNode value) {}
