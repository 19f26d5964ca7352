package io.kwhisk.perf.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * A line chart as inline SVG (no script, nothing fetched): one line per design through its (x, y)
 * points, x on a log scale, a round y axis. Used by every section of {@link HtmlReport}.
 */
final class SvgChart {
  private static final String[] COLOURS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"
  };
  private static final int WIDTH = 520;
  private static final int HEIGHT = 300;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 28;
  private static final int BOTTOM = 60;

  private SvgChart() {}

  /** One line per design through its (x, y) points; x on a log scale, as the x's span decades. */
  static String chart(
      String title,
      String xLabel,
      String yLabel,
      List<String> designs,
      Map<String, TreeMap<Integer, Double>> series) {
    TreeSet<Integer> xs = new TreeSet<>();
    double maxY = 0;
    for (TreeMap<Integer, Double> s : series.values()) {
      xs.addAll(s.keySet());
      for (double v : s.values()) maxY = Math.max(maxY, v);
    }
    if (xs.isEmpty()) xs.add(1);
    double top = niceCeiling(maxY);
    double logMin = Math.log10(Math.max(1, xs.first()));
    double logMax = Math.log10(Math.max(1, xs.last()));
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    int pad = 16;
    ToDoubleFunction<Integer> px =
        x ->
            logMax == logMin
                ? LEFT + plotW / 2.0
                : LEFT
                    + pad
                    + (Math.log10(Math.max(1, x)) - logMin) / (logMax - logMin) * (plotW - 2 * pad);
    ToDoubleFunction<Double> py = v -> TOP + plotH - v / top * plotH;

    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>\n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT,
            HtmlReport.escape(title)));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"16\" font-weight=\"bold\">%s</text>\n",
            LEFT,
            HtmlReport.escape(title)));
    for (int i = 0; i <= 5; i++) {
      double v = top * i / 5;
      double yy = py.applyAsDouble(v);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
              LEFT,
              WIDTH - RIGHT,
              yy,
              yy,
              LEFT - 4,
              yy + 4,
              trim(v)));
    }
    for (int x : xs) {
      double xx = px.applyAsDouble(x);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
              xx,
              xx,
              TOP,
              TOP + plotH,
              xx,
              TOP + plotH + 14,
              x));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>\n",
            LEFT,
            TOP,
            plotW,
            plotH));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
            LEFT + plotW / 2.0,
            TOP + plotH + 30,
            HtmlReport.escape(xLabel)));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(12 %.1f) rotate(-90)\" "
                + "text-anchor=\"middle\">%s</text>\n",
            TOP + plotH / 2.0,
            HtmlReport.escape(yLabel)));
    int legendX = LEFT;
    for (String design : designs) {
      TreeMap<Integer, Double> s = series.get(design);
      if (s == null) continue;
      String colour = COLOURS[designs.indexOf(design) % COLOURS.length];
      StringBuilder points = new StringBuilder();
      StringBuilder dots = new StringBuilder();
      for (Map.Entry<Integer, Double> point : s.entrySet()) {
        double xx = px.applyAsDouble(point.getKey());
        double yy = py.applyAsDouble(point.getValue());
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", xx, yy));
        dots.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: "
                    + "%d actions, %s</title></circle>",
                xx,
                yy,
                colour,
                HtmlReport.escape(design),
                point.getKey(),
                trim(point.getValue())));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<polyline class=\"series\" data-design=\"%s\" fill=\"none\" "
                  + "stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%s\n",
              HtmlReport.escape(design),
              colour,
              points.toString().trim(),
              dots));
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>\n",
              legendX,
              HEIGHT - 16,
              colour,
              legendX + 14,
              HEIGHT - 7,
              HtmlReport.escape(design)));
      legendX += 24 + 7 * design.length();
    }
    return svg.append("</svg>\n").toString();
  }

  /**
   * A round axis top >= v: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten (1 for nothing
   * measured).
   */
  static double niceCeiling(double v) {
    if (v <= 0) return 1;
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (step * magnitude >= v) return step * magnitude;
    }
    return 10 * magnitude;
  }

  static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
