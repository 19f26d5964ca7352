package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class RecordBudgetTest {
  private static final RecordBudget ONE_MB = new RecordBudget(1024 * 1024);

  @Test
  void theLargestResultLeavesRoomForTheOtherFieldsAndSomeLogs() {
    assertThat(ONE_MB.maxResultBytes())
        .isEqualTo(1024 * 1024 - RecordBudget.FIELDS_BYTES - RecordBudget.LOGS_ALWAYS_BYTES);
    assertThatThrownBy(() -> new RecordBudget(64 * 1024)).hasMessageContaining("max.request.size");
  }

  @Test
  void logsThatFitAreKeptAsTheyAre() {
    List<String> lines =
        List.of("2026-01-01T00:00:00Z stdout: hello", "2026-01-01T00:00:00Z stderr: world");
    assertThat(ONE_MB.fit(lines, Json.object())).isSameAs(lines);
  }

  @Test
  void louderLogsAreCutToTheRoomTheResultLeavesWithANote() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 30_000; i++)
      lines.add("2026-01-01T00:00:00.000000000Z stdout: \"quoted\" line " + i);
    ObjectNode result = Json.object().put("big", "y".repeat(500_000));

    List<String> kept = ONE_MB.fit(lines, result);
    assertThat(kept.size()).isLessThan(lines.size());
    assertThat(kept.subList(0, kept.size() - 1)).isEqualTo(lines.subList(0, kept.size() - 1));
    assertThat(kept.get(kept.size() - 1))
        .startsWith("Logs were truncated because the total bytes size exceeds");

    ActivationRecord record =
        new ActivationRecord(
            "guest",
            "a-rather-long-action-name".repeat(10),
            "0.0.1",
            "guest",
            "0123456789abcdef0123456789abcdef",
            1L,
            2L,
            1L,
            0,
            ActivationResponse.success(result),
            kept,
            List.of(),
            false);
    assertThat(Json.encode(record).length)
        .as("the record fits in one Kafka record, and uses most of it")
        .isLessThanOrEqualTo(1024 * 1024 - RecordBudget.FIELDS_BYTES / 2)
        .isGreaterThan(1024 * 1024 - 2 * RecordBudget.FIELDS_BYTES);
  }

  @Test
  void escapesCountAsJsonWritesThem() {
    assertThat(RecordBudget.jsonBytes("ab")).isEqualTo(2 + 3);
    assertThat(RecordBudget.jsonBytes("\"\\")).isEqualTo(4 + 3);
    assertThat(RecordBudget.jsonBytes("\u001b")).isEqualTo(6 + 3);
    assertThat(RecordBudget.jsonBytes("é€")).isEqualTo(2 + 3 + 3);
    assertThat(RecordBudget.jsonBytes("😀")).isEqualTo(12 + 3);
    assertThat(RecordBudget.jsonBytes("é€😀\"x"))
        .as("quotes and a comma")
        .isEqualTo(Json.encode(TextNode.valueOf("é€😀\"x")).length + 1);
  }
}
