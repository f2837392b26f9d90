package dev.preflight.handlers.render;

import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunStatus;
import java.util.List;
import java.util.Locale;

/**
 * The one place a {@link Refusal} becomes words: a mrkdwn sentence for the person who asked, with
 * names in bold, ids and commands in code, and people as real mentions. Every fact is escaped
 * here; the refusal itself carries no markup.
 */
public final class RefusalText {

  private static final int NAME_LIMIT = 150;
  private static final int PATTERN_LIMIT = 200;

  private RefusalText() {}

  public static String mrkdwn(Refusal r) {
    return switch (r.code()) {
      case ALREADY_DEPLOYING -> "This run is already deploying.";
      case LAUNCHED_BEFORE -> "This run " + runStatus(r) + "; it cannot be launched again. Start a new one with "
          + "`/deploy`.";
      case RUN_CANCELLED -> "This run was cancelled; start a new one with `/deploy`.";
      case GATES_NOT_PASSED -> "Not yet: this run's blockers and sign-offs are not all in.";
      case USE_ABORT -> "This run is still " + status(r) + "; use Abort to stop it.";
      case NOTHING_TO_CANCEL -> "This run " + runStatus(r) + "; there is nothing to cancel.";
      case NOTHING_TO_ABORT -> "This run " + runStatus(r) + "; there is nothing to abort.";
      case ALREADY_ABORTING -> "An abort of this run was already asked for; it is stopping.";
      case NEVER_DEPLOYED -> "This run never deployed; there is nothing to roll back.";
      case ALREADY_ROLLING_BACK -> "This run is already rolling back (started by " + Mrkdwn.user(r.user())
          + "); nothing more was started.";
      case ALREADY_ROLLED_BACK -> "This run was already rolled back"
          + (r.version() == null ? "" : " to " + code(r.version())) + "; nothing more was started.";
      case NOT_IN_THIS_STATE -> "This run " + runStatus(r) + "; it cannot " + verb(r.event()) + " now.";
      case CHECKLIST_CLOSED -> "This run " + runStatus(r) + "; its checklist can no longer change.";
      case SIGN_OFFS_CLOSED -> "This run " + runStatus(r) + "; sign-offs are closed.";
      case BLOCKERS_OPEN -> "Not yet: " + r.names().size() + " blocker"
          + (r.names().size() == 1 ? " has" : "s have") + " not passed or been waived ("
          + String.join(", ", r.names().stream().map(RefusalText::code).toList()) + ").";
      case SIGN_OFFS_MISSING -> "Not yet: it needs " + r.count() + " more sign-off" + (r.count() == 1 ? "" : "s")
          + " from " + bold(r.detail()) + ".";
      case LOCKED -> StatusWords.sentence(place(r) + " is locked by " + Mrkdwn.user(r.user()) + ": "
          + LockText.cause(r.lock())) + " " + unlock(r) + " opens it again.";
      case OTHER_RUN_IN_FLIGHT -> otherRunInFlight(r);
      case VERSION_MISSING -> "A deploy needs a version, e.g. `v1.4.2`.";
      case VERSION_TOO_LONG -> "That version is " + r.count() + " characters long; the limit is " + r.limit() + ".";
      case NOT_A_VERSION -> code(r.version()) + " is not a version: only letters, digits, `.`, `_`, `-`, `+` and "
          + "`/` are allowed, and it may not start with `-` or hold `..`.";
      case VERSION_PATTERN -> code(r.version()) + " does not match the version pattern of " + bold(r.service())
          + ": `" + Mrkdwn.inline(r.detail().replace('`', '\''), PATTERN_LIMIT) + "`.";
      case NO_DEPLOYERS -> noDeployers(r);
      case NOT_A_DEPLOYER -> notADeployer(r);
      case CANCEL_NOT_ALLOWED -> "Only the person who opened this run or a deployer may cancel it. "
          + (r.names().isEmpty() ? noDeployers(r) : notADeployer(r));
      case NO_SUCH_SERVICE -> "There is no service " + code(r.service()) + ". " + suggestion(r)
          + "Known services: " + names(r.names()) + ".";
      case NO_SUCH_ENVIRONMENT -> bold(r.service()) + " has no environment " + code(r.environment()) + ". "
          + suggestion(r) + "Its environments: " + names(r.names()) + ".";
      case NO_SUCH_CHECKLIST -> "There is no checklist " + code(r.detail()) + " in the config.";
      case CHECKLIST_GONE -> "This run's checklist " + code(r.detail()) + " is no longer in the config, so the run "
          + "cannot change; nothing was changed.";
      case NO_DEPLOY_TARGET -> place(r) + " has no deploy target in the config; `/checklist "
          + Mrkdwn.echo(r.detail()) + "` runs its checklist on its own.";
      case NO_CHANNEL -> "No channel is configured for " + place(r) + "; add `channel:` to the environment in the "
          + "config.";
      case ACTIVE_RUN -> place(r) + " already has an active run"
          + (r.version() == null ? "" : " (" + Mrkdwn.inline(r.version(), NAME_LIMIT) + ", " + status(r) + ")")
          + ". Finish or cancel it before opening another.";
      case NOT_A_DEPLOY_RUN -> "This is a checklist run, not a deploy; it has nothing to launch or roll back.";
      case NEWER_DEPLOY -> "A newer deploy of " + bold(r.service()) + " to " + bold(r.environment())
          + " launched after this one; this button is stale. `/rollback "
          + Mrkdwn.echo(r.service()) + " " + Mrkdwn.echo(r.environment()) + "` rolls back the newest deploy.";
      case NOTHING_DEPLOYED -> "Preflight has not deployed " + bold(r.service()) + " to " + bold(r.environment())
          + " yet, so it has no release to roll back to.";
      case RUN_DEPLOYED_NOTHING -> "This run stopped in a step before the deploy of " + place(r)
          + " started, so nothing was deployed and there is nothing to roll back.";
      case NO_ROLLBACK_COMMAND -> place(r) + " has no rollback command in the config.";
      case NO_EARLIER_RELEASE -> "There is no earlier release of " + place(r) + " on record to roll back to.";
      case NO_CANARY_STAGE -> "This run is not holding a canary stage now; nothing was changed.";
      case CANARY_PROMOTED_ALREADY -> "This canary stage was already promoted; it moves on in a moment.";
      case CANARY_PAUSED_ALREADY -> "This canary stage's hold is already paused; use Resume to start its clock again.";
      case CANARY_NOT_PAUSED -> "This canary stage's hold is not paused; its clock is running.";
      case LOCK_NEEDS_REASON -> "A lock needs a reason: `/lock " + Mrkdwn.echo(r.service()) + " "
          + Mrkdwn.echo(r.environment()) + " &lt;reason&gt;`.";
      case NO_SUCH_ITEM -> "This checklist has no item " + code(r.detail()) + ".";
      case AUTOMATED_NOT_TICKABLE -> "An automated item cannot be ticked by hand; re-run it or waive it.";
      case ITEM_ALREADY -> "This item is already " + itemState(r) + ".";
      case NOTHING_TO_UNTICK -> "This item is " + itemState(r) + ", so there is nothing to untick.";
      case NO_CHECK_TO_RUN -> "A manual item has no check to run.";
      case CHECK_ALREADY -> "This check is already " + itemState(r) + ".";
      case RESULT_IGNORED -> "This item is not running, so a result for it is ignored.";
      case CANNOT_WAIVE -> "This item is " + itemState(r) + " and cannot be waived.";
      case CHECK_NOT_STUCK -> "This check is " + itemState(r) + ", not stuck running.";
      case CHECK_WITHIN_LIMIT -> "This check is still running within its time limit; it can be re-run once that "
          + "has passed.";
      case WAIVER_NEEDS_REASON -> "A waiver needs a reason.";
      case NO_WAIVERS -> "Items of this checklist cannot be waived.";
      case WAIVER_ROLE_MISSING -> "Only these roles may waive an item: " + plainNames(r.names()) + ".";
      case NO_SIGN_OFF_NEEDED -> "This checklist needs no sign-off.";
      case ALREADY_SIGNED -> "You have already signed this off.";
      case STARTER_MAY_NOT_SIGN -> "You started this run, and this checklist does not let its starter sign it off.";
      case SIGN_OFF_ROLE_MISSING -> "Sign-off needs one of these roles: " + plainNames(r.names())
          + ". You hold none of them.";
      case ROLE_SIGN_OFFS_IN -> "Every sign-off for your role (" + plainNames(r.names()) + ") is already in.";
      // Worded where it was refused, in mrkdwn, before refusals were values.
      case WORDED -> r.detail();
    };
  }

