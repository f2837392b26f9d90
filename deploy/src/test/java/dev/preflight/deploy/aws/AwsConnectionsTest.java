package dev.preflight.deploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;

/**
 * Many ECS calls at once (a thousand deploys starting together) are all sent side by side, not
 * failed while they queue for one of the SDK's default 50 connections. The local ECS endpoint
 * here answers nothing until it holds every call at the same time; with 50 connections the
 * calls beyond them waited past the SDK's limit and failed as "timed out" unsent.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class AwsConnectionsTest {

  /** Four times the SDK's default pool, and no more than the bot's. */
  private static final int CALLS = 200;

  @Test
  void twoHundredCallsAreAllAtEcsAtOnce(Vertx vertx, VertxTestContext test) {
    test.verify(() -> assertEquals(true, CALLS <= AwsClients.MAX_CONNECTIONS, "the bot's pool holds the calls"));
    List<HttpServerRequest> held = new ArrayList<>();
    int[] most = {0};
    vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          held.add(request);
          most[0] = Math.max(most[0], held.size());
          if (held.size() == CALLS) {
            held.forEach(waiting -> waiting.response()
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .end("{\"services\":[],\"failures\":[]}"));
            held.clear();
          }
        }))
        .listen(0, "127.0.0.1")
        .compose(server -> {
          AwsClients aws = new AwsClients(Optional.of(URI.create("http://127.0.0.1:" + server.actualPort())),
              StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key")));
          List<CompletableFuture<DescribeServicesResponse>> calls = new ArrayList<>();
          for (int i = 0; i < CALLS; i++) {
            String service = "svc-" + i;
            calls.add(aws.ecs("us-east-1").describeServices(b -> b.cluster("bench").services(service)));
          }
          return Future.fromCompletionStage(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                  .whenComplete((done, failure) -> aws.close()), vertx.getOrCreateContext())
              .map(all -> calls.size());
        })
        .onComplete(test.succeeding(answered -> test.verify(() -> {
          assertEquals(CALLS, answered);
          assertEquals(CALLS, most[0], "calls ECS held at the same time");
          test.completeNow();
        })));
  }
}
