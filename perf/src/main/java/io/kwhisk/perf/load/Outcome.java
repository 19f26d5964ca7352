package io.kwhisk.perf.load;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import java.io.IOException;

/**
 * What one blocking invoke came to, classified from the HTTP answer as a user would see it.
 *
 * <ul>
 *   <li>{@link Kind#OK}: 200 with an activation record whose {@code response.status} is {@code
 *       success}.
 *   <li>{@link Kind#ACCEPTED}: 202, the blocking wait expired; the activation still runs.
 *   <li>{@link Kind#THROTTLED}: 429.
 *   <li>{@link Kind#ERROR}: anything else: a failed activation (502, or a record that is not {@code
 *       success}), another status, an unreadable body, a connection failure or a client timeout.
 * </ul>
 *
 * {@code coldStart} is true when the activation record carries an {@code initTime} annotation,
 * which the platform adds only when the activation had to initialise a container.
 */
public record Outcome(Kind kind, boolean coldStart) {
  public enum Kind {
    OK,
    ACCEPTED,
    THROTTLED,
    ERROR
  }

  public static final Outcome FAILED = new Outcome(Kind.ERROR, false);

  /**
   * The annotation a platform adds to an activation record only when that activation initialised a
   * container.
   */
  static final String INIT_TIME = "initTime";

  /**
   * Classifies an answer from its body text, reading the record with Jackson's streaming parser:
   * the load scenarios' hot path, where building a tree per answer is most of the client's work.
   * Same verdicts as {@link #of(int, JsonNode)} on a parsed record (OutcomeTest checks both): a
   * body that is not one whole JSON object is an error.
   */
  public static Outcome of(int status, String body) {
    Outcome byStatus = byStatus(status);
    return byStatus != null ? byStatus : streamed(status, body);
  }

  /**
   * The verdict the status alone decides; null for 200 and 502, whose activation record decides.
   */
  private static Outcome byStatus(int status) {
    switch (status) {
      case 202:
        return new Outcome(Kind.ACCEPTED, false);
      case 429:
        return new Outcome(Kind.THROTTLED, false);
      case 200:
      case 502:
        return null;
      default:
        return FAILED;
    }
  }

  /**
   * Classifies an action container's answer to a direct {@code POST /run} (no platform, so no
   * activation record): OK when it is a 200 whose body is one JSON object (the action's result), an
   * error otherwise.
   */
  public static Outcome ofRun(int status, String body) {
    if (status != 200) return FAILED;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return FAILED;
      p.skipChildren();
      return p.currentToken() == JsonToken.END_OBJECT ? new Outcome(Kind.OK, false) : FAILED;
    } catch (IOException unreadable) {
      return FAILED;
    }
  }

  private static Outcome streamed(int status, String body) {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return FAILED;
      boolean success = false;
      boolean cold = false;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("response".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_STRING && "status".equals(inner)) {
              success = "success".equals(p.getText());
            } else {
              p.skipChildren();
            }
          }
        } else if ("annotations".equals(field) && value == JsonToken.START_ARRAY) {
          cold |= hasInitTime(p);
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) return FAILED;
      return new Outcome(status == 200 && success ? Kind.OK : Kind.ERROR, cold);
    } catch (IOException unreadable) {
      return FAILED;
    }
  }

  /** Reads an annotations array ({@code [{"key":..,"value":..}, ...]}) to its end. */
  private static boolean hasInitTime(JsonParser p) throws IOException {
    boolean found = false;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t == null) throw new IOException("annotations end early");
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        if (p.nextToken() == JsonToken.VALUE_STRING
            && "key".equals(key)
            && INIT_TIME.equals(p.getText())) {
          found = true;
        } else {
          p.skipChildren();
        }
      }
    }
    return found;
  }

  /**
   * Classifies an answer whose body was already parsed; {@code record} is a missing node if there
   * is none.
   */
  static Outcome of(int status, JsonNode record) {
    Outcome byStatus = byStatus(status);
    return byStatus != null ? byStatus : fromRecord(status, record);
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
    boolean success =
        status == 200 && "success".equals(record.path("response").path("status").asText());
    return new Outcome(success ? Kind.OK : Kind.ERROR, cold);
  }
}
