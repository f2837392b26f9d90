package dev.preflight.deploy.aws;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The one bridge from the AWS SDK's {@link CompletableFuture}s into Vert.x. */
public final class AwsFutures {

  private AwsFutures() {}

  /**
   * Completes on {@code context}, so the chain that follows runs on its event loop rather than
   * on an SDK thread. Failures arrive unwrapped: the SDK wraps its exceptions in
   * {@link CompletionException}, and callers want to see the {@code AwsServiceException}.
   */
  public static <T> Future<T> toVertx(CompletableFuture<T> future, Context context) {
    return Future.fromCompletionStage(future, context).recover(failure -> Future.failedFuture(unwrap(failure)));
  }

  /** The failure inside the wrappers that CompletableFuture and Future.get() put around it. */
  public static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
