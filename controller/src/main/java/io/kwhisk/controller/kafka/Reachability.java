package io.kwhisk.controller.kafka;

import java.time.Duration;

/**
 * Whether Kafka takes the controller's writes, as the writes themselves and a probe show: a pure
 * value, each event returns the next one ({@link KafkaReachability} holds it).
 *
 * <ol>
 *   <li>Reachable at first, and again after any acknowledged write or a probe that found enough
 *       brokers.
 *   <li>Unreachable after a write failed as Kafka fails when it is away (a timeout, a full buffer,
 *       any retriable error), or while the oldest write since the last acknowledgement has waited
 *       {@code patience} or longer: Kafka stopped acknowledging.
 *   <li>While unreachable nothing new is written (admission answers 503 at once), so only the
 *       writes already on their way and the probe can make it reachable again.
 * </ol>
 *
 * @param reachable false once a write failed, until an acknowledgement or a probe says otherwise
 * @param waiting a write was handed to the producer since the last acknowledgement
 * @param waitingSince when that write was handed over (nanoTime), if {@code waiting}
 */
record Reachability(boolean reachable, boolean waiting, long waitingSince) {
  static final Reachability REACHABLE = new Reachability(true, false, 0);
  static final Reachability UNREACHABLE = new Reachability(false, false, 0);

  /** A write is handed to the producer at {@code now}. */
  Reachability sending(long now) {
    return reachable && !waiting ? new Reachability(true, true, now) : this;
  }

  /** A write was acknowledged: Kafka takes writes. */
  Reachability acknowledged() {
    return REACHABLE;
  }

  /** A write failed because Kafka is away or cannot take it now. */
  Reachability failed() {
    return UNREACHABLE;
  }

  /** The probe found ({@code writable}) or did not find enough brokers to take a write. */
  Reachability probed(boolean writable) {
    return writable ? REACHABLE : this;
  }

  /** Whether a new write may start at {@code now}: the answer to admission. */
  boolean admits(long now, Duration patience) {
    return reachable && !(waiting && now - waitingSince >= patience.toNanos());
  }
}
