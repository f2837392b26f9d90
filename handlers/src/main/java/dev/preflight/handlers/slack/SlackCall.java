package dev.preflight.handlers.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import java.io.IOException;

/**
 * One blocking Web API call made with the bot's client, e.g.
 * {@code methods -> methods.reactionsAdd(r -> r.channel(c).timestamp(ts).name("eyes"))}.
 * {@link SlackApi} runs it on a worker and may run it again after a 429, a 5xx or a timeout, so
 * it must not have side effects of its own.
 */
@FunctionalInterface
public interface SlackCall<T> {

  T call(MethodsClient methods) throws IOException, SlackApiException;
}
