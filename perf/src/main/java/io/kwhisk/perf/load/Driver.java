package io.kwhisk.perf.load;

/**
 * Sends one scenario's requests and records each into a {@link Measurement}. A driver stops sending
 * by itself when the measured window ends; the requests it has outstanding then complete (and are
 * recorded) during {@link #awaitDrained}.
 */
interface Driver {
  void start();

  /**
   * Waits until every request sent has been recorded, at most until {@code deadlineNanos}; true if
   * drained.
   */
  boolean awaitDrained(long deadlineNanos) throws InterruptedException;

  /** Best effort: stop sending and interrupt what can be interrupted. */
  void abort();

  /** Requests sent and not yet recorded. */
  long inFlight();

  /**
   * How late the last request left relative to its schedule (open loop only). Growing lag means the
   * offered rate is not actually being sent (the in-flight cap or the generator's own CPU): the
   * latencies still count it.
   */
  default long behindMillis() {
    return 0;
  }
}
