package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.activation.StoreMembership;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * Asks the other members of the partitioned activation store for what this controller's store does
 * not hold, all at once, over HTTP (Pekko's client, on the API's actor system). Every request
 * carries {@link #LOCAL_HEADER}, so a peer answers from its own store and never forwards again, and
 * the caller's {@code Authorization}, so the peer checks the same namespace. A peer that does not
 * answer within {@link #TIMEOUT}, or does not accept a connection within {@link #CONNECT_TIMEOUT},
 * counts as unavailable (status 0), never as "not found".
 */
public final class StorePeers {
  /** A read that must be answered from the receiving controller's own store. */
  public static final String LOCAL_HEADER = "X-Kwhisk-Store-Local";

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long a connection to a peer may take to open, within {@link #TIMEOUT}: a peer on a host
   * that is gone, or whose listener is swamped, drops the connection request instead of refusing
   * it, and a read should not wait the whole {@link #TIMEOUT} (Pekko's default, 10 s, was cut only
   * by it) to learn that. A peer on a reachable host opens a connection in well under a
   * millisecond, one across a data centre in a few; a killed process on a live host refuses at
   * once.
   */
  static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

  /**
   * One peer's answer: its HTTP status and body, and the body as JSON. A peer that failed, timed
   * out, or answered 200 with a body that is not JSON counts as unavailable: status 0 (a peer
   * answering garbage is not a peer that has the record, nor one that says it has none).
   */
  record Answer(String peer, int status, String body, JsonNode json) {
    static Answer of(String peer, int status, String body) {
      JsonNode json = parse(body);
      if (status == 200 && (json == null || !json.isContainerNode()))
        return new Answer(peer, 0, "not JSON: " + cut(body), null);
      return new Answer(peer, status, body, json);
    }

    /** What no peer has: every peer answered 404, or there is none. */
    static final Answer NOT_FOUND = new Answer("", 404, "", null);

    static Answer failed(String peer, String why) {
      return new Answer(peer, 0, why, null);
    }

    boolean ok() {
      return status == 200;
    }

    private static JsonNode parse(String body) {
      try {
        JsonNode json = Json.MAPPER.readTree(body);
        return json == null || json.isMissingNode() ? null : json;
      } catch (IOException e) {
        return null;
      }
    }

    private static String cut(String body) {
      return body.length() <= 100 ? body : body.substring(0, 100) + "...";
    }
  }

  private final Http http;
  private final Materializer materializer;
  private final StoreMembership membership;
  private final ConnectionPoolSettings pool;
  private final LoggingAdapter log;

  public StorePeers(ClassicActorSystemProvider system, StoreMembership membership) {
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.membership = membership;
    // No retries: the pool would retry a refused connection (a peer stopping) with exponential
    // back-off for seconds; a read answers 503 at once instead and its caller tries again.
    ConnectionPoolSettings defaults = ConnectionPoolSettings.create(system.classicSystem());
    this.pool =
        defaults
            .withMaxRetries(0)
            .withConnectionSettings(
                defaults.getConnectionSettings().withConnectingTimeout(CONNECT_TIMEOUT));
    this.log = system.classicSystem().log();
  }

  StoreMembership membership() {
    return membership;
  }

  /** Every peer's answer to {@code GET pathAndQuery}, once all answered or timed out. */
  CompletionStage<List<Answer>> askAll(String pathAndQuery, Optional<String> authorization) {
    List<CompletableFuture<Answer>> asked = new ArrayList<>();
    for (String peer : membership.peers()) asked.add(ask(peer, pathAndQuery, authorization));
    return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
        .thenApply(done -> asked.stream().map(CompletableFuture::join).toList());
  }

  /**
   * The first 200 among the peers' answers to {@code GET pathAndQuery} as soon as it arrives, else
   * (all answered) an answer whose status is 404 when every peer said 404, 503 otherwise.
   */
  CompletionStage<Answer> first(String pathAndQuery, Optional<String> authorization) {
    return first(membership.peers(), pathAndQuery, authorization);
  }

  /** As {@link #first(String, Optional)}, asking {@code peers}. */
  CompletionStage<Answer> first(
      List<String> peers, String pathAndQuery, Optional<String> authorization) {
    CompletableFuture<Answer> out = new CompletableFuture<>();
    if (peers.isEmpty()) return CompletableFuture.completedFuture(Answer.NOT_FOUND);
    AtomicInteger left = new AtomicInteger(peers.size());
    AtomicInteger unavailable = new AtomicInteger();
    AtomicReference<Answer> failure = new AtomicReference<>();
    for (String peer : peers) {
      ask(peer, pathAndQuery, authorization)
          .thenAccept(
              a -> {
                if (a.ok()) out.complete(a);
                else if (a.status() != 404) {
                  unavailable.incrementAndGet();
                  failure.compareAndSet(null, a);
                }
                if (left.decrementAndGet() == 0)
                  out.complete(
                      unavailable.get() == 0
                          ? Answer.NOT_FOUND
                          : Answer.failed(
                              "",
                              unavailable.get()
                                  + " peer(s) unavailable, "
                                  + failure.get().peer()
                                  + ": "
                                  + failure.get().body()));
              });
    }
    return out;
  }

  private CompletableFuture<Answer> ask(
      String peer, String pathAndQuery, Optional<String> authorization) {
    HttpRequest request =
        HttpRequest.GET(peer + pathAndQuery).addHeader(HttpHeader.parse(LOCAL_HEADER, "true"));
    if (authorization.isPresent())
      request = request.addHeader(HttpHeader.parse("Authorization", authorization.get()));
    return http.singleRequest(request, http.defaultClientHttpsContext(), pool, log)
        .thenCompose(
            response ->
                response
                    .entity()
                    .toStrict(TIMEOUT.toMillis(), materializer)
                    .thenApply(
                        strict ->
                            Answer.of(
                                peer, response.status().intValue(), strict.getData().utf8String())))
        .toCompletableFuture()
        .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> Answer.failed(peer, e.toString()));
  }
}
