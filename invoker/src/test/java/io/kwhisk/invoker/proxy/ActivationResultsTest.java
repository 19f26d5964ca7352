package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.invoker.docker.ContainerStatus;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class ActivationResultsTest {
  private static final Action ACTION =
      new Action(
          "guest",
          "hello",
          "r1",
          "0.0.2",
          new Exec("nodejs:20", "function main(){}", null, false, null),
          null,
          null,
          new ActionLimits(3000, 256, 10, 1),
          0,
          false,
          0);
  private static final ActivationMessage MSG =
      new ActivationMessage(
          "a1",
          "tx",
          "guest",
          "hello",
          "r1",
          "guest",
          Json.object().put("name", "x"),
          true,
          0,
          1_000);
  private static final int MAX = 1_000_000;

  @Test
  void anObjectResultIsASuccess() {
    ActivationResponse r =
        ActivationResults.run(new CallOutcome.Answered(200, Json.object().put("x", 1)), 3000, MAX);
    assertThat(r.statusCode()).isEqualTo(ActivationResponse.SUCCESS);
    assertThat(r.result().get("x").asInt()).isEqualTo(1);
  }

  @Test
  void anErrorFieldAnsweredWith200IsAnApplicationErrorCarryingOnlyThatField() {
    ActivationResponse r =
        ActivationResults.run(
            new CallOutcome.Answered(200, Json.object().put("error", "boom").put("other", 1)),
            3000,
            MAX);
    assertThat(r.statusCode()).isEqualTo(ActivationResponse.APPLICATION_ERROR);
    assertThat(r.result()).isEqualTo(Json.object().put("error", "boom"));
    assertThat(ActivationResults.keepsContainer(r)).isTrue();
  }

  @Test
  void anyOtherStatusIsADeveloperErrorThatReplacesTheContainerKeepingTheRuntimesError() {
    ActivationResponse threw =
        ActivationResults.run(
            new CallOutcome.Answered(502, Json.object().put("error", "boom")), 3000, MAX);
    assertThat(threw.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(threw.result()).isEqualTo(Json.object().put("error", "boom"));
    assertThat(ActivationResults.keepsContainer(threw)).isFalse();

    ActivationResponse broken =
        ActivationResults.run(new CallOutcome.Answered(403, Json.object().put("x", 1)), 3000, MAX);
    assertThat(broken.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(broken.result().get("error").asText())
        .isEqualTo("The action did not produce a valid JSON response: 403 {\"x\":1}");
  }

  @Test
  void aResultLargerThanARecordCarriesIsADeveloperErrorGivingBothSizes() {
    ActivationResponse r =
        ActivationResults.run(
            new CallOutcome.Answered(200, Json.object().put("big", "x".repeat(100))), 3000, 50);
    assertThat(r.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(r.result().get("error").asText())
        .isEqualTo(
            "The action produced a response that exceeded the allowed length: 110 > 50 bytes.");
    assertThat(
            ActivationResults.run(
                    new CallOutcome.Answered(200, Json.object().put("big", "x".repeat(100))),
                    3000,
                    110)
                .statusCode())
        .as("exactly at the limit")
        .isEqualTo(ActivationResponse.SUCCESS);
  }

  @Test
  void aTimeOutIsADeveloperErrorNamingTheLimit() {
    ActivationResponse r = ActivationResults.run(new CallOutcome.TimedOut(), 3000, MAX);
    assertThat(r.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(r.result().get("error").asText())
        .isEqualTo("The action exceeded its time limit of 3000 milliseconds.");
  }

  @Test
  void aBrokenConnectionOrANonObjectAnswerIsADeveloperError() {
    assertThat(ActivationResults.run(new CallOutcome.Failed("reset"), 3000, MAX).statusCode())
        .isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(
            ActivationResults.run(
                    new CallOutcome.Answered(500, TextNode.valueOf("oops")), 3000, MAX)
                .statusCode())
        .isEqualTo(ActivationResponse.DEVELOPER_ERROR);
  }

  @Test
  void aSuccessfulInitHasNoFailureAndAFailedOneKeepsTheRuntimesMessage() {
    assertThat(
            ActivationResults.initFailure(
                new CallOutcome.Answered(200, Json.object().put("ok", true)), 3000))
        .isNull();
    ActivationResponse failed =
        ActivationResults.initFailure(
            new CallOutcome.Answered(502, Json.object().put("error", "SyntaxError")), 3000);
    assertThat(failed.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(failed.result().get("error").asText()).isEqualTo("SyntaxError");
  }

  @Test
  void theRunPayloadFollowsOpenWhisk() {
    var body = ActivationResults.runPayload(MSG, ACTION, 5_000, 3000);
    assertThat(body.get("value").get("name").asText()).isEqualTo("x");
    assertThat(body.get("namespace").asText()).isEqualTo("guest");
    assertThat(body.get("action_name").asText()).isEqualTo("/guest/hello");
    assertThat(body.get("action_version").asText()).isEqualTo("0.0.2");
    assertThat(body.get("activation_id").asText()).isEqualTo("a1");
    assertThat(body.get("transaction_id").asText()).isEqualTo("tx");
    assertThat(body.get("deadline").asText()).isEqualTo("8000");
    assertThat(body.has("api_key")).as("only for provide-api-key").isFalse();

    ActivationMessage withKey =
        new ActivationMessage(
            "a1", "tx", "guest", "hello", "r1", "guest", Json.object(), true, 0, 1_000, "uuid:key");
    assertThat(ActivationResults.runPayload(withKey, ACTION, 5_000, 3000).get("api_key").asText())
        .isEqualTo("uuid:key");
    assertThat(withKey.toString()).doesNotContain("key");
  }

  @Test
  void theInitPayloadCarriesTheActionsContextAndOmitsAbsentCode() {
    var value = ActivationResults.initPayload(ACTION).get("value");
    assertThat(value.get("code").asText()).isEqualTo("function main(){}");
    assertThat(value.get("main").asText()).isEqualTo("main");
    assertThat(value.get("env").get("__OW_NAMESPACE").asText()).isEqualTo("guest");
    assertThat(value.get("env").get("__OW_ACTION_NAME").asText()).isEqualTo("/guest/hello");
    assertThat(value.get("env").get("__OW_ACTION_VERSION").asText()).isEqualTo("0.0.2");

    Action blackbox =
        new Action(
            "guest",
            "box",
            "r1",
            null,
            new Exec("blackbox", null, null, false, "my/image"),
            null,
            null,
            null,
            0,
            false,
            0);
    assertThat(ActivationResults.initPayload(blackbox).get("value").has("code")).isFalse();
  }

  @Test
  void aColdRecordStartsAtInitAndCarriesInitAndWaitTime() {
    ActivationRecord r =
        ActivationResults.record(
            MSG,
            ACTION,
            ActivationResponse.success(Json.object()),
            1_500,
            1_600,
            OptionalLong.of(200),
            false,
            List.of("l1"));
    assertThat(r.start()).isEqualTo(1_300);
    assertThat(r.duration()).isEqualTo(300);
    assertThat(r.version()).isEqualTo("0.0.2");
    assertThat(r.annotation("initTime").orElseThrow().asLong()).isEqualTo(200);
    assertThat(r.annotation("waitTime").orElseThrow().asLong()).isEqualTo(300);
    assertThat(r.annotation("path").orElseThrow().asText()).isEqualTo("guest/hello");
    assertThat(r.annotation("kind").orElseThrow().asText()).isEqualTo("nodejs:20");
    assertThat(r.annotation("limits").orElseThrow().get("timeout").asInt()).isEqualTo(3000);
    assertThat(r.logs()).containsExactly("l1");
    assertThat(r.annotation("timeout").orElseThrow().asBoolean())
        .as("always present, as in OpenWhisk")
        .isFalse();
  }

  @Test
  void aSequencesComponentIsCausedBySequenceAndHasNoWaitTimeAsInOpenWhisk() {
    ActivationMessage component =
        new ActivationMessage(
            "a2",
            "tx",
            "guest",
            "hello",
            "r1",
            "guest",
            Json.object(),
            true,
            0,
            1_000,
            null,
            "seq-activation");
    ActivationRecord r =
        ActivationResults.record(
            component,
            ACTION,
            ActivationResponse.success(Json.object()),
            1_500,
            1_600,
            OptionalLong.empty(),
            false,
            List.of());
    assertThat(r.annotation("causedBy").orElseThrow().asText()).isEqualTo("sequence");
    assertThat(r.annotation("waitTime")).isEmpty();
    assertThat(
            ActivationResults.record(
                    MSG,
                    ACTION,
                    ActivationResponse.success(Json.object()),
                    1_500,
                    1_600,
                    OptionalLong.empty(),
                    false,
                    List.of())
                .annotation("causedBy"))
        .isEmpty();
  }

  @Test
  void anActivationThroughABindingNamesItAsOpenWhiskDoes() {
    ActivationMessage bound =
        new ActivationMessage(
            "a3",
            "tx",
            "guest",
            "lib/hello",
            "r1",
            "guest",
            Json.object(),
            true,
            0,
            1_000,
            null,
            null,
            "guest/mylib");
    assertThat(
            ActivationResults.record(
                    bound,
                    ACTION,
                    ActivationResponse.success(Json.object()),
                    1_500,
                    1_600,
                    OptionalLong.empty(),
                    false,
                    List.of())
                .annotation("binding")
                .orElseThrow()
                .asText())
        .isEqualTo("guest/mylib");
    assertThat(
            ActivationResults.record(
                    MSG,
                    ACTION,
                    ActivationResponse.success(Json.object()),
                    1_500,
                    1_600,
                    OptionalLong.empty(),
                    false,
                    List.of())
                .annotation("binding"))
        .isEmpty();
  }

  @Test
  void aWarmRecordHasNoInitTime() {
    ActivationRecord r =
        ActivationResults.record(
            MSG,
            ACTION,
            ActivationResponse.success(Json.object()),
            1_500,
            1_600,
            OptionalLong.empty(),
            true,
            List.of());
    assertThat(r.start()).isEqualTo(1_500);
    assertThat(r.annotation("initTime")).isEmpty();
    assertThat(r.annotation("timeout").orElseThrow().asBoolean()).isTrue();
  }

  @Test
  void aContainerKilledForItsMemoryIsADeveloperErrorSayingSo() {
    ActivationResponse r =
        ActivationResults.run(
            new CallOutcome.Died("reset", new ContainerStatus(false, false, true, 137)), 1000, MAX);
    assertThat(r.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(r.result().get("error").asText())
        .isEqualTo("The action exhausted its memory and was aborted.");
  }

  @Test
  void aContainerKilledOrRemovedFromOutsideIsAWhiskError() {
    ActivationResponse killed =
        ActivationResults.run(
            new CallOutcome.Died("reset", new ContainerStatus(false, false, false, 137)),
            1000,
            MAX);
    assertThat(killed.statusCode()).isEqualTo(ActivationResponse.WHISK_ERROR);
    assertThat(killed.result().get("error").asText()).contains("killed (exit code 137)");
    assertThat(
            ActivationResults.run(new CallOutcome.Died("reset", ContainerStatus.GONE), 1000, MAX)
                .statusCode())
        .isEqualTo(ActivationResponse.WHISK_ERROR);
  }

  @Test
  void anActionThatExitsOnItsOwnIsADeveloperErrorWithItsExitCode() {
    ActivationResponse r =
        ActivationResults.run(
            new CallOutcome.Died("reset", new ContainerStatus(false, false, false, 3)), 1000, MAX);
    assertThat(r.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(r.result().get("error").asText()).contains("exit code 3");
    assertThat(ActivationResults.keepsContainer(r)).isFalse();
  }

  @Test
  void initParametersGoToTheInitEnvironmentAsStringsAndNotToRuns() {
    Action action =
        new Action(
            "guest",
            "hello",
            "r1",
            null,
            ACTION.exec(),
            java.util.Map.of(
                "db",
                TextNode.valueOf("postgres://x"),
                "opts",
                Json.object().put("a", 1),
                "name",
                TextNode.valueOf("default")),
            null,
            null,
            0,
            false,
            0,
            java.util.Set.of("db", "opts"));
    var env = ActivationResults.initPayload(action).get("value").get("env");
    assertThat(env.get("db").asText()).isEqualTo("postgres://x");
    assertThat(env.get("opts").asText()).isEqualTo("{\"a\":1}");
    assertThat(env.has("name")).isFalse();

    ActivationMessage msg =
        new ActivationMessage(
            "a1",
            "tx",
            "guest",
            "hello",
            "r1",
            "guest",
            Json.object().put("db", "postgres://x").put("name", "me"),
            true,
            0,
            1_000);
    var value = ActivationResults.runPayload(msg, action, 5_000, 3000).get("value");
    assertThat(value.has("db")).isFalse();
    assertThat(value.get("name").asText()).isEqualTo("me");
    assertThat(msg.params().has("db")).as("the message is not changed").isTrue();
  }

  @Test
  void anAnswerTooLargeToReadIsTheSameDeveloperErrorAndStillHasItsLogs() {
    ActivationResponse known =
        ActivationResults.run(new CallOutcome.TooLarge(200, 9_000_000, 8_388_608), 3000, MAX);
    assertThat(known.statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(known.result().get("error").asText())
        .isEqualTo(
            "The action produced a response that exceeded the allowed length: 9000000 > 1000000 bytes.");
    assertThat(
            ActivationResults.run(new CallOutcome.TooLarge(200, -1, 8_388_608), 3000, MAX)
                .result()
                .get("error")
                .asText())
        .contains("more than 8388608 > 1000000 bytes");
    assertThat(ActivationResults.answered(new CallOutcome.TooLarge(200, -1, 1))).isTrue();
    assertThat(
            ActivationResults.initFailure(new CallOutcome.TooLarge(200, 10, 5), 3000).statusCode())
        .isEqualTo(ActivationResponse.DEVELOPER_ERROR);
  }

  @Test
  void anArrayAnsweredWith200IsASuccessAndWithAnyOtherStatusADeveloperError() {
    var array = Json.MAPPER.createArrayNode().add(1).add("two");
    ActivationResponse ok = ActivationResults.run(new CallOutcome.Answered(200, array), 3000, MAX);
    assertThat(ok.statusCode()).isEqualTo(ActivationResponse.SUCCESS);
    assertThat(ok.result()).isEqualTo(array);
    assertThat(ActivationResults.run(new CallOutcome.Answered(502, array), 3000, MAX).statusCode())
        .isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(ActivationResults.run(new CallOutcome.Answered(200, array), 3000, 5).statusCode())
        .as("too large")
        .isEqualTo(ActivationResponse.DEVELOPER_ERROR);

    ActivationMessage msg =
        new ActivationMessage("a1", "tx", "guest", "hello", "r1", "guest", array, true, 0, 1_000);
    assertThat(ActivationResults.runPayload(msg, ACTION, 5_000, 3000).get("value"))
        .isEqualTo(array);
  }
}
