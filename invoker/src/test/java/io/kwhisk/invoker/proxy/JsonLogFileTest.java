package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.json.Json;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The json log file reader on files written the way Docker's json-file driver writes them. */
@Timeout(10)
class JsonLogFileTest {
  private static final String S = LogCollector.SENTINEL;

  @TempDir Path dir;
  private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();
  private final InvokerMetrics metrics = InvokerMetrics.discarding();

  /** The reader's clock: patience runs out only when a test moves it. */
  private final AtomicLong nanos = new AtomicLong();

  @AfterEach
  void stopReader() {
    reader.shutdownNow();
  }

  private Path file() throws IOException {
    Path f = dir.resolve("c-json.log");
    if (!Files.exists(f)) Files.createFile(f);
    return f;
  }

  private JsonLogFile open(int limitBytes) throws IOException {
    return new JsonLogFile(file(), limitBytes, reader, Duration.ofSeconds(2), nanos::get, metrics);
  }

  /**
   * One entry as Docker writes it; {@code log} is written as given (a line ends with a newline).
   */
  private static String entry(String stream, String log, String time) {
    return Json.encodeString(Map.of("log", log, "stream", stream, "time", time)) + "\n";
  }

  private void write(String... text) throws IOException {
    Files.writeString(
        file(), String.join("", text), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  private static String end(String time) {
    return entry("stdout", S + "\n", time) + entry("stderr", S + "\n", time);
  }

  private long reads() {
    return (long) metrics.registry().get(InvokerMetrics.LOG_FILE_READS).counter().count();
  }

  @Test
  void aSegmentHoldsBothStreamsLinesSortedByTimeInTheStreamCollectorsForm() throws Exception {
    write(
        entry("stderr", "oops\n", "2026-11-22T10:00:00.2Z"),
        entry("stdout", "hello\n", "2026-11-22T10:00:00.100Z"),
        end("2026-11-22T10:00:00.300Z"));
    assertThat(open(10_000).next().get(5, TimeUnit.SECONDS))
        .containsExactly(
            "2026-11-22T10:00:00.100Z stdout: hello", "2026-11-22T10:00:00.200Z stderr: oops");
  }

  @Test
  void sameInputGivesTheSameSegmentAsTheFollowedStream() throws Exception {
    write(
        entry("stdout", "a b\n", "2026-11-22T10:00:00.123456789Z"),
        entry("stderr", "c\n", "2026-11-22T10:00:00Z"),
        end("2026-11-22T10:00:01Z"));
    StreamLogCollector stream = new StreamLogCollector(10_000, chars -> {});
    for (String l :
        List.of(
            "2026-11-22T10:00:00.123456789Z a b\n", "2026-11-22T10:00:01.000000000Z " + S + "\n")) {
      stream.accept(false, l.getBytes(StandardCharsets.UTF_8));
    }
    for (String l :
        List.of(
            "2026-11-22T10:00:00.000000000Z c\n", "2026-11-22T10:00:01.000000000Z " + S + "\n")) {
      stream.accept(true, l.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(open(10_000).next().get(5, TimeUnit.SECONDS)).isEqualTo(stream.next().join());
  }

  @Test
  void sentinelsWrittenAfterTheAskAreFoundByALaterRead() throws Exception {
    JsonLogFile logs = open(10_000);
    write(
        entry("stdout", "early\n", "2026-11-22T10:00:00Z"),
        entry("stdout", S + "\n", "2026-11-22T10:00:01Z"));
    CompletableFuture<List<String>> next = logs.next();
    await().until(() -> reads() >= 2);
    assertThat(next).isNotDone();
    write(entry("stderr", S + "\n", "2026-11-22T10:00:01Z"));
    assertThat(next.get(5, TimeUnit.SECONDS)).containsExactly("2026-11-22T10:00:00Z stdout: early");
  }

  @Test
  void aLineDockerHasNotFinishedWritingWaitsForTheNextRead() throws Exception {
    JsonLogFile logs = open(10_000);
    String line = entry("stdout", "split across writes\n", "2026-11-22T10:00:00Z");
    write(line.substring(0, 20));
    CompletableFuture<List<String>> next = logs.next();
    await().until(() -> reads() >= 2);
    write(line.substring(20), end("2026-11-22T10:00:01Z"));
    assertThat(next.get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:00Z stdout: split across writes");
  }

  @Test
  void twoSegmentsInOneReadGoToTheirAsksInOrder() throws Exception {
    JsonLogFile logs = open(10_000);
    CompletableFuture<List<String>> first = logs.next();
    CompletableFuture<List<String>> second = logs.next();
    write(
        entry("stdout", "one\n", "2026-11-22T10:00:00Z"),
        end("2026-11-22T10:00:01Z"),
        entry("stdout", "two\n", "2026-11-22T10:00:02Z"),
        end("2026-11-22T10:00:03Z"));
    assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly("2026-11-22T10:00:00Z stdout: one");
    assertThat(second.get(5, TimeUnit.SECONDS)).containsExactly("2026-11-22T10:00:02Z stdout: two");
  }

  @Test
  void aReadStopsAtTheSegmentAskedForAndTheNextAskStartsThere() throws Exception {
    write(
        entry("stdout", "one\n", "2026-11-22T10:00:00Z"),
        end("2026-11-22T10:00:01Z"),
        entry("stdout", "two\n", "2026-11-22T10:00:02Z"),
        end("2026-11-22T10:00:03Z"));
    JsonLogFile logs = open(10_000);
    assertThat(logs.next().get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:00Z stdout: one");
    assertThat(logs.next().get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:02Z stdout: two");
  }

  @Test
  void stderrsSentinelBeforeStdoutsStillEndsTheSegmentAndAStreamAheadKeepsItsNextLines()
      throws Exception {
    JsonLogFile logs = open(10_000);
    write(
        entry("stderr", S + "\n", "2026-11-22T10:00:01Z"),
        entry("stderr", "next run\n", "2026-11-22T10:00:02Z"),
        entry("stdout", "this run\n", "2026-11-22T10:00:00Z"),
        entry("stdout", S + "\n", "2026-11-22T10:00:01Z"),
        entry("stderr", S + "\n", "2026-11-22T10:00:03Z"),
        entry("stdout", S + "\n", "2026-11-22T10:00:03Z"));
    assertThat(logs.next().get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:00Z stdout: this run");
    assertThat(logs.next().get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:02Z stderr: next run");
  }

  @Test
  void anAbandonedSegmentIsDroppedWhenItEnds() throws Exception {
    JsonLogFile logs = open(10_000);
    CompletableFuture<List<String>> late = logs.next();
    logs.abandon(late);
    write(
        entry("stdout", "late\n", "2026-11-22T10:00:00Z"),
        end("2026-11-22T10:00:01Z"),
        entry("stdout", "mine\n", "2026-11-22T10:00:02Z"),
        end("2026-11-22T10:00:03Z"));
    assertThat(logs.next().get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:02Z stdout: mine");
    assertThat(late).isNotDone();
  }

  @Test
  void aSegmentOverTheLimitKeepsLittleMoreThanTheLimitAndTruncationNotesTheCut() throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 1000; i++)
      many.append(entry("stdout", "line " + i + "\n", "2026-11-22T10:00:00Z"));
    write(many.toString(), end("2026-11-22T10:00:01Z"));
    List<String> kept = open(500).next().get(5, TimeUnit.SECONDS);
    assertThat(kept.size()).isLessThan(20);
    List<String> cut = LogCollector.truncate(kept, 500);
    assertThat(cut.get(cut.size() - 1)).startsWith("Logs were truncated");
  }

  @Test
  void aLineWithoutANewlineIsJoinedAcrossDockersPiecesAndCutAtTheLimit() throws Exception {
    String piece = "x".repeat(16 * 1024);
    write(
        entry("stdout", "short", "2026-11-22T10:00:00Z"),
        entry("stdout", " one\n", "2026-11-22T10:00:00.1Z"),
        entry("stdout", piece, "2026-11-22T10:00:00.2Z"),
        entry("stdout", piece, "2026-11-22T10:00:00.3Z"),
        entry("stdout", "tail\n", "2026-11-22T10:00:00.4Z"),
        end("2026-11-22T10:00:01Z"));
    List<String> lines = open(1000).next().get(5, TimeUnit.SECONDS);
    assertThat(lines)
        .containsExactly(
            "2026-11-22T10:00:00Z stdout: short one",
            "2026-11-22T10:00:00.200Z stdout: " + "x".repeat(1000));
  }

  @Test
  void outputWithoutAFinalNewlineBeforeTheSentinelIsALineOfThatActivation() throws Exception {
    write(
        entry("stdout", "no newline" + S + "\n", "2026-11-22T10:00:00Z"),
        entry("stderr", S + "\n", "2026-11-22T10:00:01Z"));
    assertThat(open(10_000).next().get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:00Z stdout: no newline");
  }

  @Test
  void aMalformedLineIsSkipped() throws Exception {
    write(
        "not json\n",
        entry("stdout", "fine\n", "2026-11-22T10:00:00Z"),
        end("2026-11-22T10:00:01Z"));
    assertThat(open(10_000).next().get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:00Z stdout: fine");
  }

  @Test
  void aLineLongerThanTheBufferIsSkippedWithoutHoldingIt() throws Exception {
    write(
        "{\"log\":\"" + "y".repeat(JsonLogFile.BUFFER_BYTES * 2) + "\\n\",\"stream\":\"stdout\"}\n",
        entry("stdout", "after\n", "2026-11-22T10:00:00Z"),
        end("2026-11-22T10:00:01Z"));
    assertThat(open(10_000).next().get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:00Z stdout: after");
  }

  @Test
  void readingStopsOnceTheOldestAskOutlivedItsPatienceAndResumesOnTheNextAsk() throws Exception {
    JsonLogFile logs = open(10_000);
    CompletableFuture<List<String>> next = logs.next();
    await().until(() -> reads() >= 2);
    nanos.addAndGet(Duration.ofSeconds(3).toNanos());
    await().until(() -> !logs.polling());
    long settled = reads();
    write(entry("stdout", "at last\n", "2026-11-22T10:00:00Z"), end("2026-11-22T10:00:01Z"));
    assertThat(next).isNotDone();
    logs.abandon(next);
    write(entry("stdout", "again\n", "2026-11-22T10:00:02Z"), end("2026-11-22T10:00:03Z"));
    assertThat(logs.next().get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:02Z stdout: again");
    assertThat(reads()).isGreaterThan(settled);
  }

  @Test
  void closingCompletesPendingAsksEmpty() throws Exception {
    JsonLogFile logs = open(10_000);
    CompletableFuture<List<String>> next = logs.next();
    logs.close();
    assertThat(next.get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(logs.next().get(5, TimeUnit.SECONDS)).isEmpty();
  }

  /**
   * Docker's rotation: the full file becomes {@code .1} (an older {@code .1} becomes {@code .2}), a
   * new one starts.
   */
  private void rotate(int keep) throws IOException {
    Path f = file();
    for (int i = keep - 1; i >= 1; i--) {
      Path older = Path.of(f + "." + i);
      if (Files.exists(older))
        Files.move(
            older, Path.of(f + "." + (i + 1)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(f, Path.of(f + ".1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.createFile(f);
  }

  @Test
  void aSegmentSpanningRotatedFilesIsReadAcrossThemInOrder() throws Exception {
    JsonLogFile logs = open(10_000);
    write(entry("stdout", "before\n", "2026-11-22T10:00:00Z"));
    CompletableFuture<List<String>> first = logs.next();
    await().until(() -> reads() >= 1); // the reader holds the first file open
    rotate(3);
    write(entry("stdout", "middle\n", "2026-11-22T10:00:01Z"));
    rotate(3);
    write(entry("stderr", "after\n", "2026-11-22T10:00:02Z"), end("2026-11-22T10:00:03Z"));
    assertThat(first.get(5, TimeUnit.SECONDS))
        .containsExactly(
            "2026-11-22T10:00:00Z stdout: before",
            "2026-11-22T10:00:01Z stdout: middle",
            "2026-11-22T10:00:02Z stderr: after");
    CompletableFuture<List<String>> second = logs.next();
    write(entry("stdout", "next\n", "2026-11-22T10:00:04Z"), end("2026-11-22T10:00:05Z"));
    assertThat(second.get(5, TimeUnit.SECONDS))
        .containsExactly("2026-11-22T10:00:04Z stdout: next");
    assertThat(metrics.registry().get(InvokerMetrics.LOG_FILE_ROTATIONS).counter().count())
        .isEqualTo(2);
  }

  @Test
  void filesRotatedAwayBeforeTheyWereReadAreSkippedAndTheSentinelsStillEndTheSegment()
      throws Exception {
    JsonLogFile logs = open(10_000);
    write(entry("stdout", "kept\n", "2026-11-22T10:00:00Z"));
    CompletableFuture<List<String>> segment = logs.next();
    await().until(() -> reads() >= 1);
    for (int i = 0; i < 4; i++) {
      rotate(2); // only one rotated file is kept: some of these are gone before the reader gets to
      // them
      write(entry("stdout", "maybe lost " + i + "\n", "2026-11-22T10:00:01Z"));
    }
    write(end("2026-11-22T10:00:03Z"));
    List<String> lines = segment.get(5, TimeUnit.SECONDS);
    assertThat(lines)
        .startsWith("2026-11-22T10:00:00Z stdout: kept")
        .endsWith("2026-11-22T10:00:01Z stdout: maybe lost 3");
  }
}
