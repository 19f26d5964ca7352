package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kwhisk.common.json.Json;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogCollector} that reads the container's json log file ({@code <id>-json.log}: one
 * object per line, {@code {"log":"text\n","stream":"stdout","time":"..."}}) as OpenWhisk's invoker
 * does, instead of holding a followed stream: no connection, no engine work and no thread per
 * container.
 *
 * <p>Pull-based: the file is read only while a segment is asked for, from where the previous read
 * stopped (the line after the last sentinel it needed), on the invoker's shared log reader (a
 * scheduled executor; all file I/O of this class runs there, never on the caller's thread).
 * Docker's log copier writes a line a little after the runtime printed it, so when the sentinels
 * are not in the file yet the read is repeated after 1, 2, 4 ... ms (at most {@value
 * #MAX_BACKOFF_MS} ms apart) until the oldest pending segment has waited {@code patience}; then the
 * reader stops and the proxy, whose own timeout is the same, abandons the segment. An idle
 * container costs nothing.
 *
 * <p>Bounded: a read stops at the segment the last waiter needs; a segment keeps about its log
 * limit (see {@link LogSegments}); a line longer than the read buffer, which Docker never writes
 * (it splits output at 16 KB), is skipped; a line not yet ended is left in the file for the next
 * read. Thread-safe: waiters are guarded by this object's lock, the file and the parse state belong
 * to the read in progress (one at a time per file).
 */
final class JsonLogFile implements LogCollector {
  private static final Logger log = LoggerFactory.getLogger(JsonLogFile.class);
  static final int MAX_BACKOFF_MS = 64;

  /**
   * Larger than any line Docker writes: 16 KB of output, escaped (at most 6 bytes a byte), plus the
   * keys.
   */
  static final int BUFFER_BYTES = 128 * 1024;

  /** A read's usual size: a few activations' lines. */
  private static final int READ_BYTES = 8 * 1024;

  private static final ThreadLocal<byte[]> BUFFER =
      ThreadLocal.withInitial(() -> new byte[BUFFER_BYTES]);
  private static final JsonFactory JSON = Json.MAPPER.getFactory();

  private record Waiter(CompletableFuture<List<String>> future, long deadlineNanos) {}

  private final Path file;
  private final ScheduledExecutorService reader;
  private final long patienceNanos;
  private final LongSupplier nanoTime;
  private final InvokerMetrics metrics;

  // Guarded by this.
  private final Deque<Waiter> waiting = new ArrayDeque<>();
  private final Deque<List<String>> ready = new ArrayDeque<>();
  private int skip;

  /** A read is queued or running; only one at a time per file. */
  private boolean scheduled;

  private int backoffMs;
  private boolean closed;

  // Owned by the read in progress.
  private final LogSegments segments;
  private FileChannel channel;

  /**
   * The identity (inode) of the file {@link #channel} reads, to notice when Docker rotated it away.
   */
  private Object channelKey;

  /**
   * The file was seen rotated; once the open one is read to its end, the reader moves to its
   * successor.
   */
  private boolean rotationSeen;

  private long offset;

  /** Inside a line longer than the buffer, skipped up to its newline. */
  private boolean discarding;

  JsonLogFile(
      Path file,
      int limitBytes,
      ScheduledExecutorService reader,
      Duration patience,
      LongSupplier nanoTime,
      InvokerMetrics metrics) {
    this.file = Objects.requireNonNull(file, "file should not be null");
    this.reader = Objects.requireNonNull(reader, "reader should not be null");
    this.patienceNanos = patience.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime should not be null");
    this.metrics = Objects.requireNonNull(metrics, "metrics should not be null");
    this.segments = new LogSegments(limitBytes, metrics::logHeldChars);
    // Opened at once, not at the first ask: an activation that writes more than Docker's rotation
    // size before its
    // first read would otherwise have its first lines (those a record keeps) rotated away unread.
    submitOpen();
  }

  @Override
  public CompletableFuture<List<String>> next() {
    CompletableFuture<List<String>> f = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        f.complete(List.of());
        return f;
      }
      if (!ready.isEmpty()) {
        f.complete(ready.poll());
        return f;
      }
      waiting.add(new Waiter(f, nanoTime.getAsLong() + patienceNanos));
      if (scheduled) return f; // the read under way serves waiters in order
      scheduled = true;
      backoffMs = 0;
    }
    submit(0);
    return f;
  }

  @Override
  public synchronized void abandon(CompletableFuture<List<String>> pending) {
    if (waiting.removeIf(w -> w.future() == pending)) skip++;
  }

  /**
   * Whether a read is queued or under way: false once nobody waits or the oldest wait ran out of
   * patience.
   */
  synchronized boolean polling() {
    return scheduled;
  }

  /** Pending segments complete empty; the file is closed on the reader. */
  @Override
  public void close() {
    List<Waiter> dropped;
    boolean idle;
    synchronized (this) {
      if (closed) return;
      closed = true;
      dropped = List.copyOf(waiting);
      waiting.clear();
      idle = !scheduled; // else the read queued or under way closes the file
      scheduled = true;
    }
    dropped.forEach(w -> w.future().complete(List.of()));
    if (idle) submit(0);
  }

  private void submitOpen() {
    try {
      reader.execute(
          () -> {
            synchronized (this) {
              if (closed)
                return; // the closing read runs after this, or ran and must not see a file opened
              // after it
            }
            try {
              if (channel == null) open(file);
            } catch (IOException e) {
              log.debug("Opening {} failed: {}", file, e.toString());
            }
          });
    } catch (RejectedExecutionException e) {
      // the invoker is shutting down
    }
  }

  private void submit(long delayMs) {
    try {
      if (delayMs == 0) reader.execute(this::read);
      else reader.schedule(this::read, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) { // the invoker is shutting down
      synchronized (this) {
        scheduled = false;
      }
    }
  }

  /**
   * One read, on the reader: hands out what it completed, then schedules the next read if someone
   * still waits.
   */
  private void read() {
    int wanted;
    synchronized (this) {
      if (closed) {
        closeFile();
        return;
      }
      wanted = waiting.size() + skip;
    }
    List<List<String>> completed = new ArrayList<>();
    boolean atEnd;
    try {
      atEnd = readSegments(wanted, completed);
    } catch (IOException e) {
      log.debug("Reading {} failed: {}", file, e.toString());
      atEnd = true;
    } catch (
        RuntimeException
            e) { // a task that dies here would leave the file "scheduled" and its asks unserved
      log.warn("Reading {} failed", file, e);
      atEnd = true;
    }
    long delayMs;
    synchronized (this) {
      for (List<String> segment : completed) {
        if (skip > 0) skip--;
        else if (!waiting.isEmpty()) waiting.poll().future().complete(segment);
        else ready.add(segment);
      }
      if (closed) {
        delayMs = 0; // the next read closes the file
      } else if (waiting.isEmpty()
          || atEnd && nanoTime.getAsLong() - waiting.peek().deadlineNanos() > 0) {
        scheduled =
            false; // nothing asked, or the oldest waiter's sentinels are overdue: its proxy gives
        // up on it
        return;
      } else if (!atEnd) {
        delayMs = 0; // waiters came during the read; the file may already hold their segments
      } else {
        backoffMs = backoffMs == 0 ? 1 : Math.min(2 * backoffMs, MAX_BACKOFF_MS);
        delayMs = backoffMs;
      }
    }
    submit(delayMs);
  }

  /**
   * Parses complete lines from {@link #offset} until {@code wanted} segments completed (returns
   * false) or the end of what Docker wrote so far (returns true).
   */
  private boolean readSegments(int wanted, List<List<String>> out) throws IOException {
    if (wanted == 0) return false;
    if (channel == null) open(file);
    byte[] buf = BUFFER.get();
    int chunk =
        READ_BYTES; // what one activation usually wrote; the whole buffer only for a long line
    while (true) {
      metrics.logFileRead();
      int n = channel.read(ByteBuffer.wrap(buf, 0, chunk), offset);
      if (n <= 0) {
        if (!followRotation()) return true;
        chunk = READ_BYTES;
        continue;
      }
      int start = 0;
      for (int i = 0; i < n && out.size() < wanted; i++) {
        if (buf[i] != '\n') continue;
        if (discarding) discarding = false;
        else entry(buf, start, i - start, out);
        start = i + 1;
      }
      offset += start;
      if (out.size() >= wanted) return false;
      if (start == 0 && n == chunk && chunk < buf.length) {
        chunk = buf.length; // a line longer than a small read: read it whole
      } else if (start == 0 && n == chunk) { // no newline in a full buffer
        if (!discarding)
          log.warn("Skipping a line of more than {} bytes in {}", BUFFER_BYTES, file);
        discarding = true;
        offset += n;
      } else if (n < chunk) {
        return true; // the rest, if any, is a line Docker has not finished writing
      }
    }
  }

  /**
   * At the end of the open file: whether reading goes on, because Docker rotated the file ({@code
   * max-size}) and the open one is done. Docker renames the full file to {@code <file>.1} (older
   * ones to {@code .2} ...) and writes a new one, so the open channel still reads the renamed file.
   * It is read to its end once more after the rotation was seen (lines written just before it),
   * then the reader moves to its successor: the next newer of the rotated files, or the current
   * one. Files rotated away entirely before being read (more than {@code max-file} rotations
   * between two reads) are lost; their lines are past what a record keeps (the rotation size is
   * above any log limit, see {@code ContainerHardening}).
   */
  private boolean followRotation() throws IOException {
    if (!rotationSeen) {
      rotationSeen = !Objects.equals(keyOf(file), channelKey) && keyOf(file) != null;
      return rotationSeen; // read the old file to its end once more
    }
    rotationSeen = false;
    List<Path> newestLast = new ArrayList<>();
    for (int i = 1; ; i++) {
      Path rotated = Path.of(file + "." + i);
      if (!Files.exists(rotated)) break;
      newestLast.add(0, rotated);
    }
    newestLast.add(file);
    Path next = newestLast.get(0); // ours is gone: the oldest left
    for (int i = 0; i < newestLast.size() - 1; i++) {
      if (Objects.equals(keyOf(newestLast.get(i)), channelKey)) next = newestLast.get(i + 1);
    }
    closeFile();
    open(next);
    discarding = false;
    metrics.logFileRotated();
    return true;
  }

  private void open(Path path) throws IOException {
    channel = FileChannel.open(path, StandardOpenOption.READ);
    channelKey = keyOf(path);
    offset = 0;
  }

  private static Object keyOf(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null; // between Docker's rename and its creation of the new file
    }
  }

  /** One line of the file; a line that is not Docker's JSON is skipped. */
  private void entry(byte[] buf, int off, int len, List<List<String>> out) {
    String text = null;
    String time = null;
    boolean stderr = false;
    try (JsonParser p = JSON.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "log" -> text = p.getText();
          case "stream" -> stderr = "stderr".equals(p.getText());
          case "time" -> time = p.getText();
          default -> p.skipChildren();
        }
      }
      if (text == null) return;
      if (segments.add(stderr, time == null ? Instant.EPOCH : Instant.parse(time), text)) {
        for (List<String> s; (s = segments.poll()) != null; ) out.add(s);
      }
    } catch (IOException | DateTimeParseException e) {
      log.debug("Skipping a malformed line of {}: {}", file, e.toString());
    }
  }

  private void closeFile() {
    if (channel == null) return;
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("Closing {} failed: {}", file, e.toString());
    }
    channel = null;
  }
}
