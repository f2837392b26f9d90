package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.ConfirmationDialogObject;
import com.slack.api.model.block.element.BlockElement;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunLifecycle;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.runner.RollbackStart;
import dev.preflight.deploy.target.EcsTarget;
import dev.preflight.handlers.ActionIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The row of run-level buttons on a deploy message. Only what can be done in the run's current
 * state is offered, so a button disappears the moment it stops making sense: Launch only while
 * {@link dev.preflight.checklists.deploy.LaunchGate} says a launch would go through, and Unlock in
 * its place while the environment's lock is what holds it, and Rollback only once the target started
 * (a run whose {@code before} step failed deployed nothing). Every button
 * that cannot be taken back (Cancel, Abort, Rollback) asks first; the two that act on a live
 * environment (Abort, Rollback) are red.
 */
public final class RunButtons {

  /** What an ECS rollback restores when the release before it is not on record. */
  static final String PREVIOUS_TASK_DEFINITION = "the previous task definition";
  /** The same for a command or a workflow, which deploy versions. */
  static final String PREVIOUS_VERSION = "the previous version";

  // Slack's limits for a confirmation dialog.
  private static final int CONFIRM_TITLE_LIMIT = 100;
  private static final int CONFIRM_TEXT_LIMIT = 300;
  private static final int CONFIRM_BUTTON_LIMIT = 30;

  private RunButtons() {}

  /**
   * The actions block for this state, or empty when nothing can be done any more: one button for
   * each event {@link RunLifecycle#offered} allows, in the order Launch, Cancel, Abort, Rollback.
   *
   * @param launchable whether a click on Launch would launch now (the launch gate found nothing
   *     holding it); when not, Launch is left out and the message says what holds it
   * @param lockHolds whether it is the environment's lock that holds the launch; Unlock is then
   *     offered in Launch's place, and Launch follows once the environment is open
   */
  static Optional<LayoutBlock> of(String runId, RunStatus status, Deployment deployment, boolean launchable,
      boolean lockHolds) {
    List<BlockElement> buttons = new ArrayList<>();
    for (RunEvent event : RunLifecycle.offered(status)) {
      switch (event) {
        case LAUNCH -> {
          if (launchable) {
            buttons.add(launch(runId));
          } else if (lockHolds) {
            buttons.add(unlock(deployment));
          }
        }
        case CANCEL -> buttons.add(cancel(runId, deployment));
        case ABORT -> buttons.add(abort(runId, deployment));
        case ROLLBACK -> {
          // A run that failed in a step before the deploy changed nothing: there is nothing to roll back.
          if (!RollbackStart.nothingDeployed(deployment)) {
            buttons.add(rollback(runId, deployment));
          }
        }
        default -> throw new IllegalStateException(event + " is not a button");
      }
    }
    if (buttons.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(actions(a -> a.blockId(ActionIds.RUN_ACTIONS_BLOCK).elements(buttons)));
  }

  /** What a rollback of this deploy restores, as a reader would name it. */
  static String restoring(Deployment deployment) {
    return deployment.previous() == null || deployment.previous().version() == null
        ? unnamedPrevious(deployment)
        : deployment.previous().version();
  }

  /** True when {@link #restoring} had no version to name and said what kind of thing it restores. */
  static boolean unnamed(String restoring) {
    return restoring.equals(PREVIOUS_TASK_DEFINITION) || restoring.equals(PREVIOUS_VERSION);
  }

  /**
   * The words follow the target: only ECS deploys task definitions, and only the ECS target
   * records them in the deploy's journal; commands and workflows deploy versions.
   */
  private static String unnamedPrevious(Deployment d) {
    boolean ecs = d.deployState().containsKey(EcsTarget.TASK_DEFINITION)
        || d.deployState().containsKey(EcsTarget.PREVIOUS_TASK_DEFINITION);
    return ecs ? PREVIOUS_TASK_DEFINITION : PREVIOUS_VERSION;
  }

  private static BlockElement launch(String runId) {
    return button(b -> b.actionId(ActionIds.LAUNCH).text(plainText("Launch")).value(runId).style("primary"));
  }

  /** Plain: unlocking is what the reader came for, and the dialog asks them to be sure first. */
  private static BlockElement unlock(Deployment d) {
    String where = d.service() + " in " + d.environment();
    ConfirmationDialogObject confirm = confirmationDialog(c -> c
        .title(plainText(Mrkdwn.plain("Unlock " + where + "?", CONFIRM_TITLE_LIMIT)))
        .text(plainText(Mrkdwn.plain("Deploys can launch in " + where + " again, this one first. Make sure the "
            + "reason for the lock is settled.", CONFIRM_TEXT_LIMIT)))
        .confirm(plainText("Unlock"))
        .deny(plainText("Keep it locked")));
    return button(b -> b.actionId(ActionIds.RUN_UNLOCK).text(plainText("Unlock"))
        .value(HomeView.unlockValue(d.service(), d.environment())).confirm(confirm));
  }

  private static BlockElement cancel(String runId, Deployment d) {
    ConfirmationDialogObject confirm = confirm("Cancel this deploy?",
        "Closes this run for good: " + d.version() + " is not deployed to " + d.environment()
            + ", and its checklist and sign-offs cannot be used again. A new /deploy starts over.",
        "Cancel the deploy", "Keep it");
    return button(b -> b.actionId(ActionIds.CANCEL).text(plainText("Cancel")).value(runId).confirm(confirm));
  }

  private static BlockElement abort(String runId, Deployment d) {
    ConfirmationDialogObject confirm = confirm("Abort this deploy?",
        "Stops deploying " + d.version() + " to " + d.environment() + " now. The run fails, and "
            + d.environment() + "'s abort rules decide whether it rolls back by itself.",
        "Abort", "Keep deploying");
    return button(b -> b.actionId(ActionIds.ABORT).text(plainText("Abort")).value(runId).style("danger")
        .confirm(confirm));
  }

  /** Plain, not red: the confirm dialog carries the danger styling, so a channel is not a wall of red. */
  private static BlockElement rollback(String runId, Deployment d) {
    BlockElement button = rollback(ActionIds.ROLLBACK, runId, d, restoring(d));
    ((com.slack.api.model.block.element.ButtonElement) button).setStyle(null);
    return button;
  }

  /**
   * The Rollback button with its red confirm dialog, for the run's own message and for alerts.
   *
   * @param target what the rollback restores, as the dialog names it
   */
  public static BlockElement rollback(String actionId, String value, Deployment d, String target) {
    ConfirmationDialogObject confirm = confirm("Roll back " + d.service() + "?",
        "Rolls " + d.service() + " in " + d.environment() + " back to " + target + ", then checks its health again. "
            + d.environment() + " stays locked until someone unlocks it.",
        "Roll back", "Cancel");
    return button(b -> b.actionId(actionId).text(plainText("Rollback")).value(value).style("danger")
        .confirm(confirm));
  }

  /** A dialog in plain text: Slack shows it literally, so nothing in it needs escaping. */
  static ConfirmationDialogObject confirm(String title, String text, String yes, String no) {
    return confirmationDialog(c -> c
        .title(plainText(Mrkdwn.plain(title, CONFIRM_TITLE_LIMIT)))
        .text(plainText(Mrkdwn.plain(text, CONFIRM_TEXT_LIMIT)))
        .confirm(plainText(Mrkdwn.plain(yes, CONFIRM_BUTTON_LIMIT)))
        .deny(plainText(Mrkdwn.plain(no, CONFIRM_BUTTON_LIMIT)))
        .style("danger"));
  }
}
