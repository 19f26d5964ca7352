package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.KeyValue;
import io.kwhisk.invoker.docker.ContainerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Pure functions from what a container answered to OpenWhisk's response classes and activation
 * records. The classification follows OpenWhisk's {@code
 * ActivationResponse.processRunResponseContent}: a 200 with a JSON object (or, as OpenWhisk allows,
 * an array) is a success unless the object has an {@code error} field (then an application error
 * carrying that field); any other status is a developer error (keeping the runtime's {@code error}
 * when it gave one), and so is anything else, a result too large for a record, a time-out or a
 * broken connection: the action's code or its resources are at fault, not the platform. Only a
 * success or an application error leaves the container in use ({@link #keepsContainer}).
 */
final class ActivationResults {
  static final String TIMEOUT = "The action exceeded its time limit of %d milliseconds.";
  static final String INIT_TIMEOUT =
      "The action exceeded its time limit of %d milliseconds during initialization.";
  static final String ABNORMAL_RUN =
      "The action did not produce a valid response and exited unexpectedly.";
  static final String ABNORMAL_INIT =
      "The action failed during initialization and exited unexpectedly.";
  static final String INVALID_RESPONSE = "The action did not produce a valid JSON response: %s";
  static final String TOO_LARGE =
      "The action produced a response that exceeded the allowed length: %d > %d bytes.";
  static final String TOO_LARGE_UNKNOWN =
      "The action produced a response that exceeded the allowed length: more than %d > %d bytes.";
  static final String OUT_OF_MEMORY = "The action exhausted its memory and was aborted.";
  static final String EXITED =
      "The action did not produce a valid response and exited unexpectedly (exit code %d).";
  static final String KILLED =
      "The action's container was killed (exit code %d) or removed by the platform while the action ran.";

  private ActivationResults() {}

  /**
   * The response of a {@code /run} call; a result larger than {@code maxResultBytes} when encoded
   * (it could not be carried by the activation record: {@link RecordBudget}) is a developer error
   * saying so.
   */
  static ActivationResponse run(CallOutcome outcome, int timeoutMs, int maxResultBytes) {
    if (outcome instanceof CallOutcome.TimedOut)
      return ActivationResponse.developerError(error(TIMEOUT, timeoutMs));
    if (outcome instanceof CallOutcome.Failed)
      return ActivationResponse.developerError(error(ABNORMAL_RUN));
    if (outcome instanceof CallOutcome.Died d) return died(d.status());
    if (outcome instanceof CallOutcome.TooLarge t) return tooLarge(t, maxResultBytes);
    CallOutcome.Answered a = (CallOutcome.Answered) outcome;
    JsonNode body = a.body();
    if (!body.isObject() && !(body.isArray() && a.status() == 200)) {
      return ActivationResponse.developerError(
          error(INVALID_RESPONSE, a.status() + " " + truncate(body)));
    }
    int size = Json.encode(body).length;
    if (size > maxResultBytes)
      return ActivationResponse.developerError(error(TOO_LARGE, size, maxResultBytes));
    if (body.isArray()) return ActivationResponse.success(body); // OpenWhisk's array results
    JsonNode errorField = body.get("error");
    if (a.status() == 200) {
      return errorField == null
          ? ActivationResponse.success(body)
          : ActivationResponse.applicationError(errorOnly(errorField));
    }
    // Any other status: the runtime failed (Apache's nodejs runtime answers 403 to every /run after
    // an action threw).
    return ActivationResponse.developerError(
        errorField != null
            ? errorOnly(errorField)
            : error(INVALID_RESPONSE, a.status() + " " + truncate(body)));
  }

  /**
   * Whether the container stays in use after a run with this response. As in OpenWhisk, only a
   * success or an application error keeps it; after a developer or whisk error (a non-200 answer, a
   * time-out, a broken connection, a dead container) the container's state is unknown, so it is
   * removed and a fresh one replaces it.
   */
  static boolean keepsContainer(ActivationResponse response) {
    return response.statusCode() == ActivationResponse.SUCCESS
        || response.statusCode() == ActivationResponse.APPLICATION_ERROR;
  }

  /**
   * The container died under a {@code /run}. An OOM kill is the action's fault (it used more than
   * its memory limit): a developer error. A kill by signal (SIGKILL 137, SIGTERM 143) without an
   * OOM, or a container that is gone, came from outside the action (an operator, the engine, a
   * crashed node): a whisk error, so the caller can tell it from a bug and retry. Any other exit is
   * the action's own: a developer error naming the exit code.
   */
  static ActivationResponse died(ContainerStatus status) {
    if (status.oomKilled()) return ActivationResponse.developerError(error(OUT_OF_MEMORY));
    if (status.gone() || status.exitCode() == 137 || status.exitCode() == 143) {
      return ActivationResponse.whiskError(error(KILLED, status.exitCode()));
    }
    if (status.running()) return ActivationResponse.developerError(error(ABNORMAL_RUN));
    return ActivationResponse.developerError(error(EXITED, status.exitCode()));
  }

  /** Null when {@code /init} succeeded; else the developer error the container reports. */
  static ActivationResponse initFailure(CallOutcome outcome, int timeoutMs) {
    if (outcome instanceof CallOutcome.TimedOut) {
      return ActivationResponse.developerError(error(INIT_TIMEOUT, timeoutMs));
    }
    if (outcome instanceof CallOutcome.Failed)
      return ActivationResponse.developerError(error(ABNORMAL_INIT));
    if (outcome instanceof CallOutcome.TooLarge t) return tooLarge(t, t.limit());
    if (outcome instanceof CallOutcome.Died)
      return ActivationResponse.developerError(error(ABNORMAL_INIT));
    CallOutcome.Answered a = (CallOutcome.Answered) outcome;
    if (a.status() == 200) return null;
    if (a.body().isObject() && a.body().has("error"))
      return ActivationResponse.developerError(a.body());
    return ActivationResponse.developerError(
        error(INVALID_RESPONSE, a.status() + " " + truncate(a.body())));
  }

  /**
   * Whether the runtime answered, so it wrote its log sentinels and the run's logs can be
   * collected.
   */
  static boolean answered(CallOutcome outcome) {
    return outcome instanceof CallOutcome.Answered || outcome instanceof CallOutcome.TooLarge;
  }

  /** An answer too large to read: the same developer error as a result too large for a record. */
  private static ActivationResponse tooLarge(CallOutcome.TooLarge t, long maxResultBytes) {
    long limit = Math.min(maxResultBytes, t.limit());
    return ActivationResponse.developerError(
        t.bytes() >= 0
            ? error(TOO_LARGE, t.bytes(), limit)
            : error(TOO_LARGE_UNKNOWN, t.limit(), limit));
  }

  /**
   * The {@code /run} request body, OpenWhisk's shape: the parameters as {@code value}, and the
   * activation's context, which the runtime exports as {@code __OW_<FIELD>}; {@code deadline} is
   * epoch milliseconds, {@code api_key} only for an action annotated {@code provide-api-key} (the
   * controller then put the caller's key in the message).
   */
  static ObjectNode runPayload(ActivationMessage msg, Action action, long now, int timeoutMs) {
    ObjectNode body = Json.object();
    JsonNode value = msg.params();
    if (!action.initParameters().isEmpty()
        && value instanceof ObjectNode o) { // they went to /init (OpenWhisk's
      ObjectNode copy = o.deepCopy(); // partitionArguments)
      copy.remove(action.initParameters());
      value = copy;
    }
    body.set("value", value);
    body.put("namespace", msg.namespace());
    body.put("action_name", "/" + msg.namespace() + "/" + msg.actionName());
    body.put("action_version", action.version());
    body.put("activation_id", msg.activationId());
    body.put("transaction_id", msg.transactionId() == null ? "" : msg.transactionId());
    body.put("deadline", Long.toString(now + timeoutMs));
    if (msg.apiKey() != null) body.put("api_key", msg.apiKey());
    return body;
  }

  /**
   * The {@code /init} request body, OpenWhisk's {@code containerInitializer}: {@code code} is
   * omitted when there is none (a blackbox image without code), {@code env} carries the action's
   * {@code init} parameters and its context as {@code __OW_*}, all as strings (JSON text for what
   * is not a string), as OpenWhisk does. A container here is initialised when it starts, before it
   * pulls any activation, so {@code env} has what is known then (namespace, action name and
   * version); the activation's own fields come with each {@code /run}.
   */
  static ObjectNode initPayload(Action action) {
    ObjectNode value = Json.object();
    value.put("name", action.name());
    value.put(
        "main",
        action.exec().main() == null || action.exec().main().isBlank()
            ? "main"
            : action.exec().main());
    if (action.exec().code() != null) value.put("code", action.exec().code());
    value.put("binary", action.exec().binary());
    ObjectNode env = value.putObject("env");
    for (String key : action.initParameters()) {
      JsonNode v = action.parameters().get(key);
      if (v != null) env.put(key, v.isTextual() ? v.textValue() : v.isNull() ? "" : v.toString());
    }
    env.put("__OW_NAMESPACE", action.namespace());
    env.put("__OW_ACTION_NAME", "/" + action.namespace() + "/" + action.name());
    env.put("__OW_ACTION_VERSION", action.version());
    ObjectNode body = Json.object();
    body.set("value", value);
    return body;
  }

  /**
   * The activation record. For the first activation of a container {@code initTime} is present and,
   * as in OpenWhisk, the record's interval starts when {@code /init} started, so {@code duration}
   * includes it.
   */
  static ActivationRecord record(
      ActivationMessage msg,
      Action action,
      ActivationResponse response,
      long runStart,
      long end,
      OptionalLong initTime,
      boolean timedOut,
      List<String> logs) {
    long start = runStart - initTime.orElse(0);
    List<KeyValue> annotations = new ArrayList<>();
    annotations.add(new KeyValue("path", TextNode.valueOf(action.fqn().path())));
    annotations.add(new KeyValue("kind", TextNode.valueOf(action.exec().kind())));
    annotations.add(new KeyValue("limits", limits(action.limits())));
    // As OpenWhisk: a sequence's component says so, and has no waitTime (its wait is the
    // sequence's).
    if (msg.cause() != null)
      annotations.add(new KeyValue("causedBy", TextNode.valueOf("sequence")));
    else
      annotations.add(
          new KeyValue("waitTime", LongNode.valueOf(Math.max(0, start - msg.enqueuedAt()))));
    initTime.ifPresent(t -> annotations.add(new KeyValue("initTime", LongNode.valueOf(t))));
    if (msg.binding() != null)
      annotations.add(new KeyValue("binding", TextNode.valueOf(msg.binding())));
    annotations.add(new KeyValue("timeout", BooleanNode.valueOf(timedOut)));
    return new ActivationRecord(
        msg.recordNamespace(),
        msg.recordName(),
        action.version(),
        msg.subject(),
        msg.activationId(),
        start,
        end,
        end - start,
        response.statusCode(),
        response,
        logs,
        annotations,
        action.publish(),
        msg.cause());
  }

  private static ObjectNode limits(ActionLimits l) {
    ObjectNode o = Json.object();
    o.put("timeout", l.timeout());
    o.put("memory", l.memory());
    o.put("logs", l.logs());
    o.put("concurrency", l.concurrency());
    return o;
  }

  /** OpenWhisk's error result: the {@code error} field alone. */
  private static ObjectNode errorOnly(JsonNode error) {
    ObjectNode o = Json.object();
    o.set("error", error);
    return o;
  }

  private static ObjectNode error(String format, Object... args) {
    ObjectNode o = Json.object();
    o.put("error", String.format(format, args));
    return o;
  }

  private static String truncate(JsonNode body) {
    String s = body.isTextual() ? body.asText() : body.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
