package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.controller.activation.ActivationIds;
import io.kwhisk.controller.activation.ActivationPages;
import io.kwhisk.controller.activation.ActivationStore;
import io.kwhisk.controller.auth.Identity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The activations collection: only the caller's namespace. Read from this controller's {@link
 * ActivationStore}; in the partitioned mode ({@code peers} not null) what it does not hold is
 * forwarded to the other members ({@link StorePeers}): a record is the first 200 among them, 404
 * only when every store answered that it has none, 503 when one did not answer or one (this
 * controller's included) is still copying a topic it adopted; a list is merged from every member's
 * first {@code skip + limit} records ({@link ActivationPages}). A request carrying {@link
 * StorePeers#LOCAL_HEADER} is answered from this store alone.
 */
public final class ActivationsApi {
  static final int DEFAULT_LIMIT = 30;
  static final int MAX_LIMIT = 200;

  /**
   * How a request reached the collection: whether it must be answered locally, the caller's
   * credentials to forward, and its path.
   */
  public record Read(boolean localOnly, Optional<String> authorization, String path) {
    /** A request read from this controller only (the modes without peers). */
    public static Read local(String path) {
      return new Read(true, Optional.empty(), path);
    }
  }

  private final ActivationStore store;
  private final StorePeers peers;

  public ActivationsApi(ActivationStore store) {
    this(store, null);
  }

  /** {@code peers}: the other members of the partitioned store; null in the other modes. */
  public ActivationsApi(ActivationStore store, StorePeers peers) {
    this.store = store;
    this.peers = peers;
  }

  /**
   * Newest first; {@code name} filters by action, {@code since}/{@code upto} (epoch ms, inclusive)
   * by start time, {@code docs=true} includes results and logs.
   */
  public CompletionStage<HttpResponse> list(Identity who, Map<String, String> query, Read read) {
    boolean forward = peers != null && !read.localOnly();
    int skip = InvokeParameters.count("skip", query.get("skip"), 0, Integer.MAX_VALUE);
    if (forward && skip > ActivationPages.MAX_SKIP)
      throw ApiError.badRequest(
          "The query parameter 'skip' must be at most "
              + ActivationPages.MAX_SKIP
              + " here; narrow the list with 'since' and 'upto' instead.");
    boolean peer = peers != null && read.localOnly();
    int limit =
        InvokeParameters.listLimit(
            "activations",
            query.get("limit"),
            DEFAULT_LIMIT,
            peer ? ActivationPages.MAX_SKIP + MAX_LIMIT : MAX_LIMIT);
    String name = query.get("name");
    if (name != null && name.isBlank()) name = null;
    boolean docs = "true".equalsIgnoreCase(query.get("docs"));
    long since = ActivationsApi.timestamp("since", query.get("since"), Long.MIN_VALUE);
    long upto = ActivationsApi.timestamp("upto", query.get("upto"), Long.MAX_VALUE);
    boolean count = "true".equalsIgnoreCase(query.get("count"));
    // A store still copying an adopted topic would list or count it short: 503, as for a GET.
    if (peers != null && peers.membership().copying()) return done(unavailable());
    // Each member counts the topics it keeps now: an adopter's copies of a topic it gave back
    // are the owner's to count (listed twice, they are merged once below).
    Predicate<String> kept = peers == null ? topic -> true : peers.membership()::keeps;
    long n = count ? store.count(who.namespace(), name, since, upto, kept) : 0;
    List<ActivationRecord> local =
        count
            ? List.of()
            : store.list(
                who.namespace(),
                name,
                since,
                upto,
                forward ? 0 : skip,
                forward ? skip + limit : limit);
    if (!forward) {
      if (count) return done(Responses.json(200, Json.object().put("activations", n)));
      ArrayNode out = Json.MAPPER.createArrayNode();
      for (ActivationRecord r : local) out.add(render(r, docs));
      return done(Responses.json(200, out));
    }
    Map<String, String> asked = new TreeMap<>(query);
    asked.put("skip", "0");
    asked.put("limit", String.valueOf(skip + limit));
    return peers
        .askAll(read.path() + "?" + queryString(asked), read.authorization())
        .thenApply(
            answers -> {
              if (answers.stream().anyMatch(a -> !a.ok())) return unavailable();
              if (count) {
                long total = n;
                for (StorePeers.Answer a : answers) {
                  JsonNode counted = a.json().path("activations");
                  if (!counted.isIntegralNumber()) return unavailable();
                  total += counted.asLong();
                }
                return Responses.json(200, Json.object().put("activations", total));
              }
              List<List<ActivationPages.Entry<JsonNode>>> pages = new ArrayList<>();
              List<ActivationPages.Entry<JsonNode>> mine = new ArrayList<>();
              for (ActivationRecord r : local)
                mine.add(
                    new ActivationPages.Entry<JsonNode>(
                        r.activationId(), r.start(), render(r, docs)));
              pages.add(mine);
              for (StorePeers.Answer a : answers) {
                Optional<List<ActivationPages.Entry<JsonNode>>> page = entries(a.json());
                if (page.isEmpty()) return unavailable();
                pages.add(page.get());
              }
              ArrayNode out = Json.MAPPER.createArrayNode();
              ActivationPages.merge(pages, skip, limit).forEach(out::add);
              return Responses.json(200, out);
            });
  }

  public CompletionStage<HttpResponse> get(Identity who, String activationId, Read read) {
    return answer(
        who,
        activationId,
        read,
        r -> ActionJson.activation(r),
        json -> activationId.equals(json.path("activationId").asText()));
  }

  /** The response part of the record: {@code {status, statusCode, success, result}}. */
  public CompletionStage<HttpResponse> result(Identity who, String activationId, Read read) {
    return answer(
        who,
        activationId,
        read,
        ActivationRecord::response,
        json -> json.path("success").isBoolean());
  }

  public CompletionStage<HttpResponse> logs(Identity who, String activationId, Read read) {
    return answer(
        who,
        activationId,
        read,
        r -> {
          ObjectNode out = Json.object();
          ArrayNode logs = out.putArray("logs");
          r.logs().forEach(logs::add);
          return out;
        },
        json -> json.path("logs").isArray());
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
   * The caller's record shown by {@code show}; 400 for an id that is not OpenWhisk's 32 hex
   * characters, 404 when no store has it, 503 when that is not known yet (partitioned mode) or a
   * peer's 200 is not what {@code shown} expects of an answer of {@code show}.
   */
  private CompletionStage<HttpResponse> answer(
      Identity who,
      String activationId,
      Read read,
      Function<ActivationRecord, Object> show,
      Predicate<JsonNode> shown) {
    if (!ActivationIds.isValid(activationId))
      throw ApiError.badRequest("The activation id is not valid.");
    Optional<ActivationRecord> here = store.get(who.namespace(), activationId);
    if (here.isPresent()) return done(Responses.json(200, show.apply(here.get())));
    if (peers == null) throw ApiError.notFound();
    boolean copying = peers.membership().copying();
    if (read.localOnly()) {
      if (copying) return done(unavailable());
      throw ApiError.notFound();
    }
    return peers
        .first(read.path(), read.authorization())
        .thenApply(
            a -> {
              if (a.ok() && shown.test(a.json()))
                return HttpResponse.create()
                    .withStatus(200)
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, a.body()));
              if (a.status() == 404 && !peers.membership().copying()) throw ApiError.notFound();
              return unavailable();
            });
  }

  private static ObjectNode render(ActivationRecord r, boolean docs) {
    return docs ? ActionJson.activation(r) : ActionJson.activationSummary(r);
  }

  private static HttpResponse unavailable() {
    return Responses.error(
        503,
        "Not every controller's activation store answered (one may still be copying the records"
            + " of a controller that stopped); try again.");
  }

  /**
   * A peer's page as entries; empty when it is not a list of activations (a peer answering garbage
   * is unavailable, never a 500 here).
   */
  private static Optional<List<ActivationPages.Entry<JsonNode>>> entries(JsonNode page) {
    if (!page.isArray()) return Optional.empty();
    List<ActivationPages.Entry<JsonNode>> out = new ArrayList<>();
    for (JsonNode item : page) {
      JsonNode id = item.path("activationId");
      JsonNode start = item.path("start");
      if (!id.isTextual() || !start.isIntegralNumber()) return Optional.empty();
      out.add(new ActivationPages.Entry<>(id.asText(), start.asLong(), item));
    }
    return Optional.of(out);
  }

  private static String queryString(Map<String, String> query) {
    StringBuilder out = new StringBuilder();
    query.forEach(
        (k, v) -> {
          if (out.length() > 0) out.append('&');
          out.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
              .append('=')
              .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
    return out.toString();
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
