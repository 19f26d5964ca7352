package io.kwhisk.invoker.proxy;

import io.kwhisk.invoker.docker.ContainerRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogCollector} fed by the container's followed log stream (Docker's {@code logs --follow --timestamps}):
 * splits the timestamped output into one segment per activation at the sentinels. The fallback when the container's
 * json log file cannot be read (see {@link JsonLogFile}), and the choice with {@code kwhisk.invoker.log-source=stream}.
 * Thread-safe: the Docker log thread feeds it while the proxy takes segments.
 */
final class StreamLogCollector implements LogCollector {
  private static final Logger log = LoggerFactory.getLogger(StreamLogCollector.class);

  private record Line(Instant time, String text) {}

  private final StringBuilder[] partial = {new StringBuilder(), new StringBuilder()};
  private final List<List<Line>> current = List.of(new ArrayList<>(), new ArrayList<>());
  private final List<Deque<List<Line>>> done = List.of(new ArrayDeque<>(), new ArrayDeque<>());
  private final Deque<List<String>> ready = new ArrayDeque<>();
  private final Deque<CompletableFuture<List<String>>> waiting = new ArrayDeque<>();
  private int skip;
  /** The followed stream; null until {@link #follow} attached it. */
  private volatile AutoCloseable stream;

  /** A collector of {@code containerId}'s followed output; closing it closes the stream. */
  static StreamLogCollector follow(ContainerRuntime runtime, String containerId) {
    StreamLogCollector collector = new StreamLogCollector();
    collector.stream = runtime.followLogs(containerId, collector::accept);
    return collector;
  }

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

  @Override
  public synchronized CompletableFuture<List<String>> next() {
    CompletableFuture<List<String>> f = new CompletableFuture<>();
    if (!ready.isEmpty()) f.complete(ready.poll());
    else waiting.add(f);
    return f;
  }

  @Override
  public synchronized void abandon(CompletableFuture<List<String>> pending) {
    if (waiting.remove(pending)) skip++;
  }

  /** Closes the followed stream, once (the engine call runs on the runtime's threads). */
  @Override
  public void close() {
    AutoCloseable s;
    synchronized (this) {
      s = stream;
      stream = null;
    }
    if (s == null) return;
    try {
      s.close();
    } catch (Exception e) {
      log.debug("Closing a log stream failed: {}", e.toString());
    }
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
