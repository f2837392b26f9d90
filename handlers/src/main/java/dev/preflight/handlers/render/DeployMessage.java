package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.LayoutBlock;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.GateStatus;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.run.SignOff;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one message of a deploy run, from the first second to the summary. What the deploy is
 * doing comes first (status, step, rollout progress, time running, what verification saw),
 * then the checklist that gated it, the sign-offs, the summary once it is over, and the
 * buttons that apply now. Only the checklist gives up room when the message gets long: once
 * the deploy has launched it shrinks to one line rather than crowd out the deploy.
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

  private DeployMessage() {}

  static MessageContent render(ChecklistRun run, Deployment deployment, Optional<EnvLock> lock,
      String reactionName, Instant now) {
    GateStatus gates = run.gates();
    List<LayoutBlock> top = top(run, deployment, lock, now);
    List<LayoutBlock> bottom = bottom(run, deployment, gates, reactionName);
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
    return new MessageContent(fallback(run, deployment), blocks);
  }

  static String title(Deployment d) {
    return "Deploy " + d.service() + " " + d.version() + " → " + d.environment();
  }

  private static List<LayoutBlock> top(ChecklistRun run, Deployment d, Optional<EnvLock> lock, Instant now) {
    List<LayoutBlock> blocks = new ArrayList<>();
    String title = Mrkdwn.plain(title(d), Mrkdwn.HEADER_TEXT_LIMIT);
    blocks.add(header(h -> h.text(plainText(title))));
    blocks.add(ChecklistPart.started(run, " · Checklist: " + Mrkdwn.inline(ChecklistPart.title(run), 150)));
    String status = Mrkdwn.clipEscaped(status(run.status(), d, now), Mrkdwn.SECTION_TEXT_LIMIT);
    blocks.add(section(s -> s.text(markdownText(status))));
    lock.ifPresent(l -> {
      String line = Mrkdwn.clipEscaped(lockLine(l), Mrkdwn.SECTION_TEXT_LIMIT);
      blocks.add(section(s -> s.text(markdownText(line))));
    });
    return blocks;
  }

  private static List<LayoutBlock> bottom(ChecklistRun run, Deployment d, GateStatus gates, String reactionName) {
    List<LayoutBlock> blocks = new ArrayList<>();
    ChecklistPart.signOffs(run, gates, reactionName, blocks);
    if (RunStatus.FINISHED.contains(run.status()) && d.launched()) {
      TextPacker text = new TextPacker(blocks);
      summary(run, d).forEach(text::line);
      text.flush();
    }
    RunButtons.of(run.id(), run.status(), d).ifPresent(blocks::add);
    return blocks;
  }

  /**
   * Before launch the checklist is the point of the message and is summarised as a checklist
   * run's is; after launch it is history, shown whole if it fits and as one line if not.
   */
  private static List<LayoutBlock> checklist(ChecklistRun run, Deployment d, GateStatus gates, int budget,
      Instant now) {
    List<LayoutBlock> blocks = new ArrayList<>();
    if (d.launched()) {
      Optional<List<LayoutBlock>> items = budget > 1
          ? ChecklistPart.wholeItems(run, budget - 1, now) : Optional.empty();
      if (items.isEmpty()) {
        String line = "📋 *" + Mrkdwn.inline(ChecklistPart.title(run), 200) + "* — "
            + ChecklistPart.progressLine(gates) + " _(items not listed, to leave room for the deploy)_";
        blocks.add(section(s -> s.text(markdownText(line))));
        return blocks;
      }
      blocks.add(ChecklistPart.progress(gates));
      blocks.addAll(items.get());
      return blocks;
    }
    blocks.add(ChecklistPart.progress(gates));
    blocks.addAll(ChecklistPart.items(run, budget - 1, now));
    return blocks;
  }

  static String status(RunStatus status, Deployment d, Instant now) {
    List<String> lines = new ArrayList<>();
    boolean moving = MOVING.contains(status);
    String step = moving && d.step() != null && !d.step().isBlank() ? Mrkdwn.inline(d.step(), STEP_LIMIT) : null;
    lines.add(headline(status, d) + (step == null ? "" : " — " + step));
    if (moving && d.progress() != null && !d.progress().isBlank()) {
      lines.add("📊 " + Mrkdwn.inline(d.progress(), PROGRESS_LIMIT));
    }
    if (status == RunStatus.ROLLING_BACK && d.rollbackAt() != null) {
      lines.add("⏱️ " + Mrkdwn.duration(Duration.between(d.rollbackAt(), now)) + " since the rollback started");
    } else if (moving && d.launchedAt() != null) {
      lines.add("⏱️ " + Mrkdwn.duration(Duration.between(d.launchedAt(), now)) + " since launch");
    }
    if (d.failure() != null && !d.failure().isBlank()) {
      lines.add("*What went wrong:* " + Mrkdwn.inline(d.failure(), FAILURE_LIMIT));
    }
    if (d.rollbackAt() != null) {
      lines.add(rollbackLine(d));
    }
    return String.join("\n", lines);
  }

  private static String headline(RunStatus status, Deployment d) {
    String version = "`" + Mrkdwn.inline(d.version(), 150) + "`";
    String environment = "*" + Mrkdwn.inline(d.environment(), 150) + "*";
    String restoring = restoring(d);
    return switch (status) {
      case PREPARING -> "📝 *Preparing* — the checklist and sign-offs must pass before launch";
      case READY -> "🟢 *Ready to launch* — every gate passes";
      case DEPLOYING -> "🚀 *Deploying* " + version + " to " + environment;
      case VERIFYING -> "🔎 *Verifying* " + version + " in " + environment;
      case ABORTING -> "🛑 *Aborting* " + version + " in " + environment + " — waiting for the step to stop";
      case SUCCEEDED -> "✅ *Succeeded* — " + version + " is live in " + environment;
      case FAILED -> "❌ *Failed* — " + version + " did not go live in " + environment;
      case ROLLING_BACK -> "↩️ *Rolling back* " + environment + " to " + restoring;
      case ROLLED_BACK -> "↩️ *Rolled back* — " + environment + " is back on " + restoring;
      case ROLLBACK_FAILED -> "🔥 *Rollback failed* — " + environment + " may not be on " + restoring
          + "; check it by hand";
      case CANCELLED -> "🚫 *Cancelled* — nothing was deployed";
    };
  }

  private static String restoring(Deployment d) {
    String target = RunButtons.restoring(d);
    return target.equals(RunButtons.NO_PREVIOUS_RELEASE) ? target : "`" + Mrkdwn.inline(target, 150) + "`";
  }

  private static String rollbackLine(Deployment d) {
    String who = d.rollbackBy() == null
        ? "↩️ Rollback started automatically"
        : "↩️ Rollback asked for by " + Mrkdwn.user(d.rollbackBy());
    String reason = d.rollbackReason() == null || d.rollbackReason().isBlank()
        ? "" : ": “" + Mrkdwn.inline(d.rollbackReason(), REASON_LIMIT) + "”";
    return who + " · " + Mrkdwn.date(d.rollbackAt()) + reason;
  }

  static String lockLine(EnvLock lock) {
    String cause = LockText.cause(lock, REASON_LIMIT);
    String reason = cause.isBlank() ? "" : ": " + cause;
    return "🔒 Locked by " + Mrkdwn.user(lock.by()) + reason + (lock.at() == null ? "" : " · " + Mrkdwn.date(lock.at()));
  }

  private static List<String> summary(ChecklistRun run, Deployment d) {
    List<String> lines = new ArrayList<>();
    lines.add("*Summary*");
    String took = d.finishedAt() == null ? "" : "⏱️ Took *" + Mrkdwn.duration(Duration.between(d.launchedAt(),
        d.finishedAt())) + "* · ";
    lines.add(took + "launched by " + Mrkdwn.user(d.launchedBy()) + " · " + Mrkdwn.date(d.launchedAt()));
    List<SignOff> signOffs = run.signOffs();
    lines.add(signOffs.isEmpty() ? "✍️ No sign-offs" : "✍️ Signed off by " + String.join(", ", signOffs.stream()
        .map(s -> Mrkdwn.user(s.user()) + " (" + Mrkdwn.inline(s.role(), 100) + ")").toList()));
    lines.add("📦 Before this: " + previous(d.previous()));
    return lines;
  }

  private static String previous(Release release) {
    if (release == null) {
      return "no release on record";
    }
    String how = Release.ROLLBACK.equals(release.kind()) ? "restored by a rollback" : "deployed";
    return "`" + Mrkdwn.inline(release.version(), 150) + "`, " + how
        + (release.by() == null ? "" : " by " + Mrkdwn.user(release.by()))
        + (release.at() == null ? "" : " · " + Mrkdwn.date(release.at()));
  }

  private static String fallback(ChecklistRun run, Deployment d) {
    String state = run.status().name().toLowerCase().replace('_', ' ');
    String step = MOVING.contains(run.status()) && d.step() != null && !d.step().isBlank() ? " · " + d.step() : "";
    return Mrkdwn.inline(title(d) + ": " + state + step, FALLBACK_LIMIT);
  }
}
