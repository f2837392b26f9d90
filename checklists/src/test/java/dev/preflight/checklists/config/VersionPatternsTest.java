package dev.preflight.checklists.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which version patterns let a shell metacharacter through, and the example each one is refused with. */
class VersionPatternsTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "[A-Za-z0-9._+/-]+",
      "v[0-9]+\\.[0-9]+\\.[0-9]+",
      "v?[0-9]+\\.[0-9]+(\\.[0-9]+)?([-+][A-Za-z0-9.]+)?",
      "[0-9a-f]{7,40}|v[0-9]+\\.[0-9]+\\.[0-9]+",
      "release-\\d+(\\.\\d+)*",
      "\\w+",
      "\\p{Alnum}+(-rc\\d+)?",
      // Backtracks wildly on long inputs; the probe must still come back, finding nothing.
      "(a|a)*b",
      "(a+)+b"})
  void acceptsPatternsOfSafeCharacters(String regex) {
    assertEquals(Optional.empty(), VersionPatterns.unsafeExample(Pattern.compile(regex)));
  }

  @ParameterizedTest(name = "{0} lets in {1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '"', value = {
      ".+ => a;b",
      ".* => a;b",
      "\\S+ => a;b",
      "[^/]+ => a;b",
      "[a-z ]+ => a b",
      "[a-z$()]+ => $(x)",
      "[a-z|]+ => a|b",
      "v[0-9]+(-.*)? => v0-;",
      "v\\d+\\.\\d+\\.\\d+(-[^/]*)? => v0.0.0-;",
      "v\\d+[^a-z]?x => v0;x",
      "build-\\d{4}(\\$x)? => build-0000$x",
      "v[0-9]+(\\s.*)? => \"v0 \""})
  void refusesPatternsThatLetAMetacharacterIn(String regex, String example) {
    assertEquals(Optional.of(example), VersionPatterns.unsafeExample(Pattern.compile(regex)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a;b", "a b", "$(x)", "a|b", "`x`", "a\nb"})
  void everyProbeHoldsAMetacharacter(String probe) {
    assertTrue(probe.chars().anyMatch(c -> VersionPatterns.SHELL_METACHARACTERS.indexOf(c) >= 0), probe);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"v1.4.2", "2025.11.24-rc.1", "release/1.0", "1.0+build.7", "abc_DEF-9"})
  void defaultPatternAcceptsVersionsAndIsItselfSafe(String version) {
    assertTrue(Service.DEFAULT_VERSION_PATTERN.matcher(version).matches(), version);
    assertEquals(Optional.empty(), VersionPatterns.unsafeExample(Service.DEFAULT_VERSION_PATTERN));
  }
}
