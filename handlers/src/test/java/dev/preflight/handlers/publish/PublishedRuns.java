package dev.preflight.handlers.publish;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.ItemEvent;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.fake.FakeSlack;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Runs whose results land one by one, and what their messages show in the fake Slack: the
 * fixtures of the outage, fan-out and first-post tests.
 */
final class PublishedRuns {

  static final Instant STARTED = Instant.parse("2024-05-01T14:00:00Z");
  static final Clock CLOCK = Clock.fixed(STARTED.plusSeconds(200), ZoneOffset.UTC);
  static final String FINAL_LINE = "✅ *Succeeded*";

  private PublishedRuns() {
  }

  /** A checklist of {@code items} manual blockers, each ticked by one result. */
  static Checklist checklist(int items) {
    return new Checklist("release", "Release", "release.yaml", null,
        List.of(new Section("Gates", IntStream.rangeClosed(1, items)
            .mapToObj(n -> new Item("item-" + n, "Gate " + n, true, null)).toList())),
        SignOffRule.NONE, List.of());
  }

  /** A run as started: nothing ticked, no message yet. */
  static TrackedRun started(String id, Checklist checklist, String channel) {
    return new TrackedRun(ChecklistRun.start(id, checklist, "U0STARTER", STARTED), channel, null);
  }

  /** The run with one more result: item {@code n} ticked. */
  static TrackedRun withResult(TrackedRun run, int n) {
    return run.with(run.run().move("item-" + n, ItemEvent.TICK, "U0SRE", STARTED.plusSeconds(n), null, null));
  }

  /** The run finished. */
  static TrackedRun finished(TrackedRun run) {
    return run.with(run.run().withStatus(RunStatus.SUCCEEDED));
  }

  /** Every text in a message's blocks, nested ones included, one per line. */
  static String text(JsonObject message) {
    List<String> texts = new ArrayList<>();
    collect(message.getJsonArray("blocks", new JsonArray()), texts);
    return String.join("\n", texts);
  }

  private static void collect(Object node, List<String> texts) {
    if (node instanceof JsonArray array) {
      array.forEach(child -> collect(child, texts));
    } else if (node instanceof JsonObject object) {
      if (object.getValue("text") instanceof String text) {
        texts.add(text);
      }
      object.forEach(entry -> {
        if (!"text".equals(entry.getKey()) || !(entry.getValue() instanceof String)) {
          collect(entry.getValue(), texts);
        }
      });
    }
  }

  /** Whether the run's message shows every one of its {@code items} results and its final state. */
  static boolean showsFinal(FakeSlack fake, Optional<TrackedRun> stored, int items) {
    if (stored.isEmpty() || !stored.get().posted()) {
      return false;
    }
    return fake.message(stored.get().channelId(), stored.get().messageTs())
        .map(PublishedRuns::text)
        .filter(text -> text.contains(items + "/" + items + " done") && text.contains(FINAL_LINE))
        .isPresent();
  }

  /**
   * Completes once the store records every message as current, or after ten seconds if it never
   * does. Slack keeps an edit before the publisher hears back, so a message can show its final state
   * a moment before the store records that it shows it.
   */
  static Future<Void> nothingBehind(Vertx vertx, StoredRuns stored) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    vertx.setPeriodic(100, id -> {
      if (stored.behind().isEmpty() || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }
}
