package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.config.ConfigLoader;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The bot deployed as a verticle in the test's JVM, on a fresh embedded database, against a
 * {@link FakeSlack} over real HTTP: what the in-process Slack tests share. Fakes a test needs
 * besides Slack (a health endpoint, ECS, Prometheus) start on {@link #vertx} before
 * {@link #start}; requests signed as Slack signs them go to the bot through {@link #send}.
 */
final class BotInProcess implements AutoCloseable {

  final Vertx vertx;
  final WebClient client;
  final FakeSlack fake;
  final TestDatabase database;
  /** The bot's database, for a test to read what was stored (or to break it on purpose). */
  final Pool db;
  private final boolean ownsVertx;
  private PreflightVerticle bot;
  private String deployment;

  private BotInProcess(Vertx vertx, boolean ownsVertx) throws Exception {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.database = TestDatabase.create();
    this.db = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    this.client = WebClient.create(vertx);
    this.fake = await(FakeSlack.start(vertx));
  }

  /** On a Vertx of its own, which {@link #close} closes. */
  static BotInProcess create() throws Exception {
    return new BotInProcess(Vertx.vertx(), true);
  }

  /** On the test's Vertx (the one {@code VertxExtension} hands out and closes itself). */
  static BotInProcess on(Vertx vertx) throws Exception {
    return new BotInProcess(vertx, false);
  }

  /** The SDK's default credentials chain reads these; the AWS fakes do not check signatures. */
  static void fakeAwsCredentials() {
    System.setProperty("aws.accessKeyId", "AKIDE2ETEST");
    System.setProperty("aws.secretAccessKey", "e2e-secret");
  }

  /**
   * Deploys the bot on {@code config}, listening on a free port, with the test's {@code settings}
   * (its bot token at least) besides those that point it at the fake Slack, and {@code variables}
   * for the config's {@code ${...}}.
   */
  BotInProcess start(Path config, Map<String, String> settings, Map<String, String> variables) throws Exception {
    Map<String, String> env = new HashMap<>(settings);
    env.put("PORT", "0");
    env.put("PREFLIGHT_CONFIG", config.toString());
    env.put("SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET);
    env.put("SLACK_API_URL", fake.url());
    bot = new PreflightVerticle(BotSettings.fromEnvironment(env), ConfigLoader.load(config),
        database.connectOptions(), Variables.of(variables));
    deployment = await(vertx.deployVerticle(bot));
    return this;
  }

  /**
   * Stops the bot as a shutdown does and starts another on the same database and fake Slack, on
   * {@code config}: a restart after the config changed.
   */
  BotInProcess restart(Path config, Map<String, String> settings, Map<String, String> variables) throws Exception {
    await(vertx.undeploy(deployment));
    return start(config, settings, variables);
  }

  /** The port the bot listens on. */
  int port() {
    return bot.port();
  }

  /** A signed request to the bot. */
  Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return request.send(client, "127.0.0.1", port());
  }

  /**
   * Sends a signed slash command, which Slack must see acknowledged with a 200, and waits for the
   * message it makes the bot post in {@code channel} naming {@code naming}.
   */
  JsonObject postedAfter(SlackRequests.Signed command, String channel, String naming) throws Exception {
    assertEquals(200, await(send(command)).statusCode());
    return await(fake.awaitCall("chat.postMessage",
        call -> channel.equals(call.getString("channel")) && Blocks.text(call).contains(naming)));
  }

  /**
   * The first edit of a message in {@code channel} (any when null) of the message {@code ts} (any
   * when null) whose text and whole call pass.
   */
  JsonObject awaitEdit(String channel, String ts, Predicate<String> text, Predicate<JsonObject> message)
      throws Exception {
    return await(fake.awaitCall("chat.update", call -> (channel == null || channel.equals(call.getString("channel")))
        && (ts == null || ts.equals(call.getString("ts"))) && text.test(Blocks.text(call)) && message.test(call)));
  }

  /** The first row {@code sql} answers. */
  Row one(String sql) throws Exception {
    return await(db.query(sql).execute()).iterator().next();
  }

  /** Waits until {@code query}, a yes-or-no question to the database, answers yes. */
  void awaitTrue(String query) throws Exception {
    while (!one(query).getBoolean(0)) {
      await(Future.<Void>future(done -> vertx.setTimer(50, id -> done.complete())));
    }
  }

  /**
   * What {@code look} finds, looking every 20 ms: for what the fake records once it has answered
   * the call that made it (a posted message, an opened view).
   */
  <T> Future<T> eventually(Supplier<Optional<T>> look) {
    Promise<T> found = Promise.promise();
    vertx.setPeriodic(20, id -> look.get().ifPresent(value -> {
      vertx.cancelTimer(id);
      found.tryComplete(value);
    }));
    return found.future();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  /** Closes the Vertx it made, and with it the bot and the fakes; on the test's Vertx, the pool only. */
  @Override
  public void close() throws Exception {
    if (ownsVertx) {
      await(vertx.close());
    } else {
      await(db.close());
    }
  }
}
