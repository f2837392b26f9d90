package dev.preflight.deploy.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.CommandAction;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.target.MemoryJournal;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code command} steps: argv without a shell, placeholders in argv only, the exit code decides, no second run after a crash. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class CommandActionRunnerTest {

  private static ActionContext context(MemoryJournal journal) {
    return new ActionContext(Map.of("version", "v1.2.3"), Variables.of(Map.of("DB_PASSWORD", "s3cret-pw")),
        new Redactor(), journal);
  }

  @Test
  void theArgvRunsWithoutAShellAndItsExitCodeDecides(Vertx vertx, VertxTestContext ctx) {
    CommandAction migrate = new CommandAction("migration",
        List.of("sh", "-c", "echo \"$0 $PREFLIGHT_STEP $PGPASSWORD {literal}\"; exit 3", "{version};$(id)"),
        Map.of("PGPASSWORD", "${DB_PASSWORD}"), null, Duration.ofSeconds(10));
    new CommandActionRunner(vertx, Duration.ofMillis(100)).run(migrate, context(new MemoryJournal()))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertFalse(outcome.passed());
          assertTrue(outcome.summary().startsWith("sh exited with code 3"), outcome.summary());
          // $(id) stayed text; the secret is masked; an unknown {name} is left as written.
          assertEquals("v1.2.3;$(id) migration ••• {literal}", outcome.output());
          ctx.completeNow();
        })));
  }

  @Test
  void theStepGetsItsNameWithThePlaceholdersFilledAsTheMessageShowsIt(Vertx vertx, VertxTestContext ctx) {
    CommandAction flush = new CommandAction("Flush {region} keeping {keep} min",
        List.of("sh", "-c", "echo \"$PREFLIGHT_STEP\""), Map.of(), null, Duration.ofSeconds(10));
    ActionContext context = new ActionContext(Map.of("region", "eu-west-1", "keep", "30", "date", "20261207"),
        Variables.of(Map.of()), new Redactor(), new MemoryJournal());
    new CommandActionRunner(vertx, Duration.ofMillis(100)).run(flush, context)
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertTrue(outcome.passed(), outcome.summary());
          assertEquals("Flush eu-west-1 keeping 30 min", outcome.output());
          ctx.completeNow();
        })));
  }

  @Test
  void aStepTheBotsStopKilledSaysItsOutcomeIsUnknownWithoutCallingItADeploy(Vertx vertx, VertxTestContext ctx) {
    // A runbook's step and a pipeline step run here alike; neither is "the deploy".
    CommandAction migrate = new CommandAction("migration", List.of("sh", "-c", "echo started; exec sleep 30"),
        Map.of(), null, Duration.ofSeconds(60));
    MemoryJournal journal = new MemoryJournal();
    journal.onProgress((step, detail) -> {
      if ("started".equals(detail)) {
        journal.stop();
      }
    });
    new CommandActionRunner(vertx, Duration.ofMillis(100)).run(migrate, context(journal))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertFalse(outcome.passed());
          assertTrue(outcome.unknown(), "not a failure that a rollback acts on");
          assertEquals("sh was stopped part-way when Preflight shut down; what it had done by then is unknown. Check "
              + "it by hand", outcome.summary());
          assertEquals("true", journal.state().get("outcomeUnknown"), "recorded for the replica that takes over");
          ctx.completeNow();
        })));
  }

  @Test
  void aCommandACrashInterruptedIsNotRunAgain(Vertx vertx, VertxTestContext ctx) {
    CommandAction backup = new CommandAction("backup", List.of("true"), Map.of(), null, Duration.ofSeconds(10));
    new CommandActionRunner(vertx, Duration.ofMillis(100))
        .run(backup, context(new MemoryJournal(Map.of("startedAt", "2026-12-06T10:00:00Z"))))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertFalse(outcome.passed());
          assertTrue(outcome.unknown(), "not a failure that a rollback acts on");
          assertEquals("The bot restarted while true was running, so whether it finished is unknown. Check it by "
              + "hand.", outcome.summary());
          ctx.completeNow();
        })));
  }
}
