package io.kwhisk.perf.cpu;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Reads the CPU counters of every component ({@link #read}) and turns two readings into CPU used
 * per component ({@link #usage}). Sources: {@code /proc/<pid>/stat} and {@code
 * /proc/<pid>/task/<tid>/stat} for the platform's JVMs, {@code /proc/<pid>/stat} of every process
 * named {@code dockerd}, {@code containerd} or {@code containerd-shim*} for the Docker daemons, the
 * containers' cgroups for the action containers, and this JVM's process CPU time for the load
 * generator. Not thread-safe: one caller at a time.
 */
public final class CpuSampler {
  private final Procfs procfs;
  private final ContainerCgroups cgroups;
  private final ContainerLister containers;
  private final List<Target> targets;
  private final ThreadTable table;
  private final long ticksPerSecond;
  private final LongSupplier loadgenNanos;
  private final IntFunction<Map<Integer, String>> fullThreadNames;

  public CpuSampler(
      Procfs procfs,
      ContainerCgroups cgroups,
      ContainerLister containers,
      List<Target> targets,
      ThreadTable table,
      long ticksPerSecond,
      LongSupplier loadgenNanos,
      IntFunction<Map<Integer, String>> fullThreadNames) {
    this.procfs = Objects.requireNonNull(procfs, "procfs should not be null");
    this.cgroups = Objects.requireNonNull(cgroups, "cgroups should not be null");
    this.containers = Objects.requireNonNull(containers, "containers should not be null");
    this.targets = List.copyOf(targets);
    this.table = Objects.requireNonNull(table, "table should not be null");
    if (ticksPerSecond <= 0)
      throw new IllegalArgumentException("ticksPerSecond should be positive");
    this.ticksPerSecond = ticksPerSecond;
    this.loadgenNanos = Objects.requireNonNull(loadgenNanos, "loadgenNanos should not be null");
    this.fullThreadNames =
        Objects.requireNonNull(fullThreadNames, "fullThreadNames should not be null");
  }

  /**
   * The sampler of this machine: real /proc and cgroups; the containers labelled {@code
   * containerLabel} that run an action named {@code actionPrefix-*} (the scenario's actions: other
   * kwhisk installations on the same engine, such as a test suite's, are left out unless their
   * actions have the same names).
   */
  public static CpuSampler system(
      List<Target> targets, String containerLabel, String actionPrefix) {
    return system(
        targets,
        ContainerLister.docker(containerLabel, ContainerLister.actionsNamed(actionPrefix)));
  }

  public static CpuSampler system(List<Target> targets, ContainerLister containers) {
    return new CpuSampler(
        Procfs.system(),
        ContainerCgroups.system(),
        containers,
        targets,
        ThreadTable.standalone(),
        Procfs.clockTicksPerSecond(),
        CpuSampler::processCpuNanos,
        JcmdThreadNames::of);
  }

  /** This JVM's CPU time (all threads, user and system) in nanoseconds. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  public List<Target> targets() {
    return targets;
  }

  public CpuReading read() {
    long at = System.nanoTime();
    Map<String, CpuReading.ProcessSample> processes = new HashMap<>();
    for (Target t : targets) {
      procfs
          .stat(t.pid())
          .ifPresent(
              stat ->
                  processes.put(
                      t.pid() + ":" + stat.startTime(),
                      new CpuReading.ProcessSample(
                          t.pid(), Optional.of(t), stat.ticks(), threads(t.pid()))));
    }
    for (int pid : procfs.pids()) {
      procfs
          .stat(pid)
          .filter(s -> dockerDaemon(s.comm()))
          .ifPresent(
              stat ->
                  processes.put(
                      pid + ":" + stat.startTime(),
                      new CpuReading.ProcessSample(pid, Optional.empty(), stat.ticks(), Map.of())));
    }
    Map<String, Long> usage = new HashMap<>();
    Optional<String> unavailable = Optional.empty();
    try {
      List<String> ids = containers.ids();
      for (String id : ids) {
        OptionalLong n = cgroups.usageNanos(id);
        if (n.isPresent()) usage.put(id, n.getAsLong());
      }
      if (!ids.isEmpty() && usage.isEmpty())
        unavailable = Optional.of("no cgroup of the containers is readable");
    } catch (IOException e) {
      unavailable = Optional.of(e.getMessage());
    }
    return new CpuReading(at, processes, usage, unavailable, loadgenNanos.getAsLong());
  }

  /** CPU used between two readings of this sampler, per component. */
  public CpuUsage usage(CpuReading start, CpuReading end) {
    Map<Integer, Map<Integer, String>> names = new HashMap<>();
    for (CpuReading.ProcessSample p : end.processes().values()) {
      if (!p.daemon() && p.target().get().dedicatedTo().isEmpty()) {
        names.put(p.pid(), fullThreadNames.apply(p.pid()));
      }
    }
    return CpuUsage.between(
        start,
        end,
        table,
        ticksPerSecond,
        targets,
        (pid, tid) -> names.getOrDefault(pid, Map.of()).get(tid));
  }

  private Map<String, CpuReading.ThreadSample> threads(int pid) {
    Map<String, CpuReading.ThreadSample> threads = new HashMap<>();
    for (int tid : procfs.tids(pid)) {
      procfs
          .threadStat(pid, tid)
          .ifPresent(
              s ->
                  threads.put(
                      tid + ":" + s.startTime(),
                      new CpuReading.ThreadSample(tid, s.comm(), s.ticks())));
    }
    return threads;
  }

  static boolean dockerDaemon(String comm) {
    return comm.equals("dockerd")
        || comm.equals("containerd")
        || comm.startsWith("containerd-shim");
  }
}
