package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.deploy.runner.RollbackStart;
import dev.preflight.checklists.deploy.LaunchGate;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.GateStatus;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.runner.RollbackStart;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one message of a deploy run, from the first second to the summary. The header says the
 * state ("Deploying backend v1.4.2 to production"); what the deploy is doing comes first (step,
 * rollout progress on its own line, time running, what verification saw), then the checklist
 * that gated it, the sign-offs, the summary once it is over, and the buttons that apply now.
 * Before launch the message says what holds the launch, if anything does, and offers Launch only
 * when a click would launch. After launch the checklist is history: one line with its result and
 * who signed it off. Dates appear only for the launch and the finish, and the run's id never.
 */
final class DeployMessage {

  /** States in which something is moving, so the time since launch means something. */
  private static final Set<RunStatus> MOVING = EnumSet.of(RunStatus.DEPLOYING, RunStatus.VERIFYING,
      RunStatus.ROLLING_BACK);

  private static final int STEP_LIMIT = 300;
  private static final int PROGRESS_LIMIT = 300;
  private static final int FAILURE_LIMIT = 1000;
  private static final int REASON_LIMIT = 600;
  private static final int FALLBACK_LIMIT = 300;
  private static final int NAME_LIMIT = 150;
  /** Open blockers named in the line that says what holds the launch; the rest are counted. */
  private static final int BLOCKERS_NAMED = 5;

  private DeployMessage() {}

  static MessageContent render(ChecklistRun run, Deployment deployment, Optional<EnvLock> lock,
      String reactionName, Instant now) {
    GateStatus gates = run.gates();
    // Another run in flight is checked again at the click; the message shows what it knows.
    Optional<Refusal> hold = run.status().open()
        ? LaunchGate.refusal(run, lock, Optional.empty()) : Optional.empty();
    List<LayoutBlock> top = top(run, deployment, lock, hold, reactionName, now);
    boolean lockHolds = hold.map(h -> h.code() == Refusal.Code.LOCKED).orElse(false);
    List<LayoutBlock> bottom = bottom(run, deployment, gates, hold.isEmpty(), lockHolds, reactionName);
    // Two dividers frame the checklist, which needs at least one block; verification adds a third.
    int room = RunMessage.MAX_BLOCKS - top.size() - bottom.size() - 2;
    List<LayoutBlock> verification = VerificationPart.fit(deployment, room - 2);

    List<LayoutBlock> blocks = new ArrayList<>(top);
    if (!verification.isEmpty()) {
      blocks.add(divider());
      blocks.addAll(verification);
      room -= verification.size() + 1;
    }
    blocks.add(divider());
    blocks.addAll(checklist(run, deployment, gates, room, now));
    blocks.add(divider());
    blocks.addAll(bottom);
    return new MessageContent(fallback(run, deployment, hold.isPresent()), blocks);
  }

  static String title(Deployment d) {
    return "Deploy " + d.service() + " " + d.version() + " → " + d.environment();
  }

  /** The header: the state first, in words, then what is deployed where. */
  static String headerText(RunStatus status, Deployment d, boolean held) {
    String what = d.service() + " " + d.version();
    String env = d.environment();
    return switch (status) {
      case PREPARING -> "Preparing " + what + " for " + env;
      case READY -> (held ? "Waiting to deploy " : "Ready to deploy ") + what + " to " + env;
      case DEPLOYING -> "Deploying " + what + " to " + env;
      case VERIFYING -> "Verifying " + what + " in " + env;
      case ABORTING -> "Aborting the deploy of " + what + " to " + env;
      case SUCCEEDED -> "Deployed " + what + " to " + env;
      case FAILED -> "Failed to deploy " + what + " to " + env;
      case ROLLING_BACK -> "Rolling back " + what + " in " + env;
      case ROLLED_BACK -> "Rolled back " + what + " in " + env;
      case ROLLBACK_FAILED -> "Rollback of " + what + " in " + env + " failed";
      case CANCELLED -> "Cancelled: " + what + " to " + env;
    };
  }

