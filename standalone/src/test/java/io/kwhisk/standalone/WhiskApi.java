package io.kwhisk.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The REST API of a running standalone as a test calls it, as one namespace's user: paths under
 * {@code /api/v1/namespaces/_}.
 */
final class WhiskApi {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String apiHost;
  private final String auth;
  private final String namespace;

  /** As the standalone's own namespace. */
  WhiskApi(Standalone standalone) {
    this(standalone.apiHost(), standalone.auth(), standalone.namespace());
  }

  /** As the user of {@code namespace}, whose key is {@code auth} ({@code uuid:key}). */
  WhiskApi(String apiHost, String auth, String namespace) {
    this.apiHost = apiHost;
    this.auth = auth;
    this.namespace = namespace;
  }

  String apiHost() {
    return apiHost;
  }

  /** {@code uuid:key} of the namespace. */
  String auth() {
    return auth;
  }

  String namespace() {
    return namespace;
  }

  HttpResponse<String> put(String action, String body) throws IOException, InterruptedException {
    return send(
        request("/actions/" + action + "?overwrite=true")
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Any method on a path under the namespace, with a JSON body or none. */
  HttpResponse<String> call(String method, String path, String body)
      throws IOException, InterruptedException {
    return send(
        request(path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  HttpRequest.Builder request(String path) {
    String basic = Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create(apiHost + "/api/v1/namespaces/_" + path))
        .timeout(Duration.ofSeconds(90))
        .header("Authorization", "Basic " + basic)
        .header("Content-Type", "application/json");
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return Json.MAPPER.readTree(response.body());
  }

  /** The value of the record's annotation {@code key}, or null. */
  static JsonNode annotation(JsonNode record, String key) {
    for (JsonNode kv : record.path("annotations")) {
      if (key.equals(kv.path("key").asText())) return kv.path("value");
    }
    return null;
  }
}
