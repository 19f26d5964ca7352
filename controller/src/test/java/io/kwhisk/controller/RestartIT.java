package io.kwhisk.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationResponse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a controller keeps across a restart (everything in the entities topic, and the recent
 * activation records of its completions topic) and what controllers share.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RestartIT {
  @Test
  void aRestartedControllerKeepsActionsAndNamespaceKeys() throws Exception {
    try (Harness h = Harness.start(Map.of())) {
      h.controller().registerNamespace("fixed", "11111111-2222-3333-4444-555555555555:fixedkey");
      assertThat(h.createAction("kept", Harness.nodeAction("kept-code")).statusCode())
          .isEqualTo(200);
      h.stopController();
      h.startController();

      assertThat(h.controller().ensureNamespace("guest")).isEmpty();
      var got = h.call("GET", "/api/v1/namespaces/_/actions/kept", null);
      assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
      assertThat(Harness.json(got).at("/exec/code").asText()).isEqualTo("kept-code");
      var fixed =
          h.call(
              "GET", "/api/v1/namespaces", null, "11111111-2222-3333-4444-555555555555:fixedkey");
      assertThat(fixed.body()).isEqualTo("[\"fixed\"]");
    }
  }

  @Test
  void twoControllersShareOneEntityStore() throws Exception {
    try (Harness h = Harness.start(Map.of());
        Controller second = h.startAnother(1)) {
      assertThat(h.createAction("shared", Harness.nodeAction("shared-code")).statusCode())
          .isEqualTo(200);
      String url = "http://127.0.0.1:" + second.port() + "/api/v1/namespaces/_/actions/shared";
      var request =
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
              .header("Authorization", Harness.basic(h.guest()))
              .build();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(
              () ->
                  h.http
                          .send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);
      assertThat(second.ensureNamespace("guest")).isEmpty();
    }
  }

  @Test
  void aRestartedControllerStillServesTheRecordsOfActivationsThatEndedBeforeIt() throws Exception {
    try (Harness h = Harness.start(Map.of())) {
      ActivationMessage message = activation("0123456789abcdef0123456789abc001", 0);
      h.complete(
          message,
          ActivationResponse.success(Json.object().put("before", true)),
          List.of("kept line"));
      String path = "/api/v1/namespaces/_/activations/" + message.activationId();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> h.call("GET", path, null).statusCode() == 200);
      h.stopController();
      h.startController();

      HttpResponse<String> got = h.call("GET", path, null);
      assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
      assertThat(Harness.json(got).at("/response/result/before").asBoolean()).isTrue();
      assertThat(Harness.json(got).at("/logs/0").asText()).isEqualTo("kept line");
    }
  }

  @Test
  void everyControllerServesTheRecordsOfActivationsAnotherControllerAccepted() throws Exception {
    try (Harness h = Harness.start(Map.of());
        Controller second = h.startAnother(1)) {
      ActivationMessage viaFirst = activation("0123456789abcdef0123456789abc002", 0);
      ActivationMessage viaSecond = activation("0123456789abcdef0123456789abc003", 1);
      h.complete(viaFirst, ActivationResponse.success(Json.object()), List.of("first"));
      h.complete(viaSecond, ActivationResponse.success(Json.object()), List.of("second"));

      // The first controller was running before the second's completions topic existed: it finds it
      // later.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(h, h.controller(), viaSecond).statusCode() == 200);
      assertThat(Harness.json(get(h, h.controller(), viaSecond)).at("/logs/0").asText())
          .isEqualTo("second");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(h, second, viaFirst).statusCode() == 200);
      assertThat(Harness.json(get(h, second, viaFirst)).at("/logs/0").asText()).isEqualTo("first");
    }
  }

  private static ActivationMessage activation(String id, int controllerId) {
    return new ActivationMessage(
        id,
        "tx-" + id,
        "guest",
        "kept",
        "1",
        "guest",
        Json.object(),
        false,
        controllerId,
        System.currentTimeMillis());
  }

  private static HttpResponse<String> get(
      Harness h, Controller controller, ActivationMessage activation) throws Exception {
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + controller.port()
                + "/api/v1/namespaces/_/activations/"
                + activation.activationId());
    HttpRequest request =
        HttpRequest.newBuilder(uri).header("Authorization", Harness.basic(h.guest())).build();
    return h.http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
