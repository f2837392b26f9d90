package dev.preflight.handlers.command;

import com.slack.api.bolt.App;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.fake.SlackRequests;
import dev.preflight.handlers.slack.LoopCommand;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackEndpoint;
import dev.preflight.handlers.slack.SlackEventLog;
import dev.preflight.handlers.slack.SlackSignature;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real Bolt app behind {@link SlackEndpoint} on a real HTTP server, with the fake Slack Web
 * API behind it: listeners are reached with signed requests, and what they send to Slack is
 * recorded by {@link FakeSlack}.
 */
public final class SlackHarness {

  public static final String BOT_TOKEN = "xoxb-deploy-commands-test";

  public final FakeSlack fake;
  public final SlackApi slack;
  public final SlackRequests requests = new SlackRequests();
  private final WebClient client;
  private int port;

  private SlackHarness(Vertx vertx, FakeSlack fake) {
    this.fake = fake;
    this.slack = new SlackApi(vertx, SlackApi.slack(fake.url()), BOT_TOKEN);
    this.client = WebClient.create(vertx);
  }

  /** Starts the fake Slack, then the endpoint serving an app set up by {@code listeners}. */
  public static Future<SlackHarness> start(Vertx vertx, Consumer<Setup> listeners) {
    return FakeSlack.start(vertx).compose(fake -> {
      SlackHarness harness = new SlackHarness(vertx, fake);
      App app = new App(SlackEndpoint.boltConfig(BOT_TOKEN, SlackApi.slack(fake.url())));
      Setup setup = new Setup(app, harness.slack, new HashMap<>());
      listeners.accept(setup);
      SlackEndpoint endpoint = SlackEndpoint.serving(vertx, app, setup.loopCommands(),
          new SlackSignature(SlackRequests.SIGNING_SECRET), new SlackEventLog() {
            @Override
            public Future<Boolean> firstSeen(String eventId) {
              return Future.succeededFuture(true);
            }

            @Override
            public Future<Void> forget(String eventId) {
              return Future.succeededFuture();
            }
          }, new CompositeMeterRegistry());
      return vertx.createHttpServer()
          .requestHandler(request -> request.body().compose(body -> endpoint.handle(request, body)))
          .listen(0, "127.0.0.1")
          .map(server -> {
            harness.port = server.actualPort();
            return harness;
          });
    });
  }

  /**
   * What a test registers its listeners with: Bolt's app, and the commands answered on the event
   * loop by name (as {@code SlackSurface} registers {@code /checklist} and {@code /deploys}).
   */
  public record Setup(App app, SlackApi slack, Map<String, LoopCommand> loopCommands) {}

  public Future<HttpResponse<Buffer>> send(SlackRequests.Signed request) {
    return request.send(client, "127.0.0.1", port);
  }

  public Future<HttpResponse<Buffer>> command(String command, String text, String user, String channel) {
    return send(requests.slashCommand(command, text, user, channel, fake.responseUrl("cmd")));
  }

  public Future<Void> close() {
    client.close();
    return fake.close();
  }
}
