package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.controller.activation.ActivationIds;
import io.kwhisk.controller.activation.ActivationStore;
import io.kwhisk.controller.auth.Identity;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The activations collection, read from this controller's {@link ActivationStore}: only the
 * caller's namespace.
 */
public final class ActivationsApi {
  static final int DEFAULT_LIMIT = 30;
  static final int MAX_LIMIT = 200;

  private final ActivationStore store;

  public ActivationsApi(ActivationStore store) {
    this.store = store;
  }

  /**
   * Newest first; {@code name} filters by action, {@code since}/{@code upto} (epoch ms, inclusive)
   * by start time, {@code docs=true} includes results and logs.
   */
  public CompletionStage<HttpResponse> list(Identity who, Map<String, String> query) {
    int skip = InvokeParameters.count("skip", query.get("skip"), 0, Integer.MAX_VALUE);
    int limit =
        InvokeParameters.listLimit("activations", query.get("limit"), DEFAULT_LIMIT, MAX_LIMIT);
    String name = query.get("name");
    if (name != null && name.isBlank()) name = null;
    boolean docs = "true".equalsIgnoreCase(query.get("docs"));
    long since = timestamp("since", query.get("since"), Long.MIN_VALUE);
    long upto = timestamp("upto", query.get("upto"), Long.MAX_VALUE);
    if ("true".equalsIgnoreCase(query.get("count"))) {
      long n = store.count(who.namespace(), name, since, upto);
      return ActionsApi.done(Responses.json(200, Json.object().put("activations", n)));
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ActivationRecord r : store.list(who.namespace(), name, since, upto, skip, limit)) {
      out.add(docs ? ActionJson.activation(r) : ActionJson.activationSummary(r));
    }
    return ActionsApi.done(Responses.json(200, out));
  }

  public CompletionStage<HttpResponse> get(Identity who, String activationId) {
    return ActionsApi.done(Responses.json(200, ActionJson.activation(find(who, activationId))));
  }

  /** The response part of the record: {@code {status, statusCode, success, result}}. */
  public CompletionStage<HttpResponse> result(Identity who, String activationId) {
    return ActionsApi.done(Responses.json(200, find(who, activationId).response()));
  }

  public CompletionStage<HttpResponse> logs(Identity who, String activationId) {
    ObjectNode out = Json.object();
    ArrayNode logs = out.putArray("logs");
    find(who, activationId).logs().forEach(logs::add);
    return ActionsApi.done(Responses.json(200, out));
  }

  static long timestamp(String name, String value, long fallback) {
    if (value == null || value.isBlank()) return fallback;
    try {
      long t = Long.parseLong(value.trim());
      if (t < 0) throw new NumberFormatException();
      return t;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(
          "The query parameter '"
              + name
              + "' must be a timestamp in milliseconds since the epoch.");
    }
  }

  /**
   * The caller's record; 400 for an id that is not OpenWhisk's 32 hex characters, 404 when there is
   * none.
   */
  private ActivationRecord find(Identity who, String activationId) {
    if (!ActivationIds.isValid(activationId))
      throw ApiError.badRequest("The activation id is not valid.");
    return store.get(who.namespace(), activationId).orElseThrow(ApiError::notFound);
  }
}
