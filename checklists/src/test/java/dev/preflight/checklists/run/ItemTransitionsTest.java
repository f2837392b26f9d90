package dev.preflight.checklists.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Item;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every (state, event, manual/automated) and what it leads to; "refused" when the move is not allowed. */
class ItemTransitionsTest {

  static final Item MANUAL = new Item("backup", "Backup taken", true, null);
  static final Item AUTOMATED = new Item("health", "Health", true, new CheckSpec.Http("GET", "https://api/health", Map.of(), null,
      List.of(200), Map.of(), null, null, new CheckSpec.Timing(Duration.ofSeconds(10), 0, Duration.ofSeconds(5))));

  @ParameterizedTest(name = "{2} item, {0} + {1} → {3}")
  @CsvSource(textBlock = """
      PENDING, TICK,   manual,    PASSED
      PENDING, UNTICK, manual,    refused
      PENDING, START,  manual,    refused
      PENDING, PASS,   manual,    refused
      PENDING, FAIL,   manual,    refused
      PENDING, WAIVE,  manual,    WAIVED
      RUNNING, TICK,   manual,    refused
      RUNNING, UNTICK, manual,    refused
      RUNNING, START,  manual,    refused
      RUNNING, PASS,   manual,    refused
      RUNNING, FAIL,   manual,    refused
      RUNNING, WAIVE,  manual,    WAIVED
      PASSED,  TICK,   manual,    refused
      PASSED,  UNTICK, manual,    PENDING
      PASSED,  START,  manual,    refused
      PASSED,  PASS,   manual,    refused
      PASSED,  FAIL,   manual,    refused
      PASSED,  WAIVE,  manual,    refused
      FAILED,  TICK,   manual,    refused
      FAILED,  UNTICK, manual,    refused
      FAILED,  START,  manual,    refused
      FAILED,  PASS,   manual,    refused
      FAILED,  FAIL,   manual,    refused
      FAILED,  WAIVE,  manual,    WAIVED
      WAIVED,  TICK,   manual,    refused
      WAIVED,  UNTICK, manual,    PENDING
      WAIVED,  START,  manual,    refused
      WAIVED,  PASS,   manual,    refused
      WAIVED,  FAIL,   manual,    refused
      WAIVED,  WAIVE,  manual,    refused
      PENDING, TICK,   automated, refused
      PENDING, UNTICK, automated, refused
      PENDING, START,  automated, RUNNING
      PENDING, PASS,   automated, refused
      PENDING, FAIL,   automated, refused
      PENDING, WAIVE,  automated, WAIVED
      RUNNING, TICK,   automated, refused
      RUNNING, UNTICK, automated, refused
      RUNNING, START,  automated, refused
      RUNNING, PASS,   automated, PASSED
      RUNNING, FAIL,   automated, FAILED
      RUNNING, WAIVE,  automated, WAIVED
      PASSED,  TICK,   automated, refused
      PASSED,  UNTICK, automated, refused
      PASSED,  START,  automated, RUNNING
      PASSED,  PASS,   automated, refused
      PASSED,  FAIL,   automated, refused
      PASSED,  WAIVE,  automated, refused
      FAILED,  TICK,   automated, refused
      FAILED,  UNTICK, automated, refused
      FAILED,  START,  automated, RUNNING
      FAILED,  PASS,   automated, refused
      FAILED,  FAIL,   automated, refused
      FAILED,  WAIVE,  automated, WAIVED
      WAIVED,  TICK,   automated, refused
      WAIVED,  UNTICK, automated, PENDING
      WAIVED,  START,  automated, RUNNING
      WAIVED,  PASS,   automated, refused
      WAIVED,  FAIL,   automated, refused
      WAIVED,  WAIVE,  automated, refused
      PENDING, RESTART, manual,    refused
      RUNNING, RESTART, manual,    refused
      PASSED,  RESTART, manual,    refused
      FAILED,  RESTART, manual,    refused
      WAIVED,  RESTART, manual,    refused
      PENDING, RESTART, automated, refused
      RUNNING, RESTART, automated, RUNNING
      PASSED,  RESTART, automated, refused
      FAILED,  RESTART, automated, refused
      WAIVED,  RESTART, automated, refused
      """)
  void everyMove(ItemState from, ItemEvent event, String kind, String expected) {
    Item item = kind.equals("manual") ? MANUAL : AUTOMATED;
    Optional<ItemState> next = ItemTransitions.next(item, from, event);
    assertEquals(expected, next.map(ItemState::name).orElse("refused"));
  }
}
