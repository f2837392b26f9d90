package dev.preflight.checklists.run;

import static dev.preflight.checklists.run.ItemEvent.FAIL;
import static dev.preflight.checklists.run.ItemEvent.PASS;
import static dev.preflight.checklists.run.ItemEvent.RESTART;
import static dev.preflight.checklists.run.ItemEvent.START;
import static dev.preflight.checklists.run.ItemEvent.TICK;
import static dev.preflight.checklists.run.ItemEvent.UNTICK;
import static dev.preflight.checklists.run.ItemEvent.WAIVE;
import static dev.preflight.checklists.run.ItemState.FAILED;
import static dev.preflight.checklists.run.ItemState.PASSED;
import static dev.preflight.checklists.run.ItemState.PENDING;
import static dev.preflight.checklists.run.ItemState.RUNNING;
import static dev.preflight.checklists.run.ItemState.WAIVED;

import dev.preflight.checklists.checklist.Item;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The one table of legal item moves. Anything not listed here is refused. */
public final class ItemTransitions {

  private static final Map<ItemState, Map<ItemEvent, ItemState>> TABLE = new EnumMap<>(ItemState.class);

  static {
    allow(PENDING, TICK, PASSED);
    allow(PENDING, START, RUNNING);
    allow(PENDING, WAIVE, WAIVED);
    allow(RUNNING, PASS, PASSED);
    allow(RUNNING, FAIL, FAILED);
    allow(RUNNING, WAIVE, WAIVED);
    allow(RUNNING, RESTART, RUNNING);
    allow(PASSED, UNTICK, PENDING);
    allow(PASSED, START, RUNNING);
    allow(FAILED, START, RUNNING);
    allow(FAILED, WAIVE, WAIVED);
    allow(WAIVED, UNTICK, PENDING);
    allow(WAIVED, START, RUNNING);
  }

  private static final Set<ItemEvent> MANUAL_ONLY = EnumSet.of(TICK);
  private static final Set<ItemEvent> AUTOMATED_ONLY = EnumSet.of(START, RESTART, PASS, FAIL);

  private ItemTransitions() {}

  private static void allow(ItemState from, ItemEvent event, ItemState to) {
    TABLE.computeIfAbsent(from, state -> new EnumMap<>(ItemEvent.class)).put(event, to);
  }

  /** The state after {@code event}, or empty when the move is not allowed for this item. */
  public static Optional<ItemState> next(Item item, ItemState from, ItemEvent event) {
    if (item.automated() ? MANUAL_ONLY.contains(event) : AUTOMATED_ONLY.contains(event)) {
      return Optional.empty();
    }
    if (item.automated() && event == UNTICK && from == PASSED) {
      return Optional.empty();
    }
    return Optional.ofNullable(TABLE.getOrDefault(from, Map.of()).get(event));
  }
}