  private static List<LayoutBlock> top(ChecklistRun run, Deployment d, Optional<EnvLock> lock,
      Optional<Refusal> hold, String reactionName, Instant now) {
    List<LayoutBlock> blocks = new ArrayList<>();
    boolean lockHolds = hold.map(h -> h.code() == Refusal.Code.LOCKED).orElse(false);
    String title = Mrkdwn.plain(headerText(run.status(), d, hold.isPresent()), Mrkdwn.HEADER_TEXT_LIMIT);
    blocks.add(header(h -> h.text(plainText(title))));
    blocks.add(context(List.of(markdownText("Started by " + Mrkdwn.user(run.startedBy()) + " · Checklist: "
        + Mrkdwn.inline(ChecklistPart.title(run), NAME_LIMIT)))));
    String status = Mrkdwn.clipEscaped(status(run.status(), d, now, lockHolds), Mrkdwn.SECTION_TEXT_LIMIT);
    blocks.add(section(s -> s.text(markdownText(status))));
    if (MOVING.contains(run.status()) && d.progress() != null && !d.progress().isBlank()) {
      String progress = "📊 *Rollout:* " + Mrkdwn.inline(d.progress(), PROGRESS_LIMIT);
      blocks.add(section(s -> s.text(markdownText(progress))));
    }
    StepsPart.lines(d, now).ifPresent(text -> blocks.add(section(s -> s.text(markdownText(text)))));
    CanaryPart.stage(run.status(), d, now).ifPresent(blocks::add);
    hold.ifPresent(h -> {
      String line = Mrkdwn.clipEscaped(holdLine(h, run, d, reactionName), Mrkdwn.SECTION_TEXT_LIMIT);
      blocks.add(section(s -> s.text(markdownText(line))));
    });
    lock.filter(l -> !lockHolds).ifPresent(l -> {
      String line = Mrkdwn.clipEscaped(lockLine(l, d.failure()), Mrkdwn.SECTION_TEXT_LIMIT);
      blocks.add(section(s -> s.text(markdownText(line))));
    });
    return blocks;
  }

  /** What keeps Launch away, and what the reader can do about it. */
  static String holdLine(Refusal hold, ChecklistRun run, Deployment d, String reactionName) {
    return switch (hold.code()) {
      case LOCKED -> "🔒 *Launch is held:* " + StatusWords.sentence("*" + Mrkdwn.inline(d.environment(), NAME_LIMIT)
          + "* is locked by " + Mrkdwn.user(hold.lock().by()) + lockCause(hold.lock(), null)) + " " + unlock(d)
          + " opens it again; Launch then appears here.";
      case BLOCKERS_OPEN -> "⏳ *Launch waits for* " + blockers(run, hold.names())
          + ": tick, re-run or waive " + (hold.names().size() == 1 ? "it" : "them") + " below.";
      case SIGN_OFFS_MISSING -> "⏳ *Launch waits for* " + hold.count() + " more sign-off"
          + (hold.count() == 1 ? "" : "s") + " from *" + Mrkdwn.inline(hold.detail(), NAME_LIMIT)
          + "*: react with :" + ChecklistPart.reaction(reactionName) + ": to sign off.";
      default -> "⏳ *Launch waits:* " + RefusalText.mrkdwn(hold);
    };
  }

  private static String blockers(ChecklistRun run, List<String> ids) {
    List<String> titles = ids.stream().limit(BLOCKERS_NAMED)
        .map(id -> "*" + Mrkdwn.inline(run.checklist().item(id).map(Item::title).orElse(id), NAME_LIMIT) + "*")
        .toList();
    String more = ids.size() > BLOCKERS_NAMED ? " and " + (ids.size() - BLOCKERS_NAMED) + " more" : "";
    return ids.size() + " open blocker" + (ids.size() == 1 ? "" : "s") + " (" + String.join(", ", titles) + more
        + ")";
  }

  private static List<LayoutBlock> bottom(ChecklistRun run, Deployment d, GateStatus gates, boolean launchable,
      boolean lockHolds, String reactionName) {
    List<LayoutBlock> blocks = new ArrayList<>();
    if (!d.launched()) {
      ChecklistPart.signOffs(run, gates, reactionName, blocks);
    }
    if (RunStatus.FINISHED.contains(run.status()) && d.launched()) {
      TextPacker text = new TextPacker(blocks);
      summary(d).forEach(text::line);
      text.flush();
    }
    CanaryPart.buttons(run.id(), run.status(), d).ifPresent(blocks::add);
    RunButtons.of(run.id(), run.status(), d, launchable, lockHolds).ifPresent(blocks::add);
    return blocks;
  }

