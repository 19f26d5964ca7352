package io.kwhisk.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ActionJsonTest {
  static final Action ACTION =
      new Action(
          "guest",
          "hello",
          "rev",
          "0.0.3",
          new Exec("nodejs:20", "function main(){}", null, false, null),
          Map.of("a", TextNode.valueOf("b")),
          Map.of("exec", TextNode.valueOf("nodejs:20")),
          ActionLimits.DEFAULT,
          5,
          false,
          99);

  @Test
  void anActionHasOpenWhisksFieldsAndNotOurInternalOnes() {
    ObjectNode json = ActionJson.full(ACTION, true);
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly(
            "namespace",
            "name",
            "version",
            "exec",
            "parameters",
            "annotations",
            "limits",
            "publish",
            "updated");
    assertThat(json.at("/exec/kind").asText()).isEqualTo("nodejs:20");
    assertThat(json.at("/exec/code").asText()).isEqualTo("function main(){}");
    assertThat(json.at("/exec/binary").asBoolean()).isFalse();
    assertThat(json.at("/parameters/0/key").asText()).isEqualTo("a");
    assertThat(json.at("/annotations/0/value").asText()).isEqualTo("nodejs:20");
    assertThat(json.at("/limits/memory").asInt()).isEqualTo(256);
    assertThat(json.has("revision")).isFalse();
    assertThat(json.has("instances")).isFalse();
    assertThat(json.at("/limits/instances").asInt())
        .as("kwhisk's extension, inside limits")
        .isEqualTo(5);
  }

  @Test
  void codeCanBeLeftOutAndListsCarryNoCodeOrParameters() {
    assertThat(ActionJson.full(ACTION, false).at("/exec").has("code")).isFalse();
    ObjectNode summary = ActionJson.summary(ACTION);
    assertThat(summary.has("parameters")).isFalse();
    assertThat(summary.get("exec").toString()).isEqualTo("{\"binary\":false}");
  }

  @Test
  void anActivationRecordKeepsOpenWhisksShapeAndItsSummaryDropsResultAndLogs() {
    JsonNode result = Json.object().put("ok", true);
    ActivationRecord record =
        new ActivationRecord(
            "guest",
            "hello",
            "0.0.1",
            "guest",
            "abc",
            1,
            3,
            2,
            0,
            ActivationResponse.success(result),
            List.of("log line"),
            List.of(),
            false);
    ObjectNode full = ActionJson.activation(record);
    assertThat(full.at("/response/status").asText()).isEqualTo("success");
    assertThat(full.at("/response/result/ok").asBoolean()).isTrue();
    assertThat(full.at("/logs/0").asText()).isEqualTo("log line");
    ObjectNode summary = ActionJson.activationSummary(record);
    assertThat(summary.has("response")).isFalse();
    assertThat(summary.has("logs")).isFalse();
    assertThat(summary.get("statusCode").asInt()).isZero();
  }

  @Test
  void applicationAndDeveloperErrorsAnswer502AndPlatformErrors500() {
    assertThat(Invocations.statusOf(record(ActivationResponse.success(null)))).isEqualTo(200);
    assertThat(Invocations.statusOf(record(ActivationResponse.applicationError(null))))
        .isEqualTo(502);
    assertThat(Invocations.statusOf(record(ActivationResponse.developerError(null))))
        .isEqualTo(502);
    assertThat(Invocations.statusOf(record(ActivationResponse.whiskError(null)))).isEqualTo(500);
  }

  static ActivationRecord record(ActivationResponse response) {
    return new ActivationRecord(
        "guest", "a", "0.0.1", "guest", "id", 0, 0, 0, 0, response, null, null, false);
  }
}
