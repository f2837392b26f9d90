package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.preflight.checklists.deploy.LockCause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredCausesTest {

  @ParameterizedTest
  @ValueSource(strings = {"release freeze", "{\"cause\":\"rollback\"} typed by a person", "{", "", "Rolled back"})
  void aPersonsReasonComesBackAsTheyWroteIt(String reason) {
    LockCause manual = new LockCause.Manual(reason);
    assertEquals(manual, StoredCauses.lockCause(StoredCauses.lockReason(manual)));
  }

  @Test
  void aPlainReasonIsStoredAsItAlwaysWas() {
    assertEquals("release freeze", StoredCauses.lockReason(new LockCause.Manual("release freeze")));
  }

  @Test
  void aRollbackCauseRoundTrips() {
    for (LockCause cause : new LockCause[] {new LockCause.RolledBack("v2", null),
        new LockCause.RolledBack("v2", "Health: 503 <html> & more"), new LockCause.Interrupted("v2", "migration", false),
        new LockCause.Interrupted("v2", "backup", true), new LockCause.Interrupted("v2", null, false)}) {
      assertEquals(cause, StoredCauses.lockCause(StoredCauses.lockReason(cause)));
    }
  }

  @Test
  void sentencesOfEarlierVersionsAreReadBackAsValues() {
    assertEquals(new LockCause.RolledBack("v2", null), StoredCauses.lockCause(
        "Rolled back from v2 (asked for by <@U0SRE>). Unlock when the cause is understood."));
    assertEquals(new LockCause.RolledBack("v2", "Health check api failed (503)"), StoredCauses.lockCause(
        "Rolled back from v2 (automatic: Health check api failed (503)). Unlock when the cause is understood."));
    assertNull(StoredCauses.rollbackReason("asked for by <@U0SRE>"));
    assertEquals("Health: 503", StoredCauses.rollbackReason("automatic: Health: 503"));
    assertEquals("Health: 503", StoredCauses.rollbackReason("Health: 503"));
    assertNull(StoredCauses.rollbackReason(null));
  }
}
