package io.kwhisk.invoker.proxy;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Assembles one container's log entries, as Docker stores them (a piece of one stream's output with
 * its time; a piece without a trailing newline is continued by the next piece of the same stream),
 * into activation segments: a segment is what both streams wrote before their {@link
 * LogCollector#SENTINEL}, merged and sorted by time, in the stream collector's form ({@code
 * <timestamp> stdout: <text>}). A stream may run ahead of the other by whole segments (the next
 * activation's output before this one's stderr sentinel); its segments wait to be paired.
 *
 * <p>Bounded: a stream's segment keeps lines only until they exceed {@code limitChars} (later lines
 * of that segment are dropped; what was kept is already over the limit, so {@link
 * LogCollector#truncate} still notes the cut), a line without a newline keeps at most {@code
 * limitChars} characters, and all segments not yet taken keep at most {@code 2 * limitChars}
 * together (an action printing sentinels itself cannot pile up segments): what one container's
 * collector holds stays below about five times its log limit, however much the action writes. The
 * peak it held is reported to {@code heldReport} each time a segment completes. Not thread-safe:
 * one reader feeds it at a time.
 */
final class LogSegments {
  /**
   * What a line adds to its text, at least: the shortest timestamp ({@code 2026-11-22T10:00:00Z}),
   * a space and {@code stdout: }. Counted low (and characters, never more than UTF-8 bytes) so that
   * a segment cut here is over the limit in {@link LogCollector#truncate}'s count too, and gets its
   * note.
   */
  private static final int LINE_OVERHEAD = 29;

  private record Line(Instant time, String text) {}

  private record Segment(List<String> lines, long chars) {}

  /**
   * Length of the {@code stdout: } prefix a kept line carries, which {@link #LINE_OVERHEAD} already
   * counts.
   */
  private static final int PREFIX = 8;

  private final int limitChars;
  private final LongConsumer heldReport;

  /** Characters of kept lines not yet taken by {@link #poll}, of every segment. */
  private long heldChars;

  private long peakChars;
  private final StringBuilder[] partial = {new StringBuilder(), new StringBuilder()};
  private final Instant[] partialTime = new Instant[2];
  private final boolean[] partialCut = new boolean[2];

  /**
   * The last characters of each stream's unfinished line, cut or not: a sentinel may span two
   * engine entries.
   */
  private final StringBuilder[] tail = {new StringBuilder(), new StringBuilder()};

  private final List<List<Line>> current = List.of(new ArrayList<>(), new ArrayList<>());
  private final long[] currentChars = new long[2];
  private final List<Deque<List<Line>>> done = List.of(new ArrayDeque<>(), new ArrayDeque<>());
  private final Deque<Segment> complete = new ArrayDeque<>();

  LogSegments(int limitChars, LongConsumer heldReport) {
    if (limitChars <= 0)
      throw new IllegalArgumentException("limitChars must be positive, got " + limitChars);
    this.limitChars = limitChars;
    this.heldReport = heldReport;
  }

  LogSegments(int limitChars) {
    this(limitChars, chars -> {});
  }

  /**
   * What is held now: kept lines of every segment not yet taken, and both streams' unfinished
   * lines.
   */
  long heldChars() {
    return heldChars + partial[0].length() + partial[1].length();
  }

  /**
   * One entry of a stream. Returns true when it completed a segment (take it with {@link #poll}).
   *
   * @param text the piece as Docker stored it, ending with a newline unless the line goes on in the
   *     next entry
   */
  boolean add(boolean stderr, Instant time, String text) {
    int s = stderr ? 1 : 0;
    boolean endsLine = text.endsWith("\n");
    String piece = endsLine ? text.substring(0, text.length() - 1) : text;
    StringBuilder line = partial[s];
    if (partialTime[s] == null) partialTime[s] = time;
    int room = limitChars - line.length();
    if (piece.length() <= room) {
      line.append(piece);
    } else {
      line.append(piece, 0, Math.max(0, room));
      partialCut[s] = true;
    }
    tail[s].append(piece);
    if (tail[s].length() > LogCollector.SENTINEL.length()) {
      tail[s].delete(0, tail[s].length() - LogCollector.SENTINEL.length());
    }
    peakChars = Math.max(peakChars, heldChars());
    if (!endsLine) return false;
    String whole = line.toString();
    Instant started = partialTime[s];
    // A cut line lost its end; its tail still tells whether the sentinel closed it.
    boolean sentinel =
        partialCut[s]
            ? tail[s].toString().endsWith(LogCollector.SENTINEL)
            : whole.endsWith(LogCollector.SENTINEL);
    tail[s].setLength(0);
    line.setLength(0);
    partialTime[s] = null;
    partialCut[s] = false;
    if (!sentinel) {
      keep(s, started, whole);
      return false;
    }
    // Output that did not end its last line runs into the sentinel: it is a line of this
    // activation. A cut line
    // kept only its start (the limit), whole, so that truncation still notes the cut.
    if (!whole.endsWith(LogCollector.SENTINEL)) {
      keep(s, started, whole);
    } else if (whole.length() > LogCollector.SENTINEL.length()) {
      keep(s, started, whole.substring(0, whole.length() - LogCollector.SENTINEL.length()));
    }
    done.get(s).add(List.copyOf(current.get(s)));
    current.get(s).clear();
    currentChars[s] = 0;
    return pair();
  }

  /** The oldest completed segment, or null. */
  List<String> poll() {
    Segment segment = complete.poll();
    if (segment == null) return null;
    heldChars -= segment.chars();
    return segment.lines();
  }

  /** Whether a completed segment waits to be taken. */
  boolean hasSegment() {
    return !complete.isEmpty();
  }

  private void keep(int s, Instant time, String text) {
    if (currentChars[s] > limitChars || heldChars > 2L * limitChars) return;
    currentChars[s] += text.length() + LINE_OVERHEAD;
    heldChars += text.length() + LINE_OVERHEAD;
    peakChars = Math.max(peakChars, heldChars());
    current.get(s).add(new Line(time, (s == 1 ? "stderr: " : "stdout: ") + text));
  }

  private boolean pair() {
    boolean any = false;
    while (!done.get(0).isEmpty() && !done.get(1).isEmpty()) {
      List<Line> all = new ArrayList<>(done.get(0).poll());
      all.addAll(done.get(1).poll());
      all.sort(
          Comparator.comparing(Line::time)); // stable: stdout before stderr at the same instant
      long chars = all.stream().mapToLong(l -> l.text().length() - PREFIX + LINE_OVERHEAD).sum();
      complete.add(new Segment(all.stream().map(l -> l.time() + " " + l.text()).toList(), chars));
      any = true;
    }
    if (any) {
      heldReport.accept(peakChars);
      peakChars = heldChars();
    }
    return any;
  }
}
