package dev.preflight.deploy.runbook;

import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.checklists.run.SignOffDecision;
import dev.preflight.checklists.run.SignOffPolicy;
import dev.preflight.checklists.runbook.Runbook;
import dev.preflight.checklists.runbook.RunbookRefusal;
import dev.preflight.checklists.runbook.RunbookRequest;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * What people do with runbooks: check a request, start a run, approve one, cancel one waiting
 * for approval. The rules are checked before anything is stored, so a refused request changes
 * nothing; the driver runs what was started.
 */
public final class RunbookRuns {

  private final RunbookStore store;
  private final BiFunction<String, String, Future<Optional<EnvLock>>> locks;
  private final Clock clock;
  private final List<Consumer<RunbookRun>> listeners = new CopyOnWriteArrayList<>();
  private RunbookDriver driver;

  /** @param locks the lock of a service's environment, if it has one */
  public RunbookRuns(RunbookStore store, BiFunction<String, String, Future<Optional<EnvLock>>> locks, Clock clock) {
    this.store = store;
    this.locks = locks;
    this.clock = clock;
  }

  /** The driver that runs started runs; set once while wiring, before the first start. */
  public RunbookRuns drivenBy(RunbookDriver driver) {
    this.driver = driver;
    return this;
  }

  /** Told of every change to a run: started, approved, each step, the end. */
  public void onChange(Consumer<RunbookRun> listener) {
    listeners.add(listener);
  }

  /** Passes a change to the listeners; the driver's changes come through here too. */
  public void changed(RunbookRun run) {
    listeners.forEach(listener -> listener.accept(run));
  }

  /**
   * How a request was answered: the run it started or changed, or why not.
   *
   * @param refusals why a start was refused, all of them; empty when it was not
   * @param signOff why an approval does not count, or null
   */
  public record Answer(RunbookRun run, List<RunbookRefusal> refusals, Refusal signOff) {
    public Answer {
      refusals = List.copyOf(refusals);
    }

    static Answer refused(List<RunbookRefusal> refusals) {
      return new Answer(null, refusals, null);
    }

    public boolean accepted() {
      return run != null && refusals.isEmpty() && signOff == null;
    }
  }

  /** Every reason {@code user} may not run {@code runbook} with {@code values}; looks at the lock last. */
  public Future<List<RunbookRefusal>> check(Runbook runbook, Map<String, String> values, Set<String> userRoles) {
    List<RunbookRefusal> refusals = new ArrayList<>();
    if (runbook.roles().stream().noneMatch(userRoles::contains)) {
      refusals.add(RunbookRefusal.about(RunbookRefusal.Code.ROLE_MISSING, runbook.id(), null, runbook.roles(), null));
    }
    refusals.addAll(RunbookRequest.problems(runbook, values));
    if (!runbook.belongsToEnvironment()) {
      return Future.succeededFuture(refusals);
    }
    return locks.apply(runbook.service(), runbook.environment()).map(lock -> {
      lock.ifPresent(held -> refusals.add(RunbookRefusal.locked(runbook.id(), held)));
      return refusals;
    });
  }

  /** The lock of the environment the runbook belongs to; empty when it belongs to none or it is open. */
  public Future<Optional<EnvLock>> lockOf(Runbook runbook) {
    return runbook.belongsToEnvironment() ? locks.apply(runbook.service(), runbook.environment())
        : Future.succeededFuture(Optional.empty());
  }

  /** May {@code userRoles} run it at all (for {@code /run list}): the roles alone, no parameters. */
  public static boolean mayRun(Runbook runbook, Set<String> userRoles) {
    return runbook.roles().stream().anyMatch(userRoles::contains);
  }

  /** Checks, then stores the run: running at once, or waiting for its approvals. */
  public Future<Answer> start(Runbook runbook, Map<String, String> values, String user, Set<String> userRoles,
      String channel) {
    return check(runbook, values, userRoles).compose(refusals -> {
      if (!refusals.isEmpty()) {
        return Future.succeededFuture(Answer.refused(refusals));
      }
      Map<String, String> ordered = new LinkedHashMap<>();
      runbook.parameters().forEach(p -> ordered.put(p.name(), values.get(p.name())));
      RunbookStatus status = runbook.needsSignOff() ? RunbookStatus.WAITING : RunbookStatus.RUNNING;
      Instant now = clock.instant();
      // A step's name is filled once, as the run starts, with the placeholders its fields get.
      Map<String, String> placeholders = RunbookDriver.placeholders(ordered, now);
      RunbookRun run = new RunbookRun(UUID.randomUUID().toString(), runbook.id(), runbook.title(), ordered, user, channel,
          null, status, runbook.steps().stream().map(step -> StepState.pending(
              dev.preflight.checklists.deploy.Placeholders.fill(step.name(), placeholders))).toList(),
          List.of(), now, now);
      return store.insert(run)
          .compose(stored -> store.audit(stored.id(), user, "runbook.started",
              new JsonObject().put("runbook", runbook.id()).put("parameters", new JsonObject(new LinkedHashMap<>(ordered)))
                  .put("status", status.name())).map(stored))
          .map(stored -> {
            changed(stored);
            if (status == RunbookStatus.RUNNING) {
              driver.drive(stored.id());
            }
            return new Answer(stored, List.of(), null);
          });
    });
  }

