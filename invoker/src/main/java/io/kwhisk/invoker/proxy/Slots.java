package io.kwhisk.invoker.proxy;

import java.util.ArrayList;
import java.util.List;

/**
 * A container's run slots as an immutable value, beside {@link ProxyState}: how many activations it
 * may run at once (its action's concurrency limit), how many run now, and the pulled ones that
 * wait, in pull order, for a slot (a prefetch above the limit) or for the container (held while it
 * starts, initialises or is paused). Every method is pure: it returns the next value and the
 * deliveries the proxy must act on, so the accounting is tested without an actor. {@link
 * ProxyState} decides whether an activation may run at all; this only decides when.
 */
record Slots(int concurrency, int running, List<Delivery> waiting) {

  /**
   * The next slots and the deliveries taken out of them (to run, fail or give back, as the call
   * says).
   */
  record Taken(Slots slots, List<Delivery> deliveries) {}

  Slots {
    if (concurrency < 1)
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    if (running < 0)
      throw new IllegalArgumentException("running must not be negative, got " + running);
    waiting = List.copyOf(waiting);
  }

  static Slots of(int concurrency) {
    return new Slots(concurrency, 0, List.of());
  }

  /** Keeps {@code d} waiting whatever the free slots: the container cannot run it yet. */
  Slots hold(Delivery d) {
    List<Delivery> w = new ArrayList<>(waiting);
    w.add(d);
    return new Slots(concurrency, running, w);
  }

  /** Runs {@code d} if a slot is free (the delivery taken), else keeps it waiting (none taken). */
  Taken offer(Delivery d) {
    if (running < concurrency)
      return new Taken(new Slots(concurrency, running + 1, waiting), List.of(d));
    return new Taken(hold(d), List.of());
  }

  /**
   * Runs the waiting ones, oldest first, while slots are free: the deliveries taken are to be run.
   */
  Taken fill() {
    int n = Math.min(waiting.size(), concurrency - running);
    if (n <= 0) return new Taken(this, List.of());
    return new Taken(
        new Slots(concurrency, running + n, waiting.subList(n, waiting.size())),
        waiting.subList(0, n));
  }

  /** A run ended: its slot is free (call {@link #fill} to use it). */
  Slots ended() {
    return new Slots(concurrency, Math.max(0, running - 1), waiting);
  }

  /** Takes every waiting delivery out, to give back or to complete without running. */
  Taken takeAll() {
    return new Taken(new Slots(concurrency, running, List.of()), waiting);
  }

  /** Takes the oldest waiting delivery out (none if nothing waits). */
  Taken takeFirst() {
    if (waiting.isEmpty()) return new Taken(this, List.of());
    return new Taken(
        new Slots(concurrency, running, waiting.subList(1, waiting.size())), waiting.subList(0, 1));
  }
}
