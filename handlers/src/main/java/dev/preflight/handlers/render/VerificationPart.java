package dev.preflight.handlers.render;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.VerifyResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What the health checks and smoke tests saw after the deploy, and again after a rollback,
 * fitted to a number of blocks. Failures are what a reader came for, so when room runs out
 * passed checks are counted instead of listed first, then steps are dropped, then failures are
 * counted too; the message always says how many it did not show.
 */
final class VerificationPart {

  private static final int TITLE_LIMIT = 200;
  private static final int STEP_NAME_LIMIT = 120;
  private static final String STEP_INDENT = "      ";

  /** How much a list shows, from everything down to failed checks without their steps. */
  private enum Detail {
    EVERYTHING(true, true),
    STEPS_OF_FAILURES(true, false),
    ONLY_FAILURES(false, false),
    ONLY_FAILURES_NO_STEPS(false, false);

    final boolean listPassed;
    final boolean stepsOfPassed;

    Detail(boolean listPassed, boolean stepsOfPassed) {
      this.listPassed = listPassed;
      this.stepsOfPassed = stepsOfPassed;
    }

    boolean stepsOfFailed() {
      return this != ONLY_FAILURES_NO_STEPS;
    }
  }

  private VerificationPart() {}

  /** Empty when nothing has been verified yet or there is no room at all. */
  static List<LayoutBlock> fit(Deployment deployment, int budget) {
    if (budget <= 0 || (deployment.verification().isEmpty() && deployment.rollbackVerification().isEmpty())) {
      return List.of();
    }
    for (Detail detail : Detail.values()) {
      List<LayoutBlock> blocks = pack(deployment, detail, Integer.MAX_VALUE);
      if (blocks.size() <= budget) {
        return blocks;
      }
    }
    int failed = (int) (deployment.verification().stream().filter(r -> !r.passed()).count()
        + deployment.rollbackVerification().stream().filter(r -> !r.passed()).count());
    for (int shown = failed - 1; shown > 0; shown--) {
      List<LayoutBlock> blocks = pack(deployment, Detail.ONLY_FAILURES_NO_STEPS, shown);
      if (blocks.size() <= budget) {
        return blocks;
      }
    }
    List<LayoutBlock> counted = pack(deployment, Detail.ONLY_FAILURES_NO_STEPS, 0);
    return counted.subList(0, Math.min(counted.size(), budget));
  }

  private static List<LayoutBlock> pack(Deployment deployment, Detail detail, int failuresToShow) {
    List<LayoutBlock> out = new ArrayList<>();
    TextPacker text = new TextPacker(out);
    int left = failuresToShow;
    if (!deployment.verification().isEmpty()) {
      left = list(text, "Verification", deployment.verification(), detail, left);
    }
    if (!deployment.rollbackVerification().isEmpty()) {
      text.gap();
      list(text, "Verification after the rollback", deployment.rollbackVerification(), detail, left);
    }
    text.flush();
    return out;
  }

  /** Adds one list's lines; answers how many failures may still be listed after it. */
  private static int list(TextPacker text, String title, List<VerifyResult> results, Detail detail, int failuresLeft) {
    long passed = results.stream().filter(VerifyResult::passed).count();
    text.line("*" + title + "* — " + passed + "/" + results.size() + " passed");
    int left = failuresLeft;
    int hiddenPassed = 0;
    int hiddenFailed = 0;
    for (VerifyResult result : results) {
      if (result.passed() && !detail.listPassed) {
        hiddenPassed++;
        continue;
      }
      if (!result.passed()) {
        if (left == 0) {
          hiddenFailed++;
          continue;
        }
        left--;
      }
      text.line(line(result));
      boolean steps = result.passed() ? detail.stepsOfPassed : detail.stepsOfFailed();
      if (steps) {
        result.steps().forEach(step -> text.line(STEP_INDENT + step(step)));
      }
    }
    if (hiddenFailed > 0) {
      text.line("_…and " + hiddenFailed + " more failed " + checks(hiddenFailed) + " not shown here._");
    }
    if (hiddenPassed > 0) {
      text.line("✅ _" + hiddenPassed + " more " + checks(hiddenPassed) + " passed._");
    }
    return left;
  }

  static String line(VerifyResult result) {
    String name = result.title() == null || result.title().isBlank() ? result.id() : result.title();
    String kind = result.kind() == null ? "" : " · " + result.kind().configName();
    return ItemCard.emoji(result.passed()) + " *" + Mrkdwn.inline(name, TITLE_LIMIT) + "*" + kind + " — "
        + ItemCard.evidence(result.evidence(), result.passed() ? "Passed" : "Failed");
  }

  private static String step(VerifyResult.StepResult step) {
    boolean passed = step.evidence() != null && step.evidence().passed();
    return ItemCard.emoji(passed) + " " + Mrkdwn.inline(step.name(), STEP_NAME_LIMIT) + " — "
        + ItemCard.evidence(step.evidence(), passed ? "Passed" : "Failed");
  }

  private static String checks(int n) {
    return n == 1 ? "check" : "checks";
  }
}
