package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class StreamLogCollectorTest {
  private static void out(StreamLogCollector c, boolean stderr, String text) {
    c.accept(stderr, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSegmentEndsWhenBothStreamsWroteTheSentinel() {
    StreamLogCollector c = new StreamLogCollector();
    var first = c.next();
    out(c, false, "2026-11-22T10:00:00.100Z hello\n2026-11-22T10:00:00.300Z ");
    out(c, false, LogCollector.SENTINEL + "\n");
    out(c, true, "2026-11-22T10:00:00.200Z oops\n");
    assertThat(first).isNotDone();
    out(c, true, "2026-11-22T10:00:00.300Z " + LogCollector.SENTINEL + "\n");
    assertThat(first.join()).containsExactly(
        "2026-11-22T10:00:00.100Z stdout: hello", "2026-11-22T10:00:00.200Z stderr: oops");
  }

  @Test
  void segmentsGoToActivationsInOrderAndAnAbandonedOneIsDropped() {
    StreamLogCollector c = new StreamLogCollector();
    var abandoned = c.next();
    c.abandon(abandoned);
    for (String line : List.of("one", "two")) {
      out(c, false, "2026-11-22T10:00:00Z " + line + "\n2026-11-22T10:00:01Z " + LogCollector.SENTINEL + "\n");
      out(c, true, "2026-11-22T10:00:01Z " + LogCollector.SENTINEL + "\n");
    }
    assertThat(c.next().join()).containsExactly("2026-11-22T10:00:00Z stdout: two");
  }

  @Test
  void logsBeyondTheLimitAreCutWithANote() {
    List<String> cut = LogCollector.truncate(List.of("12345", "67890"), 8);
    assertThat(cut).hasSize(2);
    assertThat(cut.get(0)).isEqualTo("12345");
    assertThat(cut.get(1)).startsWith("Logs were truncated");
  }
}
