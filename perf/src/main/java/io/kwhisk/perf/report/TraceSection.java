package io.kwhisk.perf.report;

import io.kwhisk.perf.trace.TraceResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The HTML report's trace replay section: per design its latest replay (the rows of the latest
 * {@code at}), charted per function against the function's rank by invocations (log scale: the
 * trace's few heavy functions on the left, its long tail of rare ones on the right): p99 slowdown,
 * cold-start fraction and memory-time; then the replays' whole-run rows side by side, and every
 * row.
 */
final class TraceSection {
  private TraceSection() {}

  static void render(StringBuilder html, List<TraceResult> rows) {
    Map<String, List<TraceResult>> latest = latestReplays(rows);
    List<String> designs = new ArrayList<>(latest.keySet());
    html.append(
            "<h2>Trace replay</h2>\n<p>Azure Functions 2019 trace replayed as an open loop, one action per ")
        .append(
            "function. Slowdown = end-to-end latency (from the intended send time) / the invocation's ")
        .append(
            "execution time, over successful activations; cold fraction = cold starts / successful ")
        .append(
            "activations; memory-time = memory limit x time alive of the function's containers (GB-s). ")
        .append(
            "x axis: the function's rank by invocations (1 = most invoked, log scale).</p>\n<section>\n");
    html.append(
        SvgChart.chart(
            "p99 slowdown per function",
            "function rank",
            "p99 slowdown",
            designs,
            series(latest, TraceResult::slowdownP99)));
    html.append(
        SvgChart.chart(
            "Cold-start fraction per function",
            "function rank",
            "cold starts %",
            designs,
            series(latest, r -> 100 * r.coldFraction())));
    html.append(
        SvgChart.chart(
            "Container memory-time per function",
            "function rank",
            "GB-s",
            designs,
            series(latest, TraceResult::memoryGbSeconds)));
    html.append("</section>\n<h3>Whole replays</h3>\n");
    List<TraceResult> totals =
        rows.stream()
            .filter(r -> r.function().equals(TraceResult.ALL))
            .collect(Collectors.toList());
    html.append(
        HtmlReport.table(
            TraceCsv.HEADER, totals.stream().map(TraceCsv::format).collect(Collectors.toList())));
    html.append("<h3>Every row</h3>\n")
        .append(
            HtmlReport.table(
                TraceCsv.HEADER, rows.stream().map(TraceCsv::format).collect(Collectors.toList())));
  }

  /**
   * Per design, the rows of its latest replay (those sharing the latest {@code at}), in file order.
   */
  static Map<String, List<TraceResult>> latestReplays(List<TraceResult> rows) {
    Map<String, Instant> newest = new LinkedHashMap<>();
    for (TraceResult r : rows) newest.merge(r.design(), r.at(), (a, b) -> a.isAfter(b) ? a : b);
    Map<String, List<TraceResult>> out = new LinkedHashMap<>();
    for (TraceResult r : rows) {
      if (r.at().equals(newest.get(r.design())))
        out.computeIfAbsent(r.design(), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  /** Per design, rank -> value of its function rows (the whole-run row, rank 0, is not a point). */
  static Map<String, TreeMap<Integer, Double>> series(
      Map<String, List<TraceResult>> latest, ToDoubleFunction<TraceResult> y) {
    Map<String, TreeMap<Integer, Double>> out = new LinkedHashMap<>();
    latest.forEach(
        (design, rows) -> {
          TreeMap<Integer, Double> points = new TreeMap<>();
          for (TraceResult r : rows) {
            double v = y.applyAsDouble(r);
            if (r.rank() > 0 && Double.isFinite(v)) points.put(r.rank(), v);
          }
          if (!points.isEmpty()) out.put(design, points);
        });
    return out;
  }
}
