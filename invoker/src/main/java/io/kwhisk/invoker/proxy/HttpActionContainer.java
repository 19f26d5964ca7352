package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ActionContainer} over the JDK's {@link HttpClient} (HTTP/1.1: action runtimes do not speak HTTP/2). One
 * client is shared by every container of the invoker; no call runs on an actor dispatcher.
 *
 * <p>A container that runs one activation at a time (concurrency 1, the common case) is called with the blocking
 * {@code send} on a thread of the invoker's call pool: it never has more than one call in flight, so the pool holds at
 * most one thread per busy container. A container with a higher concurrency limit is called with {@code sendAsync},
 * so its many calls in flight hold no thread. Why not {@code sendAsync} everywhere: it hands every response to
 * CompletableFuture's default executor, which on a machine with two processors or fewer (the common ForkJoinPool then
 * has parallelism 1) starts a new thread for each response, on the critical path of a busy container: a noop
 * container drained 444 activations/s that way against 787/s with blocking calls, on 2 cores (BENCHMARKS.md, "One
 * container's throughput"). OpenWhisk makes the same split (a blocking client for concurrency 1, an asynchronous one
 * above).
 */
public final class HttpActionContainer implements ActionContainer {
  private final HttpClient client;
  /** Where blocking calls run; null: this container is called asynchronously. */
  private final Executor calls;
  private final URI init;
  private final URI run;

  private HttpActionContainer(HttpClient client, Executor calls, URI base) {
    this.client = client;
    this.calls = calls;
    this.init = base.resolve("/init");
    this.run = base.resolve("/run");
  }

  /** A factory whose containers share {@code client}; those of concurrency 1 are called on {@code calls}. */
  public static ActionContainer.Factory factory(HttpClient client, Executor calls) {
    Objects.requireNonNull(client, "client should not be null");
    Objects.requireNonNull(calls, "calls should not be null");
    return (host, port, concurrency) ->
        new HttpActionContainer(client, concurrency == 1 ? calls : null, URI.create("http://" + host + ":" + port));
  }

  public static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * The pool for blocking calls: daemon threads named {@code <name>-<n>}, one per call in flight, kept a minute when
   * idle. Its owner shuts it down after the last container is gone.
   */
  public static ExecutorService newCallPool(String name) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public CompletionStage<CallOutcome> init(ObjectNode body, Duration timeout) {
    return post(init, body, timeout);
  }

  @Override
  public CompletionStage<CallOutcome> run(ObjectNode body, Duration timeout) {
    return post(run, body, timeout);
  }

  private CompletionStage<CallOutcome> post(URI uri, ObjectNode body, Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)))
        .build();
    if (calls == null) {
      return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .handle((response, error) -> error == null ? answered(response) : failed(error));
    }
    try {
      return CompletableFuture.supplyAsync(() -> send(request), calls);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(new CallOutcome.Failed("the invoker is shutting down: " + e));
    }
  }

  private CallOutcome send(HttpRequest request) {
    try {
      return answered(client.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(e);
    } catch (IOException | RuntimeException e) {
      return failed(e);
    }
  }

  private static CallOutcome answered(HttpResponse<byte[]> response) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      body = TextNode.valueOf(new String(response.body(), StandardCharsets.UTF_8));
    }
    return new CallOutcome.Answered(response.statusCode(), body == null ? TextNode.valueOf("") : body);
  }

  private static CallOutcome failed(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
      return new CallOutcome.TimedOut();
    }
    return new CallOutcome.Failed(cause.toString());
  }
}
