package dev.preflight.checklists.analysis;

import java.util.List;

/**
 * A line of block characters drawing values from lowest to highest, e.g. {@code ▁▁▂▅▇}: plain
 * Unicode, no markup, readable in Slack, a report and a terminal alike.
 */
public final class Sparkline {

  private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};
  /** Longer series are squeezed to this many bars, each the highest value of its stretch. */
  public static final int WIDTH = 24;

  private Sparkline() {}

  public static String of(List<Double> values) {
    List<Double> finite = values.stream().filter(Double::isFinite).toList();
    if (finite.isEmpty()) {
      return "";
    }
    double[] bars = squeeze(finite);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double bar : bars) {
      min = Math.min(min, bar);
      max = Math.max(max, bar);
    }
    StringBuilder line = new StringBuilder(bars.length);
    for (double bar : bars) {
      int level = max == min ? 0 : (int) Math.round((bar - min) / (max - min) * (BARS.length - 1));
      line.append(BARS[level]);
    }
    return line.toString();
  }

  private static double[] squeeze(List<Double> values) {
    int width = Math.min(WIDTH, values.size());
    double[] bars = new double[width];
    for (int bar = 0; bar < width; bar++) {
      int from = bar * values.size() / width;
      int to = Math.max(from + 1, (bar + 1) * values.size() / width);
      double highest = Double.NEGATIVE_INFINITY;
      for (int i = from; i < to; i++) {
        highest = Math.max(highest, values.get(i));
      }
      bars[bar] = highest;
    }
    return bars;
  }
}
