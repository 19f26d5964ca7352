package io.kwhisk.perf.load;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Chooses the action of each request among K. Thread-safe: all virtual users share one picker. */
public final class ActionPicker {
  /** Round-robin spreads requests exactly evenly; uniform draws independently per request. */
  public enum Kind {
    ROUND_ROBIN,
    UNIFORM
  }

  private final Kind kind;
  private final int actions;
  private final AtomicLong next = new AtomicLong();

  public ActionPicker(Kind kind, int actions) {
    if (actions < 1) throw new IllegalArgumentException("actions should be >= 1, was " + actions);
    this.kind = kind;
    this.actions = actions;
  }

  /** The index (0 .. K-1) of the next request's action. */
  public int next() {
    if (kind == Kind.UNIFORM) return ThreadLocalRandom.current().nextInt(actions);
    return (int) (next.getAndIncrement() % actions);
  }

  public static Kind parseKind(String s) {
    switch (s) {
      case "rr":
      case "round-robin":
        return Kind.ROUND_ROBIN;
      case "uniform":
      case "random":
        return Kind.UNIFORM;
      default:
        throw new IllegalArgumentException("pick should be rr or uniform, was " + s);
    }
  }
}
