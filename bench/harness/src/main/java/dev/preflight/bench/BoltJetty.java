package dev.preflight.bench;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import dev.preflight.handlers.slack.SlackApi;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Reference (a): a Bolt for Java 1.51.0 app whose listeners only acknowledge, served by Jetty.
 * Bolt verifies the signature itself (its default middleware). Bolt's own Jetty adapter
 * ({@code bolt-jetty}) and servlet adapter ({@code bolt-servlet}) are not served by the Maven
 * mirror this project builds from, so the servlet below does what theirs does: it turns the
 * servlet request into Bolt's {@link SlackRequestParser.HttpRequest}, runs the app, and writes
 * Bolt's {@link Response} back; Jetty 12's servlet container (ee10) serves it.
 *
 * <p>Usage: {@code BoltJetty PORT SLACK_API_URL} with {@code SLACK_SIGNING_SECRET} in the environment.
 */
public final class BoltJetty {

  private BoltJetty() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    AppConfig config = AppConfig.builder()
        .signingSecret(System.getenv("SLACK_SIGNING_SECRET"))
        .singleTeamBotToken("xoxb-bench-bolt-token")
        .slack(SlackApi.slack(args[1]))
        .build();
    App app = new App(config);
    app.command(Pattern.compile(".*"), (request, context) -> context.ack());
    app.blockAction(Pattern.compile(".*"), (request, context) -> context.ack());
    app.start();

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new BoltServlet(app)), "/slack/events");
    server.setHandler(context);
    server.start();
    System.out.println("Bolt on Jetty is listening on port " + port);
    server.join();
  }

  /** Bolt's request in, Bolt's response out; the same steps as bolt-servlet's adapter. */
  private static final class BoltServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient App app;
    private final transient SlackRequestParser parser;

    BoltServlet(App app) {
      this.app = app;
      this.parser = new SlackRequestParser(app.config());
    }

    @Override
    protected void doPost(HttpServletRequest servletRequest, HttpServletResponse servletResponse) throws IOException {
      String body = new String(servletRequest.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, List<String>> headers = new HashMap<>();
      for (String name : Collections.list(servletRequest.getHeaderNames())) {
        headers.put(name, Collections.list(servletRequest.getHeaders(name)));
      }
      // Slack sends no query string; reading the form parameters here would consume the body.
      Map<String, List<String>> query = Map.of();
      SlackRequestParser.HttpRequest raw = SlackRequestParser.HttpRequest.builder()
          .requestUri(servletRequest.getRequestURI())
          .queryString(query)
          .headers(new RequestHeaders(headers))
          .requestBody(body)
          .remoteAddress(servletRequest.getRemoteAddr())
          .build();
      Response response;
      try {
        Request<?> request = parser.parse(raw);
        response = app.run(request);
      } catch (Exception e) {
        servletResponse.setStatus(500);
        return;
      }
      servletResponse.setStatus(response.getStatusCode() == null ? 200 : response.getStatusCode());
      if (response.getHeaders() != null) {
        response.getHeaders().forEach((name, values) -> values.forEach(value -> servletResponse.addHeader(name, value)));
      }
      if (response.getContentType() != null) {
        servletResponse.setContentType(response.getContentType());
      }
      if (response.getBody() != null) {
        servletResponse.getOutputStream().write(response.getBody().getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
