package dev.preflight.handlers.slack;

import com.google.gson.Gson;
import com.slack.api.Slack;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.impl.MethodsClientImpl;
import com.slack.api.util.http.SlackHttpClient;
import com.slack.api.util.json.GsonFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.FormBody;
import okhttp3.Response;

/**
 * The SDK's Web API client, with one difference: every answer is read by one {@link Gson} built
 * once, where the SDK builds a new one for each answer. A fresh Gson has to work out again how
 * to read a message, its blocks and everything they hold; under load that was a third of the
 * bot's CPU. What is read, the headers kept on the answer, the response listeners and the
 * exception for an HTTP error are the SDK's own.
 *
 * <p>Only the form calls with a token are read here, which is every method the bot calls; the
 * SDK's statistics (off in {@link SlackApi#slack}) are not kept.
 */
final class SlackMethods extends MethodsClientImpl {

  private final Gson gson;

  private SlackMethods(SlackHttpClient http, String token, Gson gson) {
    super(http, token);
    this.gson = gson;
  }

  /** A client for {@code token} on {@code slack}'s endpoint, HTTP client and settings. */
  static SlackMethods of(Slack slack, String token) {
    SlackMethods methods = new SlackMethods(slack.getHttpClient(), token,
        GsonFactory.createSnakeCase(slack.getConfig()));
    methods.setEndpointUrlPrefix(slack.getConfig().getMethodsEndpointUrlPrefix());
    return methods;
  }

  @Override
  protected <T extends SlackApiTextResponse> T postFormWithTokenAndParseResponse(FormBody.Builder form,
      String methodName, String token, Class<T> type) throws IOException, SlackApiException {
    return read(runPostFormWithToken(form, methodName, token), type);
  }

  private <T extends SlackApiTextResponse> T read(Response response, Class<T> type)
      throws IOException, SlackApiException {
    SlackHttpClient http = getSlackHttpClient();
    String body = response.body().string();
    if (!response.isSuccessful()) {
      throw new SlackApiException(http.getConfig(), response, body);
    }
    try {
      T answer = gson.fromJson(body, type);
      answer.setHttpResponseHeaders(lowerCasedHeaders(response));
      return answer;
    } finally {
      http.runHttpResponseListeners(response, body);
    }
  }

  private static Map<String, List<String>> lowerCasedHeaders(Response response) {
    Map<String, List<String>> headers = new HashMap<>();
    for (String name : response.headers().names()) {
      headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
          .addAll(response.headers().values(name));
    }
    return headers;
  }
}
