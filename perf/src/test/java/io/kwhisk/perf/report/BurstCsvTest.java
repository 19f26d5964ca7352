package io.kwhisk.perf.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.perf.burst.BurstResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class BurstCsvTest {
  @TempDir Path dir;

  static BurstResult row(String design, int actions, double rate, double p99, Instant at) {
    return new BurstResult(
        design, actions, 0, 2.5, actions, 1.25, rate, 800.125, 900.5, p99, 1200, actions, 0, 1, 2,
        at);
  }

  @Test
  void burstRowsReadBackEqualIncludingARateThatCouldNotBeComputed() throws Exception {
    Path csv = dir.resolve("b.csv");
    BurstResult a = row("kwhisk", 10, 8.125, 950.25, Instant.parse("2026-01-01T00:00:00Z"));
    BurstResult b =
        row("hash-baseline", 50, Double.NaN, 4000, Instant.parse("2026-01-01T00:01:00Z"));

    BurstCsv.append(csv, a);
    BurstCsv.append(csv, b);

    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo(String.join(",", BurstCsv.HEADER));
    assertThat(lines.get(1))
        .startsWith("kwhisk,10,0,2.500,10,1.250,8.125,800.125,900.500,950.250,1200.000,");
    assertThat(lines.get(2)).contains(",NaN,");
    assertThat(BurstCsv.read(csv)).containsExactly(a, b);
  }

  @Test
  void burstColumnsAreReadByNameAndAMissingOneIsNamed() throws Exception {
    Path reordered = dir.resolve("r.csv");
    Files.writeString(
        reordered,
        "actions,design,memory,wall_s,cold_starts,creation_s,creations_per_s,p50,p90,p99,"
            + "max,ok,errors,throttled,accepted\n7,x,128,1,7,0.5,14,1,2,3,4,7,0,0,0\n");
    BurstResult r = BurstCsv.read(reordered).get(0);
    assertThat(r.design()).isEqualTo("x");
    assertThat(r.creationsPerSecond()).isEqualTo(14.0);
    assertThat(r.memoryMb()).isEqualTo(128);
    assertThat(r.at()).isEqualTo(Instant.EPOCH);

    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "design,actions\nx,1\n");
    assertThatThrownBy(() -> BurstCsv.read(bad)).hasMessageContaining("missing column memory");
  }

  @Test
  void aBurstRowIsNotAppendedToALoadResultsFile() throws Exception {
    Path csv = dir.resolve("load.csv");
    ResultsCsv.append(csv, ResultsCsvTest.row("kwhisk", 1, 1, 1, 1, Instant.EPOCH));
    assertThatThrownBy(() -> BurstCsv.append(csv, row("kwhisk", 1, 1, 1, Instant.EPOCH)))
        .hasMessageContaining("another header");
  }

  @Test
  void burstTableShowsOneLinePerBurstAndNaForARateThatCouldNotBeComputed() {
    String table =
        BurstTable.render(
            List.of(
                row("kwhisk", 10, 8.125, 950.25, Instant.EPOCH),
                row("kwhisk", 50, Double.NaN, 1, Instant.EPOCH)));
    assertThat(table.lines()).hasSize(3);
    assertThat(table.lines().skip(1).findFirst().orElseThrow()).contains("8.13").contains("950.3");
    assertThat(table.lines().skip(2).findFirst().orElseThrow()).contains("n/a");
  }
}
