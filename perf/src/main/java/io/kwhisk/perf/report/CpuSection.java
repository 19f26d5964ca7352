package io.kwhisk.perf.report;

import io.kwhisk.perf.cpu.Component;
import io.kwhisk.perf.cpu.CpuBreakdown;
import io.kwhisk.perf.load.ScenarioResult;
import java.util.List;
import java.util.Locale;

/**
 * The report's "CPU per activation" section: for every row that has CPU figures, a horizontal bar
 * stacked by component (n/a components are left out of the bar and shown as n/a in the table), then
 * the figures as a table.
 */
final class CpuSection {
  private static final String[] COLOURS = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#c5b0d5", "#8c564b", "#7f7f7f", "#bcbd22"
  };
  private static final int LABEL = 260;
  private static final int BAR = 460;
  private static final int ROW = 18;

  private CpuSection() {}

  static String render(List<ScenarioResult> rows) {
    List<ScenarioResult> measured = rows.stream().filter(CpuSection::hasCpu).toList();
    if (measured.isEmpty()) return "";
    double max = 0;
    for (ScenarioResult r : measured) max = Math.max(max, total(r.cpu()));
    double scale = BAR / SvgChart.niceCeiling(max);
    int height = 40 + ROW * measured.size();
    StringBuilder svg =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" role=\"img\">%n",
                LABEL + BAR + 80,
                height));
    int x = LABEL;
    for (Component c : Component.values()) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"13\">%s</text>%n",
              x,
              COLOURS[c.ordinal()],
              x + 13,
              c.label()));
      x += 20 + 7 * c.label().length();
    }
    int y = 28;
    for (ScenarioResult r : measured) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"4\" y=\"%d\">%s</text>%n",
              y + 12,
              HtmlReport.escape(label(r))));
      double left = LABEL;
      for (Component c : Component.values()) {
        double ms = r.cpu().of(c);
        if (Double.isNaN(ms) || ms <= 0) continue;
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                    + "<title>%s %.2f ms</title></rect>%n",
                left,
                y,
                ms * scale,
                ROW - 4,
                COLOURS[c.ordinal()],
                c.label(),
                ms));
        left += ms * scale;
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\">%.2f ms</text>%n",
              left + 4,
              y + 12,
              total(r.cpu())));
      y += ROW;
    }
    svg.append("</svg>\n");

    StringBuilder t = new StringBuilder("<table><tr><th>run</th><th>tps</th><th>platform</th>");
    for (Component c : Component.values()) t.append("<th>").append(c.label()).append("</th>");
    t.append("</tr>\n");
    for (ScenarioResult r : measured) {
      t.append("<tr><td>")
          .append(HtmlReport.escape(label(r)))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.1f", r.tps()))
          .append("</td><td>")
          .append(CpuBreakdown.format(r.cpu().platform()))
          .append("</td>");
      for (Component c : Component.values()) {
        t.append("<td>").append(CpuBreakdown.format(r.cpu().of(c))).append("</td>");
      }
      t.append("</tr>\n");
    }
    t.append("</table>\n");
    return "<h2>CPU per activation (ms)</h2>\n<p>CPU time of each component over the measured window divided by "
        + "the successful activations answered in it; platform = controller + invoker + broker + jvm + jvm-other + "
        + "docker (not the action containers, not the load generator). n/a: not measured.</p>\n"
        + "<section>\n"
        + svg
        + "</section>\n"
        + t;
  }

  static boolean hasCpu(ScenarioResult r) {
    for (Component c : Component.values()) {
      if (!Double.isNaN(r.cpu().of(c))) return true;
    }
    return false;
  }

  private static double total(CpuBreakdown cpu) {
    double sum = 0;
    for (Component c : Component.values()) {
      if (!Double.isNaN(cpu.of(c))) sum += cpu.of(c);
    }
    return sum;
  }

  private static String label(ScenarioResult r) {
    return r.design() + " " + HtmlReport.levelLabel(r) + " actions=" + r.actions() + " " + r.at();
  }
}
