package io.kwhisk.controller.api.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.api.InvokeParameters;
import io.kwhisk.controller.api.Responses;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * OpenWhisk's listing of one entity collection of a namespace, shared by triggers and rules: {@code
 * ?skip}, {@code ?limit} (30 by default, at most 200; a bad value is a 400 that names the
 * collection) and {@code ?count=true} ({@code {"<collection>": n}} instead of the entities).
 */
final class Listing {
  static final int DEFAULT_LIMIT = 30;
  static final int MAX_LIMIT = 200;

  private Listing() {}

  /**
   * The answer to {@code GET} on {@code collection} for {@code query}, each entity shown by {@code
   * json}.
   */
  static <E> HttpResponse of(
      String collection, List<E> all, Map<String, String> query, Function<E, JsonNode> json) {
    int skip = InvokeParameters.count("skip", query.get("skip"), 0, Integer.MAX_VALUE);
    int limit =
        InvokeParameters.listLimit(collection, query.get("limit"), DEFAULT_LIMIT, MAX_LIMIT);
    if ("true".equalsIgnoreCase(query.get("count"))) {
      return Responses.json(200, Json.object().put(collection, all.size()));
    }
    return Responses.json(200, all(all.stream().skip(skip).limit(limit).toList(), json));
  }

  /** Every entity of {@code all}, as {@code json} shows it (the namespace document's summaries). */
  static <E> ArrayNode all(List<E> all, Function<E, JsonNode> json) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    all.forEach(e -> out.add(json.apply(e)));
    return out;
  }
}
