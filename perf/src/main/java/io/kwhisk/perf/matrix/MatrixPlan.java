package io.kwhisk.perf.matrix;

import io.kwhisk.perf.load.ActionPicker;
import io.kwhisk.perf.load.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The cross product of action counts and load levels (virtual users for closed loop, or target
 * rates for open loop), each scenario with the same warm-up and measured window. Scenarios run in
 * order of action count, then load level, so each step adds actions to an already warm set.
 */
public record MatrixPlan(
    List<Integer> actions,
    List<Integer> users,
    List<Double> rates,
    Duration warmup,
    Duration duration) {

  public MatrixPlan {
    actions = List.copyOf(Objects.requireNonNull(actions, "actions should not be null"));
    users = List.copyOf(Objects.requireNonNull(users, "users should not be null"));
    rates = List.copyOf(Objects.requireNonNull(rates, "rates should not be null"));
    Objects.requireNonNull(warmup, "warmup should not be null");
    Objects.requireNonNull(duration, "duration should not be null");
    if (actions.isEmpty()) throw new IllegalArgumentException("actions should not be empty");
    if (users.isEmpty() == rates.isEmpty()) {
      throw new IllegalArgumentException("give either users (closed loop) or rates (open loop)");
    }
  }

  /**
   * A few minutes: actions 1,10,100 x users 10,100; 10 s warm-up, 20 s measured (6 scenarios, ~3
   * min).
   */
  public static MatrixPlan quick() {
    return new MatrixPlan(
        List.of(1, 10, 100),
        List.of(10, 100),
        List.of(),
        Duration.ofSeconds(10),
        Duration.ofSeconds(20));
  }

  /**
   * actions 1,10,100,1000 x users 10,100,200; 20 s warm-up, 60 s measured (12 scenarios, ~17 min).
   */
  public static MatrixPlan full() {
    return new MatrixPlan(
        List.of(1, 10, 100, 1000),
        List.of(10, 100, 200),
        List.of(),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60));
  }

  public static MatrixPlan preset(String name) {
    switch (name) {
      case "quick":
        return quick();
      case "full":
        return full();
      default:
        throw new IllegalArgumentException("preset should be quick or full, was " + name);
    }
  }

  public MatrixPlan withActions(List<Integer> a) {
    return new MatrixPlan(a, users, rates, warmup, duration);
  }

  public MatrixPlan withUsers(List<Integer> u) {
    return new MatrixPlan(actions, u, List.of(), warmup, duration);
  }

  public MatrixPlan withRates(List<Double> r) {
    return new MatrixPlan(actions, List.of(), r, warmup, duration);
  }

  public MatrixPlan withWarmup(Duration w) {
    return new MatrixPlan(actions, users, rates, w, duration);
  }

  public MatrixPlan withDuration(Duration d) {
    return new MatrixPlan(actions, users, rates, warmup, d);
  }

  public int maxActions() {
    return actions.stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  public List<Scenario> scenarios(
      String design, ActionPicker.Kind pick, String prefix, int maxInFlight) {
    List<Scenario> out = new ArrayList<>();
    for (int a : actions) {
      for (int u : users) {
        out.add(new Scenario(design, a, u, 0, warmup, duration, pick, prefix, maxInFlight));
      }
      for (double r : rates) {
        out.add(new Scenario(design, a, 0, r, warmup, duration, pick, prefix, maxInFlight));
      }
    }
    return out;
  }
}
