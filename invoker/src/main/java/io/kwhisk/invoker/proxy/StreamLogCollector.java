package io.kwhisk.invoker.proxy;

import io.kwhisk.invoker.docker.ContainerRuntime;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogCollector} fed by the container's followed log stream (Docker's {@code logs --follow
 * --timestamps}): splits the output into one segment per activation at the sentinels. The fallback
 * when the container's json log file cannot be read (see {@link JsonLogFile}), and the choice with
 * {@code kwhisk.invoker.log-source=stream}.
 *
 * <p>Each frame is one entry of the engine's log ({@code <RFC 3339 timestamp> <piece>}, at most 16
 * KB of output; a piece without a trailing newline goes on in the next entry of its stream), handed
 * to {@link LogSegments} as the file reader hands its entries, so both sources hold at most a few
 * times the log limit per container, whatever the action writes, and a line without a newline
 * cannot grow without bound. UTF-8 is decoded per stream: a character split between two entries is
 * joined, not replaced. Thread-safe: the Docker log thread feeds it while the proxy takes segments;
 * segments wait inside {@link LogSegments}, where they count against its bound.
 */
final class StreamLogCollector implements LogCollector {
  private static final Logger log = LoggerFactory.getLogger(StreamLogCollector.class);

  /** Longer than any timestamp Docker writes ({@code 2026-11-22T10:00:00.123456789Z}). */
  private static final int MAX_TIMESTAMP = 40;

  private final LogSegments segments;
  private final CharsetDecoder[] decoders = {decoder(), decoder()};

  /** Bytes of a character not complete at the end of the stream's last entry. */
  private final ByteBuffer[] carry = {ByteBuffer.allocate(8), ByteBuffer.allocate(8)};

  private final Instant[] lastTime = {Instant.EPOCH, Instant.EPOCH};
  private final Deque<CompletableFuture<List<String>>> waiting = new ArrayDeque<>();
  private int skip;

  /** The followed stream; null until {@link #follow} attached it. */
  private volatile AutoCloseable stream;

  StreamLogCollector(int limitBytes, LongConsumer heldReport) {
    this.segments = new LogSegments(limitBytes, heldReport);
  }

  /** A collector of {@code containerId}'s followed output; closing it closes the stream. */
  static StreamLogCollector follow(
      ContainerRuntime runtime, String containerId, int limitBytes, LongConsumer heldReport) {
    StreamLogCollector collector = new StreamLogCollector(limitBytes, heldReport);
    collector.stream = runtime.followLogs(containerId, collector::accept);
    return collector;
  }

  /**
   * One frame of the followed stream: {@code <timestamp> <piece>} as the engine writes each log
   * entry.
   */
  synchronized void accept(boolean stderr, byte[] bytes) {
    int s = stderr ? 1 : 0;
    int start = 0;
    Instant time = lastTime[s];
    int space = indexOfSpace(bytes);
    if (space > 0) {
      try {
        time = Instant.parse(new String(bytes, 0, space, StandardCharsets.US_ASCII));
        start = space + 1;
      } catch (DateTimeParseException e) {
        // not timestamped: the whole frame is output
      }
    }
    lastTime[s] = time;
    String piece = decode(s, bytes, start);
    if (piece.isEmpty()) return;
    if (segments.add(stderr, time, piece)) dispatch();
  }

  @Override
  public synchronized CompletableFuture<List<String>> next() {
    CompletableFuture<List<String>> f = new CompletableFuture<>();
    List<String> segment = segments.poll();
    if (segment != null) f.complete(segment);
    else waiting.add(f);
    return f;
  }

  @Override
  public synchronized void abandon(CompletableFuture<List<String>> pending) {
    if (waiting.remove(pending)) skip++;
  }

  /** What the collector holds now (tests). */
  synchronized long heldChars() {
    return segments.heldChars();
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

  /**
   * Hands completed segments to waiters (or drops the abandoned); the rest wait in {@link
   * #segments}.
   */
  private void dispatch() {
    while ((skip > 0 || !waiting.isEmpty()) && segments.hasSegment()) {
      List<String> segment = segments.poll();
      if (skip > 0) skip--;
      else waiting.poll().complete(segment);
    }
  }

  /**
   * Decodes {@code bytes[start..]} after what the stream's previous entry left of a split
   * character.
   */
  private String decode(int s, byte[] bytes, int start) {
    ByteBuffer in;
    ByteBuffer left = carry[s];
    if (left.position() > 0) {
      left.flip();
      in = ByteBuffer.allocate(left.remaining() + bytes.length - start);
      in.put(left).put(bytes, start, bytes.length - start).flip();
      left.clear();
    } else {
      in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    }
    CharBuffer out = CharBuffer.allocate(in.remaining());
    decoders[s].decode(in, out, false);
    // At most 3 bytes of an unfinished character remain; anything longer was malformed and already
    // replaced.
    if (in.remaining() > 0 && in.remaining() < carry[s].capacity()) carry[s].put(in);
    return out.flip().toString();
  }

  private static int indexOfSpace(byte[] bytes) {
    for (int i = 0; i < Math.min(bytes.length, MAX_TIMESTAMP); i++) {
      if (bytes[i] == ' ') return i;
    }
    return -1;
  }

  private static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
  }
}
