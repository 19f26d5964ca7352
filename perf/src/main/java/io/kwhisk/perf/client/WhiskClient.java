package io.kwhisk.perf.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * A minimal OpenWhisk REST client, driving kwhisk (or OpenWhisk) over HTTP exactly as a user would.
 * Thread-safe: one instance serves many virtual users. HTTP/1.1 with the JDK client's unbounded
 * connection pool, so N concurrent requests use N keep-alive connections (no head-of-line blocking
 * behind a slow activation).
 */
public final class WhiskClient {
  /**
   * OpenWhisk's controller answers a blocking invoke after at most 60 s (202 after that); leave it
   * room.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(70);

  private static final String EMPTY_PARAMS = "{}";

  private final HttpClient http;
  private final String apiHost;
  private final String authHeader;
  private final String namespace;
  private final Duration timeout;

  public WhiskClient(String apiHost, String auth, String namespace) {
    this(apiHost, auth, namespace, DEFAULT_TIMEOUT);
  }

  public WhiskClient(String apiHost, String auth, String namespace, Duration timeout) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.apiHost = apiHost.endsWith("/") ? apiHost.substring(0, apiHost.length() - 1) : apiHost;
    this.authHeader =
        "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
    this.namespace = namespace;
    this.timeout = timeout;
  }

  /** The API host, without a trailing slash: {@code http://localhost:3233}. */
  public String apiHost() {
    return apiHost;
  }

  /** What the load generator's own clients ({@link InvokeClient}) need to send the same invokes. */
  public InvokeTarget invokeTarget() {
    return new InvokeTarget(
        URI.create(apiHost),
        "/api/v1/namespaces/" + encode(namespace) + "/actions/",
        authHeader,
        timeout);
  }

  /** An action name as it appears in a request path. */
  public static String encodeName(String name) {
    return encode(name);
  }

  /**
   * Creates or replaces a Node.js 20 action with {@code code}, the platform's default memory limit.
   */
  public void putNodeAction(String name, String code, int concurrency)
      throws IOException, InterruptedException {
    putNodeAction(name, code, concurrency, 0);
  }

  /**
   * Creates or replaces a Node.js 20 action with {@code code}; {@code memoryMb} 0 leaves the memory
   * limit to the platform's default.
   */
  public void putNodeAction(String name, String code, int concurrency, int memoryMb)
      throws IOException, InterruptedException {
    ObjectNode body = Json.object();
    body.putObject("exec").put("kind", "nodejs:20").put("code", code);
    ObjectNode limits = body.putObject("limits").put("concurrency", concurrency);
    if (memoryMb > 0) limits.put("memory", memoryMb);
    HttpResponse<String> r =
        send(
            request(actionPath(name) + "?overwrite=true")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    if (r.statusCode() != 200) {
      throw new IOException(
          "creating action " + name + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** Deletes an action; a missing action (404) is not an error. */
  public void deleteAction(String name) throws IOException, InterruptedException {
    HttpResponse<String> r = send(request(actionPath(name)).DELETE().build());
    if (r.statusCode() != 200 && r.statusCode() != 404) {
      throw new IOException(
          "deleting action " + name + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** A blocking invoke; returns the status code and the activation record (or error) body. */
  public HttpResponse<String> invokeBlocking(String name, JsonNode params)
      throws IOException, InterruptedException {
    return send(invokeRequest(name, params.toString()));
  }

  /** A blocking invoke with no parameters. */
  public HttpResponse<String> invokeBlocking(String name) throws IOException, InterruptedException {
    return send(invokeRequest(name, EMPTY_PARAMS));
  }

  /**
   * A blocking invoke (the server holds the request until the result) sent without holding a
   * thread; the future completes on the HTTP client's executor, exceptionally on connection
   * failures and timeouts.
   */
  public CompletableFuture<HttpResponse<String>> invokeBlockingAsync(String name) {
    return invokeBlockingAsync(name, EMPTY_PARAMS);
  }

  /** {@link #invokeBlockingAsync(String)} with parameters, {@code params} a JSON object's text. */
  public CompletableFuture<HttpResponse<String>> invokeBlockingAsync(String name, String params) {
    return http.sendAsync(invokeRequest(name, params), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest invokeRequest(String name, String params) {
    return request(actionPath(name) + "?blocking=true")
        .POST(HttpRequest.BodyPublishers.ofString(params))
        .build();
  }

  private String actionPath(String name) {
    return "/api/v1/namespaces/" + encode(namespace) + "/actions/" + encode(name);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(apiHost + path))
        .timeout(timeout)
        .header("Authorization", authHeader)
        .header("Content-Type", "application/json");
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
