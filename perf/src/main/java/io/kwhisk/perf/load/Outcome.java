package io.kwhisk.perf.load;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one blocking invoke came to, classified from the HTTP answer as a user would see it.
 *
 * <ul>
 *   <li>{@link Kind#OK}: 200 with an activation record whose {@code response.status} is {@code success}.
 *   <li>{@link Kind#ACCEPTED}: 202, the blocking wait expired; the activation still runs.
 *   <li>{@link Kind#THROTTLED}: 429.
 *   <li>{@link Kind#ERROR}: anything else: a failed activation (502, or a record that is not {@code success}),
 *       another status, an unreadable body, a connection failure or a client timeout.
 * </ul>
 *
 * {@code coldStart} is true when the activation record carries an {@code initTime} annotation, which the platform
 * adds only when the activation had to initialise a container.
 */
public record Outcome(Kind kind, boolean coldStart) {
  public enum Kind { OK, ACCEPTED, THROTTLED, ERROR }

  public static final Outcome FAILED = new Outcome(Kind.ERROR, false);

  /** The annotation a platform adds to an activation record only when that activation initialised a container. */
  static final String INIT_TIME = "initTime";

  public static Outcome of(int status, String body) {
    return ActivationAnswer.of(status, body).outcome();
  }

  /** Classifies an answer whose body was already parsed; {@code record} is a missing node if there is none. */
  static Outcome of(int status, JsonNode record) {
    switch (status) {
      case 202:
        return new Outcome(Kind.ACCEPTED, false);
      case 429:
        return new Outcome(Kind.THROTTLED, false);
      case 200:
      case 502:
        return fromRecord(status, record);
      default:
        return FAILED;
    }
  }

  private static Outcome fromRecord(int status, JsonNode record) {
    if (!record.isObject()) return FAILED;
    boolean cold = false;
    for (JsonNode kv : record.path("annotations")) {
      if (INIT_TIME.equals(kv.path("key").asText())) {
        cold = true;
        break;
      }
    }
    boolean success = status == 200 && "success".equals(record.path("response").path("status").asText());
    return new Outcome(success ? Kind.OK : Kind.ERROR, cold);
  }
}
