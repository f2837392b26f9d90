package dev.preflight.checklists.config;

import dev.preflight.checklists.deploy.Verification;
import java.time.Duration;
import java.util.List;

/**
 * How a deploy reaches its users: at once ({@link #AT_ONCE}), or in canary stages, each shifting
 * a share of the traffic to the new version and holding it there while the analysis checks run.
 *
 * @param analysis the checks run every {@code interval} while a stage holds; a failed one rolls
 *     the canary back
 * @param interval how often the analysis runs during a hold
 * @param promote whether a stage whose hold ended well moves on by itself or waits for a person
 * @param traffic how the target shifts traffic between the stable and the new version
 */
public record RolloutPlan(List<Stage> stages, List<Verification.VerifyCheck> analysis, Duration interval,
    Promote promote, Traffic traffic) {

  public static final RolloutPlan AT_ONCE = new RolloutPlan(List.of());
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  public RolloutPlan {
    stages = List.copyOf(stages);
    analysis = List.copyOf(analysis);
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    promote = promote == null ? Promote.AUTO : promote;
  }

  /** A plan of stages with no analysis, promoted by itself, with no way to shift traffic. */
  public RolloutPlan(List<Stage> stages) {
    this(stages, List.of(), null, null, null);
  }

  public boolean staged() {
    return !stages.isEmpty();
  }

  /** The analysis checks as a verification, which is how they are run. */
  public Verification analysisChecks() {
    return new Verification(analysis, List.of());
  }

  /** @param weight the percentage of traffic on the new version; @param hold how long it stays there, or null */
  public record Stage(int weight, Duration hold) {}

  /** What moves a stage on once its hold has ended well. */
  public enum Promote {
    /** The next stage follows at once. */
    AUTO,
    /** The stage waits for a Promote click. */
    MANUAL;

    public String configName() {
      return name().toLowerCase();
    }
  }

  /** How a target moves traffic to the new version; strings may hold placeholders and {@code ${NAME}}. */
  public sealed interface Traffic {

    /**
     * A command target's canary: {@code weight} is run at each stage with {@code {weight}} filled
     * in, {@code promote} once the last stage passed, {@code abort} when the canary is rolled back.
     * {@code promote} and {@code abort} may be empty.
     */
    record Command(List<String> weight, List<String> promote, List<String> abort) implements Traffic {
      public Command {
        weight = List.copyOf(weight);
        promote = List.copyOf(promote);
        abort = List.copyOf(abort);
      }
    }

    /** A GitHub Actions canary: the workflow is dispatched at each stage with this input set to the weight. */
    record WorkflowInput(String input) implements Traffic {}

    /**
     * An ECS canary: two services of the app behind one ALB listener rule (or a listener's default
     * action) that forwards to two target groups with weights. The stable service is the target's
     * own; the canary service runs the new task definition during the stages.
     *
     * @param forwarder the listener rule ARN, or the listener ARN whose default action forwards
     * @param canaryDesiredCount how many tasks the canary service runs during the stages
     */
    record TargetGroups(String forwarder, String stableService, String stableTargetGroup, String canaryService,
        String canaryTargetGroup, int canaryDesiredCount) implements Traffic {}
  }
}
