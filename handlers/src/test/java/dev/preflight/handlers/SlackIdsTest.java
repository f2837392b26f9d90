package dev.preflight.handlers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shapes an id from Slack must have before it is looked up anywhere. */
class SlackIdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"U0ALICE", "C0DEPLOYS01", "T0PREFLIGHT", "Ev08MFMKH6", "W012ABC", "D123ABC456", "Ev"})
  void slackIdsAreIds(String id) {
    assertTrue(SlackIds.isId(id));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " U0A", "U0A\u0000", "U0 A", "U0A'; drop table runs; --", "<@U0A>", "-U0A", "U0A\n",
      "Ü0A"})
  void anythingElseIsNot(String id) {
    assertFalse(SlackIds.isId(id));
  }

  @Test
  void lengthIsBounded() {
    assertTrue(SlackIds.isId("U".repeat(64)));
    assertFalse(SlackIds.isId("U".repeat(65)));
    assertFalse(SlackIds.isId("E".repeat(10_000)));
    assertFalse(SlackIds.isId(null));
  }

  @Test
  void timestampsAreSecondsDotSequence() {
    assertTrue(SlackIds.isTs("1700000000.000100"));
    assertTrue(SlackIds.isTs("1.1"));
    assertFalse(SlackIds.isTs("1700000000"));
    assertFalse(SlackIds.isTs("1700000000.000100\u0000"));
    assertFalse(SlackIds.isTs("9".repeat(10_000) + ".1"));
    assertFalse(SlackIds.isTs(null));
  }

  @Test
  void onlyACanonicalUuidCanNameARun() {
    String id = UUID.randomUUID().toString();
    assertTrue(SlackIds.isRunId(id));
    assertFalse(SlackIds.isRunId(id.toUpperCase()), "the bot writes run ids in lower case");
    assertFalse(SlackIds.isRunId("1-1-1-1-1"), "UUID.fromString accepts this; no run has it");
    assertFalse(SlackIds.isRunId(id + "\u0000"));
    assertFalse(SlackIds.isRunId("r".repeat(10_000)));
    assertFalse(SlackIds.isRunId(""));
    assertFalse(SlackIds.isRunId(null));
  }

  @Test
  void configNamesAreLowercaseWordsWithDashes() {
    assertTrue(SlackIds.isConfigName("backend"));
    assertTrue(SlackIds.isConfigName("db-migrated_2"));
    assertFalse(SlackIds.isConfigName("Backend"));
    assertFalse(SlackIds.isConfigName("-backend"));
    assertFalse(SlackIds.isConfigName("back end"));
    assertFalse(SlackIds.isConfigName("x".repeat(256)));
  }
}
