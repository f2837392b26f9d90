package dev.preflight.deploy.check;

import dev.preflight.checklists.run.Evidence;
import io.vertx.core.Future;
import io.vertx.junit5.VertxTestContext;
import java.util.function.Consumer;

/** Runs assertions on the evidence a check produced, then completes the test. */
final class Verify {

  private Verify() {}

  static void evidence(Future<Evidence> run, VertxTestContext ctx, Consumer<Evidence> assertions) {
    run.onComplete(ctx.succeeding(evidence -> ctx.verify(() -> {
      assertions.accept(evidence);
      ctx.completeNow();
    })));
  }

  /** Every string a person could ever see in this evidence. */
  static String allText(Evidence evidence) {
    return evidence.summary() + "\n" + evidence.excerpt() + "\n" + evidence.error();
  }
}
