package io.kwhisk.perf.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JcmdThreadNamesTest {
  @Test
  void aThreadDumpMapsNativeIdsToFullNames() {
    String dump =
        "21168:\n2026-12-02 18:37:00\nFull thread dump OpenJDK 64-Bit Server VM (17.0.17+10):\n\n"
            + "\"kafka-producer-network-thread | controller0-producer\" #61 daemon prio=5 os_prio=0 cpu=812.33ms "
            + "elapsed=240.10s tid=0x00007f1c2c0a1800 nid=0x5318 runnable  [0x00007f1bd7dfe000]\n"
            + "   java.lang.Thread.State: RUNNABLE\n"
            + "\"C2 CompilerThread0\" #6 daemon prio=9 os_prio=0 cpu=1.00ms elapsed=1.00s tid=0x1 nid=0x52b2 waiting on "
            + "condition  [0x0000000000000000]\n";

    assertThat(JcmdThreadNames.parse(dump))
        .containsEntry(0x5318, "kafka-producer-network-thread | controller0-producer")
        .containsEntry(0x52b2, "C2 CompilerThread0")
        .hasSize(2);
  }
}
