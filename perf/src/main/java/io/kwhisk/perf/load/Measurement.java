package io.kwhisk.perf.load;

import java.util.concurrent.atomic.LongAdder;

/**
 * Splits one scenario's requests into the warm-up and the measured window by their (intended) start
 * time on the {@link System#nanoTime()} scale: a request belongs to the phase in which it was meant
 * to start, however long it takes, so the measured window never loses the slow requests it caused.
 * Thread-safe.
 */
public final class Measurement {
  private final long measureStartNanos;
  private final long measureEndNanos;
  private final Tally warmup = new Tally();
  private final Tally measured = new Tally();
  private final LongAdder completedOk = new LongAdder();

  public Measurement(long measureStartNanos, long measureEndNanos) {
    if (measureEndNanos <= measureStartNanos)
      throw new IllegalArgumentException("window should not be empty");
    this.measureStartNanos = measureStartNanos;
    this.measureEndNanos = measureEndNanos;
  }

  /** Records a request meant to start at {@code startNanos} that ended at {@code endNanos}. */
  public void record(long startNanos, long endNanos, Outcome outcome) {
    tallyAt(startNanos).record(outcome, endNanos - startNanos);
    if (outcome.kind() == Outcome.Kind.OK) completedOk.increment();
  }

  /**
   * Successful activations answered so far, whatever their phase: the difference of two reads is
   * what completed between them, which is what CPU readings taken at the same moments are divided
   * by.
   */
  public long completedOk() {
    return completedOk.sum();
  }

  /**
   * Whether a request starting at {@code nanos} should still be sent (it falls before the window's
   * end).
   */
  public boolean running(long nanos) {
    return nanos - measureEndNanos < 0;
  }

  public boolean warmingUp(long nanos) {
    return nanos - measureStartNanos < 0;
  }

  public Tally tallyAt(long nanos) {
    return warmingUp(nanos) ? warmup : measured;
  }

  public Tally warmup() {
    return warmup;
  }

  public Tally measured() {
    return measured;
  }

  public long measureStartNanos() {
    return measureStartNanos;
  }

  public long measureEndNanos() {
    return measureEndNanos;
  }
}
