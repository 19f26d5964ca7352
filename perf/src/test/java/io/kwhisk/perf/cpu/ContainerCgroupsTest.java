package io.kwhisk.perf.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ContainerCgroupsTest {
  private static final String ID =
      "0d0f1738588ea9691a367a024389aaafc3688f29a63d3bfb3e0ba2df018c3ed7";

  @TempDir Path root;

  @Test
  void cgroupV1ReadsCpuacctUsageInNanosecondsUnderTheCombinedHierarchy() throws Exception {
    Path dir = Files.createDirectories(root.resolve("cpu,cpuacct/docker/" + ID));
    Files.writeString(dir.resolve("cpuacct.usage"), "42299855740\n");

    assertThat(new ContainerCgroups(root).usageNanos(ID)).hasValue(42_299_855_740L);
  }

  @Test
  void cgroupV1ReadsTheSeparateCpuacctHierarchyToo() throws Exception {
    Path dir = Files.createDirectories(root.resolve("cpuacct/docker/" + ID));
    Files.writeString(dir.resolve("cpuacct.usage"), "17\n");

    assertThat(new ContainerCgroups(root).usageNanos(ID)).hasValue(17);
  }

  @Test
  void cgroupV2ReadsUsageUsecOfCpuStatUnderTheSystemdScope() throws Exception {
    Path dir = Files.createDirectories(root.resolve("system.slice/docker-" + ID + ".scope"));
    Files.writeString(
        dir.resolve("cpu.stat"),
        "usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\n"
            + "nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");

    assertThat(new ContainerCgroups(root).usageNanos(ID)).hasValue(1_234_567_000L);
  }

  @Test
  void cgroupV2ReadsTheCgroupfsDriversDockerDirectory() throws Exception {
    Path dir = Files.createDirectories(root.resolve("docker/" + ID));
    Files.writeString(dir.resolve("cpu.stat"), "usage_usec 5\n");

    assertThat(new ContainerCgroups(root).usageNanos(ID)).hasValue(5_000L);
  }

  @Test
  void aContainerWithoutACgroupHasNoUsageRatherThanZero() {
    assertThat(new ContainerCgroups(root).usageNanos(ID)).isEmpty();
  }
}
