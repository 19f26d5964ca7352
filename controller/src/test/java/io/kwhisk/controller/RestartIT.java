package io.kwhisk.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a controller keeps across a restart: everything in the entities topic. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RestartIT {
  @Test
  void aRestartedControllerKeepsActionsAndNamespaceKeys() throws Exception {
    try (Harness h = Harness.start(Map.of())) {
      h.controller().registerNamespace("fixed", "11111111-2222-3333-4444-555555555555:fixedkey");
      assertThat(h.createAction("kept", Harness.nodeAction("kept-code")).statusCode()).isEqualTo(200);
      h.stopController();
      h.startController();

      assertThat(h.controller().ensureNamespace("guest")).isEmpty();
      var got = h.call("GET", "/api/v1/namespaces/_/actions/kept", null);
      assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
      assertThat(Harness.json(got).at("/exec/code").asText()).isEqualTo("kept-code");
      var fixed = h.call("GET", "/api/v1/namespaces", null, "11111111-2222-3333-4444-555555555555:fixedkey");
      assertThat(fixed.body()).isEqualTo("[\"fixed\"]");
    }
  }

  @Test
  void twoControllersShareOneEntityStore() throws Exception {
    try (Harness h = Harness.start(Map.of()); Controller second = h.startAnother(1)) {
      assertThat(h.createAction("shared", Harness.nodeAction("shared-code")).statusCode()).isEqualTo(200);
      String url = "http://127.0.0.1:" + second.port() + "/api/v1/namespaces/_/actions/shared";
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
          .header("Authorization", Harness.basic(h.guest())).build();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
          h.http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      assertThat(second.ensureNamespace("guest")).isEmpty();
    }
  }
}
