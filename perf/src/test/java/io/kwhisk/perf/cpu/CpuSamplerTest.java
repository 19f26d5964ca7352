package io.kwhisk.perf.cpu;

import static io.kwhisk.perf.cpu.ProcfsTest.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class CpuSamplerTest {
  private static final String C1 = "a".repeat(64);
  private static final String C2 = "b".repeat(64);

  @TempDir Path proc;
  @TempDir Path cgroup;
  private final AtomicLong loadgen = new AtomicLong();
  private final List<String> containers = new ArrayList<>();

  private void process(int pid, String comm, long ticks, long start) throws IOException {
    Files.createDirectories(proc.resolve(pid + "/task"));
    Files.writeString(proc.resolve(pid + "/stat"), stat(pid, comm, ticks, 0, start));
  }

  private void thread(int pid, int tid, String comm, long ticks, long start) throws IOException {
    Files.createDirectories(proc.resolve(pid + "/task/" + tid));
    Files.writeString(
        proc.resolve(pid + "/task/" + tid + "/stat"), stat(tid, comm, ticks, 0, start));
  }

  private void container(String id, long nanos) throws IOException {
    Path dir = Files.createDirectories(cgroup.resolve("cpuacct/docker/" + id));
    Files.writeString(dir.resolve("cpuacct.usage"), nanos + "\n");
  }

  private CpuSampler sampler(List<Target> targets, Map<Integer, String> fullNames) {
    return new CpuSampler(
        new Procfs(proc),
        new ContainerCgroups(cgroup),
        () -> List.copyOf(containers),
        targets,
        ThreadTable.standalone(),
        100,
        loadgen::get,
        pid -> fullNames);
  }

  @Test
  void aStandaloneIsSplitByThreadAndItsExitedThreadsLandInJvmOtherSoTheComponentsAddUpToTheProcess()
      throws Exception {
    process(10, "java", 1000, 1);
    thread(10, 11, "controller0-pek", 300, 2);
    thread(10, 12, "data-plane-kafk", 200, 2);
    thread(10, 13, "Thread-7", 50, 3);
    process(20, "dockerd", 40, 1);
    CpuSampler sampler = sampler(List.of(Target.shared(10)), Map.of());
    CpuReading start = sampler.read();

    // 100 ticks = 1 s: controller +1 s, broker +0.5 s, thread 13 exits (its time stays in the total
    // only), a new
    // invoker thread appears and uses 0.3 s, the process total grows by 2.5 s.
    process(10, "java", 1250, 1);
    thread(10, 11, "controller0-pek", 400, 2);
    thread(10, 12, "data-plane-kafk", 250, 2);
    Files.delete(proc.resolve("10/task/13/stat"));
    Files.delete(proc.resolve("10/task/13"));
    thread(10, 14, "kwhisk-feed-kwh", 30, 50);
    process(20, "dockerd", 45, 1);
    CpuUsage used = sampler.usage(start, sampler.read());

    assertThat(used.nanos())
        .containsEntry(Component.CONTROLLER, 1_000_000_000L)
        .containsEntry(Component.BROKER, 500_000_000L)
        .containsEntry(Component.INVOKER, 300_000_000L)
        .containsEntry(Component.JVM_OTHER, 700_000_000L)
        .containsEntry(Component.JVM, 0L)
        .containsEntry(Component.DOCKER, 50_000_000L);
    assertThat(used.unavailable()).isEmpty();
  }

  @Test
  void aThreadDumpsFullNameDecidesWhereItsCutNameCannot() throws Exception {
    process(10, "java", 0, 1);
    thread(10, 11, "kafka-producer-", 0, 2);
    process(20, "containerd-shim", 0, 1);
    CpuSampler sampler =
        sampler(
            List.of(Target.shared(10)),
            Map.of(11, "kafka-producer-network-thread | invoker0-producer"));
    CpuReading start = sampler.read();
    process(10, "java", 10, 1);
    thread(10, 11, "kafka-producer-", 10, 2);

    assertThat(sampler.usage(start, sampler.read()).nanos())
        .containsEntry(Component.INVOKER, 100_000_000L)
        .containsEntry(Component.JVM_OTHER, 0L);
  }

  @Test
  void aReusedPidIsANewProcessCountedFromZero() throws Exception {
    process(20, "dockerd", 500, 1);
    CpuSampler sampler = sampler(List.of(), Map.of());
    CpuReading start = sampler.read();
    process(20, "containerd-shim", 7, 99);

    assertThat(sampler.usage(start, sampler.read()).nanos())
        .containsEntry(Component.DOCKER, 70_000_000L);
  }

  @Test
  void containersAreSummedFromTheirCgroupsAndOneStartedInTheWindowCountsWhole() throws Exception {
    process(20, "dockerd", 0, 1);
    container(C1, 1_000);
    containers.add(C1);
    loadgen.set(5_000_000);
    CpuSampler sampler = sampler(List.of(), Map.of());
    CpuReading start = sampler.read();
    container(C1, 4_000);
    container(C2, 500);
    containers.add(C2);
    loadgen.set(9_000_000);

    CpuUsage used = sampler.usage(start, sampler.read());

    assertThat(used.nanos())
        .containsEntry(Component.CONTAINERS, 3_500L)
        .containsEntry(Component.LOADGEN, 4_000_000L);
  }

  @Test
  void whatCannotBeMeasuredIsNotApplicableRatherThanZero() throws Exception {
    containers.add(C1);
    CpuSampler sampler = sampler(List.of(), Map.of());
    CpuReading start = sampler.read();

    CpuBreakdown perActivation = sampler.usage(start, sampler.read()).perActivation(10);

    assertThat(perActivation.of(Component.CONTROLLER)).isNaN();
    assertThat(perActivation.of(Component.DOCKER)).isNaN();
    assertThat(perActivation.of(Component.CONTAINERS)).isNaN();
    assertThat(perActivation.platform()).isNaN();
    assertThat(perActivation.of(Component.LOADGEN)).isEqualTo(0.0);
    assertThat(perActivation.summary())
        .startsWith("cpu/activation ms: platform n/a (controller n/a,");
  }

  @Test
  void separateProcessesAreChargedByProcessAndAMissingComponentIsNotApplicable() throws Exception {
    process(30, "java", 0, 1);
    thread(30, 31, "C2 CompilerThre", 0, 1);
    process(40, "java", 0, 1);
    process(20, "dockerd", 0, 1);
    CpuSampler sampler = sampler(PlatformFinder.parsePids("controller=30,invoker=40"), Map.of());
    CpuReading start = sampler.read();
    process(30, "java", 300, 1);
    thread(30, 31, "C2 CompilerThre", 100, 1);
    process(40, "java", 200, 1);

    CpuBreakdown ms = sampler.usage(start, sampler.read()).perActivation(1000);

    assertThat(ms.of(Component.CONTROLLER)).isCloseTo(2.0, within(1e-9));
    assertThat(ms.of(Component.JVM)).isCloseTo(1.0, within(1e-9));
    assertThat(ms.of(Component.INVOKER)).isCloseTo(2.0, within(1e-9));
    assertThat(ms.of(Component.BROKER)).isNaN();
  }
}
