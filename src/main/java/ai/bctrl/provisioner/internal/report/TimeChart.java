package ai.bctrl.provisioner.internal.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One chart over the run's time as inline SVG: stacked step areas (counts per second), step lines
 * (levels, peaks) and dashed reference lines (a configured limit), with a vertical marker where the
 * run was stopped. Every bucket is drawn as a step, so what is drawn is what was counted. Points
 * are written only where a value changes, so a quiet series costs a few bytes however long the
 * run. Pure: builds a string.
 */
final class TimeChart {
  static final int W = 960;
  static final int H = 200;
  static final int LEFT = 56;
  static final int RIGHT = 14;
  static final int TOP = 12;
  static final int BOTTOM = 26;

  enum Kind { STACK, LINE, REFERENCE }

  record Series(String name, String color, Kind kind, double[] values, double reference) {}

  private final String id;
  private final String label;
  private final double bucketSeconds;
  private final int buckets;
  private final List<Series> series = new ArrayList<>();
  private Double markerAt;
  private String markerLabel;

  /**
   * @param id the chart's element id
   * @param label what its y axis counts, e.g. {@code calls/s}
   */
  TimeChart(String id, String label, double bucketSeconds, int buckets) {
    this.id = id;
    this.label = label;
    this.bucketSeconds = bucketSeconds;
    this.buckets = Math.max(1, buckets);
  }

  TimeChart stack(String name, String color, double[] values) {
    series.add(new Series(name, color, Kind.STACK, values, 0));
    return this;
  }

  TimeChart line(String name, String color, double[] values) {
    series.add(new Series(name, color, Kind.LINE, values, 0));
    return this;
  }

  TimeChart reference(String name, String color, double value) {
    series.add(new Series(name, color, Kind.REFERENCE, null, value));
    return this;
  }

  TimeChart marker(double atSeconds, String text) {
    this.markerAt = atSeconds;
    this.markerLabel = text;
    return this;
  }

  String id() {
    return id;
  }

  String label() {
    return label;
  }

  List<Series> series() {
    return series;
  }

  /** The SVG element. */
  String svg() {
    double total = bucketSeconds * buckets;
    double top = 0;
    double[] stackTop = new double[buckets];
    for (Series s : series) {
      switch (s.kind()) {
        case STACK -> {
          for (int i = 0; i < buckets; i++) {
            stackTop[i] += value(s.values(), i);
            top = Math.max(top, stackTop[i]);
          }
        }
        case LINE -> {
          for (int i = 0; i < buckets; i++) {
            double v = value(s.values(), i);
            if (!Double.isNaN(v)) { // no value there: the line breaks
              top = Math.max(top, v);
            }
          }
        }
        case REFERENCE -> top = Math.max(top, s.reference());
      }
    }
    double yMax = niceCeiling(top);
    Geometry g = new Geometry(total, yMax);
    StringBuilder sb = new StringBuilder();
    sb.append("<svg class=\"chart\" id=\"").append(id).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
        .append("\" role=\"img\" aria-label=\"").append(Html.esc(label))
        .append("\" data-left=\"").append(LEFT).append("\" data-plot-width=\"").append(W - LEFT - RIGHT)
        .append("\" data-buckets=\"").append(buckets).append("\">");
    axes(sb, g, total, yMax);
    double[] lower = new double[buckets];
    for (Series s : series) {
      if (s.kind() == Kind.STACK) {
        double[] upper = new double[buckets];
        for (int i = 0; i < buckets; i++) {
          upper[i] = lower[i] + value(s.values(), i);
        }
        area(sb, g, lower, upper, s.color());
        lower = upper;
      }
    }
    for (Series s : series) {
      if (s.kind() == Kind.LINE) {
        stepLine(sb, g, s.values(), s.color());
      } else if (s.kind() == Kind.REFERENCE) {
        double y = g.y(s.reference());
        sb.append("<line class=\"ref\" x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT)
            .append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y)).append("\" stroke=\"")
            .append(s.color()).append("\" stroke-dasharray=\"6 4\"><title>").append(Html.esc(s.name())).append(": ")
            .append(Html.num(s.reference())).append("</title></line>");
      }
    }
    if (markerAt != null) {
      double x = g.x(Math.min(markerAt, total));
      sb.append("<line class=\"marker\" x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"")
          .append(TOP).append("\" y2=\"").append(H - BOTTOM).append("\" stroke=\"#444\" stroke-dasharray=\"3 3\"/>")
          .append("<text class=\"marker-label\" x=\"").append(f(Math.max(LEFT + 2, x - 4))).append("\" y=\"")
          .append(TOP + 10).append("\" text-anchor=\"end\">").append(Html.esc(markerLabel)).append("</text>");
    }
    sb.append("<line class=\"cursor\" x1=\"0\" x2=\"0\" y1=\"").append(TOP).append("\" y2=\"").append(H - BOTTOM)
        .append("\" visibility=\"hidden\"/>");
    sb.append("</svg>");
    return sb.toString();
  }

