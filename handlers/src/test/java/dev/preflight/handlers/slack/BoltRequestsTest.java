package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.context.Context;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.util.SlackRequestParser;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A command's and a click's Bolt request, built from the form {@link SlackInput} decoded, is the
 * request Bolt's own parser builds from the same body; and a click no longer costs a parser of
 * its own.
 */
class BoltRequestsTest {

  private static final Path SAMPLES = Path.of("src/test/resources/slack-samples");
  private static final String FORM = "application/x-www-form-urlencoded";

  private final AppConfig config = AppConfig.builder().singleTeamBotToken("xoxb-test").signingSecret("s")
      .requestVerificationEnabled(false).build();
  private final BoltRequests ours = new BoltRequests(config);
  private final SlackRequestParser bolts = new SlackRequestParser(config);

  @Test
  void aClickIsTheRequestBoltWouldHaveBuilt() throws IOException {
    String body = sample("block_actions.txt");
    BlockActionRequest mine = assertInstanceOf(BlockActionRequest.class, parse(body));
    BlockActionRequest theirs = assertInstanceOf(BlockActionRequest.class, bolts.parse(raw(body)));
    assertNotSame(theirs.getPayload(), mine.getPayload());
    assertEquals(theirs.getPayload(), mine.getPayload());
    assertEquals(theirs.getPayload().getActions().get(0).getActionId(), mine.getPayload().getActions().get(0).getActionId());
    assertSameDetails(theirs, mine);
    assertEquals(theirs.getResponseUrl(), mine.getResponseUrl());
  }

  @Test
  void aCommandIsTheRequestBoltWouldHaveBuilt() throws IOException {
    String body = sample("slash_command.txt");
    SlashCommandRequest mine = assertInstanceOf(SlashCommandRequest.class, parse(body));
    SlashCommandRequest theirs = assertInstanceOf(SlashCommandRequest.class, bolts.parse(raw(body)));
    assertEquals(theirs.getPayload(), mine.getPayload());
    assertSameDetails(theirs, mine);
  }

  @Test
  void aCommandSentWithoutTextHasNoTextAsWithBolt() {
    String body = "command=%2Fdeploy&text=&user_id=U0A&channel_id=C0DEPLOYS&team_id=T0A&trigger_id=1.2.3";
    SlashCommandRequest mine = assertInstanceOf(SlashCommandRequest.class, parse(body));
    SlashCommandRequest theirs = assertInstanceOf(SlashCommandRequest.class, bolts.parse(raw(body)));
    assertEquals(null, mine.getPayload().getText());
    assertEquals(theirs.getPayload(), mine.getPayload());
  }

  /**
   * Bolt reads each click with a parser built for it, which has to learn the whole click model
   * again; the shared one learns it once. Compared with Bolt's parser on the same click, so the
   * figure does not depend on the machine.
   */
  @Test
  void aClickIsReadWithoutBuildingAParserForIt() throws IOException {
    String body = sample("block_actions.txt");
    long mine = bytesPerParse(() -> parse(body));
    long theirs = bytesPerParse(() -> bolts.parse(raw(body)));
    assertTrue(mine * 2 < theirs, "allocated per click: shared parser " + mine + " B, Bolt's " + theirs + " B");
  }

  private Request<?> parse(String body) {
    SlackInput.Accepted accepted = assertInstanceOf(SlackInput.Accepted.class,
        SlackInput.http(FORM, body.getBytes(StandardCharsets.UTF_8)));
    return ours.parse(raw(body), accepted.kind(), accepted.form());
  }

  private static SlackRequestParser.HttpRequest raw(String body) {
    return SlackRequestParser.HttpRequest.builder()
        .requestUri("/slack/events")
        .queryString(Map.of("source", List.of("test")))
        .headers(new RequestHeaders(Map.of("Content-Type", List.of(FORM), "X-Forwarded-For", List.of("203.0.113.9"))))
        .requestBody(body)
        .remoteAddress("127.0.0.1")
        .build();
  }

  private static void assertSameDetails(Request<?> theirs, Request<?> mine) {
    assertEquals(theirs.getRequestType(), mine.getRequestType());
    assertEquals(theirs.getRequestBodyAsString(), mine.getRequestBodyAsString());
    assertEquals(theirs.getQueryString(), mine.getQueryString());
    assertEquals("203.0.113.9", mine.getClientIpAddress());
    assertEquals(theirs.getClientIpAddress(), mine.getClientIpAddress());
    assertEquals(theirs.isSocketMode(), mine.isSocketMode());
    Context a = theirs.getContext();
    Context b = mine.getContext();
    assertEquals(a.getTeamId(), b.getTeamId());
    assertEquals(a.getEnterpriseId(), b.getEnterpriseId());
    assertEquals(a.getRequestUserId(), b.getRequestUserId());
    assertEquals(a.getBotToken(), b.getBotToken());
    assertEquals(a.getBotUserId(), b.getBotUserId());
  }

  private static long bytesPerParse(Runnable parse) {
    for (int i = 0; i < 50; i++) {
      parse.run();
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    int parses = 100;
    for (int i = 0; i < parses; i++) {
      parse.run();
    }
    return (threads.getCurrentThreadAllocatedBytes() - before) / parses;
  }

  private static String sample(String name) throws IOException {
    return Files.readString(SAMPLES.resolve(name)).strip();
  }
}
