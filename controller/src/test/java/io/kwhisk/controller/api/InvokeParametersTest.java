package io.kwhisk.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InvokeParametersTest {
  @Test
  void callerParametersOverrideTheActionsDefaults() {
    Map<String, JsonNode> defaults = new LinkedHashMap<>();
    defaults.put("name", TextNode.valueOf("default"));
    defaults.put("place", TextNode.valueOf("earth"));
    ObjectNode given =
        (ObjectNode)
            InvokeParameters.parse("{\"name\":\"me\",\"n\":3}".getBytes(StandardCharsets.UTF_8));
    ObjectNode merged = InvokeParameters.merge(defaults, given);
    assertThat(merged.get("name").asText()).isEqualTo("me");
    assertThat(merged.get("place").asText()).isEqualTo("earth");
    assertThat(merged.get("n")).isEqualTo(IntNode.valueOf(3));
  }

  @Test
  void anEmptyBodyMeansNoParameters() {
    assertThat(InvokeParameters.parse(new byte[0]).size()).isZero();
  }

  @Test
  void aBodyThatIsNeitherAnObjectNorAnArrayIsABadRequest() {
    assertThat(InvokeParameters.parse("[1,2]".getBytes(StandardCharsets.UTF_8)).isArray()).isTrue();
    for (String body : new String[] {"3", "\"text\"", "{oops"}) {
      assertThatThrownBy(() -> InvokeParameters.parse(body.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }

  @Test
  void theBlockingWaitHonoursTheTimeoutParameterUpToTheMaximum() {
    Duration max = Duration.ofSeconds(60);
    assertThat(InvokeParameters.blockingWait(null, max)).isEqualTo(max);
    assertThat(InvokeParameters.blockingWait("500", max)).isEqualTo(Duration.ofMillis(500));
    assertThat(InvokeParameters.blockingWait("600000", max)).isEqualTo(max);
    assertThatThrownBy(() -> InvokeParameters.blockingWait("soon", max))
        .isInstanceOf(ApiError.class);
    assertThatThrownBy(() -> InvokeParameters.blockingWait("-1", max)).isInstanceOf(ApiError.class);
  }

  @Test
  void listCountsAreCappedAndChecked() {
    assertThat(InvokeParameters.count("limit", null, 30, 200)).isEqualTo(30);
    assertThat(InvokeParameters.count("limit", "1000", 30, 200)).isEqualTo(200);
    assertThatThrownBy(() -> InvokeParameters.count("limit", "-3", 30, 200))
        .hasMessageContaining("limit");
  }

  @Test
  void anArrayIsPassedAsItIsEvenToAnActionWithFinalParameters() {
    io.kwhisk.common.entity.Action action =
        new io.kwhisk.common.entity.Action(
            "guest",
            "a",
            "r1",
            null,
            new io.kwhisk.common.entity.Exec("nodejs:20", "x", null, false, null),
            Map.of("k", TextNode.valueOf("v")),
            Map.of("final", com.fasterxml.jackson.databind.node.BooleanNode.TRUE),
            null,
            0,
            false,
            0);
    JsonNode array = InvokeParameters.parse("[1,2]".getBytes(StandardCharsets.UTF_8));
    assertThat(InvokeParameters.merge(action, array)).isSameAs(array);
    assertThatThrownBy(
            () ->
                InvokeParameters.merge(
                    action, InvokeParameters.parse("{\"k\":1}".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
