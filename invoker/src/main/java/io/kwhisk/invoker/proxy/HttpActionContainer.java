package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.config.ConfigException;
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
import java.util.function.Supplier;

/**
 * {@link ActionContainer} over HTTP/1.1 (action runtimes do not speak HTTP/2); no call runs on an
 * actor dispatcher.
 *
 * <p>A container that runs one activation at a time (concurrency 1, the common case) is called on a
 * thread of the invoker's call pool, with a blocking call: it never has more than one call in
 * flight, so the pool holds at most one thread per busy container. By default ({@link
 * ClientKind#KEEP_ALIVE}) that call goes over the container's own persistent connection ({@link
 * RuntimeConnection}); {@link ClientKind#JDK} makes it the blocking {@code send} of the JDK's
 * {@link HttpClient}, as before, which costs more per call (BENCHMARKS.md, "One container's
 * throughput").
 *
 * <p>A container with a higher concurrency limit is called with the shared JDK client's {@code
 * sendAsync}, so its many calls in flight hold no thread. Why not {@code sendAsync} everywhere: it
 * hands every response to CompletableFuture's default executor, which on a machine with two
 * processors or fewer (the common ForkJoinPool then has parallelism 1) starts a new thread for each
 * response, on the critical path of a busy container: a noop container drained 444 activations/s
 * that way against 787/s with blocking calls, on 2 cores. OpenWhisk makes the same split (a
 * blocking client for concurrency 1, an asynchronous one above).
 *
 * <p>Both ways give the same outcomes: an answer is {@link CallOutcome.Answered} with its JSON body
 * (a text node when it is not JSON), no answer in time is {@link CallOutcome.TimedOut}, anything
 * else {@link CallOutcome.Failed}. One difference: the JDK client reads an answer of any size, the
 * keep-alive connection reads none larger than {@link #MAX_ANSWER_BYTES} ({@link
 * CallOutcome.TooLarge}); either way a result too large for its record is a developer error
 * (ActivationResults).
 */
public final class HttpActionContainer implements ActionContainer {
  /**
   * The largest answer a keep-alive connection reads: the largest record any kwhisk producer
   * accepts (the controller's {@code max.request.size}), far above what an invoker's completion can
   * carry (its producer keeps Kafka's default of 1 MB), so no answer that could be delivered is
   * cut; the bound only keeps a runaway runtime from filling the invoker's heap.
   */
  public static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

  /** How containers of concurrency 1 are called. */
  public enum ClientKind {
    /** One persistent connection per container, blocking calls on the call pool (the default). */
    KEEP_ALIVE,
    /**
     * The shared JDK client's blocking {@code send} on the call pool: the previous way, kept to
     * compare.
     */
    JDK;

    /** Parses {@code keep-alive} or {@code jdk} (any case); an error names {@code key}. */
    public static ClientKind parse(String key, String value) {
      String v = value.trim();
      if (v.equalsIgnoreCase("keep-alive")) return KEEP_ALIVE;
      if (v.equalsIgnoreCase("jdk")) return JDK;
      throw new ConfigException(key, "must be keep-alive or jdk, got '" + value + "'");
    }
  }

  private final HttpClient client;

  /** Where blocking calls run; null: this container is called asynchronously. */
  private final Executor calls;

  /** This container's own connection; null: it is called with {@link #client}. */
  private final RuntimeConnection connection;

  private final URI init;
  private final URI run;

  private HttpActionContainer(
      HttpClient client, Executor calls, RuntimeConnection connection, URI base) {
    this.client = client;
    this.calls = calls;
    this.connection = connection;
    this.init = base.resolve("/init");
    this.run = base.resolve("/run");
  }

  /**
   * A factory whose containers of concurrency 1 are called on {@code calls} over their own
   * keep-alive connection, the others with {@code client}.
   */
  public static ActionContainer.Factory factory(HttpClient client, Executor calls) {
    return factory(client, calls, ClientKind.KEEP_ALIVE);
  }

  /**
   * A factory whose containers of concurrency 1 are called on {@code calls} the way {@code kind}
   * says.
   */
  public static ActionContainer.Factory factory(
      HttpClient client, Executor calls, ClientKind kind) {
    Objects.requireNonNull(client, "client should not be null");
    Objects.requireNonNull(calls, "calls should not be null");
    Objects.requireNonNull(kind, "kind should not be null");
    return (host, port, concurrency) ->
        new HttpActionContainer(
            client,
            concurrency == 1 ? calls : null,
            concurrency == 1 && kind == ClientKind.KEEP_ALIVE
                ? new RuntimeConnection(host, port, MAX_ANSWER_BYTES)
                : null,
            URI.create("http://" + host + ":" + port));
  }

  public static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * The pool for blocking calls: daemon threads named {@code <name>-<n>}, one per call in flight,
   * kept a minute when idle. Its owner shuts it down after the last container is gone.
   */
  public static ExecutorService newCallPool(String name) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(
        r -> {
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

  /** Closes this container's own connection, if it has one; the shared JDK client stays open. */
  @Override
  public void close() {
    if (connection != null) connection.close();
  }

  private CompletionStage<CallOutcome> post(URI uri, ObjectNode body, Duration timeout) {
    if (connection != null) {
      byte[] json = Json.encode(body);
      return onCallPool(() -> connection.post(uri.getPath(), json, timeout));
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)))
            .build();
    if (calls == null) {
      return client
          .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .handle(
              (response, error) ->
                  error == null ? answered(response.statusCode(), response.body()) : failed(error));
    }
    return onCallPool(() -> send(request));
  }

  private CompletionStage<CallOutcome> onCallPool(Supplier<CallOutcome> call) {
    try {
      return CompletableFuture.supplyAsync(call, calls);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          new CallOutcome.Failed("the invoker is shutting down: " + e));
    }
  }

  private CallOutcome send(HttpRequest request) {
    try {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return answered(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(e);
    } catch (IOException | RuntimeException e) {
      return failed(e);
    }
  }

  /**
   * The outcome of an answer, whichever client read it: its JSON body, or the body as text when it
   * is not JSON.
   */
  static CallOutcome answered(int status, byte[] answer) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(answer);
    } catch (IOException e) {
      body = TextNode.valueOf(new String(answer, StandardCharsets.UTF_8));
    }
    return new CallOutcome.Answered(status, body == null ? TextNode.valueOf("") : body);
  }

  private static CallOutcome failed(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
      return new CallOutcome.TimedOut();
    }
    return new CallOutcome.Failed(cause.toString());
  }
}
