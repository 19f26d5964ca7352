package io.kwhisk.controller.kafka;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an invoke may be written to Kafka now ({@link Reachability} has the rules): while Kafka
 * is known unreachable the controller answers 503 at once instead of making each caller wait for
 * the producer's delivery timeout (10 s), and writes nothing, so a 503 always means "not accepted".
 * While it is unreachable a thread of its own asks {@code probe} every {@link #PROBE_EVERY} whether
 * enough brokers answer to take a write; the first yes (or a late acknowledgement) admits again, so
 * recovery waits at most one probe. A write already handed to the producer still ends as the
 * producer decides (acknowledged, or failed after its delivery timeout): it may have been written.
 *
 * <p>Thread-safe: {@link #sending} and {@link #completed} are called on the invoke path (a
 * compare-and-set each, allocating only when the state changes), the probe on its own thread.
 */
public final class KafkaReachability implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaReachability.class);

  /**
   * How long the oldest unacknowledged write may wait before Kafka counts as away: under Kafka's
   * request timeout (5 s), and far above an acknowledgement's usual milliseconds.
   */
  public static final Duration PATIENCE = Duration.ofSeconds(3);

  /** How often an unreachable Kafka is probed: what recovery may wait beyond the brokers. */
  public static final Duration PROBE_EVERY = Duration.ofMillis(500);

  private final AtomicReference<Reachability> state = new AtomicReference<>(Reachability.REACHABLE);
  private final BooleanSupplier probe;
  private final LongSupplier nanoTime;
  private final Duration patience;
  private ScheduledExecutorService prober;

  /**
   * @param probe true when enough brokers answer to take a write; may block up to about a second
   * @param nanoTime the clock ({@code System::nanoTime}; tests pass their own)
   */
  public KafkaReachability(BooleanSupplier probe, LongSupplier nanoTime, Duration patience) {
    this.probe = Objects.requireNonNull(probe, "probe should not be null");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime should not be null");
    this.patience = Objects.requireNonNull(patience, "patience should not be null");
  }

  /** Starts probing on a thread of its own, every {@link #PROBE_EVERY} while unreachable. */
  public KafkaReachability start() {
    prober =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kafka-reachability-probe");
              t.setDaemon(true);
              return t;
            });
    long every = PROBE_EVERY.toMillis();
    prober.scheduleWithFixedDelay(this::probeIfUnreachable, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Whether a new write may start now. */
  public boolean admits() {
    return state.get().admits(nanoTime.getAsLong(), patience);
  }

  /** A write is handed to the producer now. */
  public void sending() {
    Reachability now = state.get();
    if (now.reachable() && !now.waiting()) update(s -> s.sending(nanoTime.getAsLong()));
  }

  /** A write ended: acknowledged ({@code error} null) or failed with {@code error}. */
  public void completed(Throwable error) {
    if (error == null) {
      if (state.get() != Reachability.REACHABLE) update(Reachability::acknowledged);
    } else if (meansUnreachable(error)) {
      update(Reachability::failed);
    }
  }

  /** Asks the probe once if a new write may not start now; returns whether one may afterwards. */
  boolean probeIfUnreachable() {
    if (admits()) return true;
    boolean writable = writable();
    update(s -> s.probed(writable));
    return admits();
  }

  private boolean writable() {
    try {
      return probe.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Kafka away or unable to take the write now: its retriable errors (a timeout, a full buffer, not
   * enough replicas). A record too large or a denied write says nothing about reachability.
   */
  static boolean meansUnreachable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RetriableException) return true;
      if (t.getCause() == t) break;
    }
    return false;
  }

  /** Applies {@code event} once per attempt and logs the transition it stored. */
  private void update(UnaryOperator<Reachability> event) {
    Reachability before;
    Reachability after;
    do {
      before = state.get();
      after = event.apply(before);
    } while (!state.compareAndSet(before, after));
    if (before.reachable() != after.reachable()) {
      if (after.reachable()) log.info("Kafka takes writes again: invokes are admitted");
      else log.warn("Kafka is unreachable: invokes are answered 503 until a probe finds it");
    }
  }

  @Override
  public void close() {
    if (prober != null) prober.shutdownNow();
  }
}
