package io.kwhisk.controller.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WebRequestTest {
  static WebRequest request(String query, String type, String body) {
    return new WebRequest(
        "POST",
        Map.of("x-h", "v"),
        "/rest",
        query,
        type,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void queryThenJsonBodyFieldsJoinTheRequestContext() {
    String arg =
        request("a=1&b=x%20y", "application/json", "{\"b\":2}")
            .toArgument("guest", false, Set.of())
            .toString();
    assertThat(arg)
        .isEqualTo(
            "{\"__ow_method\":\"post\",\"__ow_headers\":{\"x-h\":\"v\"},\"__ow_path\":\"/rest\","
                + "\"__ow_user\":\"guest\",\"a\":\"1\",\"b\":2}");
  }

  @Test
  void aFormIsFieldsTextIsABodyAndBinaryIsBase64() {
    assertThat(
            request("", "application/x-www-form-urlencoded", "k=v%21")
                .toArgument(null, false, Set.of())
                .path("k")
                .asText())
        .isEqualTo("v!");
    assertThat(
            request("", "text/plain", "hi")
                .toArgument(null, false, Set.of())
                .path("__ow_body")
                .asText())
        .isEqualTo("hi");
    assertThat(
            request("", "application/octet-stream", "hi")
                .toArgument(null, false, Set.of())
                .path("__ow_body")
                .asText())
        .isEqualTo(Base64.getEncoder().encodeToString("hi".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aRawHttpActionGetsTheQueryStringAndTheBodyAsTheyCame() {
    var arg = request("a=1&a=2", "application/json", "{\"b\":2}").toArgument(null, true, Set.of());
    assertThat(arg.path("__ow_query").asText()).isEqualTo("a=1&a=2");
    assertThat(arg.path("__ow_body").asText())
        .isEqualTo(
            Base64.getEncoder().encodeToString("{\"b\":2}".getBytes(StandardCharsets.UTF_8)));
    assertThat(arg.has("a")).isFalse();
  }

  @Test
  void reservedAndFinalParametersCannotBeGivenByTheRequest() {
    assertThatThrownBy(() -> request("__ow_user=me", null, null).toArgument(null, false, Set.of()))
        .hasMessageContaining("not allowed");
    assertThatThrownBy(
            () ->
                request("", "application/json", "{\"fixed\":1}")
                    .toArgument(null, false, Set.of("fixed")))
        .hasMessageContaining("not allowed");
  }
}
