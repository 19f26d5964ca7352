package io.kwhisk.perf.report;

import io.kwhisk.perf.burst.BurstResult;
import io.kwhisk.perf.lifecycle.LifecycleResult;
import io.kwhisk.perf.load.ScenarioResult;
import io.kwhisk.perf.trace.TraceResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * A self-contained HTML report (inline SVG and CSS, no script, nothing fetched) of the results
 * CSVs. Load scenarios: for each load level (closed loop: users; open loop: target rate) one chart
 * of TPS and one of p99 against the number of actions (log scale), one line per design label, then
 * every row as a table. Cold bursts: creations per second and cold p99 against the burst size, then
 * the rows. Lifecycle runs: their rows. When a chart's cell was measured more than once, the chart
 * shows the latest run; the tables show all.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(String title, List<ScenarioResult> rows) {
    return render(title, rows, List.of(), List.of());
  }

  /**
   * The load scenarios' section (if any rows), then the cold bursts' and the lifecycle runs' (if
   * any).
   */
  public static String render(
      String title,
      List<ScenarioResult> rows,
      List<BurstResult> bursts,
      List<LifecycleResult> lifecycles) {
    return render(title, rows, bursts, lifecycles, List.of());
  }

  /** As above, then the trace replays' section (if any rows). */
  public static String render(
      String title,
      List<ScenarioResult> rows,
      List<BurstResult> bursts,
      List<LifecycleResult> lifecycles,
      List<TraceResult> traces) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape(title))
        .append("</title>\n<style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}")
        .append("section{display:flex;flex-wrap:wrap;gap:16px;margin-bottom:24px}")
        .append("svg{background:#fff;border:1px solid #ddd}text{font-size:11px}")
        .append(
            "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;")
        .append("text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}")
        .append("</style></head><body>\n<h1>")
        .append(escape(title))
        .append("</h1>\n");
    if (rows.isEmpty() && bursts.isEmpty() && lifecycles.isEmpty() && traces.isEmpty()) {
      html.append("<p>No results.</p>\n");
    }
    if (!rows.isEmpty()) loadSection(html, rows);
    if (!bursts.isEmpty()) burstSection(html, bursts);
    if (!lifecycles.isEmpty()) lifecycleSection(html, lifecycles);
    if (!traces.isEmpty()) TraceSection.render(html, traces);
    return html.append("</body></html>\n").toString();
  }

  private static void loadSection(StringBuilder html, List<ScenarioResult> rows) {
    html.append(
            "<p>Noop actions invoked blocking; latencies over successful activations of the measured window, ")
        .append(
            "open-loop latencies from the intended send time. x axis: number of actions (log scale).</p>\n");
    List<String> designs = designs(rows, ScenarioResult::design);
    for (Map.Entry<String, List<ScenarioResult>> level : byLevel(rows).entrySet()) {
      html.append("<h2>").append(escape(level.getKey())).append("</h2>\n<section>\n");
      html.append(
          SvgChart.chart(
              "Throughput (" + level.getKey() + ")",
              "actions",
              "successful activations / s",
              designs,
              latest(
                  level.getValue(),
                  ScenarioResult::design,
                  ScenarioResult::actions,
                  ScenarioResult::at,
                  ScenarioResult::tps)));
      html.append(
          SvgChart.chart(
              "p99 latency (" + level.getKey() + ")",
              "actions",
              "p99 ms",
              designs,
              latest(
                  level.getValue(),
                  ScenarioResult::design,
                  ScenarioResult::actions,
                  ScenarioResult::at,
                  ScenarioResult::p99)));
      html.append("</section>\n");
    }
    html.append(CpuSection.render(rows));
    html.append("<h2>All runs</h2>\n")
        .append(
            table(
                ResultsCsv.HEADER,
                rows.stream().map(ResultsCsv::format).collect(Collectors.toList())));
  }

  private static void burstSection(StringBuilder html, List<BurstResult> bursts) {
    html.append(
            "<h2>Cold bursts</h2>\n<p>N fresh noop actions invoked once each, all at the same instant. ")
        .append(
            "Container creations per second: cold activations over the time from the burst's start to the ")
        .append(
            "last cold activation's start (client and invoker clocks). Cold latency: client-measured from the ")
        .append("burst's start. x axis: burst size N (log scale).</p>\n<section>\n");
    List<String> designs = designs(bursts, HtmlReport::burstSeries);
    html.append(
        SvgChart.chart(
            "Container creations per second",
            "actions in the burst",
            "creations / s",
            designs,
            latest(
                bursts,
                HtmlReport::burstSeries,
                BurstResult::actions,
                BurstResult::at,
                BurstResult::creationsPerSecond)));
    html.append(
        SvgChart.chart(
            "Cold start p99",
            "actions in the burst",
            "p99 ms",
            designs,
            latest(
                bursts,
                HtmlReport::burstSeries,
                BurstResult::actions,
                BurstResult::at,
                BurstResult::p99)));
    html.append("</section>\n")
        .append(
            table(
                BurstCsv.HEADER,
                bursts.stream().map(BurstCsv::format).collect(Collectors.toList())));
  }

  /**
   * A burst's line: its design, its memory limit when one was set (it decides how many containers
   * fit), and "1 action" for burst-parallel (N invocations of one fresh action).
   */
  static String burstSeries(BurstResult r) {
    String series = r.memoryMb() > 0 ? r.design() + " " + r.memoryMb() + "MB" : r.design();
    return r.oneAction() ? series + " 1 action" : series;
  }

  private static void lifecycleSection(StringBuilder html, List<LifecycleResult> runs) {
    html.append(
            "<h2>Container lifecycle</h2>\n<p>A fresh echo actions: each container started by a first ")
        .append(
            "invoke (start_*: its client latency, init_*: the record's initTime), then A users send their ")
        .append(
            "requests one after another, every answer validated; the actions are deleted at the end. ")
        .append("Times in ms, duration in s.</p>\n")
        .append(
            table(
                LifecycleCsv.HEADER,
                runs.stream().map(LifecycleCsv::format).collect(Collectors.toList())));
  }

  /** Rows grouped by load level, closed-loop levels first, each in ascending order. */
  private static Map<String, List<ScenarioResult>> byLevel(List<ScenarioResult> rows) {
    Map<String, List<ScenarioResult>> out = new LinkedHashMap<>();
    rows.stream()
        .sorted(
            Comparator.comparing(ScenarioResult::openLoop)
                .thenComparingInt(ScenarioResult::users)
                .thenComparingDouble(ScenarioResult::rate))
        .forEach(r -> out.computeIfAbsent(levelLabel(r), k -> new ArrayList<>()).add(r));
    return out;
  }

  static String levelLabel(ScenarioResult r) {
    return r.openLoop()
        ? String.format(Locale.ROOT, "open loop, %s requests/s", SvgChart.trim(r.rate()))
        : "closed loop, " + r.users() + " users";
  }

  private static <T> List<String> designs(List<T> rows, Function<T, String> design) {
    List<String> out = new ArrayList<>();
    rows.forEach(
        r -> {
          if (!out.contains(design.apply(r))) out.add(design.apply(r));
        });
    return out;
  }

  /**
   * Per design, x -> y of the last row measured for that cell (by time, then file order). A y that
   * is not a number (a rate that could not be computed) is left out of the chart.
   */
  static <T> Map<String, TreeMap<Integer, Double>> latest(
      List<T> rows,
      Function<T, String> design,
      ToIntFunction<T> x,
      Function<T, Instant> at,
      ToDoubleFunction<T> y) {
    Map<String, TreeMap<Integer, T>> cells = new LinkedHashMap<>();
    for (T r : rows) {
      TreeMap<Integer, T> series = cells.computeIfAbsent(design.apply(r), k -> new TreeMap<>());
      T old = series.get(x.applyAsInt(r));
      if (old == null || !at.apply(r).isBefore(at.apply(old))) series.put(x.applyAsInt(r), r);
    }
    Map<String, TreeMap<Integer, Double>> out = new LinkedHashMap<>();
    cells.forEach(
        (d, series) -> {
          TreeMap<Integer, Double> points = new TreeMap<>();
          series.forEach(
              (xx, r) -> {
                double v = y.applyAsDouble(r);
                if (Double.isFinite(v)) points.put(xx, v);
              });
          if (!points.isEmpty()) out.put(d, points);
        });
    return out;
  }

  static String table(List<String> header, List<String> csvLines) {
    StringBuilder t = new StringBuilder("<table><tr>");
    for (String h : header) t.append("<th>").append(escape(h)).append("</th>");
    t.append("</tr>\n");
    for (String line : csvLines) {
      t.append("<tr>");
      for (String cell : line.split(",", -1)) t.append("<td>").append(escape(cell)).append("</td>");
      t.append("</tr>\n");
    }
    return t.append("</table>\n").toString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
