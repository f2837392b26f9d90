package dev.preflight.bot;

import dev.preflight.deploy.fake.FakeEcs;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The bot started as a real process, one after another on the same embedded data directory,
 * against a {@link FakeSlack}: what the restart tests share. Each bot runs the test classpath's
 * {@code Main serve} with the given config, polls every 200 ms, and logs to {@code <name>.log}
 * in the test's directory; requests go to the bot started last.
 */
final class RestartedBots implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final WebClient client = WebClient.create(vertx);
  final FakeSlack fake;
  private final Path dir;
  private final List<BotProcess> bots = new ArrayList<>();
  private int port;

  private RestartedBots(Path dir) throws Exception {
    this.dir = dir;
    this.fake = await(FakeSlack.start(vertx));
  }

  static RestartedBots in(Path dir) throws Exception {
    return new RestartedBots(dir);
  }

  /** The settings that point a bot's AWS clients at {@code ecs}. */
  static Map<String, String> aws(FakeEcs ecs) {
    return Map.of("AWS_ENDPOINT_URL", ecs.endpoint().toString(), "AWS_ACCESS_KEY_ID", "AKIDRESTART",
        "AWS_SECRET_ACCESS_KEY", "restart-secret", "AWS_REGION", "us-east-1");
  }

  /** Starts a bot on {@code config} with {@code more} settings, and waits until it listens. */
  BotProcess start(String name, Path config, Map<String, String> more) throws Exception {
    Map<String, String> env = new HashMap<>(more);
    env.put("PREFLIGHT_CONFIG", config.toAbsolutePath().toString());
    env.put("PREFLIGHT_DATA_DIR", dir.resolve("data").toString());
    env.put("SLACK_BOT_TOKEN", "xoxb-restart-token");
    env.put("SLACK_SIGNING_SECRET", SlackRequests.SIGNING_SECRET);
    env.put("SLACK_API_URL", fake.url());
    env.putIfAbsent("PREFLIGHT_POLL_INTERVAL", "200ms");
    BotProcess bot = BotProcess.start(List.of(BotProcess.java(), "-cp", System.getProperty("java.class.path"),
        "dev.preflight.bot.Main", "serve"), env, Path.of("."), dir.resolve(name + ".log"));
    bots.add(bot);
    port = await(bot.awaitListening(vertx));
    return bot;
  }

  /** A signed request to the bot started last. */
  Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return request.send(client, "127.0.0.1", port);
  }

  /**
   * The first edit of a message in {@code channel} (of the message {@code ts}, or any when null)
   * whose text and whole call pass.
   */
  JsonObject awaitEdit(String channel, String ts, Predicate<String> text, Predicate<JsonObject> message)
      throws Exception {
    return await(fake.awaitCall("chat.update", call -> channel.equals(call.getString("channel"))
        && (ts == null || ts.equals(call.getString("ts"))) && text.test(Blocks.text(call)) && message.test(call)));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  /** Kills every bot still running and what they started, then closes the fakes. */
  @Override
  public void close() throws Exception {
    bots.forEach(BotProcess::destroy);
    BotProcess.killLeftovers(dir);
    await(vertx.close());
  }
}
