package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Frames as the engine sends them: one log entry each, {@code <timestamp> <piece>}. */
@Timeout(20)
class StreamLogCollectorTest {
  private static final int LIMIT = 64 * 1024;

  private static void out(StreamLogCollector c, boolean stderr, String entry) {
    c.accept(stderr, entry.getBytes(StandardCharsets.UTF_8));
  }

  private static void end(StreamLogCollector c, String time) {
    out(c, false, time + " " + LogCollector.SENTINEL + "\n");
    out(c, true, time + " " + LogCollector.SENTINEL + "\n");
  }

  @Test
  void aSegmentEndsWhenBothStreamsWroteTheSentinel() {
    StreamLogCollector c = new StreamLogCollector(LIMIT, chars -> {});
    var first = c.next();
    out(c, false, "2026-11-22T10:00:00.100Z hello\n");
    out(c, false, "2026-11-22T10:00:00.300Z " + LogCollector.SENTINEL + "\n");
    out(c, true, "2026-11-22T10:00:00.200Z oops\n");
    assertThat(first).isNotDone();
    out(c, true, "2026-11-22T10:00:00.300Z " + LogCollector.SENTINEL + "\n");
    assertThat(first.join())
        .containsExactly(
            "2026-11-22T10:00:00.100Z stdout: hello", "2026-11-22T10:00:00.200Z stderr: oops");
  }

  @Test
  void segmentsGoToActivationsInOrderAndAnAbandonedOneIsDropped() {
    StreamLogCollector c = new StreamLogCollector(LIMIT, chars -> {});
    var abandoned = c.next();
    c.abandon(abandoned);
    for (String line : List.of("one", "two")) {
      out(c, false, "2026-11-22T10:00:00Z " + line + "\n");
      end(c, "2026-11-22T10:00:01Z");
    }
    assertThat(c.next().join()).containsExactly("2026-11-22T10:00:00Z stdout: two");
  }

  @Test
  void aCharacterSplitBetweenTwoEntriesOfAStreamIsDecodedWhole() {
    StreamLogCollector c = new StreamLogCollector(LIMIT, chars -> {});
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // three bytes
    byte[] head = "2026-11-22T10:00:00Z price 5".getBytes(StandardCharsets.UTF_8);
    byte[] first = Arrays.copyOf(head, head.length + 1);
    first[head.length] = euro[0];
    c.accept(false, first);
    out(
        c,
        true,
        "2026-11-22T10:00:00Z other stream\n"); // its own decoder: nothing of stdout's carry
    byte[] tail = ("2026-11-22T10:00:00Z " + "x\n").getBytes(StandardCharsets.UTF_8);
    byte[] second = new byte[tail.length + 2];
    System.arraycopy(tail, 0, second, 0, 21); // the timestamp and its space
    second[21] = euro[1];
    second[22] = euro[2];
    System.arraycopy(tail, 21, second, 23, tail.length - 21);
    c.accept(false, second);
    end(c, "2026-11-22T10:00:01Z");
    assertThat(c.next().join())
        .containsExactly(
            "2026-11-22T10:00:00Z stdout: price 5€x", "2026-11-22T10:00:00Z stderr: other stream");
  }

  @Test
  void aHundredMegabytesOfOutputAreHeldToAFewTimesTheLimitAndTheRecordNotesTheCut() {
    AtomicLong peak = new AtomicLong();
    StreamLogCollector c =
        new StreamLogCollector(LIMIT, chars -> peak.accumulateAndGet(chars, Math::max));
    var segment = c.next();
    byte[] entry =
        ("2026-11-22T10:00:00Z " + "y".repeat(16 * 1024 - 1) + "\n")
            .getBytes(StandardCharsets.UTF_8);
    long maxHeld = 0;
    for (int i = 0; i < 100 * 64; i++) { // 100 MB in Docker's 16 KB entries
      c.accept(false, entry);
      maxHeld = Math.max(maxHeld, c.heldChars());
    }
    end(c, "2026-11-22T10:00:01Z");
    assertThat(maxHeld).isLessThan(5L * LIMIT);
    assertThat(peak.get()).isGreaterThan(LIMIT).isLessThan(5L * LIMIT);
    List<String> kept = LogCollector.truncate(segment.join(), LIMIT);
    assertThat(kept.get(kept.size() - 1)).startsWith("Logs were truncated");
  }

  @Test
  void aLineWithoutANewlineKeepsAtMostTheLimitAndStillEndsAtTheSentinel() {
    StreamLogCollector c = new StreamLogCollector(LIMIT, chars -> {});
    var segment = c.next();
    for (int i = 0;
        i < 10 * 64;
        i++) { // 10 MB, one line: Docker stores it as pieces without newline
      out(c, false, "2026-11-22T10:00:00Z " + "z".repeat(16 * 1024));
      assertThat(c.heldChars()).isLessThanOrEqualTo(LIMIT);
    }
    out(c, false, "2026-11-22T10:00:00Z " + LogCollector.SENTINEL + "\n");
    out(c, true, "2026-11-22T10:00:00Z " + LogCollector.SENTINEL + "\n");
    List<String> lines = segment.join();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).length()).isLessThan(LIMIT + 64);
    assertThat(LogCollector.truncate(lines, LIMIT).get(0)).startsWith("Logs were truncated");
  }

  @Test
  void aSentinelSplitBetweenTwoEntriesOfACutLineStillEndsTheSegment() {
    StreamLogCollector c = new StreamLogCollector(LIMIT, chars -> {});
    var segment = c.next();
    for (int i = 0; i < 8; i++)
      out(c, false, "2026-11-22T10:00:00Z " + "z".repeat(16 * 1024)); // past the limit
    String sentinel = LogCollector.SENTINEL;
    out(c, false, "2026-11-22T10:00:00Z zz" + sentinel.substring(0, 10));
    out(c, false, "2026-11-22T10:00:00Z " + sentinel.substring(10) + "\n");
    out(c, true, "2026-11-22T10:00:00Z " + sentinel + "\n");
    assertThat(segment).isDone();
    var next = c.next();
    out(c, false, "2026-11-22T10:00:01Z next\n");
    end(c, "2026-11-22T10:00:02Z");
    assertThat(next.join()).containsExactly("2026-11-22T10:00:01Z stdout: next");
  }

  @Test
  void anActionPrintingSentinelsCannotPileUpSegments() {
    StreamLogCollector c = new StreamLogCollector(LIMIT, chars -> {});
    String line = "2026-11-22T10:00:00Z " + "w".repeat(1000) + "\n";
    for (int i = 0; i < 10_000; i++) { // nobody asks for these segments
      out(c, false, line);
      end(c, "2026-11-22T10:00:00Z");
    }
    assertThat(c.heldChars()).isLessThanOrEqualTo(2L * LIMIT + 2000);
  }

  @Test
  void logsBeyondTheLimitAreCutWithANote() {
    List<String> cut = LogCollector.truncate(List.of("12345", "67890"), 8);
    assertThat(cut).hasSize(2);
    assertThat(cut.get(0)).isEqualTo("12345");
    assertThat(cut.get(1)).startsWith("Logs were truncated");
  }
}
