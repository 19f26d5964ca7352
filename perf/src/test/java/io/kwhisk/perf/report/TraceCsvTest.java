package io.kwhisk.perf.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.perf.trace.TraceResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class TraceCsvTest {
  @TempDir Path dir;

  static TraceResult row(String design, String function, int rank, double p99, Instant at) {
    return new TraceResult(
        design, function, rank, 100, 90, 9, 0.1, 5, 3, 2, 1.25, p99, 120.5, 900.5, 100, 12.5, 5, 2,
        at);
  }

  @Test
  void traceRowsReadBackEqualIncludingValuesThatCouldNotBeComputed() throws Exception {
    Path csv = dir.resolve("t.csv");
    Instant at = Instant.parse("2026-12-03T12:00:00Z");
    TraceResult all = row("kwhisk", TraceResult.ALL, 0, 7.5, at);
    TraceResult none =
        new TraceResult(
            "kwhisk",
            "fnaaaaaaaaaa",
            1,
            1,
            0,
            0,
            Double.NaN,
            1,
            0,
            0,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            0,
            5,
            2,
            at);

    TraceCsv.append(csv, List.of(all, none));

    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo(String.join(",", TraceCsv.HEADER));
    assertThat(lines.get(1))
        .startsWith("kwhisk,all,0,100,90,9,0.1000,5,3,2,1.250,7.500,120.5,900.5,100.0,12.50,5,2,");
    assertThat(TraceCsv.read(csv)).containsExactly(all, none);
  }

  @Test
  void theReportChartsEachDesignsLatestReplayPerFunctionRank() {
    Instant old = Instant.parse("2026-12-03T11:00:00Z");
    Instant now = Instant.parse("2026-12-03T12:00:00Z");
    List<TraceResult> rows =
        List.of(
            row("kwhisk", TraceResult.ALL, 0, 9, old),
            row("kwhisk", "fa", 1, 99, old),
            row("kwhisk", TraceResult.ALL, 0, 3, now),
            row("kwhisk", "fa", 1, 4, now),
            row("kwhisk", "fb", 2, 6, now),
            row("hash", TraceResult.ALL, 0, 8, now),
            row("hash", "fa", 1, 12, now));

    var latest = TraceSection.latestReplays(rows);
    var p99 = TraceSection.series(latest, TraceResult::slowdownP99);
    String html = HtmlReport.render("t", List.of(), List.of(), List.of(), rows);

    assertThat(p99.get("kwhisk"))
        .containsExactly(java.util.Map.entry(1, 4.0), java.util.Map.entry(2, 6.0));
    assertThat(p99.get("hash")).containsExactly(java.util.Map.entry(1, 12.0));
    assertThat(html)
        .contains(
            "<h2>Trace replay</h2>",
            "p99 slowdown per function",
            "data-design=\"hash\"",
            "Container memory-time per function");
  }
}
