package dev.preflight.checklists.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void masksEveryOccurrenceOfEverySecret() {
    Redactor redactor = new Redactor();
    redactor.add("s3cr3t-token");
    redactor.add("postgresql://app:pw@db:5432/app");

    assertEquals("token=••• again ••• url=•••",
        redactor.redact("token=s3cr3t-token again s3cr3t-token url=postgresql://app:pw@db:5432/app"));
  }

  @Test
  void masksASecretEchoedBackUrlEncodedOrJsonEscaped() {
    Redactor redactor = new Redactor();
    redactor.add("p@ss/w\"rd+1 x");

    assertEquals("{\"query\":\"token=•••\",\"echo\":\"•••\"}",
        redactor.redact("{\"query\":\"token=p%40ss%2Fw%22rd%2B1+x\",\"echo\":\"p@ss\\/w\\\"rd+1 x\"}"));
  }

  @Test
  void masksTheLongerSecretWholeWhenOneContainsAnother() {
    Redactor redactor = new Redactor();
    redactor.add("abcd");
    redactor.add("abcdefgh");

    assertEquals("••• and •••", redactor.redact("abcdefgh and abcd"));
  }

  @Test
  void shortValuesAreNotTreatedAsSecrets() {
    Redactor redactor = new Redactor();
    redactor.add("1");
    redactor.add("yes");
    redactor.add(null);

    assertEquals("1 yes", redactor.redact("1 yes"));
  }

  @Test
  void secretsAreMatchedLiterallyNotAsPatterns() {
    Redactor redactor = new Redactor();
    redactor.add("a.b*c$1");

    assertEquals("x••• axbbc$1", redactor.redact("xa.b*c$1 axbbc$1"));
  }

  @Test
  void nothingToMaskLeavesTextAsItIs() {
    Redactor redactor = new Redactor();
    assertEquals("plain", redactor.redact("plain"));
    assertNull(redactor.redact(null));
  }
}