  /**
   * A refusal of {@code /lock}, {@code /unlock} or the Home tab's Unlock: a missing role is worded
   * for what was asked ("Unlocking … needs the *sre* role"), not as a deploy; anything else as
   * {@link #mrkdwn}.
   *
   * @param unlocking true for an unlock, false for a lock
   */
  public static String locking(Refusal r, boolean unlocking) {
    String doing = unlocking ? "Unlocking " : "Locking ";
    return switch (r.code()) {
      case NOT_A_DEPLOYER -> doing + place(r) + rolesNeeded(r);
      case NO_DEPLOYERS -> "Nobody may " + (unlocking ? "unlock " : "lock ") + place(r)
          + ": its config names no deployers.";
      default -> mrkdwn(r);
    };
  }

  /** The other run is not named by its id: the channel shows it, and its id means nothing to a reader. */
  private static String otherRunInFlight(Refusal r) {
    if (r.event() == RunEvent.ROLLBACK && r.service() != null) {
      return "Another run of " + place(r) + " is in flight; wait for it before rolling back.";
    }
    return "Another run of this service and environment is deploying right now; nothing was started. Wait for it "
        + "to finish.";
  }

  private static String noDeployers(Refusal r) {
    return "Nobody may " + (r.event() == RunEvent.ROLLBACK ? "roll back " + place(r)
        : "deploy " + bold(r.service()) + " to " + bold(r.environment())) + ": its config names no deployers.";
  }

