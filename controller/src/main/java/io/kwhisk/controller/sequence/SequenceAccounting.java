package io.kwhisk.controller.sequence;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * What a running sequence has done so far, as OpenWhisk accounts it: the atomic actions run (across
 * nested sequences), the last response (the next component's input, and the sequence's result at
 * the end), the component activation ids (the sequence record's logs), the summed durations, the
 * largest memory limit seen, and whether it must stop (a component failed or returned an {@code
 * error} field). Immutable; transitions are pure.
 */
record SequenceAccounting(
    int atomic,
    ActivationResponse last,
    List<String> logs,
    long duration,
    Integer maxMemory,
    boolean stop) {

  SequenceAccounting {
    logs = List.copyOf(logs);
  }

  /** Before the first component: the sequence's input stands as the last response. */
  static SequenceAccounting start(int atomic, JsonNode input) {
    return new SequenceAccounting(
        atomic, ActivationResponse.success(input), List.of(), 0, null, false);
  }

  /** The next component's input: the last result (an empty object when there was none). */
  JsonNode nextInput() {
    JsonNode r = last.result();
    return r == null || r.isNull() ? Json.object() : r;
  }

  /**
   * A component ended with {@code record} and the atomic count is now {@code atomicNow}. The
   * sequence goes on only when it succeeded without an {@code error} field in its result.
   */
  SequenceAccounting after(ActivationRecord record, int atomicNow) {
    List<String> ids = new ArrayList<>(logs);
    ids.add(record.activationId());
    Integer memory = maxMemory;
    JsonNode limits = record.annotation("limits").orElse(null);
    if (limits != null && limits.path("memory").isNumber()) {
      memory = Math.max(memory == null ? 0 : memory, limits.path("memory").asInt());
    }
    JsonNode result = record.response().result();
    boolean failed =
        record.response().statusCode() != ActivationResponse.SUCCESS
            || (result != null && result.isObject() && result.has("error"));
    return new SequenceAccounting(
        atomicNow, record.response(), ids, duration + record.duration(), memory, failed);
  }

  /**
   * The sequence stops with {@code response}; {@code activationId} (may be null) joins the logs.
   */
  SequenceAccounting fail(ActivationResponse response, String activationId) {
    List<String> ids = new ArrayList<>(logs);
    if (activationId != null) ids.add(activationId);
    return new SequenceAccounting(atomic, response, ids, duration, maxMemory, true);
  }

  static ActivationResponse applicationError(String message) {
    return ActivationResponse.applicationError(Json.object().put("error", message));
  }

  static ActivationResponse whiskError(String message) {
    return ActivationResponse.whiskError(Json.object().put("error", message));
  }
}