  /**
   * Before launch the checklist is the point of the message and is summarised as a checklist
   * run's is; after launch it is history, one line with its result and who signed it off.
   */
  private static List<LayoutBlock> checklist(ChecklistRun run, Deployment d, GateStatus gates, int budget,
      Instant now) {
    List<LayoutBlock> blocks = new ArrayList<>();
    if (d.launched()) {
      String line = Mrkdwn.clipEscaped(collapsed(run, gates), Mrkdwn.SECTION_TEXT_LIMIT);
      blocks.add(section(s -> s.text(markdownText(line))));
      return blocks;
    }
    blocks.add(ChecklistPart.progress(gates));
    blocks.addAll(ChecklistPart.items(run, budget - 1, now));
    return blocks;
  }

  /** "📋 Checklist passed 12/12 · signed off by @a, @b": the whole checklist once it is history. */
  static String collapsed(ChecklistRun run, GateStatus gates) {
    String count = gates.done() + "/" + gates.total();
    String result;
    if (!gates.passed()) {
      result = count + " done";
    } else {
      // Items that are not blockers may still be open when it passed.
      result = gates.done() == gates.total() ? "passed " + count : "passed · " + count + " items done";
    }
    List<SignOff> signOffs = run.signOffs();
    String signed = signOffs.isEmpty() ? "" : " · signed off by "
        + String.join(", ", signOffs.stream().map(s -> Mrkdwn.user(s.user())).toList());
    return "📋 Checklist " + result + signed;
  }

  static String status(RunStatus status, Deployment d, Instant now) {
    return status(status, d, now, false);
  }

  private static String status(RunStatus status, Deployment d, Instant now, boolean lockHolds) {
    List<String> lines = new ArrayList<>();
    boolean moving = MOVING.contains(status);
    String step = moving && d.step() != null && !d.step().isBlank() ? Mrkdwn.inline(d.step(), STEP_LIMIT) : null;
    lines.add(headline(status, d, lockHolds) + (step == null ? "" : " — " + step));
    if (status == RunStatus.ROLLING_BACK && d.rollbackAt() != null) {
      lines.add("⏱️ " + Spans.format(Duration.between(d.rollbackAt(), now)) + " since the rollback started");
    } else if (moving && d.launchedAt() != null) {
      lines.add("⏱️ " + Spans.format(Duration.between(d.launchedAt(), now)) + " since launch");
    }
    if (d.failure() != null && !d.failure().isBlank()) {
      lines.add("*What went wrong:* " + failedCheck(d)
          .map(check -> "*" + Mrkdwn.inline(check.title(), NAME_LIMIT) + "* failed (see *Verification* below)")
          .orElseGet(() -> Mrkdwn.inline(d.failure(), FAILURE_LIMIT)));
    }
    if (status == RunStatus.FAILED && RollbackStart.nothingDeployed(d)) {
      lines.add("Nothing was deployed, so nothing is rolled back.");
    }
    if (d.rollbackAt() != null) {
      lines.add(rollbackLine(d));
    }
    return String.join("\n", lines);
  }

  private static String headline(RunStatus status, Deployment d, boolean lockHolds) {
    String version = "`" + Mrkdwn.inline(d.version(), NAME_LIMIT) + "`";
    String environment = "*" + Mrkdwn.inline(d.environment(), NAME_LIMIT) + "*";
    String restoring = restoring(d);
    return switch (status) {
      case PREPARING -> "📝 *Preparing* — the checklist and sign-offs must pass before launch";
      case READY -> lockHolds
          ? "🔒 *Held* — the checklist and sign-offs are in, but " + environment + " is locked"
          : "🟢 *Ready to launch* — every gate passes";
      case DEPLOYING -> "🚀 *Deploying* " + version + " to " + environment;
      case VERIFYING -> "🔎 *Verifying* " + version + " in " + environment;
      case ABORTING -> "🛑 *Aborting* " + version + " in " + environment + " — waiting for the step to stop";
      case SUCCEEDED -> "✅ *Succeeded* — " + version + " is live in " + environment;
      case FAILED -> RollbackStart.interrupted(d)
          ? "⚠️ *Interrupted* — Preflight stopped while deploying " + version + " to " + environment
              + "; nothing was rolled back"
          : "❌ *Failed* — " + version + " did not go live in " + environment;
      case ROLLING_BACK -> "↩️ *Rolling back* " + environment + " to " + restoring;
      case ROLLED_BACK -> "↩️ *Rolled back* — " + environment + " is back on " + restoring;
      case ROLLBACK_FAILED -> "🔥 *Rollback failed* — " + environment + " may not be on " + restoring
          + "; check it by hand";
      case CANCELLED -> "🚫 *Cancelled* — nothing was deployed";
    };
  }