  private static String notADeployer(Refusal r) {
    String doing = r.event() == RunEvent.ROLLBACK ? "Rolling back " + place(r)
        : "Deploying " + bold(r.service()) + " to " + bold(r.environment());
    return doing + rolesNeeded(r);
  }

  /** " needs the *sre* role, and you do not hold it." with one role; "… or … role, and you hold none of them." */
  private static String rolesNeeded(Refusal r) {
    return " needs the " + String.join(" or ", r.names().stream().map(RefusalText::bold).toList()) + " role"
        + (r.names().size() == 1 ? ", and you do not hold it." : ", and you hold none of them.");
  }

  private static String suggestion(Refusal r) {
    return r.detail() == null ? "" : "Did you mean " + code(r.detail()) + "? ";
  }

  private static String unlock(Refusal r) {
    return "`/unlock " + Mrkdwn.echo(r.service()) + " " + Mrkdwn.echo(r.environment()) + "`";
  }

  private static String place(Refusal r) {
    return bold(r.service()) + " in " + bold(r.environment());
  }

  private static String names(List<String> names) {
    return String.join(", ", names.stream().sorted().map(name -> Mrkdwn.inline(name, NAME_LIMIT)).toList());
  }

  /** Names in the order the config gives them. */
  private static String plainNames(List<String> names) {
    return String.join(", ", names.stream().map(name -> Mrkdwn.inline(name, NAME_LIMIT)).toList());
  }

  private static String bold(String name) {
    return "*" + Mrkdwn.inline(name, NAME_LIMIT) + "*";
  }

  /** An id or a name a person typed, in a code span it cannot close. */
  private static String code(String text) {
    return "`" + Mrkdwn.echo(text) + "`";
  }

  private static String status(Refusal r) {
    RunStatus status = r.status();
    return status == null ? "in another state" : StatusWords.of(status);
  }

  /** "has succeeded", "is deploying": what follows "This run". */
  private static String runStatus(Refusal r) {
    return r.status() == null ? "is in another state" : StatusWords.ofRun(r.status());
  }

  private static String itemState(Refusal r) {
    return r.itemState() == null ? "in another state" : r.itemState().name().toLowerCase(Locale.ROOT);
  }

  private static String verb(RunEvent event) {
    return event == null ? "do that" : switch (event) {
      case LAUNCH -> "launch";
      case CANCEL -> "be cancelled";
      case ABORT -> "be aborted";
      case ROLLBACK -> "roll back";
      default -> event.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    };
  }
}
