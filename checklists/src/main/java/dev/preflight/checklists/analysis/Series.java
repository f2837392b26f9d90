package dev.preflight.checklists.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The samples of one series, oldest first, with the labels that tell it apart (Prometheus labels,
 * or a CloudWatch query id as {@code id}).
 */
public record Series(Map<String, String> labels, List<Sample> samples) {

  public Series {
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    samples = List.copyOf(samples);
  }

  /** {@code {job="app", instance="a:80"}}, or {@code {}} for a series without labels. */
  public String name() {
    return labels.entrySet().stream()
        .map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
        .collect(Collectors.joining(", ", "{", "}"));
  }

  public List<Sample> present() {
    return samples.stream().filter(Sample::present).toList();
  }
}