  private void axes(StringBuilder sb, Geometry g, double total, double yMax) {
    sb.append("<g class=\"axes\">");
    double yStep = niceStep(yMax);
    for (int k = 0; k * yStep <= yMax + 1e-9; k++) {
      double v = k * yStep;
      double y = g.y(v);
      sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT).append("\" y1=\"").append(f(y))
          .append("\" y2=\"").append(f(y)).append("\" class=\"grid\"/>");
      sb.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\">")
          .append(Html.num(v)).append("</text>");
    }
    double tStep = timeStep(total);
    for (double t = 0; t <= total + 1e-9; t += tStep) {
      double x = g.x(t);
      sb.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(H - BOTTOM)
          .append("\" y2=\"").append(H - BOTTOM + 4).append("\" class=\"tick\"/>");
      sb.append("<text x=\"").append(f(x)).append("\" y=\"").append(H - BOTTOM + 16)
          .append("\" text-anchor=\"middle\">").append(Html.clock(t)).append("</text>");
    }
    sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(W - RIGHT).append("\" y1=\"").append(H - BOTTOM)
        .append("\" y2=\"").append(H - BOTTOM).append("\" class=\"axis\"/>");
    sb.append("</g>");
  }

  private void area(StringBuilder sb, Geometry g, double[] lower, double[] upper, String color) {
    List<double[]> pts = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      pts.add(new double[] {g.x(i * bucketSeconds), g.y(upper[i])});
      pts.add(new double[] {g.x((i + 1) * bucketSeconds), g.y(upper[i])});
    }
    for (int i = buckets - 1; i >= 0; i--) {
      pts.add(new double[] {g.x((i + 1) * bucketSeconds), g.y(lower[i])});
      pts.add(new double[] {g.x(i * bucketSeconds), g.y(lower[i])});
    }
    boolean empty = true;
    for (int i = 0; i < buckets && empty; i++) {
      empty = upper[i] == lower[i];
    }
    if (empty) {
      return;
    }
    sb.append("<path fill=\"").append(color).append("\" fill-opacity=\"0.85\" stroke=\"none\" d=\"")
        .append(path(pts, true)).append("\"/>");
  }

  private void stepLine(StringBuilder sb, Geometry g, double[] values, String color) {
    StringBuilder d = new StringBuilder();
    List<double[]> run = new ArrayList<>();
    for (int i = 0; i <= buckets; i++) {
      double v = i < buckets ? value(values, i) : Double.NaN;
      if (Double.isNaN(v)) {
        if (!run.isEmpty()) {
          d.append(path(run, false));
          run.clear();
        }
        continue;
      }
      run.add(new double[] {g.x(i * bucketSeconds), g.y(v)});
      run.add(new double[] {g.x((i + 1) * bucketSeconds), g.y(v)});
    }
    if (d.length() > 0) {
      sb.append("<path fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.6\" d=\"").append(d)
          .append("\"/>");
    }
  }

  /** A path through {@code pts}, dropping points in the middle of a straight horizontal or vertical run. */
  private static String path(List<double[]> pts, boolean close) {
    List<double[]> kept = new ArrayList<>();
    for (double[] p : pts) {
      String px = f(p[0]);
      String py = f(p[1]);
      if (!kept.isEmpty()) {
        double[] last = kept.get(kept.size() - 1);
        if (f(last[0]).equals(px) && f(last[1]).equals(py)) {
          continue;
        }
        if (kept.size() >= 2) {
          double[] before = kept.get(kept.size() - 2);
          boolean sameY = f(before[1]).equals(f(last[1])) && f(last[1]).equals(py);
          boolean sameX = f(before[0]).equals(f(last[0])) && f(last[0]).equals(px);
          if (sameY || sameX) {
            kept.set(kept.size() - 1, p);
            continue;
          }
        }
      }
      kept.add(p);
    }
    StringBuilder d = new StringBuilder();
    for (int i = 0; i < kept.size(); i++) {
      d.append(i == 0 ? 'M' : 'L').append(f(kept.get(i)[0])).append(',').append(f(kept.get(i)[1]));
    }
    if (close) {
      d.append('Z');
    }
    return d.toString();
  }

  private static double value(double[] values, int i) {
    return values == null || i >= values.length ? 0 : values[i];
  }

  /**
   * The step between the y axis' grid lines: 1, 2, 2.5 or 5 times a power of ten, so that at most
   * five steps reach {@code top} (1 for nothing).
   */
  static double niceStep(double top) {
    if (!(top > 0)) {
      return 0.25;
    }
    double p = Math.pow(10, Math.floor(Math.log10(top / 5)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (top / (m * p) <= 5 + 1e-9) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** The top of the y axis: the first multiple of {@link #niceStep} at or above {@code top}. */
  static double niceCeiling(double top) {
    double step = niceStep(top);
    return Math.max(step, Math.ceil(top / step - 1e-9) * step);
  }

  /** The step between time ticks: at most about eight ticks over {@code total} seconds. */
  static double timeStep(double total) {
    double[] steps = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
    for (double s : steps) {
      if (total / s <= 8) {
        return s;
      }
    }
    return Math.ceil(total / 8 / 86400) * 86400;
  }

  /** {@code v} with one decimal, as SVG coordinates are written. */
  static String f(double v) {
    long tenths = Math.round(v * 10);
    long abs = Math.abs(tenths);
    return (tenths < 0 ? "-" : "") + abs / 10 + "." + abs % 10;
  }

  private record Geometry(double total, double yMax) {
    double x(double seconds) {
      return LEFT + seconds / Math.max(total, 1e-9) * (W - LEFT - RIGHT);
    }

    double y(double v) {
      return H - BOTTOM - Math.max(0, Math.min(v, yMax)) / yMax * (H - TOP - BOTTOM);
    }
  }
}
