package dev.preflight.handlers.slack;

import io.vertx.core.Future;

/**
 * A slash command that is answered on the event loop that received it, without Bolt's request
 * parsing and without the hop to a worker and back: for a command whose answer needs nothing
 * that blocks (it is computed from the config, or read through the asynchronous database client).
 * Registered beside the command's Bolt listener, which still serves it over Socket Mode.
 */
@FunctionalInterface
public interface LoopCommand {

  /**
   * The command's acknowledgement. Called on an event loop; must not block, and must complete
   * well within the three seconds Slack waits for an ack.
   */
  Future<CommandAck> answer(CommandInput command);
}
