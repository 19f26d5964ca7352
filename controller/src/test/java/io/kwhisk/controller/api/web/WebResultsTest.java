package io.kwhisk.controller.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.api.ApiError;
import java.util.Base64;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WebResultsTest {
  static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s);
  }

  static byte[] body(HttpResponse r) {
    return ((HttpEntity.Strict) r.entity()).getData().toArray();
  }

  @Test
  void anHttpResultBecomesTheAnswerWithItsStatusHeadersAndBody() throws Exception {
    HttpResponse r =
        WebResults.of(
            ".http",
            json(
                "{\"statusCode\":201,\"headers\":{\"X-A\":[\"1\",\"2\"],"
                    + "\"Content-Type\":\"text/plain\"},\"body\":\"made\"}"));
    assertThat(r.status().intValue()).isEqualTo(201);
    assertThat(r.getHeaders()).filteredOn(h -> h.name().equals("X-A")).hasSize(2);
    assertThat(r.entity().getContentType().mediaType().toString()).isEqualTo("text/plain");
    assertThat(new String(body(r))).isEqualTo("made");
    assertThat(WebResults.of(".http", json("{}")).status().intValue()).as("no body").isEqualTo(204);
    assertThat(
            WebResults.of(".http", json("{\"body\":{\"a\":1}}"))
                .entity()
                .getContentType()
                .mediaType()
                .toString())
        .isEqualTo("application/json");
  }

  @Test
  void aBinaryContentTypeDecodesABase64Body() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
    HttpResponse r =
        WebResults.of(
            ".http",
            json(
                "{\"headers\":{\"content-type\":\"image/png\"},\"body\":\""
                    + Base64.getEncoder().encodeToString(png)
                    + "\"}"));
    assertThat(body(r)).isEqualTo(png);
  }

  @Test
  void resultsThatDoNotFitTheExtensionAre400() throws Exception {
    assertThatThrownBy(() -> WebResults.of(".html", json("{\"x\":1}")))
        .isInstanceOf(ApiError.class)
        .hasMessage("Response is not valid 'text/html'.");
    assertThatThrownBy(() -> WebResults.of(".json", json("3")))
        .hasMessage("Response is not valid 'application/json'.");
    assertThatThrownBy(() -> WebResults.of(".http", json("[1]")))
        .hasMessage("Response is not valid 'message/http'.");
    assertThatThrownBy(() -> WebResults.of(".http", json("{\"statusCode\":\"x\"}")))
        .hasMessage("Response is not valid 'message/http'.");
    assertThat(new String(body(WebResults.of(".svg", json("{\"svg\":\"<svg/>\"}")))))
        .isEqualTo("<svg/>");
    assertThat(new String(body(WebResults.of(".text", json("{\"text\":\"t\"}"))))).isEqualTo("t");
  }
}
