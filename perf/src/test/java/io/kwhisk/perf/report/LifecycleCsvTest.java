package io.kwhisk.perf.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.perf.lifecycle.LifecycleResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class LifecycleCsvTest {
  @TempDir Path dir;

  static LifecycleResult row(String design, int actions, long validationFailures, Instant at) {
    return new LifecycleResult(
        design,
        actions,
        100,
        128,
        700.5,
        800.25,
        900.125,
        950,
        300,
        400,
        12.5,
        80.5,
        10.5,
        20.25,
        30.125,
        40,
        actions * 101L - validationFailures,
        validationFailures,
        0,
        0,
        0,
        actions,
        0,
        at);
  }

  @Test
  void lifecycleRowsReadBackEqual() throws Exception {
    Path csv = dir.resolve("l.csv");
    LifecycleResult a = row("kwhisk", 10, 0, Instant.parse("2026-01-01T00:00:00Z"));
    LifecycleResult b = row("hash-baseline", 5, 3, Instant.parse("2026-01-01T00:01:00Z"));

    LifecycleCsv.append(csv, a);
    LifecycleCsv.append(csv, b);

    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo(String.join(",", LifecycleCsv.HEADER));
    assertThat(lines.get(2))
        .startsWith(
            "hash-baseline,5,100,128,700.500,800.250,900.125,950.000,300.000,400.000,"
                + "12.500,80.5,")
        .contains(",502,3,0,0,0,5,0,");
    assertThat(LifecycleCsv.read(csv)).containsExactly(a, b);
  }

  @Test
  void aMissingLifecycleColumnIsNamed() throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "design,actions,requests\nx,1,1\n");
    assertThatThrownBy(() -> LifecycleCsv.read(bad)).hasMessageContaining("missing column memory");
  }

  @Test
  void lifecycleTableShowsStartTimesRequestLatenciesAndValidationFailures() {
    String table = LifecycleTable.render(List.of(row("kwhisk", 10, 3, Instant.EPOCH)));
    assertThat(table.lines()).hasSize(2);
    assertThat(table.lines().findFirst().orElseThrow())
        .contains("start p50")
        .contains("p99.9 ms")
        .contains("invalid");
    assertThat(table.lines().skip(1).findFirst().orElseThrow())
        .contains("700.5")
        .contains("30.13")
        .containsPattern("\\s3\\s+0\\s+0\\s+0$");
  }
}
