package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.controller.Harness;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer of the partitioned store that answers forwarded reads with garbage (a body that is not
 * JSON, JSON of the wrong shape, a 5xx): the forwarding controller answers 503 with {@code {error,
 * code}}, as for a peer that does not answer or whose port is closed, never a 500 or the garbage
 * itself. The peer is a real HTTP server that joined the store group as controller 1, on the real
 * broker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerAnswersIT {
  private static final String ACTIVATIONS = PartitionedStoreIT.ACTIVATIONS;

  /** What the stand-in peer answers: a status and a body. */
  private record Reply(int status, String body) {}

  /** A peer's answer to {@code uri} when it holds no record: 404, an empty page, a count of 0. */
  private static Reply empty(String uri) {
    if (uri.contains("count=true")) return new Reply(200, "{\"activations\":0}");
    if (uri.startsWith(ACTIVATIONS + "/"))
      return new Reply(404, "{\"error\":\"none\",\"code\":\"x\"}");
    return new Reply(200, "[]");
  }

  @Test
  void aPeerAnsweringGarbageMakesReadsUnavailableNotInternalErrors() throws Exception {
    // Until the test sets garbage (null meanwhile): the answers of a peer that holds nothing.
    AtomicReference<Reply> reply = new AtomicReference<>();
    AtomicInteger asked = new AtomicInteger();
    HttpServer peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    peer.createContext(
        "/",
        exchange -> {
          asked.incrementAndGet();
          Reply r = reply.get();
          if (r == null) r = empty(exchange.getRequestURI().toString());
          byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(r.status(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    peer.start();
    try (Harness h = Harness.start(Map.of(ActivationStoreSettings.KIND, "partitioned"));
        StoreGroup member =
            new StoreGroup(
                    KafkaSettings.of(h.bootstrapServers()),
                    "stand-in-peer",
                    new StoreOwners.Member(1, "http://127.0.0.1:" + peer.getAddress().getPort()),
                    new MemoryActivationStore(100),
                    new StoreMembership(1),
                    Duration.ofSeconds(10))
                .start()) {
      String unknown = ACTIVATIONS + "/" + ActivationIds.next();
      // The controller forwards to the stand-in once both are members and nobody copies.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  PartitionedStoreIT.get(h, h.controller(), unknown).statusCode() == 404
                      && asked.get() > 0);
      assertThat(PartitionedStoreIT.ids(PartitionedStoreIT.get(h, h.controller(), ACTIVATIONS)))
          .as("a well-formed empty page of the peer")
          .isEmpty();

      List<Reply> garbage =
          List.of(
              new Reply(200, "<html>not JSON</html>"),
              new Reply(200, "{\"activations\": [ truncated"),
              new Reply(200, "\"a string\""),
              new Reply(200, "{\"activations\":\"many\"}"),
              new Reply(200, "[1, 2]"),
              new Reply(500, "java.lang.IllegalStateException: boom\n\tat Peer.run(Peer.java:1)"),
              new Reply(502, "<html>Bad Gateway</html>"));
      for (Reply r : garbage) {
        reply.set(r);
        for (String path :
            List.of(unknown, unknown + "/result", ACTIVATIONS, ACTIVATIONS + "?count=true")) {
          HttpResponse<String> answer = PartitionedStoreIT.get(h, h.controller(), path);
          assertThat(answer.statusCode())
              .as("GET %s while the peer answers %s: %s", path, r, answer.body())
              .isEqualTo(503);
          JsonNode body = Harness.json(answer);
          assertThat(body.path("error").asText()).contains("try again");
          assertThat(body.path("code").asText()).isNotEmpty();
          assertThat(answer.body()).doesNotContain("Exception").doesNotContain("html");
        }
      }

      // The peer's server gone while its member stays in the group (a SIGKILL, before the
      // session timeout): its port refuses the connection.
      peer.stop(0);
      for (String path :
          List.of(unknown, unknown + "/result", ACTIVATIONS, ACTIVATIONS + "?count=true")) {
        HttpResponse<String> answer = PartitionedStoreIT.get(h, h.controller(), path);
        assertThat(answer.statusCode())
            .as("GET %s while the peer's port is closed: %s", path, answer.body())
            .isEqualTo(503);
        JsonNode body = Harness.json(answer);
        assertThat(body.path("error").asText()).contains("try again");
        assertThat(body.path("code").asText()).isNotEmpty();
      }
    } finally {
      peer.stop(0);
    }
  }
}
