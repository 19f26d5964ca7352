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
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@link ActionContainer} over the JDK's non-blocking {@link HttpClient} (HTTP/1.1: action runtimes do not speak
 * HTTP/2). One client is shared by every container of the invoker; its own executor runs the I/O and callbacks,
 * never an actor dispatcher.
 */
public final class HttpActionContainer implements ActionContainer {
  private final HttpClient client;
  private final URI base;

  private HttpActionContainer(HttpClient client, URI base) {
    this.client = client;
    this.base = base;
  }

  /** A factory whose containers share {@code client}. */
  public static ActionContainer.Factory factory(HttpClient client) {
    return (host, port) -> new HttpActionContainer(client, URI.create("http://" + host + ":" + port));
  }

  public static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Override
  public CompletionStage<CallOutcome> init(ObjectNode body, Duration timeout) {
    return post("/init", body, timeout);
  }

  @Override
  public CompletionStage<CallOutcome> run(ObjectNode body, Duration timeout) {
    return post("/run", body, timeout);
  }

  private CompletionStage<CallOutcome> post(String path, ObjectNode body, Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)))
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, error) -> error == null ? answered(response) : failed(error));
  }

  private static CallOutcome answered(HttpResponse<byte[]> response) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      body = TextNode.valueOf(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
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
