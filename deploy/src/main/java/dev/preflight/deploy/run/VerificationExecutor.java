package dev.preflight.deploy.run;

import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.VerifyResult;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Runs an environment's health checks and smoke tests; never fails, a failure is a result. */
@FunctionalInterface
public interface VerificationExecutor {

  /**
   * @param placeholders {@code {service}}, {@code {version}}, {@code {environment}}
   * @param onResult called as each check finishes
   * @param aborted stops before the next check when it completes
   */
  Future<List<VerifyResult>> verify(Verification verification, Map<String, String> placeholders,
      Consumer<VerifyResult> onResult, Future<Void> aborted);
}
