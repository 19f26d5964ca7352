package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.kwhisk.common.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime protocol against a stand-in runtime on the JDK's HTTP server: answers, time-outs,
 * threads, reuse.
 */
@Timeout(20)
class HttpActionContainerTest {
  private final CountDownLatch held = new CountDownLatch(1);

  /** The client ports /run requests came from: one per connection. */
  private final Set<Integer> ports = ConcurrentHashMap.newKeySet();

  private final AtomicInteger connections = new AtomicInteger();
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private HttpServer runtime;
  private ExecutorService calls;
  private ActionContainer.Factory factory;

  @BeforeEach
  void start() throws IOException {
    runtime = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    runtime.createContext(
        "/run",
        exchange -> {
          ports.add(exchange.getRemoteAddress().getPort());
          connections.set(ports.size());
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          try {
            if (body.contains("\"sleep\"")) Thread.sleep(2_000);
            if (body.contains("\"hold\"")) held.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] answer = "{\"echo\":true}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    runtime.setExecutor(handlers);
    runtime.start();
    calls = HttpActionContainer.newCallPool("test-http");
    factory = HttpActionContainer.factory(HttpClient.newHttpClient(), calls);
  }

  @AfterEach
  void stop() {
    runtime.stop(0);
    handlers.shutdownNow();
    calls.shutdownNow();
  }

  /**
   * The name of the thread that completes a held {@code /run} (held until the callback is in
   * place).
   */
  private String completingThread(ActionContainer container) {
    AtomicReference<String> thread = new AtomicReference<>();
    CompletableFuture<CallOutcome> outcome =
        container
            .run(Json.object().put("hold", true), Duration.ofSeconds(5))
            .whenComplete((o, e) -> thread.set(Thread.currentThread().getName()))
            .toCompletableFuture();
    held.countDown();
    assertThat(outcome.join())
        .isEqualTo(new CallOutcome.Answered(200, Json.object().put("echo", true)));
    return thread.get();
  }

  private ActionContainer container(int concurrency) {
    return factory.connect("127.0.0.1", runtime.getAddress().getPort(), concurrency);
  }

  private ActionContainer jdkContainer(int concurrency) {
    return HttpActionContainer.factory(
            HttpClient.newHttpClient(), calls, HttpActionContainer.ClientKind.JDK)
        .connect("127.0.0.1", runtime.getAddress().getPort(), concurrency);
  }

  @Test
  void aContainerOfConcurrencyOneIsCalledOnTheCallPool() {
    assertThat(completingThread(container(1))).startsWith("test-http-");
  }

  @Test
  void aContainerOfConcurrencyOneCalledWithTheJdkClientIsCalledOnTheCallPool() {
    assertThat(completingThread(jdkContainer(1))).startsWith("test-http-");
  }

  @Test
  void aConcurrentContainerIsCalledWithoutTheCallPool() {
    assertThat(completingThread(container(4))).doesNotStartWith("test-http-");
  }

  @Test
  void aRunPastItsTimeoutIsTimedOutWhicheverWayItIsCalled() {
    for (ActionContainer c : List.of(container(1), jdkContainer(1), container(4))) {
      // Connected first: on a loaded host the connect alone can outlast the 200 ms below, and a
      // connect that times out is a failure to reach the container, not a run past its timeout.
      assertThat(c.run(Json.object(), Duration.ofSeconds(30)).toCompletableFuture().join())
          .isInstanceOf(CallOutcome.Answered.class);
      CompletableFuture<CallOutcome> outcome =
          c.run(Json.object().put("sleep", true), Duration.ofMillis(200)).toCompletableFuture();
      assertThat(outcome.join()).as("%s", c).isInstanceOf(CallOutcome.TimedOut.class);
    }
  }

  @Test
  void aContainerOfConcurrencyOneKeepsOneConnectionAcrossCalls() {
    ActionContainer c = container(1);
    for (int i = 0; i < 5; i++) {
      assertThat(c.run(Json.object(), Duration.ofSeconds(5)).toCompletableFuture().join())
          .isEqualTo(new CallOutcome.Answered(200, Json.object().put("echo", true)));
    }
    assertThat(connections).hasValue(1);
  }

  @Test
  void aCallAfterThePoolIsShutDownFailsInsteadOfThrowing() throws InterruptedException {
    calls.shutdown();
    assertThat(calls.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    CallOutcome outcome =
        container(1).run(Json.object(), Duration.ofSeconds(5)).toCompletableFuture().join();
    assertThat(outcome).isInstanceOf(CallOutcome.Failed.class);
  }

  @Test
  void aContainerThatIsNotListeningGivesAFailedOutcome() {
    runtime.stop(0);
    CallOutcome outcome =
        container(1).run(Json.object(), Duration.ofSeconds(5)).toCompletableFuture().join();
    assertThat(outcome).isInstanceOf(CallOutcome.Failed.class);
  }
}
