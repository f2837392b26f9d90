package dev.preflight.checklists.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VariablesTest {

  static final Variables VARIABLES = Variables.of(Map.of(
      "BASE_URL", "https://api.example.com",
      "TOKEN", "tok-123456",
      "ODD", "a$1\\b"));

  @Test
  void referencesAreListedInOrderOnce() {
    assertEquals(List.of("BASE_URL", "TOKEN"),
        List.copyOf(Variables.references("${BASE_URL}/x?t=${TOKEN}&again=${BASE_URL}")));
    assertEquals(List.of(), List.copyOf(Variables.references("no references")));
    assertEquals(List.of(), List.copyOf(Variables.references(null)));
    assertEquals(List.of("bad-name", ""), List.copyOf(Variables.references("${bad-name} ${}")));
  }

  @ParameterizedTest
  @CsvSource({"DATABASE_URL, true", "_private, true", "a1, true", "1ABC, false", "MY-VAR, false", "'', false", "'A B', false"})
  void namesAreLettersDigitsAndUnderscoresNotStartingWithADigit(String name, boolean valid) {
    assertEquals(valid, Variables.NAME.matcher(name).matches());
  }

  @Test
  void resolveSubstitutesAndRegistersEveryValueAsSecret() {
    Redactor redactor = new Redactor();

    String url = VARIABLES.resolve("${BASE_URL}/health?token=${TOKEN}", redactor);

    assertEquals("https://api.example.com/health?token=tok-123456", url);
    assertEquals("•••/health?token=•••", redactor.redact(url));
  }

  @Test
  void valuesWithReplacementCharactersAreInsertedLiterally() {
    assertEquals("x=a$1\\b", VARIABLES.resolve("x=${ODD}", new Redactor()));
  }

  @Test
  void missingVariableIsNamedAndNoValueIsLeaked() {
    Redactor redactor = new Redactor();

    Variables.MissingVariableException thrown = assertThrows(Variables.MissingVariableException.class,
        () -> VARIABLES.resolve("${TOKEN}:${MISSING}", redactor));

    assertEquals("MISSING", thrown.name());
    assertEquals("environment variable MISSING is not set", thrown.getMessage());
    assertFalse(thrown.getMessage().contains("tok-123456"));
  }

  @Test
  void overridesWinOverTheEnvironment() {
    Variables overridden = VARIABLES.with(Map.of("TOKEN", "override-1"));

    assertEquals(Optional.of("override-1"), overridden.get("TOKEN"));
    assertEquals(Optional.of("https://api.example.com"), overridden.get("BASE_URL"));
    assertEquals(Optional.of("tok-123456"), VARIABLES.get("TOKEN"), "the original is unchanged");
  }

  @Test
  void templateWithoutReferencesIsReturnedAsItIs() {
    assertEquals("plain", VARIABLES.resolve("plain", new Redactor()));
    // A dollar and braces that do not make a reference stay as written.
    assertEquals("$TOKEN costs $5 {each} $ {TOKEN}", VARIABLES.resolve("$TOKEN costs $5 {each} $ {TOKEN}", new Redactor()));
    assertNull(VARIABLES.resolve(null, new Redactor()));
    assertTrue(VARIABLES.get("NOPE").isEmpty());
  }
}
