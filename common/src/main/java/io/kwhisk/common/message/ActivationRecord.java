package io.kwhisk.common.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An activation record in Apache OpenWhisk's JSON shape, so OpenWhisk clients read it unchanged.
 * Times are epoch milliseconds; {@code annotations} carry {@code path}, {@code kind}, {@code
 * limits}, {@code waitTime} and, for a cold start, {@code initTime}. {@code cause} is the id of the
 * sequence activation this one ran in (null, and absent from the JSON, otherwise).
 */
public record ActivationRecord(
    String namespace,
    String name,
    String version,
    String subject,
    String activationId,
    long start,
    long end,
    long duration,
    int statusCode,
    ActivationResponse response,
    List<String> logs,
    List<KeyValue> annotations,
    boolean publish,
    String cause) {

  public ActivationRecord {
    Objects.requireNonNull(activationId, "activationId should not be null");
    Objects.requireNonNull(response, "response should not be null");
    logs = logs == null ? List.of() : List.copyOf(logs);
    annotations = annotations == null ? List.of() : List.copyOf(annotations);
  }

  /** A record no sequence caused. */
  public ActivationRecord(
      String namespace,
      String name,
      String version,
      String subject,
      String activationId,
      long start,
      long end,
      long duration,
      int statusCode,
      ActivationResponse response,
      List<String> logs,
      List<KeyValue> annotations,
      boolean publish) {
    this(
        namespace,
        name,
        version,
        subject,
        activationId,
        start,
        end,
        duration,
        statusCode,
        response,
        logs,
        annotations,
        publish,
        null);
  }

  public Optional<JsonNode> annotation(String key) {
    return annotations.stream().filter(kv -> kv.key().equals(key)).map(KeyValue::value).findFirst();
  }
}
