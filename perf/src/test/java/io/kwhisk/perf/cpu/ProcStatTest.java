package io.kwhisk.perf.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ProcStatTest {
  @Test
  void fieldsAreCountedFromTheLastParenthesisSoACommandWithSpacesAndParenthesesParses() {
    String line =
        "4242 (C2 Compiler) (x)) S 1 4242 4242 0 -1 4194368 100 0 0 0 1234 567 0 0 20 0 40 0 9876 "
            + "1000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    ProcStat s = ProcStat.parse(line);

    assertThat(s.comm()).isEqualTo("C2 Compiler) (x)");
    assertThat(s.utime()).isEqualTo(1234);
    assertThat(s.stime()).isEqualTo(567);
    assertThat(s.ticks()).isEqualTo(1801);
    assertThat(s.startTime()).isEqualTo(9876);
  }

  @Test
  void thisProcesssOwnStatLineParses() throws Exception {
    Path self = Path.of("/proc/self/stat");
    assumeTrue(Files.exists(self), "Linux only");
    ProcStat s = ProcStat.parse(Files.readString(self));

    assertThat(s.startTime()).isPositive();
    assertThat(s.ticks()).isNotNegative();
  }
}
