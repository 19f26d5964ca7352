package io.kwhisk.perf.cpu;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cumulative CPU counters at one moment: what {@link CpuSampler#read} saw. Processes and threads
 * are keyed by id and start time (so a reused id is a new entity), containers by id. Only
 * differences of two readings mean anything ({@link CpuUsage#between}).
 *
 * @param processes platform JVMs and Docker daemons, by {@code pid:starttime}
 * @param containers the action containers' cgroup usage in nanoseconds, by container id
 * @param containersUnavailable why the containers' usage could not be read, if it could not
 * @param loadgenNanos this process's CPU time
 */
public record CpuReading(
    long atNanos,
    Map<String, ProcessSample> processes,
    Map<String, Long> containers,
    Optional<String> containersUnavailable,
    long loadgenNanos) {

  /** One process's utime+stime (clock ticks) and, for a JVM, its live threads'. */
  record ProcessSample(
      int pid, Optional<Target> target, long ticks, Map<String, ThreadSample> threads) {
    /** A Docker daemon: charged to {@link Component#DOCKER} as a whole. */
    boolean daemon() {
      return target.isEmpty();
    }
  }

  /**
   * One thread's utime+stime (clock ticks) and its name as {@code comm} shows it (15 characters at
   * most).
   */
  record ThreadSample(int tid, String comm, long ticks) {}

  List<Target> targets() {
    return processes.values().stream().flatMap(p -> p.target().stream()).distinct().toList();
  }
}
