package dev.preflight.bench;

import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.fake.SlackRequests;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Writes the requests wrk sends, signed now exactly as Slack signs them (v0 HMAC-SHA256 over
 * {@code v0:timestamp:body}, by the test fakes' {@link SlackRequests}), one per line:
 * timestamp, signature, content type and body, tab-separated. Slack's timestamps are valid for five
 * minutes, so bench/run writes a fresh set before each system's load.
 *
 * <ul>
 *   <li>{@code slash.tsv}: {@code /checklist list}, a command the bot answers in its ack, each with its
 *       own trigger id;
 *   <li>{@code deploys.tsv}: {@code /deploys}, acked at once, after which the bot reads the overview
 *       from its database and posts it as an ephemeral;
 *   <li>{@code action.tsv}: a Rollback click on a run nobody knows (a fresh run id each);
 *   <li>{@code rejected.tsv}: {@code /checklist list} signed with the wrong secret (answered 401).
 * </ul>
 *
 * <p>Usage: {@code Requests DIR COUNT SECRET FAKE_SLACK_PORT}; replies go to the fake's response URLs.
 */
public final class Requests {

  private Requests() {
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    SlackRequests slack = new SlackRequests(args[2]);
    SlackRequests impostor = new SlackRequests(args[2] + "-but-wrong");
    Files.createDirectories(dir);
    try (PrintWriter slash = writer(dir.resolve("slash.tsv"));
        PrintWriter deploys = writer(dir.resolve("deploys.tsv"));
        PrintWriter action = writer(dir.resolve("action.tsv"));
        PrintWriter rejected = writer(dir.resolve("rejected.tsv"))) {
      for (int n = 0; n < count; n++) {
        String user = "U0BENCH%03d".formatted(n % 50);
        String responseUrl = "http://127.0.0.1:" + args[3] + "/response/bench-" + (n % 50);
        line(slash, slack.slashCommand("/checklist", "list", user, "C0BENCH01", responseUrl));
        line(deploys, slack.slashCommand("/deploys", "", user, "C0BENCH01", responseUrl));
        line(action, slack.blockAction(ActionIds.ROLLBACK, UUID.randomUUID().toString(), user, "C0BENCH01",
            "1700000000.%06d".formatted(n), responseUrl));
        line(rejected, impostor.slashCommand("/checklist", "list", user, "C0BENCH01", responseUrl));
      }
    }
  }

  private static PrintWriter writer(Path file) throws IOException {
    return new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
  }

  private static void line(PrintWriter out, SlackRequests.Signed signed) {
    String body = signed.bodyText();
    if (body.contains("\t") || body.contains("\n")) {
      throw new IllegalStateException("a body wrk cannot carry on one line: " + body);
    }
    out.print(header(signed, "X-Slack-Request-Timestamp") + "\t" + header(signed, "X-Slack-Signature") + "\t"
        + header(signed, "Content-Type") + "\t" + body + "\n");
  }

  private static String header(SlackRequests.Signed signed, String name) {
    return signed.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(java.util.Map.Entry::getValue).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + name + " in " + signed.headers()));
  }
}
