package dev.preflight.deploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class AwsFuturesTest {

  @Test
  void resultCompletedOnAnSdkThreadArrivesOnTheCallersContext(Vertx vertx, VertxTestContext ctx) {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<String> sdkCall = new CompletableFuture<>();
    context.runOnContext(v -> AwsFutures.toVertx(sdkCall, context)
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertEquals("described", result);
          assertSame(context, Vertx.currentContext());
          assertTrue(Context.isOnEventLoopThread());
          ctx.completeNow();
        }))));
    new Thread(() -> sdkCall.complete("described"), "sdk-async-response").start();
  }

  @Test
  void failureArrivesUnwrappedFromItsCompletionException(Vertx vertx, VertxTestContext ctx) {
    Context context = vertx.getOrCreateContext();
    ClusterNotFoundException notFound = ClusterNotFoundException.builder().message("Cluster not found.").build();
    CompletableFuture<String> sdkCall = new CompletableFuture<>();
    AwsFutures.toVertx(sdkCall, context).onComplete(ctx.failing(failure -> ctx.verify(() -> {
      assertSame(notFound, failure);
      assertSame(context, Vertx.currentContext());
      ctx.completeNow();
    })));
    new Thread(() -> sdkCall.completeExceptionally(new CompletionException(notFound)), "sdk-async-response").start();
  }
}
