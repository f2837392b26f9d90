package dev.preflight.deploy.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.preflight.checklists.config.CloudFrontInvalidationAction;
import dev.preflight.checklists.config.RdsSnapshotAction;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.AwsFutures;
import dev.preflight.deploy.fake.Moto;
import dev.preflight.deploy.target.MemoryJournal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudfront.CloudFrontAsyncClient;
import software.amazon.awssdk.services.cloudfront.model.ViewerProtocolPolicy;
import software.amazon.awssdk.services.rds.RdsAsyncClient;

/**
 * {@code rds-snapshot} and {@code cloudfront-invalidation} against moto (CreateDBSnapshot,
 * DescribeDBSnapshots, CreateInvalidation, GetInvalidation), where snapshots and invalidations
 * complete at once. Skipped where moto is not installed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class AwsActionsMotoTest {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTESTTEST", "dummy-secret-key"));

  private static Moto moto;
  private static AwsClients clients;
  private static RdsAsyncClient rds;
  private static String distribution;

  @BeforeAll
  static void start(Vertx vertx, VertxTestContext ctx) throws IOException {
    if (!Moto.available()) {
      ctx.completeNow();
      return;
    }
    moto = Moto.launch(Map.of());
    clients = new AwsClients(Optional.of(moto.endpoint()), CREDENTIALS);
    rds = clients.rds("us-east-1");
    CloudFrontAsyncClient cloudFront = clients.cloudFront();
    Context context = vertx.getOrCreateContext();
    moto.awaitReady(vertx)
        .compose(ready -> AwsFutures.toVertx(rds.createDBInstance(b -> b.dbInstanceIdentifier("reservas-prod")
            .dbInstanceClass("db.t3.micro").engine("postgres").masterUsername("admin")
            .masterUserPassword("password123").allocatedStorage(20)), context))
        .compose(v -> AwsFutures.toVertx(cloudFront.createDistribution(b -> b.distributionConfig(c -> c
            .callerReference("seed").comment("frontend").enabled(true)
            .origins(o -> o.quantity(1).items(i -> i.id("s3").domainName("frontend.s3.amazonaws.com")
                .s3OriginConfig(s -> s.originAccessIdentity(""))))
            .defaultCacheBehavior(d -> d.targetOriginId("s3").viewerProtocolPolicy(ViewerProtocolPolicy.ALLOW_ALL)
                .minTTL(0L).forwardedValues(f -> f.queryString(false).cookies(k -> k.forward("none")))
                .trustedSigners(t -> t.enabled(false).quantity(0))))), context))
        .onComplete(ctx.succeeding(created -> {
          distribution = created.distribution().id();
          ctx.completeNow();
        }));
  }

  @AfterAll
  static void stop() {
    if (moto != null) {
      moto.stop();
      clients.close();
    }
  }

  private static ActionContext context(MemoryJournal journal) {
    return new ActionContext(Map.of("service", "alojamientos", "version", "v1.2.3", "environment", "production",
        "time", "20251014-143022"), Variables.of(Map.of()), new Redactor(), journal);
  }

  @Test
  void aSnapshotNamedFromPlaceholdersIsTakenAndFollowedUntilAvailable(Vertx vertx, VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    MemoryJournal journal = new MemoryJournal();
    RdsSnapshotAction backup = new RdsSnapshotAction("backup", "reservas-prod", "pre-{version}-{time}", "us-east-1",
        Duration.ofMinutes(1));
    RdsSnapshotRunner runner = new RdsSnapshotRunner(vertx, clients, POLL);
    runner.run(backup, context(journal))
        // A restart after the snapshot was asked for follows it: no error, no second snapshot.
        .compose(first -> {
          ctx.verify(() -> {
            assertTrue(first.passed(), first.summary());
            assertTrue(first.summary().startsWith("Snapshot pre-v1-2-3-20251014-143022 of reservas-prod available"),
                first.summary());
          });
          return runner.run(backup, context(new MemoryJournal(Map.of("snapshot", "pre-v1-2-3-20251014-143022"))));
        })
        .compose(again -> {
          ctx.verify(() -> assertTrue(again.passed(), again.summary()));
          return AwsFutures.toVertx(rds.describeDBSnapshots(b -> b.dbInstanceIdentifier("reservas-prod").snapshotType("manual")),
              vertx.getOrCreateContext());
        })
        .onComplete(ctx.succeeding(snapshots -> ctx.verify(() -> {
          assertEquals(List.of("pre-v1-2-3-20251014-143022"),
              snapshots.dbSnapshots().stream().map(s -> s.dbSnapshotIdentifier()).toList());
          assertEquals("pre-v1-2-3-20251014-143022", journal.state().get(RdsSnapshotRunner.SNAPSHOT));
          ctx.completeNow();
        })));
  }

  @Test
  void aSnapshotOfAnUnknownInstanceFailsWithWhatRdsSaid(Vertx vertx, VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    new RdsSnapshotRunner(vertx, clients, POLL).run(new RdsSnapshotAction("backup", "nope", "pre-{version}",
            "us-east-1", Duration.ofMinutes(1)), context(new MemoryJournal()))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertFalse(outcome.passed());
          assertTrue(outcome.summary().startsWith("CreateDBSnapshot failed: DBInstanceNotFound"), outcome.summary());
          ctx.completeNow();
        })));
  }

  @Test
  void anInvalidationIsCreatedAndFollowedUntilCompleted(Vertx vertx, VertxTestContext ctx) {
    assumeTrue(moto != null, "moto is not installed");
    MemoryJournal journal = new MemoryJournal();
    new CloudFrontInvalidationRunner(vertx, clients, POLL).run(new CloudFrontInvalidationAction("purge", distribution,
            List.of("/index.html", "/assets/*"), Duration.ofMinutes(1)), context(journal))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertTrue(outcome.passed(), outcome.summary());
          String id = journal.state().get(CloudFrontInvalidationRunner.INVALIDATION);
          assertTrue(outcome.summary().startsWith("Invalidation " + id + " of /index.html, /assets/* completed"),
              outcome.summary());
          assertTrue(journal.state().get(CloudFrontInvalidationRunner.CALLER_REFERENCE).startsWith("preflight-"));
          ctx.completeNow();
        })));
  }
}