  private static String restoring(Deployment d) {
    String target = RunButtons.restoring(d);
    return RunButtons.unnamed(target) ? target : "`" + Mrkdwn.inline(target, NAME_LIMIT) + "`";
  }

  private static String rollbackLine(Deployment d) {
    String who = d.rollbackBy() == null
        ? "↩️ Rollback started automatically"
        : "↩️ Rollback asked for by " + Mrkdwn.user(d.rollbackBy());
    // An automatic rollback's reason is the failure, which the message already tells once.
    String reason = d.rollbackReason() == null || d.rollbackReason().isBlank() || d.rollbackReason().equals(d.failure())
        ? "" : ": “" + Mrkdwn.inline(d.rollbackReason(), REASON_LIMIT) + "”";
    return who + reason;
  }

  /**
   * The failed verification check the run's failure is, word for word ("title: summary"): its own
   * line in the verification list tells what it saw, with more detail, so the status only names it.
   */
  private static Optional<VerifyResult> failedCheck(Deployment d) {
    return d.verification().stream()
        .filter(r -> !r.passed() && r.title() != null && r.evidence() != null)
        .filter(r -> d.failure().equals(r.title() + ": " + r.evidence().summary()))
        .findFirst();
  }

  /** The environment's lock once the run has launched (a rollback sets one): who, why, how to open it. */
  static String lockLine(EnvLock lock) {
    return lockLine(lock, null);
  }

  /** @param told the run's failure, told above: an automatic rollback's lock does not repeat it */
  private static String lockLine(EnvLock lock, String told) {
    return StatusWords.sentence("🔒 *" + Mrkdwn.inline(lock.environment(), NAME_LIMIT) + "* is locked by "
        + Mrkdwn.user(lock.by()) + lockCause(lock, told)) + " " + unlock(lock.service(), lock.environment())
        + " opens it again.";
  }

  private static String lockCause(EnvLock lock, String told) {
    String cause = LockText.cause(lock, REASON_LIMIT, told);
    return cause.isBlank() ? "" : ": " + cause;
  }

  private static String unlock(Deployment d) {
    return unlock(d.service(), d.environment());
  }

  private static String unlock(String service, String environment) {
    return "`/unlock " + Mrkdwn.echo(service) + " " + Mrkdwn.echo(environment) + "`";
  }

  private static List<String> summary(Deployment d) {
    List<String> lines = new ArrayList<>();
    lines.add("*Summary*");
    String took = d.finishedAt() == null ? "" : "⏱️ Took *" + Spans.format(Duration.between(d.launchedAt(),
        d.finishedAt())) + "* · ";
    lines.add(took + "launched by " + Mrkdwn.user(d.launchedBy()) + " " + Mrkdwn.date(d.launchedAt())
        + (d.finishedAt() == null ? "" : " · finished " + Mrkdwn.date(d.finishedAt())));
    lines.add("📦 Before this: " + previous(d.previous()));
    return lines;
  }

  private static String previous(Release release) {
    if (release == null) {
      return "no release on record";
    }
    String how = Release.ROLLBACK.equals(release.kind()) ? "restored by a rollback" : "deployed";
    return "`" + Mrkdwn.inline(release.version(), NAME_LIMIT) + "`, " + how
        + (release.by() == null ? "" : " by " + Mrkdwn.user(release.by()));
  }

  /** The notification text: a READY run whose launch is held (by a lock) does not say "ready to launch". */
  private static String fallback(ChecklistRun run, Deployment d, boolean held) {
    String step = MOVING.contains(run.status()) && d.step() != null && !d.step().isBlank() ? " · " + d.step() : "";
    String status = held && run.status() == RunStatus.READY ? "launch held" : StatusWords.of(run.status());
    return Mrkdwn.inline(title(d) + ": " + status + step, FALLBACK_LIMIT);
  }
}
