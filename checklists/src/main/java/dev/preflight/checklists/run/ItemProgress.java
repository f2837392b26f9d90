package dev.preflight.checklists.run;

import java.time.Instant;

/**
 * Where one item of a run stands.
 *
 * @param actor the Slack user who last moved it, or null for the bot
 * @param at when it last moved
 * @param evidence what the last finished check saw, or null
 * @param note the reason given for a waiver, or null
 * @param attempt increments on every start, so a stale result can be told from the current one
 */
public record ItemProgress(
    ItemState state, String actor, Instant at, Evidence evidence, String note, int attempt) {

  public static ItemProgress pending() {
    return new ItemProgress(ItemState.PENDING, null, null, null, null, 0);
  }
}
