package io.kwhisk.perf.keepalive;

import io.kwhisk.common.keepalive.IdleTimeHistogram;
import io.kwhisk.common.keepalive.KeepAlivePolicy;
import io.kwhisk.common.keepalive.KeepAliveWindows;
import io.kwhisk.perf.trace.Arrival;
import io.kwhisk.perf.trace.ArrivalSchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a trace's arrivals against a keep-alive policy in simulated time, as "Serverless in the
 * Wild" evaluated its policies: no platform, no machine noise, the same schedule for every policy.
 * Per function, containers of one activation at a time: an arrival finds a loaded idle container
 * (warm) or starts one (cold; its start time is not modelled). When an activation ends, the policy
 * decides from the function's idle times so far: keep the container for the keep-alive window, or
 * release it at once and load it again after the pre-warm window, for the keep-alive window.
 * Memory-time counts every loaded container (running or idle) times its function's allocation; the
 * containers still loaded when the schedule ends count up to its end. Pure: the result depends only
 * on the inputs.
 */
public final class KeepAliveSimulation {
  /** Allocation charged for a function whose application has no memory row in the trace. */
  static final int MIN_ALLOCATION_MB = 128;

  private KeepAliveSimulation() {}

  /** One policy over the whole schedule, which lasts {@code lengthMs}. */
  public static SimulationResult run(
      ArrivalSchedule schedule, long lengthMs, KeepAlivePolicy policy) {
    int n = schedule.functions().size();
    List<List<Arrival>> byFunction = new ArrayList<>();
    for (int i = 0; i < n; i++) byFunction.add(new ArrayList<>());
    for (Arrival a : schedule.arrivals()) byFunction.get(a.function()).add(a);
    List<FunctionResult> functions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int mb = Math.max(MIN_ALLOCATION_MB, schedule.allocationMb().get(i));
      functions.add(
          function(
              schedule.functions().get(i).shortName(), byFunction.get(i), mb, lengthMs, policy));
    }
    return new SimulationResult(policy.name(), functions);
  }

  /**
   * A loaded (or scheduled) container: available from {@code loadAt}, busy until {@code busyUntil}.
   */
  private static final class Container {
    long loadAt;
    long busyUntil;
    long expiresAt;

    Container(long loadAt, long busyUntil, long expiresAt) {
      this.loadAt = loadAt;
      this.busyUntil = busyUntil;
      this.expiresAt = expiresAt;
    }
  }

  static FunctionResult function(
      String name,
      List<Arrival> arrivals,
      int allocationMb,
      long lengthMs,
      KeepAlivePolicy policy) {
    IdleTimeHistogram idle = new IdleTimeHistogram();
    List<Container> containers = new ArrayList<>();
    long lastEnd = Long.MIN_VALUE;
    long cold = 0;
    double loadedMs = 0;
    for (Arrival a : arrivals) {
      long t = a.offsetNanos() / 1_000_000;
      // Containers whose window ended before this arrival are gone; their loaded time is counted.
      for (int i = containers.size() - 1; i >= 0; i--) {
        Container c = containers.get(i);
        if (c.expiresAt < t) {
          loadedMs += loaded(c, c.expiresAt);
          containers.remove(i);
        }
      }
      if (lastEnd != Long.MIN_VALUE) idle.record(t - lastEnd);
      Container use = null;
      for (Container c : containers) {
        if (c.loadAt <= t && c.busyUntil <= t) {
          use = c;
          break;
        }
      }
      if (use == null) {
        cold++;
        use = new Container(t, t, t);
        containers.add(use);
      }
      long end = t + a.durationMs();
      lastEnd = Math.max(lastEnd, end);
      KeepAliveWindows w = policy.windows(idle);
      long prewarm = w.prewarm().toMillis();
      if (prewarm > 0) {
        // Released when the activation ends, loaded again (a new container, warm when it is needed)
        // later.
        loadedMs += end - use.loadAt;
        use.loadAt = end + prewarm;
        use.busyUntil = use.loadAt;
        use.expiresAt = use.loadAt + w.keepAlive().toMillis();
      } else {
        use.busyUntil = end;
        use.expiresAt = end + w.keepAlive().toMillis();
      }
    }
    for (Container c : containers)
      loadedMs += loaded(c, Math.min(c.expiresAt, Math.max(lengthMs, c.busyUntil)));
    double gbSeconds = loadedMs / 1000.0 * allocationMb / 1024.0;
    return new FunctionResult(name, arrivals.size(), cold, gbSeconds);
  }

  /** How long {@code c} was loaded until {@code until} (nothing when it was only scheduled). */
  private static long loaded(Container c, long until) {
    return Math.max(0, until - c.loadAt);
  }
}