  /** An approval: counts for the first role the sign-off asks of the person; the run starts at quorum. */
  public Future<Answer> approve(String runId, Runbook runbook, String user, Set<String> userRoles) {
    RefusedApproval[] refused = {null};
    return store.change(runId, run -> {
      if (run.status() != RunbookStatus.WAITING) {
        refused[0] = new RefusedApproval(run, RunbookRefusal.of(RunbookRefusal.Code.NOT_WAITING, run.runbook()), null);
        return Future.failedFuture("not waiting");
      }
      List<SignOff> existing = run.approvals().stream()
          .map(a -> new SignOff(a.user(), a.roles().get(0), a.at())).toList();
      SignOffDecision decision = SignOffPolicy.decide(runbook.signOff(), run.startedBy(), user, userRoles, existing);
      if (decision instanceof SignOffDecision.Rejected rejected) {
        refused[0] = new RefusedApproval(run, null, rejected.reason());
        return Future.failedFuture("refused");
      }
      String role = ((SignOffDecision.Accepted) decision).role();
      List<RunbookRun.Approval> approvals = new ArrayList<>(run.approvals());
      approvals.add(new RunbookRun.Approval(user, List.of(role), clock.instant()));
      RunbookStatus status = quorum(runbook, approvals) ? RunbookStatus.RUNNING : RunbookStatus.WAITING;
      return Future.succeededFuture(new RunbookRun(run.id(), run.runbook(), run.title(), run.parameters(), run.startedBy(),
          run.channel(), run.messageTs(), status, run.steps(), approvals, run.createdAt(), run.updatedAt()));
    }).compose(stored -> store.audit(runId, user, "runbook.approved", new JsonObject()
            .put("role", stored.approvals().get(stored.approvals().size() - 1).roles().get(0))
            .put("quorum", stored.status() == RunbookStatus.RUNNING)).map(stored))
        .map(stored -> {
          changed(stored);
          if (stored.status() == RunbookStatus.RUNNING) {
            driver.drive(stored.id());
          }
          return new Answer(stored, List.of(), null);
        })
        .recover(failure -> refused[0] == null ? Future.failedFuture(failure)
            : Future.succeededFuture(refused[0].answer()));
  }

  /** Cancels a run still waiting for approval; a running one goes on to its end. */
  public Future<Answer> cancel(String runId, String user) {
    RunbookRun[] notWaiting = {null};
    return store.change(runId, run -> {
      if (run.status() != RunbookStatus.WAITING) {
        notWaiting[0] = run;
        return Future.failedFuture("not waiting");
      }
      return Future.succeededFuture(new RunbookRun(run.id(), run.runbook(), run.title(), run.parameters(), run.startedBy(),
          run.channel(), run.messageTs(), RunbookStatus.CANCELLED, run.steps(), run.approvals(), run.createdAt(),
          run.updatedAt()));
    }).compose(stored -> store.audit(runId, user, "runbook.cancelled", new JsonObject()).map(stored))
        .map(stored -> {
          changed(stored);
          return new Answer(stored, List.of(), null);
        })
        .recover(failure -> notWaiting[0] == null ? Future.failedFuture(failure)
            : Future.succeededFuture(new Answer(notWaiting[0],
                List.of(RunbookRefusal.of(RunbookRefusal.Code.NOT_WAITING, notWaiting[0].runbook())), null)));
  }

  public Future<Optional<RunbookRun>> find(String runId) {
    return store.find(runId);
  }

  /** Remembers where the run's message is. */
  public Future<Void> posted(String runId, String ts) {
    return store.setMessage(runId, ts);
  }

  /**
   * Claims one of the run's thread notes ({@code key}: a step's output, the report) for posting:
   * true for the one caller that claimed it, on this replica or another, before or after a restart.
   */
  public Future<Boolean> claimNote(String runId, String key) {
    return store.claimNote(runId, key);
  }

  /** Gives a note's claim back after Slack did not take it, so it is posted at the run's next change. */
  public Future<Void> releaseNote(String runId, String key) {
    return store.releaseNote(runId, key);
  }

  /** Whether every role of the sign-off has its count of approvals. */
  static boolean quorum(Runbook runbook, List<RunbookRun.Approval> approvals) {
    for (SignOffRequirement requirement : runbook.signOff().requirements()) {
      long have = approvals.stream().filter(a -> a.roles().contains(requirement.role())).count();
      if (have < requirement.count()) {
        return false;
      }
    }
    return true;
  }

  private record RefusedApproval(RunbookRun run, RunbookRefusal refusal, Refusal signOff) {
    Answer answer() {
      return new Answer(run, refusal == null ? List.of() : List.of(refusal), signOff);
    }
  }
}
