package dev.preflight.checklists.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.runbook.Parameter.Problem.Kind;
import dev.preflight.checklists.runbook.RunbookRefusal.Code;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /run <id> key=value…}: every way the arguments can be wrong, found in one pass. */
class RunbookRequestTest {

  static final Runbook SCALE = new Runbook("scale-backend", "Scale", null, List.of(
      new Parameter.Count("count", null, 2, 4),
      new Parameter.Text("ticket", null, Pattern.compile(".+")),
      new Parameter.Choice("size", null, List.of("small", "large"))),
      List.of("sre"), SignOffRule.NONE, null, null, null, List.of());

  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("count=3 ticket=ops-1 size=small", List.of()),
        Arguments.of("count=5 ticket=ops-1 size=small", List.of(Code.INVALID_PARAMETER + ":count:" + Kind.OUT_OF_BOUNDS)),
        Arguments.of("count=1 ticket=ops-1 size=small", List.of(Code.INVALID_PARAMETER + ":count:" + Kind.OUT_OF_BOUNDS)),
        Arguments.of("count=three ticket=ops-1 size=small", List.of(Code.INVALID_PARAMETER + ":count:" + Kind.NOT_A_NUMBER)),
        Arguments.of("count=3 ticket=ops;reboot size=small",
            List.of(Code.INVALID_PARAMETER + ":ticket:" + Kind.SHELL_CHARACTERS)),
        Arguments.of("count=3 ticket=$(id) size=small", List.of(Code.INVALID_PARAMETER + ":ticket:" + Kind.SHELL_CHARACTERS)),
        Arguments.of("count=3 ticket=ops-1 size=huge", List.of(Code.INVALID_PARAMETER + ":size:" + Kind.NOT_ONE_OF)),
        Arguments.of("count=3 ticket= size=small", List.of(Code.INVALID_PARAMETER + ":ticket:" + Kind.EMPTY)),
        Arguments.of("count=3 size=small", List.of(Code.MISSING_PARAMETERS + ":null:null")),
        Arguments.of("count=3 ticket=a size=small cuont=2", List.of(Code.UNKNOWN_PARAMETER + ":cuont:null")),
        Arguments.of("count=3 count=4 ticket=a size=small", List.of(Code.REPEATED_PARAMETER + ":count:null")),
        Arguments.of("count=3 ticket=a size=small now", List.of(Code.NOT_KEY_VALUE + ":now:null")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void refusesWithTheRuleBroken(String arguments, List<String> expected) {
    List<RunbookRefusal> problems = RunbookRequest.parse("scale-backend " + arguments).problems(SCALE);
    assertEquals(expected, problems.stream()
        .map(p -> p.code() + ":" + p.parameter() + ":" + (p.problem() == null ? null : p.problem().kind())).toList());
  }

  @Test
  void missingParametersAreNamedAndAMisspeltOneGetsASuggestion() {
    List<RunbookRefusal> problems = RunbookRequest.parse("scale-backend cuont=3").problems(SCALE);
    assertEquals("count", problems.get(0).suggestion());
    assertEquals(List.of("count", "ticket", "size"), problems.get(1).names());
  }

  @Test
  void anUnknownRunbookSuggestsTheClosestId() {
    RunbookRefusal refusal = RunbookRequest.unknown("scale-bakend", List.of("scale-backend", "redeploy-backend")).orElseThrow();
    assertEquals(Code.UNKNOWN_RUNBOOK, refusal.code());
    assertEquals("scale-backend", refusal.suggestion());
    assertEquals(Map.of("count", "3"), RunbookRequest.parse("  scale-backend   count=3 ").arguments());
  }
}
