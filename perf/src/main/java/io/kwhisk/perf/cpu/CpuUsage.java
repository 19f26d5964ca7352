package io.kwhisk.perf.cpu;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CPU used by each component between two readings, in nanoseconds, and why a component could not be
 * measured.
 *
 * <p>Per entity (process, thread, container): its counter at the end minus its counter at the
 * start, or its whole counter when it did not exist at the start (it was born in the window). An
 * entity gone by the end is lost, except for a JVM's threads: a process's total keeps its exited
 * threads' time, so the part of a JVM's total that its live threads do not explain is charged to
 * the process's remainder component ({@link Component#JVM_OTHER} for a shared JVM), and the
 * components of a JVM always add up to its total. Containers that exit during the window lose what
 * they used in it (document it with the numbers; a noop load keeps its containers).
 */
public record CpuUsage(
    Map<Component, Long> nanos, Map<Component, String> unavailable, long windowNanos) {
  /** Looks up a thread's full name; null when unknown (then its {@code comm} is used). */
  @FunctionalInterface
  interface ThreadNames {
    String name(int pid, int tid);
  }

  public CpuUsage {
    nanos = Map.copyOf(nanos);
    unavailable = Map.copyOf(unavailable);
  }

  static CpuUsage between(
      CpuReading start,
      CpuReading end,
      ThreadTable table,
      long ticksPerSecond,
      List<Target> targets,
      ThreadNames names) {
    Map<Component, Long> ticks = new EnumMap<>(Component.class);
    boolean sawDaemon = false;
    for (Map.Entry<String, CpuReading.ProcessSample> e : end.processes().entrySet()) {
      CpuReading.ProcessSample p = e.getValue();
      CpuReading.ProcessSample before = start.processes().get(e.getKey());
      long total = p.ticks() - (before == null ? 0 : before.ticks());
      if (p.daemon()) {
        sawDaemon = true;
        ticks.merge(Component.DOCKER, total, Long::sum);
        continue;
      }
      Target target = p.target().get();
      long explained = 0;
      for (Map.Entry<String, CpuReading.ThreadSample> t : p.threads().entrySet()) {
        CpuReading.ThreadSample was = before == null ? null : before.threads().get(t.getKey());
        long used = t.getValue().ticks() - (was == null ? 0 : was.ticks());
        String full = names.name(p.pid(), t.getValue().tid());
        ticks.merge(
            target.classify(table, full != null ? full : t.getValue().comm()), used, Long::sum);
        explained += used;
      }
      ticks.merge(target.remainder(), total - explained, Long::sum);
    }
    Map<Component, Long> nanos = new EnumMap<>(Component.class);
    ticks.forEach((c, n) -> nanos.put(c, n * 1_000_000_000L / ticksPerSecond));

    Map<Component, String> unavailable = new EnumMap<>(Component.class);
    if (targets.isEmpty()) {
      for (Component c :
          List.of(
              Component.CONTROLLER,
              Component.INVOKER,
              Component.BROKER,
              Component.JVM,
              Component.JVM_OTHER)) {
        unavailable.put(c, "no kwhisk process found on this machine");
      }
    } else if (targets.stream().allMatch(t -> t.dedicatedTo().isPresent())) {
      for (Component c : List.of(Component.CONTROLLER, Component.INVOKER, Component.BROKER)) {
        if (targets.stream().noneMatch(t -> t.dedicatedTo().equals(Optional.of(c)))) {
          unavailable.put(c, "no " + c.label() + " process given or found");
        }
      }
    }
    if (!sawDaemon) unavailable.put(Component.DOCKER, "no dockerd/containerd process visible");
    Optional<String> noContainers = end.containersUnavailable().or(start::containersUnavailable);
    if (noContainers.isPresent()) {
      unavailable.put(Component.CONTAINERS, noContainers.get());
    } else {
      long used = 0;
      for (Map.Entry<String, Long> c : end.containers().entrySet()) {
        used += c.getValue() - start.containers().getOrDefault(c.getKey(), 0L);
      }
      nanos.put(Component.CONTAINERS, used);
    }
    if (end.loadgenNanos() < 0 || start.loadgenNanos() < 0) {
      unavailable.put(Component.LOADGEN, "this JVM does not report its CPU time");
    } else {
      nanos.put(Component.LOADGEN, end.loadgenNanos() - start.loadgenNanos());
    }
    for (Component c : Component.values()) {
      if (!unavailable.containsKey(c)) nanos.putIfAbsent(c, 0L);
      else nanos.remove(c);
    }
    return new CpuUsage(nanos, unavailable, end.atNanos() - start.atNanos());
  }

  /** Per activation, in milliseconds; n/a (NaN) for what could not be measured. */
  public CpuBreakdown perActivation(long activations) {
    Map<Component, Double> millis = new EnumMap<>(Component.class);
    for (Component c : Component.values()) {
      Long n = nanos.get(c);
      millis.put(c, n == null || activations <= 0 ? Double.NaN : n / 1e6 / activations);
    }
    return new CpuBreakdown(millis);
  }
}
