package dev.preflight.handlers.command;

import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.handler.builtin.SlashCommandHandler;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.deploy.run.DatabaseUnavailableException;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Overview;
import dev.preflight.deploy.run.PendingWrites;
import dev.preflight.deploy.stats.HistoryEntry;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.render.HistoryMessage;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.render.OverviewMessage;
import dev.preflight.handlers.slack.CommandAck;
import dev.preflight.handlers.slack.CommandInput;
import dev.preflight.handlers.slack.LoopCommand;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /deploys} (also {@code /status}): what is deploying, what is locked, and which release
 * runs where, shown only to the person who asked, so checking often adds nothing to the channel.
 * {@code /deploys history <service> <environment>} lists that environment's recent releases and
 * rollbacks the same way. Both are read from the database when asked, and shown in the ack when
 * the read is quick ({@link #ACK_WAIT}); a slow read is answered through the {@code response_url}.
 */
public final class DeploysCommand implements SlashCommandHandler, LoopCommand {

  public static final String COMMAND = "/deploys";
  public static final String STATUS = "/status";
  public static final String HISTORY = "history";

  /** An environment's releases and rollbacks, newest first ({@code DeployStats::history}). */
  @FunctionalInterface
  public interface History {
    Future<List<HistoryEntry>> of(String service, String environment, int limit);
  }

  /**
   * How long the ack waits for the overview or the history: Slack gives up on an ack after three
   * seconds, counted from when it sent the command. Past this the ack goes out empty and the
   * answer follows through the command's {@code response_url}, as every answer did before.
   */
  public static final Duration ACK_WAIT = Duration.ofMillis(1500);

  /** What the asker reads when the database does not answer: a read failed, nothing was to be saved. */
  public static final String UNREADABLE = "I could not read the deploys just now: the database does not answer. "
      + "Please try again in a minute.";

  private final PreflightConfig config;
  private final History history;
  private final SharedRead<Overview> overview;
  private final Replies replies;
  private final Clock clock;
  private final Context loop;
  private final Duration ackWait;

  /** Without a config and history, {@code history} is answered as not available. */
  public DeploysCommand(DeployRuns deploys, Replies replies, Clock clock, Context loop) {
    this(null, null, deploys, replies, clock, loop);
  }

  public DeploysCommand(PreflightConfig config, History history, DeployRuns deploys, Replies replies, Clock clock,
      Context loop) {
    this(config, history, deploys == null ? null : deploys::overview, replies, clock, loop, ACK_WAIT);
  }

  /** @param overview what {@code /deploys} shows, read now ({@code DeployRuns::overview}) */
  DeploysCommand(PreflightConfig config, History history, Supplier<Future<Overview>> overview, Replies replies,
      Clock clock, Context loop, Duration ackWait) {
    this.config = config;
    this.history = history;
    this.overview = new SharedRead<>(overview == null
        ? () -> Future.failedFuture(new IllegalStateException("no deploy runs on this bot")) : overview);
    this.replies = replies;
    this.clock = clock;
    this.loop = loop;
    this.ackWait = ackWait;
  }

  /**
   * Through Bolt (Socket Mode): the ack goes out at once, and the overview or the history follows
   * through the command's {@code response_url}.
   */
  @Override
  public Response apply(SlashCommandRequest request, SlashCommandContext ctx) {
    Answer answer = decide(CommandInput.of(request.getPayload()));
    if (answer instanceof Now now) {
      return now.ack().ack(ctx);
    }
    Later later = (Later) answer;
    loop.runOnContext(v -> read(later).compose(content -> show(later.asker(), content))
        .onFailure(e -> explain(later.asker(), e)));
    return ctx.ack();
  }

  /**
   * Over HTTP, on the event loop: the overview or the history is read from the database at once
   * and shown in the ack itself when it is ready within {@link #ACK_WAIT}, which saves the
   * {@code response_url} post; otherwise as through Bolt.
   */
  @Override
  public Future<CommandAck> answer(CommandInput command) {
    Answer answer = decide(command);
    if (answer instanceof Now now) {
      return Future.succeededFuture(now.ack());
    }
    Later later = (Later) answer;
    Promise<CommandAck> ack = Promise.promise();
    Future<MessageContent> content = read(later);
    Vertx vertx = loop.owner();
    long timer = vertx.setTimer(ackWait.toMillis(), id -> {
      if (ack.tryComplete(CommandAck.EMPTY)) {
        content.compose(shown -> show(later.asker(), shown)).onFailure(e -> explain(later.asker(), e));
      }
    });
    content.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        ack.tryComplete(new CommandAck(done.result().text(), done.result().blocks()));
      } else if (ack.tryComplete(CommandAck.EMPTY)) {
        explain(later.asker(), done.cause());
      }
    });
    return ack.future();
  }

  /** What a command gets: an answer known at once, or one to read from the database first. */
  private sealed interface Answer {}

  private record Now(CommandAck ack) implements Answer {}

  private record Later(Replies.To asker, Supplier<Future<MessageContent>> content) implements Answer {}

  private Answer decide(CommandInput command) {
    if (!Sender.known(command)) {
      return new Now(CommandAck.text(Sender.UNKNOWN));
    }
    String[] words = DeployWords.of(command.text());
    Replies.To asker = new Replies.To(command.channelId(), command.userId(), command.responseUrl());
    if (words.length > 0 && HISTORY.equalsIgnoreCase(words[0])) {
      return history(words, asker);
    }
    if (words.length != 0) {
      return new Now(CommandAck.text(help(command.command())));
    }
    return new Later(asker, () -> overview.get().map(found -> OverviewMessage.render(found, clock.instant())));
  }

  private Answer history(String[] words, Replies.To asker) {
    if (config == null || history == null) {
      return new Now(CommandAck.text("The deploy history is not available on this bot."));
    }
    if (words.length != 3) {
      return new Now(CommandAck.text(historyHelp()));
    }
    DeployCheck checked = DeployCheck.environment(config, words[1], words[2]);
    if (checked instanceof DeployCheck.Refused refused) {
      return new Now(CommandAck.text(refused.reason()));
    }
    DeployCheck.Passed passed = (DeployCheck.Passed) checked;
    String service = passed.service().name();
    String environment = passed.environment().name();
    return new Later(asker, () -> history.of(service, environment, HistoryMessage.LIMIT)
        .map(entries -> HistoryMessage.render(service, environment, entries, clock.instant())));
  }

  private static Future<MessageContent> read(Later later) {
    try {
      return later.content().get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * A failed read: when the database is out of reach (or its pool too busy to lend a connection in
   * time) that is said as a read, not as a change left unsaved; anything else as every failure is.
   */
  private void explain(Replies.To asker, Throwable failure) {
    if (failure instanceof DatabaseUnavailableException || PendingWrites.unreachable(failure)) {
      replies.tell(asker, UNREADABLE);
    } else {
      replies.explain(asker, failure);
    }
  }

  /** Through the command's response_url, which works in direct messages and where the bot is not a member. */
  private Future<Void> show(Replies.To asker, MessageContent content) {
    return replies.tell(asker, content.text(), content.blocks());
  }

  static String help(String command) {
    String typed = command == null || command.isBlank() ? COMMAND : command;
    return String.join("\n",
        "*" + typed + "* shows, only to you, the deploys under way, the locked environments and the release "
            + "running in each environment.",
        "`" + typed + " " + HISTORY + " <service> <environment>` lists the last releases and rollbacks there.",
        "`/deploy help` lists the deploy commands.");
  }

  static String historyHelp() {
    return String.join("\n",
        "*" + COMMAND + " " + HISTORY + "* lists, only to you, the last releases and rollbacks of a service in an "
            + "environment, with who, when and how long:",
        "• `" + COMMAND + " " + HISTORY + " <service> <environment>`, e.g. `" + COMMAND + " " + HISTORY
            + " backend production`.");
  }
}
