package io.kwhisk.perf.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.perf.cpu.Component;
import io.kwhisk.perf.cpu.CpuBreakdown;
import io.kwhisk.perf.load.ScenarioResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ResultsCsvTest {
  @TempDir Path dir;

  static ScenarioResult row(
      String design, int actions, int users, double tps, double p99, Instant at) {
    return new ScenarioResult(
        design,
        actions,
        users,
        0,
        20,
        tps,
        1.5,
        2.25,
        p99,
        40.125,
        3,
        4,
        5,
        6,
        (long) (tps * 20),
        at);
  }

  @Test
  void rowsAppendedOneAtATimeReadBackEqualUnderOneHeader() throws Exception {
    Path csv = dir.resolve("sub/results.csv");
    ScenarioResult a = row("kwhisk", 10, 100, 812.5, 33.5, Instant.parse("2026-01-01T00:00:00Z"));
    ScenarioResult b =
        new ScenarioResult(
            "hash-baseline",
            1,
            0,
            250.5,
            20,
            240.1,
            1,
            2,
            3,
            4,
            0,
            0,
            1,
            0,
            4802,
            Instant.parse("2026-01-01T00:01:00Z"));

    ResultsCsv.append(csv, a);
    ResultsCsv.append(csv, b);

    List<String> lines = Files.readAllLines(csv);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .startsWith(
            "design,actions,users,rate,duration,tps,p50,p90,p99,p999,errors,"
                + "throttled,cold_starts");
    assertThat(lines.get(1))
        .startsWith("kwhisk,10,100,0,20,812.5,1.500,2.250,33.500,40.125,3,4,5,");
    assertThat(ResultsCsv.read(csv)).containsExactly(a, b);
  }

  @Test
  void aFileWithOnlyTheRequiredColumnsInAnotherOrderStillReads() throws Exception {
    Path csv = dir.resolve("old.csv");
    Files.writeString(
        csv,
        "actions,design,users,rate,duration,tps,p50,p90,p99,p999,errors,throttled,cold_starts\n"
            + "100,direct-run,10,0,30,999.9,1,2,3,4,0,0,0\n");

    ScenarioResult r = ResultsCsv.read(csv).get(0);

    assertThat(r.design()).isEqualTo("direct-run");
    assertThat(r.actions()).isEqualTo(100);
    assertThat(r.tps()).isEqualTo(999.9);
    assertThat(r.at()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void appendingToAFileWithAnotherHeaderIsRefused() throws Exception {
    Path csv = dir.resolve("other.csv");
    Files.writeString(csv, "a,b,c\n1,2,3\n");
    assertThatThrownBy(() -> ResultsCsv.append(csv, row("kwhisk", 1, 1, 1, 1, Instant.EPOCH)))
        .hasMessageContaining("another header");
  }

  @Test
  void aMissingRequiredColumnIsNamed() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "design,actions\nkwhisk,1\n");
    assertThatThrownBy(() -> ResultsCsv.read(csv)).hasMessageContaining("missing column users");
  }

  @Test
  void tableShowsOneLinePerRowUnderAHeader() {
    String table = ResultsTable.render(List.of(row("kwhisk", 10, 100, 812.5, 33.5, Instant.EPOCH)));
    assertThat(table.lines()).hasSize(2);
    assertThat(table.lines().skip(1).findFirst().orElseThrow())
        .contains("kwhisk")
        .contains("812.5")
        .contains("33.50");
  }

  @Test
  void cpuPerActivationRoundTripsAndWhatWasNotMeasuredReadsNotApplicable() throws Exception {
    Path csv = dir.resolve("cpu.csv");
    Map<Component, Double> ms = new EnumMap<>(Component.class);
    ms.put(Component.CONTROLLER, 4.125);
    ms.put(Component.INVOKER, 3.0);
    ms.put(Component.BROKER, 3.25);
    ms.put(Component.JVM, 1.5);
    ms.put(Component.JVM_OTHER, 0.125);
    ms.put(Component.DOCKER, 1.0);
    ms.put(Component.LOADGEN, 0.25);
    ScenarioResult r =
        new ScenarioResult(
            "kwhisk",
            1,
            10,
            0,
            30,
            100,
            1,
            2,
            3,
            4,
            0,
            0,
            0,
            0,
            3000,
            Instant.parse("2026-01-01T00:00:00Z"),
            new CpuBreakdown(ms));

    ResultsCsv.append(csv, r);

    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0))
        .endsWith(
            ",at,cpu_platform,cpu_controller,cpu_invoker,cpu_broker,cpu_jvm,"
                + "cpu_jvm_other,cpu_docker,cpu_containers,cpu_loadgen");
    assertThat(lines.get(1)).endsWith(",13.000,4.125,3.000,3.250,1.500,0.125,1.000,n/a,0.250");
    CpuBreakdown read = ResultsCsv.read(csv).get(0).cpu();
    assertThat(read.of(Component.CONTROLLER)).isEqualTo(4.125);
    assertThat(read.of(Component.CONTAINERS)).isNaN();
    assertThat(read.platform()).isEqualTo(13.0);
  }
}
