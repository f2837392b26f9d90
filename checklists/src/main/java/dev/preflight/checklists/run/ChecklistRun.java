package dev.preflight.checklists.run;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of a checklist: the state of each item and the sign-offs so far. Immutable; every
 * change returns a new run, and a change the rules refuse throws {@link RunRuleException}.
 */
public record ChecklistRun(
    String id,
    Checklist checklist,
    String startedBy,
    Instant startedAt,
    RunStatus status,
    Map<String, ItemProgress> items,
    List<SignOff> signOffs) {

  /**
   * How long past its check's own limit a running item waits for its result before it counts as
   * lost: the runner's backstop after a timeout, and writing the result, take a little time too.
   */
  public static final Duration RESULT_GRACE = Duration.ofMinutes(1);

  public ChecklistRun {
    items = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(items));
    signOffs = List.copyOf(signOffs);
  }

  public static ChecklistRun start(String id, Checklist checklist, String startedBy, Instant at) {
    Map<String, ItemProgress> items = new LinkedHashMap<>();
    checklist.items().forEach(item -> items.put(item.id(), ItemProgress.pending()));
    ChecklistRun run = new ChecklistRun(id, checklist, startedBy, at, RunStatus.PREPARING, items, List.of());
    return run.settle();
  }

  public ItemProgress progress(String itemId) {
    ItemProgress progress = items.get(itemId);
    if (progress == null) {
      throw new RunRuleException(Refusal.noSuchItem(itemId));
    }
    return progress;
  }

  /**
   * Moves one item. Starting an automated item counts a new attempt; a result is accepted
   * only while the item is running.
   */
  public ChecklistRun move(String itemId, ItemEvent event, String actor, Instant at, Evidence evidence, String note) {
    if (!status.open()) {
      throw new RunRuleException(Refusal.ofStatus(Refusal.Code.CHECKLIST_CLOSED, status, null));
    }
    Item item = checklist.item(itemId).orElseThrow(() -> new RunRuleException(Refusal.noSuchItem(itemId)));
    ItemProgress current = progress(itemId);
    ItemState next = ItemTransitions.next(item, current.state(), event)
        .orElseThrow(() -> new RunRuleException(refusal(item, current.state(), event)));
    if (event == ItemEvent.RESTART && !overdue(itemId, at)) {
      throw new RunRuleException(Refusal.item(Refusal.Code.CHECK_WITHIN_LIMIT, itemId, current.state()));
    }
    boolean starts = event == ItemEvent.START || event == ItemEvent.RESTART;
    int attempt = starts ? current.attempt() + 1 : current.attempt();
    Evidence kept = event == ItemEvent.PASS || event == ItemEvent.FAIL ? evidence : current.evidence();
    String keptNote = event == ItemEvent.WAIVE ? note : null;
    Map<String, ItemProgress> changed = new LinkedHashMap<>(items);
    changed.put(itemId, new ItemProgress(next, actor, at, kept, keptNote, attempt));
    return new ChecklistRun(id, checklist, startedBy, startedAt, status, changed, signOffs).settle();
  }

  /**
   * True when an automated item has been running for longer than its check can take plus
   * {@link #RESULT_GRACE}: no result is coming, and it may be restarted.
   */
  public boolean overdue(String itemId, Instant now) {
    ItemProgress current = items.get(itemId);
    Item item = checklist.item(itemId).orElse(null);
    if (current == null || item == null || !item.automated() || current.state() != ItemState.RUNNING
        || current.at() == null || now == null) {
      return false;
    }
    return now.isAfter(current.at().plus(timeLimit(item)));
  }

  /** How long after it starts an automated item counts as overdue. */
  public static Duration timeLimit(Item item) {
    CheckSpec.Timing timing = item.check() == null ? null : item.check().timing();
    Duration longest = timing == null ? CheckSpec.Timing.DEFAULT_TIMEOUT : timing.longest();
    return longest.plus(RESULT_GRACE);
  }

  public ChecklistRun withSignOff(SignOff signOff) {
    requireOpen();
    List<SignOff> changed = new ArrayList<>(signOffs);
    changed.add(signOff);
    return new ChecklistRun(id, checklist, startedBy, startedAt, status, items, changed).settle();
  }

  public ChecklistRun withoutSignOff(String user) {
    requireOpen();
    List<SignOff> changed = signOffs.stream().filter(s -> !s.user().equals(user)).toList();
    return new ChecklistRun(id, checklist, startedBy, startedAt, status, items, changed).settle();
  }

  public SignOffDecision decideSignOff(String user, Set<String> userRoles) {
    if (!status.open()) {
      return new SignOffDecision.Rejected(Refusal.ofStatus(Refusal.Code.SIGN_OFFS_CLOSED, status, null));
    }
    return SignOffPolicy.decide(checklist.signOff(), startedBy, user, userRoles, signOffs);
  }

  public ChecklistRun cancel() {
    return withStatus(RunLifecycle.require(status, RunEvent.CANCEL));
  }

  /** The run after {@code event}, when the lifecycle allows it; refused otherwise. */
  public ChecklistRun after(RunEvent event) {
    return withStatus(RunLifecycle.require(status, event));
  }

  public ChecklistRun withStatus(RunStatus next) {
    return new ChecklistRun(id, checklist, startedBy, startedAt, next, items, signOffs);
  }

  public GateStatus gates() {
    int done = 0;
    List<String> openBlockers = new ArrayList<>();
    for (Item item : checklist.items().toList()) {
      boolean satisfied = items.get(item.id()).state().satisfied();
      if (satisfied) {
        done++;
      } else if (item.blocker()) {
        openBlockers.add(item.id());
      }
    }
    List<GateStatus.MissingSignOff> missing = new ArrayList<>();
    for (SignOffRequirement requirement : checklist.signOff().requirements()) {
      int have = (int) signOffs.stream().filter(s -> s.role().equals(requirement.role())).count();
      if (have < requirement.count()) {
        missing.add(new GateStatus.MissingSignOff(requirement.role(), have, requirement.count()));
      }
    }
    return new GateStatus(done, checklist.itemCount(), openBlockers, missing);
  }

  /** An open run is READY exactly when its gates pass. */
  private ChecklistRun settle() {
    if (!status.open()) {
      return this;
    }
    RunEvent event = gates().passed() ? RunEvent.GATES_PASSED : RunEvent.GATES_BROKEN;
    return RunLifecycle.next(status, event).map(this::withStatus).orElse(this);
  }

  private void requireOpen() {
    if (!status.open()) {
      throw new RunRuleException(Refusal.ofStatus(Refusal.Code.SIGN_OFFS_CLOSED, status, null));
    }
  }

  private static Refusal refusal(Item item, ItemState state, ItemEvent event) {
    Refusal.Code code = switch (event) {
      case TICK -> item.automated() ? Refusal.Code.AUTOMATED_NOT_TICKABLE : Refusal.Code.ITEM_ALREADY;
      case UNTICK -> Refusal.Code.NOTHING_TO_UNTICK;
      case START -> item.automated() ? Refusal.Code.CHECK_ALREADY : Refusal.Code.NO_CHECK_TO_RUN;
      case PASS, FAIL -> Refusal.Code.RESULT_IGNORED;
      case WAIVE -> Refusal.Code.CANNOT_WAIVE;
      case RESTART -> item.automated() ? Refusal.Code.CHECK_NOT_STUCK : Refusal.Code.NO_CHECK_TO_RUN;
    };
    return Refusal.item(code, item.id(), state);
  }
}
