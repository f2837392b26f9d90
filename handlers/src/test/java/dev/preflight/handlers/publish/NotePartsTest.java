package dev.preflight.handlers.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NotePartsTest {

  private static int fences(String part) {
    return part.split("```", -1).length - 1;
  }

  @Test
  void aShortNoteIsPostedAsItIs() {
    assertEquals(List.of("Rollout stable: 3/3 tasks"), NoteParts.split("Rollout stable: 3/3 tasks"));
    assertEquals(List.of(), NoteParts.split("  \n "));
  }

  @Test
  void aLongNoteIsCutBetweenLinesAndACodeBlockIsClosedAndReopened() {
    String lines = IntStream.rangeClosed(1, 40).mapToObj(n -> "output line " + n).collect(Collectors.joining("\n"));
    String note = "Exit 1. Last lines:\n```\n" + lines + "\n```\nSee the runbook.";

    List<String> parts = NoteParts.split(note, 200, 20);

    assertTrue(parts.size() > 3, parts.toString());
    for (String part : parts) {
      assertTrue(part.length() <= 200, part.length() + ": " + part);
      assertEquals(0, fences(part) % 2, "balanced: " + part);
    }
    assertTrue(parts.get(1).startsWith("```\n"), "a part inside the block reopens it: " + parts.get(1));
    assertTrue(parts.get(parts.size() - 1).endsWith("See the runbook."));
    String rejoined = String.join("\n", parts).replace("```\n```\n", "");
    assertTrue(rejoined.contains(lines), "nothing is lost between parts");
  }

  @Test
  void aLineLongerThanAPartIsCutWithoutSplittingASurrogatePair() {
    String line = "🚀".repeat(300);

    List<String> parts = NoteParts.split(line, 101, 20);

    assertTrue(parts.size() > 1);
    parts.forEach(part -> {
      assertTrue(part.length() <= 101);
      assertTrue(!Character.isHighSurrogate(part.charAt(part.length() - 1)), "cut inside a pair");
    });
    assertEquals(line, String.join("", parts));
  }

  @Test
  void aNoteTooLongForAThreadKeepsItsStartAndEndAndSaysWhatWasLeftOut() {
    String note = IntStream.rangeClosed(1, 500).mapToObj(n -> "line " + n).collect(Collectors.joining("\n"));

    List<String> parts = NoteParts.split(note, 100, 5);

    assertEquals(5, parts.size());
    assertTrue(parts.get(0).startsWith("line 1\n"));
    assertTrue(parts.get(3).matches("_… \\d+ more parts of this note left out …_"), parts.get(3));
    assertTrue(parts.get(4).endsWith("line 500"));
  }
}
