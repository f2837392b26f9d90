package dev.preflight.checklists.config;

import java.util.List;
import java.util.Map;

/**
 * What an action's {@code {placeholders}} may name where it is written, and the bounds of each
 * that is a whole number, so a count can be checked against them when the config is read.
 *
 * @param placeholders every name a placeholder may use
 * @param counts the integer parameters among them: name → {min, max}
 */
record ActionScope(List<String> placeholders, Map<String, Bounds> counts) {

  ActionScope {
    placeholders = List.copyOf(placeholders);
    counts = Map.copyOf(counts);
  }

  record Bounds(int min, int max) {}
}
