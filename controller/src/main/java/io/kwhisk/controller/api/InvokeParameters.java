package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The parameters of an invoke: the request body (a JSON object, {@code {}} when empty) over the
 * action's defaults.
 */
public final class InvokeParameters {
  /** The annotation that makes an action's parameters final: callers may not override them. */
  public static final String FINAL = "final";

  private InvokeParameters() {}

  /**
   * Parses an invoke body: empty means no parameters; a JSON object or, as OpenWhisk allows, a JSON
   * array; anything else is refused (400).
   */
  public static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) return Json.object();
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiError.badRequest("The request content was malformed: it is not valid JSON.");
    }
    if (root == null || root.isMissingNode()) return Json.object();
    if (!root.isObject() && !root.isArray()) {
      throw ApiError.badRequest(
          "The request content was malformed: it must be a JSON object or array.");
    }
    return root;
  }

  /**
   * The action's default parameters with the caller's on top: a caller's value wins, except that an
   * action annotated {@code final} (truthy) refuses (400) a caller's value for any parameter it
   * defines, as OpenWhisk does. An array the caller gave is the action's input as it is: it has no
   * names to merge defaults under.
   */
  public static JsonNode merge(Action action, JsonNode given) {
    if (given.isArray()) return given;
    return merge(action, (ObjectNode) given);
  }

  private static ObjectNode merge(Action action, ObjectNode given) {
    if (ActionPut.truthy(action.annotations().get(FINAL), false)) {
      for (String key : action.parameters().keySet()) {
        if (given.has(key)) {
          throw ApiError.badRequest(
              "Request defines parameters that are not allowed (e.g., reserved properties).");
        }
      }
    }
    return merge(action.parameters(), given);
  }

  /** The action's default parameters with the caller's on top: a caller's value wins. */
  public static ObjectNode merge(Map<String, JsonNode> defaults, ObjectNode given) {
    ObjectNode out = Json.object();
    defaults.forEach(out::set);
    given.properties().forEach(e -> out.set(e.getKey(), e.getValue()));
    return out;
  }

  /**
   * How long a blocking invoke waits: {@code ?timeout=} in milliseconds, capped at the configured
   * maximum.
   */
  public static Duration blockingWait(String timeoutParam, Duration max) {
    if (timeoutParam == null || timeoutParam.isBlank()) return max;
    long millis;
    try {
      millis = Long.parseLong(timeoutParam.trim());
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("The query parameter 'timeout' must be a number of milliseconds.");
    }
    if (millis <= 0) throw ApiError.badRequest("The query parameter 'timeout' must be positive.");
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }

  /**
   * A list's {@code limit} query parameter, OpenWhisk's way: absent is {@code fallback}, 0 means
   * {@code max}, and a value above {@code max} is refused (400) rather than cut.
   */
  public static int listLimit(String collection, String value, int fallback, int max) {
    int n = count("limit", value, fallback, Integer.MAX_VALUE);
    if (n > max) {
      throw ApiError.badRequest(
          "The value " + n + " is not in the range of 0 to " + max + " for " + collection + ".");
    }
    return n == 0 ? max : n;
  }

  /** A non-negative integer query parameter, {@code fallback} when absent, at most {@code max}. */
  public static int count(String name, String value, int fallback, int max) {
    if (value == null || value.isBlank()) return fallback;
    try {
      int n = Integer.parseInt(value.trim());
      if (n < 0) throw new NumberFormatException();
      return Math.min(n, max);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(
          "The query parameter '" + name + "' must be a non-negative integer.");
    }
  }
}
