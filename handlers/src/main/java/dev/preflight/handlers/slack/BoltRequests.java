package dev.preflight.handlers.slack;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.util.SlackRequestParser;
import com.slack.api.util.json.GsonFactory;
import java.util.ArrayList;

import java.util.Map;

/**
 * Bolt's requests for the two deliveries that come most often, slash commands and clicks, built
 * from the form {@link SlackInput} has already decoded and read with one shared {@link Gson}.
 * Bolt's own parser decodes the body again with regular expressions and reads every click with a
 * Gson built for it alone, which has to learn the whole click model each time: that was most of
 * what an ack cost. Everything else goes through Bolt's parser as before.
 *
 * <p>The requests are Bolt's own classes with the same payload, context and request details, so
 * the listeners cannot tell the difference.
 */
final class BoltRequests {

  private final AppConfig config;
  private final SlackRequestParser parser;
  private final Gson gson = GsonFactory.createSnakeCase();

  BoltRequests(AppConfig config) {
    this.config = config;
    this.parser = new SlackRequestParser(config);
  }

  /**
   * The request Bolt would have parsed from {@code raw}. {@code form} is the body's fields as
   * {@link SlackInput} decoded them, or null when it did not come as a form.
   */
  Request<?> parse(SlackRequestParser.HttpRequest raw, SlackInput.Kind kind, Map<String, String> form) {
    if (form == null || raw.isSocketMode()) {
      return parser.parse(raw);
    }
    Request<?> request;
    if (kind == SlackInput.Kind.COMMAND) {
      request = new SlashCommandRequest(raw.getRequestBody(), command(form), raw.getHeaders());
    } else if (kind == SlackInput.Kind.ACTION) {
      request = new Click(raw.getRequestBody(), gson.fromJson(form.get("payload"), BlockActionPayload.class),
          raw.getHeaders());
    } else {
      return parser.parse(raw);
    }
    return withRequestDetails(request, raw);
  }

  /** A command's fields onto Bolt's payload; like Bolt, a field sent empty stays unset. */
  private SlashCommandPayload command(Map<String, String> form) {
    JsonObject fields = new JsonObject();
    form.forEach((name, value) -> {
      if (!value.isEmpty()) {
        fields.addProperty(name, value);
      }
    });
    return gson.fromJson(fields, SlashCommandPayload.class);
  }

  /** What Bolt's parser adds to every request it built: its settings, the query string, the client's address. */
  private Request<?> withRequestDetails(Request<?> request, SlackRequestParser.HttpRequest raw) {
    request.setSocketMode(false);
    request.updateContext(config);
    if (raw.getQueryString() != null) {
      raw.getQueryString().forEach((name, values) ->
          request.getQueryString().computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
    }
    String forwardedFor = raw.getHeaders().getFirstValue("X-FORWARDED-FOR");
    request.setClientIpAddress(forwardedFor != null ? forwardedFor : raw.getRemoteAddress());
    return request;
  }

  /**
   * Bolt's click request around a payload read elsewhere. Its constructor would read the payload
   * text with a Gson of its own; given none, it reads nothing, and the context is filled here the
   * way it fills it.
   */
  private static final class Click extends BlockActionRequest {

    private final BlockActionPayload payload;

    Click(String body, BlockActionPayload payload, RequestHeaders headers) {
      super(body, null, headers);
      this.payload = payload;
      var context = getContext();
      context.setFunctionBotAccessToken(payload.getBotAccessToken());
      context.setResponseUrl(payload.getResponseUrl());
      context.setTriggerId(payload.getTriggerId() != null || payload.getInteractivity() == null
          ? payload.getTriggerId() : payload.getInteractivity().getInteractivityPointer());
      if (payload.getEnterprise() != null) {
        context.setEnterpriseId(payload.getEnterprise().getId());
      } else if (payload.getTeam() != null) {
        context.setEnterpriseId(payload.getTeam().getEnterpriseId());
      }
      if (payload.getTeam() != null && payload.getTeam().getId() != null) {
        context.setTeamId(payload.getTeam().getId());
      } else if (payload.getUser() != null) {
        context.setTeamId(payload.getUser().getTeamId());
      }
      context.setRequestUserId(payload.getUser().getId());
      if (payload.getFunctionData() != null) {
        context.setFunctionExecutionId(payload.getFunctionData().getExecutionId());
      }
    }

    @Override
    public BlockActionPayload getPayload() {
      return payload;
    }
  }

}
