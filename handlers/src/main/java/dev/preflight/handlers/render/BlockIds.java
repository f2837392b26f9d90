package dev.preflight.handlers.render;

import static dev.preflight.handlers.ActionIds.MAX_BLOCK_ID_LENGTH;

import java.util.HashSet;
import java.util.Set;

/**
 * Hands out block_ids for one message. Slack rejects a message with two equal block_ids,
 * and item ids are only as unique as the YAML they came from.
 */
final class BlockIds {

  private final Set<String> used = new HashSet<>();

  String unique(String wanted) {
    String id = wanted;
    for (int n = 2; !used.add(id); n++) {
      String suffix = "~" + n;
      int keep = Math.min(wanted.length(), MAX_BLOCK_ID_LENGTH - suffix.length());
      id = wanted.substring(0, keep) + suffix;
    }
    return id;
  }
}
