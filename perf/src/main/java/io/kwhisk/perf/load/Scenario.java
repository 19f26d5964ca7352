package io.kwhisk.perf.load;

import java.time.Duration;
import java.util.Objects;

/**
 * One load scenario. Exactly one of {@code users} (closed loop: that many virtual users, each
 * invoking blocking in a loop) and {@code rate} (open loop: that many requests per second sent on
 * schedule, whatever the completions) is positive; the other is 0. Requests started during {@code
 * warmup} are reported on the progress line only; those started during the following {@code
 * duration} are measured.
 *
 * @param design a label for the system under test ({@code kwhisk}, {@code hash-baseline}, ...), the
 *     report's series name
 * @param actions how many noop actions the load is spread over ({@code prefix-0} .. {@code
 *     prefix-(K-1)})
 * @param maxInFlight open loop only: when this many requests are outstanding the schedule waits;
 *     the wait is still charged to the waiting requests' latency (measured from their intended send
 *     time)
 */
public record Scenario(
    String design,
    int actions,
    int users,
    double rate,
    Duration warmup,
    Duration duration,
    ActionPicker.Kind pick,
    String prefix,
    int maxInFlight) {
  public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
  public static final String DEFAULT_PREFIX = "perf-noop";

  public Scenario {
    Objects.requireNonNull(warmup, "warmup should not be null");
    Objects.requireNonNull(duration, "duration should not be null");
    Objects.requireNonNull(pick, "pick should not be null");
    Label.require("design", design);
    Label.require("prefix", prefix);
    if (actions < 1) throw new IllegalArgumentException("actions should be >= 1, was " + actions);
    if (users < 0 || rate < 0 || (users > 0) == (rate > 0)) {
      throw new IllegalArgumentException(
          "give exactly one of users (closed loop) or rate (open loop), was users="
              + users
              + " rate="
              + rate);
    }
    if (warmup.isNegative()) throw new IllegalArgumentException("warmup should not be negative");
    if (duration.isNegative() || duration.isZero())
      throw new IllegalArgumentException("duration should be > 0");
    if (maxInFlight < 1)
      throw new IllegalArgumentException("maxInFlight should be >= 1, was " + maxInFlight);
  }

  public static Scenario closedLoop(
      String design, int actions, int users, Duration warmup, Duration duration) {
    return new Scenario(
        design,
        actions,
        users,
        0,
        warmup,
        duration,
        ActionPicker.Kind.ROUND_ROBIN,
        DEFAULT_PREFIX,
        DEFAULT_MAX_IN_FLIGHT);
  }

  public static Scenario openLoop(
      String design, int actions, double rate, Duration warmup, Duration duration) {
    return new Scenario(
        design,
        actions,
        0,
        rate,
        warmup,
        duration,
        ActionPicker.Kind.ROUND_ROBIN,
        DEFAULT_PREFIX,
        DEFAULT_MAX_IN_FLIGHT);
  }

  public boolean openLoop() {
    return rate > 0;
  }

  public String actionName(int index) {
    return prefix + "-" + index;
  }

  public Scenario withPick(ActionPicker.Kind kind) {
    return new Scenario(design, actions, users, rate, warmup, duration, kind, prefix, maxInFlight);
  }

  public Scenario withPrefix(String newPrefix) {
    return new Scenario(
        design, actions, users, rate, warmup, duration, pick, newPrefix, maxInFlight);
  }

  public Scenario withMaxInFlight(int max) {
    return new Scenario(design, actions, users, rate, warmup, duration, pick, prefix, max);
  }

  /** A short label for progress lines, e.g. {@code kwhisk actions=10 users=100}. */
  public String label() {
    return design
        + " actions="
        + actions
        + (openLoop() ? " rate=" + rate + "/s" : " users=" + users);
  }
}
