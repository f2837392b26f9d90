package dev.preflight.checklists.run;

import dev.preflight.checklists.deploy.EnvLock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Why a request was refused, as a value: a reason code and the facts that reason needs. No
 * words for people and no markup: the Slack layer turns it into a sentence, and
 * {@link #summary()} is a plain line for logs. Facts a code does not use are null (or empty).
 *
 * @param code what went wrong
 * @param service the service asked about
 * @param environment the environment asked about
 * @param version a version: the one asked for, or the one a rollback restored
 * @param status the run's status when it was refused
 * @param event what was asked of the run
 * @param user a Slack user id the reason names (who started a rollback); null for the bot
 * @param otherRun the id of another run that stands in the way
 * @param lock the lock that stands in the way
 * @param names names the reason lists: roles, blocker ids, known services or environments
 * @param count a number the reason needs (missing sign-offs, a version's length)
 * @param limit the limit {@code count} went past
 * @param detail one more word: a suggestion, a version pattern, a checklist or item id, a role
 * @param itemState the item's state, for refusals of an item move
 */
public record Refusal(
    Code code,
    String service,
    String environment,
    String version,
    RunStatus status,
    RunEvent event,
    String user,
    String otherRun,
    EnvLock lock,
    List<String> names,
    int count,
    int limit,
    String detail,
    ItemState itemState) {

  /** The reasons a request can be refused, each with a plain summary for logs. */
  public enum Code {
    // The run lifecycle: see RunLifecycle.refusal.
    ALREADY_DEPLOYING("the run is already deploying"),
    LAUNCHED_BEFORE("the run has launched before and cannot launch again"),
    RUN_CANCELLED("the run was cancelled"),
    GATES_NOT_PASSED("the run's gates have not passed"),
    USE_ABORT("the run is in flight; only an abort stops it"),
    NOTHING_TO_CANCEL("the run has nothing left to cancel"),
    NOTHING_TO_ABORT("the run has nothing to abort"),
    ALREADY_ABORTING("an abort was already asked for; the run is stopping"),
    NEVER_DEPLOYED("the run never deployed, so there is nothing to roll back"),
    ALREADY_ROLLING_BACK("the run is already rolling back"),
    ALREADY_ROLLED_BACK("the run was already rolled back"),
    NOT_IN_THIS_STATE("the run's status does not allow this"),
    CHECKLIST_CLOSED("the run's checklist can no longer change"),
    SIGN_OFFS_CLOSED("the run's sign-offs are closed"),
    // Launch gates: see LaunchGate.
    BLOCKERS_OPEN("blockers have not passed or been waived"),
    SIGN_OFFS_MISSING("sign-offs are missing"),
    LOCKED("the environment is locked"),
    OTHER_RUN_IN_FLIGHT("another run of the service and environment is in flight"),
    // Versions and roles: see DeployRules.
    VERSION_MISSING("no version was given"),
    VERSION_TOO_LONG("the version is too long"),
    NOT_A_VERSION("the version holds characters a version never holds"),
    VERSION_PATTERN("the version does not match the service's version pattern"),
    NO_DEPLOYERS("the environment's config names no deployers"),
    NOT_A_DEPLOYER("the user holds none of the environment's deployer roles"),
    CANCEL_NOT_ALLOWED("only the run's starter or a deployer may cancel it"),
    // Config lookups and deploy requests.
    NO_SUCH_SERVICE("there is no such service"),
    NO_SUCH_ENVIRONMENT("the service has no such environment"),
    NO_SUCH_CHECKLIST("there is no such checklist"),
    CHECKLIST_GONE("the run's checklist is no longer in the config, so the run cannot change"),
    NO_DEPLOY_TARGET("the environment has no deploy target"),
    NO_CHANNEL("no channel is configured for the environment"),
    ACTIVE_RUN("the service and environment already have an active run"),
    NOT_A_DEPLOY_RUN("the run is a checklist run, not a deploy"),
    NEWER_DEPLOY("a newer deploy launched after this one"),
    NOTHING_DEPLOYED("nothing was deployed to the environment yet"),
    RUN_DEPLOYED_NOTHING("the run stopped before its deploy started, so it changed nothing"),
    NO_ROLLBACK_COMMAND("the environment has no rollback command"),
    NO_EARLIER_RELEASE("there is no earlier release to roll back to"),
    // Canary stages.
    NO_CANARY_STAGE("the run is not holding a canary stage"),
    CANARY_PROMOTED_ALREADY("the canary stage was already promoted"),
    CANARY_PAUSED_ALREADY("the canary stage's hold is already paused"),
    CANARY_NOT_PAUSED("the canary stage's hold is not paused"),
    LOCK_NEEDS_REASON("a lock needs a reason"),
    // Items.
    NO_SUCH_ITEM("the checklist has no such item"),
    AUTOMATED_NOT_TICKABLE("an automated item cannot be ticked by hand"),
    ITEM_ALREADY("the item is already in that state"),
    NOTHING_TO_UNTICK("the item is not ticked or waived"),
    NO_CHECK_TO_RUN("a manual item has no check to run"),
    CHECK_ALREADY("the check is already in that state"),
    RESULT_IGNORED("the item is not running, so a result for it is ignored"),
    CANNOT_WAIVE("the item cannot be waived in its state"),
    CHECK_NOT_STUCK("the check is not stuck running"),
    CHECK_WITHIN_LIMIT("the check is still running within its time limit"),
    WAIVER_NEEDS_REASON("a waiver needs a reason"),
    NO_WAIVERS("the checklist's items cannot be waived"),
    WAIVER_ROLE_MISSING("the user holds none of the checklist's waiver roles"),
    // Sign-offs: see SignOffPolicy.
    NO_SIGN_OFF_NEEDED("the checklist needs no sign-off"),
    ALREADY_SIGNED("the user has already signed this run off"),
    STARTER_MAY_NOT_SIGN("the run's starter may not sign it off"),
    SIGN_OFF_ROLE_MISSING("the user holds none of the sign-off roles"),
    ROLE_SIGN_OFFS_IN("every sign-off for the user's roles is already in"),
    /**
     * A refusal whose sentence was written where it was refused, in {@code detail}: for rules
     * that have no code of their own.
     */
    WORDED("refused");

    private final String summary;

    Code(String summary) {
      this.summary = summary;
    }

    public String summary() {
      return summary;
    }
  }

  public Refusal {
    Objects.requireNonNull(code, "code");
    names = names == null ? List.of() : List.copyOf(names);
  }

  /** A refusal with no facts yet; add them with the {@code with…} methods or use a factory below. */
  public static Refusal of(Code code) {
    return new Refusal(code, null, null, null, null, null, null, null, null, List.of(), 0, 0, null, null);
  }

  // Factories for the refusals that need facts, one per code, so each says what it carries.

  public static Refusal ofStatus(Code code, RunStatus status, RunEvent event) {
    return of(code).withStatus(status, event);
  }

  /**
   * A refusal worded where it was refused, shown to the person as it is: for rules that have no
   * code yet. Prefer a code with its facts.
   */
  public static Refusal worded(String words) {
    return of(Code.WORDED).withDetail(words);
  }

  public static Refusal blockersOpen(List<String> blockerIds) {
    return of(Code.BLOCKERS_OPEN).withNames(blockerIds);
  }

  public static Refusal signOffsMissing(String role, int missing) {
    return of(Code.SIGN_OFFS_MISSING).withDetail(role).withCount(missing, 0);
  }

  public static Refusal locked(EnvLock lock) {
    return new Refusal(Code.LOCKED, lock.service(), lock.environment(), null, null, null, lock.by(), null, lock,
        List.of(), 0, 0, null, null);
  }

  /** @param otherRun the run in flight, or null when only the database knows there is one */
  public static Refusal otherRunInFlight(String service, String environment, String otherRun, RunEvent event) {
    return of(Code.OTHER_RUN_IN_FLIGHT).about(service, environment).withOtherRun(otherRun)
        .withStatus(null, event);
  }

  public static Refusal versionTooLong(String version, int limit) {
    return of(Code.VERSION_TOO_LONG).withVersion(version).withCount(version.length(), limit);
  }

  /** @param shown the version as it may be shown: control characters replaced, cut short */
  public static Refusal notAVersion(String shown) {
    return of(Code.NOT_A_VERSION).withVersion(shown);
  }

  public static Refusal versionPattern(String service, String version, String pattern) {
    return of(Code.VERSION_PATTERN).about(service, null).withVersion(version).withDetail(pattern);
  }

  public static Refusal noDeployers(String service, String environment) {
    return of(Code.NO_DEPLOYERS).about(service, environment);
  }

  public static Refusal notADeployer(String service, String environment, List<String> deployerRoles) {
    return of(Code.NOT_A_DEPLOYER).about(service, environment).withNames(deployerRoles);
  }

  public static Refusal cancelNotAllowed(String service, String environment, List<String> deployerRoles) {
    return of(Code.CANCEL_NOT_ALLOWED).about(service, environment).withNames(deployerRoles);
  }

  /** @param suggestion the closest known name, or null */
  public static Refusal noSuchService(String service, String suggestion, List<String> known) {
    return of(Code.NO_SUCH_SERVICE).about(service, null).withDetail(suggestion).withNames(known);
  }

  /** @param suggestion the closest known name, or null */
  public static Refusal noSuchEnvironment(String service, String environment, String suggestion, List<String> known) {
    return of(Code.NO_SUCH_ENVIRONMENT).about(service, environment).withDetail(suggestion).withNames(known);
  }

  public static Refusal noSuchChecklist(String checklistId) {
    return of(Code.NO_SUCH_CHECKLIST).withDetail(checklistId);
  }

  /** A run whose checklist was removed from the config since it started; {@code detail} is that checklist's id. */
  public static Refusal checklistGone(String checklistId) {
    return of(Code.CHECKLIST_GONE).withDetail(checklistId);
  }

  /** @param checklistId the checklist the environment runs on its own */
  public static Refusal noDeployTarget(String service, String environment, String checklistId) {
    return of(Code.NO_DEPLOY_TARGET).about(service, environment).withDetail(checklistId);
  }

  public static Refusal noChannel(String service, String environment) {
    return of(Code.NO_CHANNEL).about(service, environment);
  }

  /** @param version the active run's version, or null when it is not known */
  public static Refusal activeRun(String service, String environment, String otherRun, String version,
      RunStatus status) {
    return of(Code.ACTIVE_RUN).about(service, environment).withOtherRun(otherRun).withVersion(version)
        .withStatus(status, null);
  }

  public static Refusal newerDeploy(String service, String environment, String newerRun) {
    return of(Code.NEWER_DEPLOY).about(service, environment).withOtherRun(newerRun);
  }

  public static Refusal nothingDeployed(String service, String environment) {
    return of(Code.NOTHING_DEPLOYED).about(service, environment);
  }

  public static Refusal noRollbackCommand(String service, String environment) {
    return of(Code.NO_ROLLBACK_COMMAND).about(service, environment);
  }

  public static Refusal noEarlierRelease(String service, String environment) {
    return of(Code.NO_EARLIER_RELEASE).about(service, environment);
  }

  public static Refusal lockNeedsReason(String service, String environment) {
    return of(Code.LOCK_NEEDS_REASON).about(service, environment);
  }

  public static Refusal noSuchItem(String itemId) {
    return of(Code.NO_SUCH_ITEM).withDetail(itemId);
  }

  public static Refusal item(Code code, String itemId, ItemState state) {
    return new Refusal(code, null, null, null, null, null, null, null, null, List.of(), 0, 0, itemId, state);
  }

  // Adding facts.

  public Refusal about(String newService, String newEnvironment) {
    return new Refusal(code, newService, newEnvironment, version, status, event, user, otherRun, lock, names, count,
        limit, detail, itemState);
  }

  public Refusal withVersion(String newVersion) {
    return new Refusal(code, service, environment, newVersion, status, event, user, otherRun, lock, names, count,
        limit, detail, itemState);
  }

  public Refusal withStatus(RunStatus newStatus, RunEvent newEvent) {
    return new Refusal(code, service, environment, version, newStatus, newEvent, user, otherRun, lock, names, count,
        limit, detail, itemState);
  }

  /** @param newUser a Slack user id, or null for the bot itself */
  public Refusal withUser(String newUser) {
    return new Refusal(code, service, environment, version, status, event, newUser, otherRun, lock, names, count,
        limit, detail, itemState);
  }

  public Refusal withOtherRun(String runId) {
    return new Refusal(code, service, environment, version, status, event, user, runId, lock, names, count, limit,
        detail, itemState);
  }

  public Refusal withNames(List<String> newNames) {
    return new Refusal(code, service, environment, version, status, event, user, otherRun, lock, newNames, count,
        limit, detail, itemState);
  }

  public Refusal withCount(int newCount, int newLimit) {
    return new Refusal(code, service, environment, version, status, event, user, otherRun, lock, names, newCount,
        newLimit, detail, itemState);
  }

  public Refusal withDetail(String newDetail) {
    return new Refusal(code, service, environment, version, status, event, user, otherRun, lock, names, count,
        limit, newDetail, itemState);
  }

  /** One plain line for logs: the code's summary and the facts that are set. Never shown in Slack. */
  public String summary() {
    if (code == Code.WORDED) {
      return detail;
    }
    StringBuilder line = new StringBuilder(code.summary());
    StringBuilder facts = new StringBuilder();
    fact(facts, "service", service);
    fact(facts, "environment", environment);
    fact(facts, "version", version);
    fact(facts, "status", status == null ? null : status.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    fact(facts, "asked", event == null ? null : event.name().toLowerCase(Locale.ROOT));
    fact(facts, "user", user);
    fact(facts, "other run", otherRun);
    fact(facts, "locked by", lock == null ? null : lock.by() == null ? "Preflight" : lock.by());
    fact(facts, "names", names.isEmpty() ? null : String.join(", ", names));
    fact(facts, "count", count == 0 && limit == 0 ? null : limit == 0 ? "" + count : count + " of at most " + limit);
    fact(facts, "detail", detail);
    fact(facts, "item state", itemState == null ? null : itemState.name().toLowerCase(Locale.ROOT));
    if (!facts.isEmpty()) {
      line.append(" (").append(facts).append(')');
    }
    return line.append('.').toString();
  }

  private static void fact(StringBuilder facts, String name, String value) {
    if (value != null) {
      facts.append(facts.isEmpty() ? "" : "; ").append(name).append(' ').append(value);
    }
  }
}
