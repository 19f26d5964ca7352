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

/**
 * A minimal OpenWhisk REST client, driving kwhisk (or OpenWhisk) over HTTP exactly as a user would. Thread-safe:
 * one instance serves many virtual users.
 */
public final class WhiskClient {
  private final HttpClient http;
  private final String apiHost;
  private final String authHeader;
  private final String namespace;

  public WhiskClient(String apiHost, String auth, String namespace) {
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    this.apiHost = apiHost.endsWith("/") ? apiHost.substring(0, apiHost.length() - 1) : apiHost;
    this.authHeader = "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
    this.namespace = namespace;
  }

  /** Creates or replaces a Node.js action with {@code code}. */
  public void putNodeAction(String name, String code, int concurrency) throws IOException, InterruptedException {
    ObjectNode body = Json.object();
    body.putObject("exec").put("kind", "nodejs:20").put("code", code);
    body.putObject("limits").put("concurrency", concurrency);
    HttpResponse<String> r = send(request(actionPath(name) + "?overwrite=true")
        .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    if (r.statusCode() != 200) {
      throw new IOException("creating action " + name + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  public void deleteAction(String name) throws IOException, InterruptedException {
    send(request(actionPath(name)).DELETE().build());
  }

  /** A blocking invoke; returns the status code and the activation record (or error) body. */
  public HttpResponse<String> invokeBlocking(String name, JsonNode params) throws IOException, InterruptedException {
    return send(request(actionPath(name) + "?blocking=true")
        .POST(HttpRequest.BodyPublishers.ofString(params.toString())).build());
  }

  private String actionPath(String name) {
    return "/api/v1/namespaces/" + encode(namespace) + "/actions/" + encode(name);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(apiHost + path))
        .timeout(Duration.ofSeconds(120))
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
