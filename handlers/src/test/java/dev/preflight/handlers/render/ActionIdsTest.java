package dev.preflight.handlers.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.ActionIds.ItemRef;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ActionIdsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "r-1|backup",
      "0b5e7c1a-9f2e-4c3d-8a8b-1d2e3f4a5b6c|db.tables-exist",
      "run/with/slashes|item/with/slashes",
      "100% done|a+b c",
      "ñandú|café ✅",
  })
  void itemValueRoundTrips(String runId, String itemId) {
    String value = ActionIds.itemValue(runId, itemId);

    assertEquals(new ItemRef(runId, itemId), ActionIds.parseItemValue(value));
  }

  @Test
  void plainIdsStayReadableInTheValue() {
    assertEquals("r-1/db.tables_exist", ActionIds.itemValue("r-1", "db.tables_exist"));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "no-separator", "a/b/c", "/item", "run/", "run/%zz", "%E0%A4%A/item"})
  void malformedValueFailsWithAClearMessage(String value) {
    IllegalArgumentException failure =
        assertThrows(IllegalArgumentException.class, () -> ActionIds.parseItemValue(value));

    assertTrue(failure.getMessage().startsWith("Not a run/item button value"), failure.getMessage());
    assertTrue(failure.getMessage().contains("Expected runId/itemId"), failure.getMessage());
  }

  @Test
  void valueBeyondSlacksLimitIsRefusedWhenBuilt() {
    IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
        () -> ActionIds.itemValue("r-1", "x".repeat(2000)));

    assertTrue(failure.getMessage().contains("too long"), failure.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ActionIds.itemValue("", "backup"));
    assertThrows(IllegalArgumentException.class, () -> ActionIds.itemValue("r-1", null));
  }

  @Test
  void longItemIdsGiveDistinctBlockIdsWithinSlacksLimit() {
    String first = ActionIds.itemBlockId(ActionIds.ITEM_BLOCK_PREFIX, "a".repeat(300) + "1");
    String second = ActionIds.itemBlockId(ActionIds.ITEM_BLOCK_PREFIX, "a".repeat(300) + "2");

    assertTrue(first.length() <= 255 && second.length() <= 255);
    assertNotEquals(first, second);
    assertEquals("item:backup", ActionIds.itemBlockId(ActionIds.ITEM_BLOCK_PREFIX, "backup"));
  }

  @Test
  void everyIdentifierIsDistinct() {
    Set<String> ids = Set.of(ActionIds.TICK, ActionIds.UNTICK, ActionIds.RERUN, ActionIds.WAIVE,
        ActionIds.WAIVE_MODAL, ActionIds.WAIVE_REASON_BLOCK, ActionIds.WAIVE_REASON_ACTION);

    assertEquals(7, ids.size());
  }
}
