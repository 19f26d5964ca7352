package io.kwhisk.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.ContainerKeepAlive;
import io.kwhisk.common.message.InvokerCommand;
import io.kwhisk.common.message.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class JsonTest {
  private final Action action =
      new Action(
          "guest",
          "hello",
          "r1",
          null,
          new Exec("nodejs:20", "function main(){return {}}", null, false, null),
          Map.of("name", TextNode.valueOf("world")),
          Map.of(),
          ActionLimits.DEFAULT,
          0,
          false,
          1L);

  @Test
  void invokerCommandsRoundTripWithTheirType() {
    InvokerCommand create = new ContainerCreation("c1", action, 0, 5L);
    InvokerCommand delete = new ContainerDeletion("guest", "hello", null);
    assertThat(Json.decode(Json.encode(create), InvokerCommand.class)).isEqualTo(create);
    assertThat(Json.decode(Json.encode(delete), InvokerCommand.class)).isEqualTo(delete);
    assertThat(new String(Json.encode(delete), StandardCharsets.UTF_8))
        .contains("\"type\":\"delete\"");
  }

  @Test
  void aCreationCarriesItsKeepAliveAndAKeepAliveChangeRoundTrips() {
    InvokerCommand create = new ContainerCreation("c1", action, 0, 5L, 420_000);
    InvokerCommand change = new ContainerKeepAlive("guest", "hello", 60_000);
    assertThat(Json.decode(Json.encode(create), InvokerCommand.class)).isEqualTo(create);
    assertThat(Json.decode(Json.encode(change), InvokerCommand.class)).isEqualTo(change);
    assertThat(new String(Json.encode(change), StandardCharsets.UTF_8))
        .contains("\"type\":\"keep-alive\"");
  }

  @Test
  void aCreationWrittenWithoutAKeepAliveLeavesItToTheInvoker() {
    String old =
        new String(Json.encode(new ContainerCreation("c1", action, 0, 5L)), StandardCharsets.UTF_8)
            .replace(",\"keepAliveMs\":0", "");
    assertThat(old).doesNotContain("keepAliveMs");
    InvokerCommand decoded =
        Json.decode(old.getBytes(StandardCharsets.UTF_8), InvokerCommand.class);
    assertThat(((ContainerCreation) decoded).keepAliveMs()).isZero();
  }

  @Test
  void actionGetsDefaultsForOmittedFields() {
    Action decoded =
        Json.decode(
            "{\"namespace\":\"ns\",\"name\":\"a\",\"revision\":\"r\",\"exec\":{\"kind\":\"nodejs:20\"}}"
                .getBytes(StandardCharsets.UTF_8),
            Action.class);
    assertThat(decoded.limits()).isEqualTo(ActionLimits.DEFAULT);
    assertThat(decoded.instances()).isEqualTo(Action.DEFAULT_INSTANCES);
    assertThat(decoded.version()).isEqualTo("0.0.1");
  }

  @Test
  void activationMessageRoundTripsItsParameters() {
    ActivationMessage m =
        new ActivationMessage(
            "a1", "t1", "guest", "hello", "r1", "guest", Json.object().put("n", 1), true, 0, 7L);
    assertThat(Json.decode(Json.encode(m), ActivationMessage.class)).isEqualTo(m);
  }

  @Test
  void anActivationMessageWrittenBeforeRequeuesExistedReadsAsNeverRequeued() {
    String older =
        "{\"activationId\":\"a1\",\"transactionId\":\"t1\",\"namespace\":\"guest\","
            + "\"actionName\":\"hello\",\"actionRevision\":\"r1\",\"subject\":\"guest\","
            + "\"params\":{\"n\":1},\"blocking\":true,\"controllerId\":0,\"enqueuedAt\":7}";
    ActivationMessage m =
        Json.decode(older.getBytes(StandardCharsets.UTF_8), ActivationMessage.class);
    assertThat(m.requeues()).isZero();
    assertThat(m.activationId()).isEqualTo("a1");
  }

  @Test
  void aRequeuedActivationMessageKeepsItsIdentityAndCountsTheRequeueOnTheWire() throws Exception {
    ActivationMessage m =
        new ActivationMessage(
            "a1", "t1", "guest", "hello", "r1", "guest", Json.object().put("n", 1), true, 0, 7L);
    assertThat(Json.MAPPER.readTree(Json.encode(m)).has("requeues"))
        .as("a message never requeued is written as before the field existed")
        .isFalse();
    ActivationMessage twice = m.requeued().requeued();
    ActivationMessage read = Json.decode(Json.encode(twice), ActivationMessage.class);
    assertThat(read.requeues()).isEqualTo(2);
    assertThat(read.activationId()).isEqualTo("a1");
    assertThat(read.enqueuedAt()).isEqualTo(7L);
    assertThat(read.params()).isEqualTo(m.params());
  }

  @Test
  void activationRecordHasOpenWhisksShape() throws Exception {
    ActivationRecord r =
        new ActivationRecord(
            "guest",
            "hello",
            "0.0.1",
            "guest",
            "a1",
            1,
            3,
            2,
            0,
            ActivationResponse.success(Json.object().put("ok", true)),
            List.of(),
            List.of(new KeyValue("waitTime", IntNode.valueOf(4))),
            false);
    JsonNode tree = Json.MAPPER.readTree(Json.encode(r));
    assertThat(tree.path("response").path("status").asText()).isEqualTo("success");
    assertThat(tree.path("response").path("result").path("ok").asBoolean()).isTrue();
    assertThat(tree.path("annotations").get(0).path("key").asText()).isEqualTo("waitTime");
    assertThat(r.annotation("waitTime")).contains(IntNode.valueOf(4));
  }

  @Test
  void malformedBytesRaiseMalformedJson() {
    assertThatThrownBy(() -> Json.decode("{nope".getBytes(StandardCharsets.UTF_8), Action.class))
        .isInstanceOf(Json.MalformedJsonException.class)
        .hasMessageContaining("Action");
  }
}
