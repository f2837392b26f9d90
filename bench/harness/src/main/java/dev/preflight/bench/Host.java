package dev.preflight.bench;

import dev.preflight.handlers.fake.FakeSlack;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hosts the Slack fake of the tests (same wire format, same tiers) for the throughput runs, which
 * bench/run drives with wrk: the bot and the Bolt app call it (the bot posts its replies and
 * ephemerals there, Bolt calls {@code auth.test}). It writes its port to the file given and runs
 * until killed.
 *
 * <p>Usage: {@code Host PORT_FILE}.
 */
public final class Host {

  private Host() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    FakeSlack fake = FakeSlack.start(vertx).toCompletionStage().toCompletableFuture().get();
    // The fake keeps every call for tests to read; bench/run restarts it for every system and
    // round, so what one load leaves behind stays in the tens of megabytes.
    Files.writeString(Path.of(args[0]), String.valueOf(fake.port()));
    System.out.println("fake Slack on port " + fake.port());
  }
}
