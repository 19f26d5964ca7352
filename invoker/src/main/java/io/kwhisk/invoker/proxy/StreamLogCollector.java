package io.kwhisk.invoker.proxy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Splits a container's timestamped output stream into one segment per activation, using the runtime protocol's
 * sentinel: a segment ends when the sentinel has been seen on both stdout and stderr. Lines come out in OpenWhisk's
 * form, {@code <timestamp> stdout: <text>}, ordered by time.
 *
 * <p>Only meaningful when activations run one at a time in the container (concurrency 1); with more, lines of
 * different activations interleave and cannot be attributed, so the proxy does not collect them. Thread-safe: the
 * Docker log thread feeds it while the proxy takes segments.
 */
final class LogCollector {
  static final String SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";

  private record Line(Instant time, String text) {}

  private final StringBuilder[] partial = {new StringBuilder(), new StringBuilder()};
  private final List<List<Line>> current = List.of(new ArrayList<>(), new ArrayList<>());
  private final List<Deque<List<Line>>> done = List.of(new ArrayDeque<>(), new ArrayDeque<>());
  private final Deque<List<String>> ready = new ArrayDeque<>();
  private final Deque<CompletableFuture<List<String>>> waiting = new ArrayDeque<>();
  private int skip;

  /** Raw bytes from the container; lines are {@code <RFC 3339 timestamp> <text>} as Docker writes them. */
  synchronized void accept(boolean stderr, byte[] bytes) {
    int s = stderr ? 1 : 0;
    partial[s].append(new String(bytes, StandardCharsets.UTF_8));
    int nl;
    while ((nl = partial[s].indexOf("\n")) >= 0) {
      String line = partial[s].substring(0, nl);
      partial[s].delete(0, nl + 1);
      addLine(s, line);
    }
  }

  /** The next activation's lines; completes when both sentinels were written. */
  synchronized CompletableFuture<List<String>> next() {
    CompletableFuture<List<String>> f = new CompletableFuture<>();
    if (!ready.isEmpty()) f.complete(ready.poll());
    else waiting.add(f);
    return f;
  }

  /**
   * Gives up on the oldest pending segment (its sentinels did not come in time): the segment, when it does end,
   * is dropped rather than given to the next activation.
   */
  synchronized void abandon(CompletableFuture<List<String>> pending) {
    if (waiting.remove(pending)) skip++;
  }

  /** Keeps the first lines that fit in {@code limitBytes}, as OpenWhisk does, with a note when some were cut. */
  static List<String> truncate(List<String> lines, int limitBytes) {
    List<String> out = new ArrayList<>();
    int size = 0;
    for (String l : lines) {
      size += l.getBytes(StandardCharsets.UTF_8).length;
      if (size > limitBytes) {
        out.add("Logs were truncated because the total bytes size exceeds the limit of " + limitBytes + " bytes.");
        break;
      }
      out.add(l);
    }
    return out;
  }

  private void addLine(int s, String raw) {
    int space = raw.indexOf(' ');
    Instant time = Instant.EPOCH;
    String text = raw;
    if (space > 0) {
      try {
        time = Instant.parse(raw.substring(0, space));
        text = raw.substring(space + 1);
      } catch (DateTimeParseException e) {
        // not timestamped: keep the whole line
      }
    }
    if (text.equals(SENTINEL)) {
      done.get(s).add(List.copyOf(current.get(s)));
      current.get(s).clear();
      pairSegments();
    } else {
      current.get(s).add(new Line(time, (s == 1 ? "stderr: " : "stdout: ") + text));
    }
  }

  private void pairSegments() {
    while (!done.get(0).isEmpty() && !done.get(1).isEmpty()) {
      List<Line> all = new ArrayList<>(done.get(0).poll());
      all.addAll(done.get(1).poll());
      all.sort(Comparator.comparing(Line::time));
      List<String> segment = all.stream().map(l -> l.time() + " " + l.text()).toList();
      if (skip > 0) {
        skip--;
      } else if (!waiting.isEmpty()) {
        waiting.poll().complete(segment);
      } else {
        ready.add(segment);
      }
    }
  }
}
