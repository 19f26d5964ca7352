package io.kwhisk.controller.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SequenceAccountingTest {
  static ActivationRecord record(
      String id, ActivationResponse response, long duration, int memory) {
    JsonNode limits = Json.object().put("memory", memory);
    return new ActivationRecord(
        "guest",
        "a",
        "0.0.1",
        "guest",
        id,
        0,
        duration,
        duration,
        response.statusCode(),
        response,
        List.of(),
        List.of(new KeyValue("limits", limits)),
        false);
  }

  @Test
  void eachComponentsResultIsTheNextInputAndTheLogsDurationsAndMemoryAddUp() {
    SequenceAccounting s = SequenceAccounting.start(0, Json.object().put("n", 1));
    assertThat(s.nextInput().toString()).isEqualTo("{\"n\":1}");
    s = s.after(record("one", ActivationResponse.success(Json.object().put("n", 2)), 5, 256), 1);
    s = s.after(record("two", ActivationResponse.success(Json.object().put("n", 3)), 7, 128), 2);
    assertThat(s.stop()).isFalse();
    assertThat(s.nextInput().toString()).isEqualTo("{\"n\":3}");
    assertThat(s.logs()).containsExactly("one", "two");
    assertThat(s.duration()).isEqualTo(12);
    assertThat(s.maxMemory()).isEqualTo(256);
    assertThat(s.atomic()).isEqualTo(2);
  }

  @Test
  void aResultWithAnErrorFieldOrAFailedComponentStopsTheSequence() {
    SequenceAccounting start = SequenceAccounting.start(0, Json.object());
    assertThat(
            start
                .after(
                    record(
                        "e", ActivationResponse.success(Json.object().put("error", "no")), 1, 256),
                    1)
                .stop())
        .isTrue();
    assertThat(
            start
                .after(record("d", ActivationResponse.developerError(Json.object()), 1, 256), 1)
                .stop())
        .isTrue();
    SequenceAccounting failed = start.fail(SequenceAccounting.whiskError("Sequence failed."), null);
    assertThat(failed.stop()).isTrue();
    assertThat(failed.logs()).isEmpty();
    assertThat(failed.last().statusCode()).isEqualTo(ActivationResponse.WHISK_ERROR);
  }
}
