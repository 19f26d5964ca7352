package io.kwhisk.perf.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.perf.burst.BurstResult;
import io.kwhisk.perf.lifecycle.LifecycleResult;
import io.kwhisk.perf.load.ScenarioResult;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HtmlReportTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static final List<ScenarioResult> ROWS =
      List.of(
          ResultsCsvTest.row("kwhisk", 1, 10, 100, 10, T0),
          ResultsCsvTest.row("kwhisk", 10, 10, 200, 20, T0),
          ResultsCsvTest.row("kwhisk", 100, 10, 300, 30, T0),
          ResultsCsvTest.row("hash-baseline", 1, 10, 90, 12, T0),
          ResultsCsvTest.row("hash-baseline", 100, 10, 50, 80, T0),
          ResultsCsvTest.row("kwhisk", 10, 100, 700, 50, T0));

  @Test
  void drawsTpsAndP99ChartsPerLoadLevelWithOneLinePerDesign() {
    String html = HtmlReport.render("t", ROWS);

    assertThat(html).contains("closed loop, 10 users").contains("closed loop, 100 users");
    assertThat(count(html, "<svg")).isEqualTo(4);
    // users=10: two designs in two charts; users=100: one design in two charts.
    assertThat(count(html, "<polyline class=\"series\" data-design=\"kwhisk\"")).isEqualTo(4);
    assertThat(count(html, "<polyline class=\"series\" data-design=\"hash-baseline\""))
        .isEqualTo(2);
    assertThat(html).contains("<table>").contains("hash-baseline");
  }

  @Test
  void isSelfContained() {
    String html = HtmlReport.render("t", ROWS);
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("<link")
        .doesNotContain("src=")
        .doesNotContain("href=")
        .doesNotContain("@import");
  }

  @Test
  void pointsRiseWithTheValueTheyPlot() {
    String svg =
        SvgChart.chart(
            "tps",
            "actions",
            "tps",
            List.of("kwhisk"),
            java.util.Map.of(
                "kwhisk", new java.util.TreeMap<>(java.util.Map.of(1, 100.0, 10, 400.0))));
    Matcher m = Pattern.compile("points=\"([\\d.]+),([\\d.]+) ([\\d.]+),([\\d.]+)\"").matcher(svg);
    assertThat(m.find()).isTrue();
    assertThat(Double.parseDouble(m.group(3))).isGreaterThan(Double.parseDouble(m.group(1)));
    assertThat(Double.parseDouble(m.group(4)))
        .as("SVG y grows downwards")
        .isLessThan(Double.parseDouble(m.group(2)));
  }

  @Test
  void theLatestRunOfACellIsTheOneCharted() {
    List<ScenarioResult> rows =
        List.of(
            ResultsCsvTest.row("kwhisk", 1, 10, 100, 10, T0.plusSeconds(60)),
            ResultsCsvTest.row("kwhisk", 1, 10, 777, 10, T0));
    String html = HtmlReport.render("t", rows);
    assertThat(html).contains("1 actions, 100</title>").doesNotContain("1 actions, 777</title>");
  }

  @Test
  void labelsAreEscapedAndAxisTopsAreRound() {
    assertThat(HtmlReport.escape("<a&\"b\">")).isEqualTo("&lt;a&amp;&quot;b&quot;&gt;");
    assertThat(HtmlReport.render("<x>", List.of())).contains("&lt;x&gt;").contains("No results.");
    assertThat(SvgChart.niceCeiling(812)).isEqualTo(1000);
    assertThat(SvgChart.niceCeiling(130)).isEqualTo(150);
    assertThat(SvgChart.niceCeiling(3000)).isEqualTo(3000);
    assertThat(SvgChart.niceCeiling(0.31))
        .isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(SvgChart.niceCeiling(0)).isEqualTo(1);
  }

  @Test
  void burstsGetCreationRateAndColdP99ChartsAndLifecycleRunsATableWithoutALoadSection() {
    List<BurstResult> bursts =
        List.of(
            BurstCsvTest.row("kwhisk", 10, 8, 900, T0),
            BurstCsvTest.row("kwhisk", 50, 12, 2500, T0),
            BurstCsvTest.row("hash-baseline", 10, Double.NaN, 1000, T0));
    List<LifecycleResult> lifecycles = List.of(LifecycleCsvTest.row("kwhisk", 10, 0, T0));

    String html = HtmlReport.render("t", List.of(), bursts, lifecycles);

    assertThat(html)
        .contains("Cold bursts")
        .contains("Container creations per second")
        .contains("Cold start p99")
        .contains("Container lifecycle")
        .contains("validation_failures")
        .doesNotContain("All runs")
        .doesNotContain("No results.");
    assertThat(count(html, "<svg")).isEqualTo(2);
    assertThat(count(html, "<polyline class=\"series\" data-design=\"kwhisk\"")).isEqualTo(2);
    assertThat(count(html, "<polyline class=\"series\" data-design=\"hash-baseline\""))
        .as("a rate that could not be computed is not drawn")
        .isEqualTo(1);
    assertThat(html).contains("50 actions, 12</title>").contains("NaN");
  }

  @Test
  void burstsWithAMemoryLimitAreALineOfTheirOwn() {
    BurstResult small =
        new BurstResult("kwhisk", 10, 128, 1, 10, 1, 10, 1, 1, 1, 1, 10, 0, 0, 0, T0);
    String html =
        HtmlReport.render(
            "t", List.of(), List.of(BurstCsvTest.row("kwhisk", 10, 5, 900, T0), small), List.of());
    assertThat(count(html, "<polyline class=\"series\" data-design=\"kwhisk\"")).isEqualTo(2);
    assertThat(count(html, "<polyline class=\"series\" data-design=\"kwhisk 128MB\"")).isEqualTo(2);
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
    return n;
  }
}
