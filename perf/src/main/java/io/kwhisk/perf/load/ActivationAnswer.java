package io.kwhisk.perf.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.kwhisk.common.json.Json;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * One blocking invoke's HTTP answer with its body parsed once: the {@link Outcome} the load
 * scenarios count, and what the burst and lifecycle scenarios read from the activation record (its
 * {@code start}, the {@code initTime} annotation, the action's result).
 *
 * @param status the HTTP status; 0 when no answer arrived (connection failure, client timeout)
 * @param record the activation record, or a missing node when the answer carries none (a status
 *     other than 200 and 502, or an unreadable body)
 */
public record ActivationAnswer(int status, Outcome outcome, JsonNode record) {
  /** No answer at all: the connection failed or the client timed out. */
  public static final ActivationAnswer NONE =
      new ActivationAnswer(0, Outcome.FAILED, MissingNode.getInstance());

  public static ActivationAnswer of(int status, String body) {
    JsonNode record = MissingNode.getInstance();
    if (status == 200 || status == 502) {
      try {
        JsonNode parsed = Json.MAPPER.readTree(body);
        if (parsed != null && parsed.isObject()) record = parsed;
      } catch (IOException | RuntimeException unreadable) {
        // Stays missing: Outcome counts it as an error.
      }
    }
    return new ActivationAnswer(status, Outcome.of(status, record), record);
  }

  /**
   * The record's {@code start}: epoch milliseconds on the invoker's clock; for a cold start the
   * moment {@code /init} began, that is once the container was up.
   */
  public OptionalLong startMillis() {
    JsonNode start = record.path("start");
    return start.canConvertToLong() && start.isIntegralNumber()
        ? OptionalLong.of(start.asLong())
        : OptionalLong.empty();
  }

  /**
   * The {@code initTime} annotation in milliseconds: present only when this activation initialised
   * a container.
   */
  public OptionalLong initTimeMillis() {
    for (JsonNode kv : record.path("annotations")) {
      if (Outcome.INIT_TIME.equals(kv.path("key").asText())) {
        JsonNode v = kv.path("value");
        return OptionalLong.of(v.asLong(0));
      }
    }
    return OptionalLong.empty();
  }

  /** What the action returned ({@code response.result}); a missing node without a record. */
  public JsonNode result() {
    return record.path("response").path("result");
  }
}
