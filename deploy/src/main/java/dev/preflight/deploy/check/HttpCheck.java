package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.time.Spans;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Sends one request and compares the answer with what the spec expects. */
final class HttpCheck implements Check<CheckSpec.Http> {

  /**
   * Connections the checks may have open to one host (scheme, host and port) at once. A request
   * holds its connection until the answer is in, so this is how many checks of one host run side
   * by side; with 50, a thousand checks of one health endpoint ran in twenty waves, each a
   * check's latency long, and the waves counted against their timeouts. Checks of different
   * hosts do not share it.
   */
  static final int MAX_CONNECTIONS_PER_HOST = 1_024;
  /** Checks that may wait for a connection to one host; the next ones fail at once, saying why. */
  static final int MAX_WAITING_PER_HOST = 4_096;

  /** Sent with every request unless the spec sets a {@code User-Agent} header of its own. */
  static final String USER_AGENT = "Preflight-Check";

  private final HttpClient client;
  private final int maxConnections;
  private final int maxWaiting;

  HttpCheck(Vertx vertx) {
    this(vertx, MAX_CONNECTIONS_PER_HOST, MAX_WAITING_PER_HOST);
  }

  /**
   * With other limits than the bot's, for tests that fill them. Vert.x's own HTTP client rather
   * than its WebClient: the WebClient parsed each URL a second time (java.net.URL), copied the
   * headers and piped the body through a codec, a visible share of a thousand checks' CPU, and
   * the check uses none of what it adds. Like the WebClient as it was set up here, the client
   * follows no redirect (the status a spec expects is the one its URL answers: a login page's
   * 302 is a result) and verifies https certificates and host names.
   */
  HttpCheck(Vertx vertx, int maxConnections, int maxWaiting) {
    this.maxConnections = maxConnections;
    this.maxWaiting = maxWaiting;
    this.client = vertx.createHttpClient(new HttpClientOptions(),
        new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(maxWaiting)
            // Checks start on the bot's one verticle loop; their connections (connect, parse,
            // read) are spread over one loop per CPU instead, and only the answer comes back.
            .setEventLoopSize(Runtime.getRuntime().availableProcessors()));
  }

  /**
   * What one request saw, with the whole body: a smoke test reads the values it captures from
   * it, and the evidence keeps only a redacted, shortened excerpt.
   */
  record Exchange(Evidence evidence, String body) {}

  @Override
  public Future<Evidence> attempt(CheckSpec.Http spec, Variables variables, Redactor redactor) {
    return exchange(spec, variables, redactor).map(Exchange::evidence);
  }

  Future<Exchange> exchange(CheckSpec.Http spec, Variables variables, Redactor redactor) {
    String url = variables.resolve(spec.url(), redactor);
    URI target = validUrl(url, redactor);
    MultiMap headers = HttpHeaders.headers().set(HttpHeaders.USER_AGENT, USER_AGENT);
    spec.headers().forEach((name, value) -> headers.set(name, variables.resolve(value, redactor)));
    String body = variables.resolve(spec.body(), redactor);
    String bodyContains = variables.resolve(spec.bodyContains(), redactor);
    List<JsonExpectation> expectations = spec.expectJson().entrySet().stream()
        .map(entry -> new JsonExpectation(entry.getKey(), entry.getValue() instanceof String text
            ? variables.resolve(text, redactor) : entry.getValue()))
        .toList();
    // A bad pointer is the spec's fault; say so before bothering the server.
    expectations.forEach(JsonExpectation::compiled);

    long timeoutMillis = CheckRunner.timeout(spec).toMillis();
    RequestOptions request = requestTo(target)
        .setMethod(method(spec.method()))
        .setHeaders(headers)
        // The whole exchange and the wait for a connection are each bounded by the spec's timeout.
        .setTimeout(timeoutMillis)
        .setConnectTimeout(timeoutMillis);

    long started = System.nanoTime();
    Future<Answer> answered = client.request(request)
        .compose(sending -> body == null ? sending.send() : sending.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(content -> new Answer(response, content.toString())))
        .recover(failure -> Future.failedFuture(failure instanceof ConnectionPoolTooBusyException
            ? new HostBusyException(busy(target)) : failure));
    return answered.map(answer -> new Exchange(
        judge(spec, bodyContains, expectations, answer, Latency.millisSince(started), redactor), answer.body()));
  }

  /** Completes once the client's connections are closed. */
  Future<Void> close() {
    return client.close();
  }

  /** The status line and headers of an answer, and its whole body as text (UTF-8). */
  private record Answer(HttpClientResponse response, String body) {}

  /** Where a request goes, from the URL parsed once: scheme, host, port, and path with query. */
  private static RequestOptions requestTo(URI target) {
    boolean tls = target.getScheme().equalsIgnoreCase("https");
    String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
    String query = target.getRawQuery();
    return new RequestOptions()
        .setSsl(tls)
        .setHost(target.getHost())
        .setPort(target.getPort() < 0 ? (tls ? 443 : 80) : target.getPort())
        .setURI(query == null ? path : path + "?" + query);
  }

  private static Evidence judge(
      CheckSpec.Http spec,
      String bodyContains,
      List<JsonExpectation> expectations,
      Answer answer,
      long latencyMillis,
      Redactor redactor) {
    int status = answer.response().statusCode();
    String body = answer.body();
    List<String> problems = new ArrayList<>();
    if (!statusAccepted(spec.expectStatus(), status)) {
      problems.add("expected " + expectedStatuses(spec.expectStatus()) + ", got " + status);
    }
    if (spec.maxLatency() != null && latencyMillis > spec.maxLatency().toMillis()) {
      problems.add("took " + latencyMillis + " ms, over the " + Spans.format(spec.maxLatency()) + " limit");
    }
    if (bodyContains != null && !body.contains(bodyContains)) {
      problems.add("body does not contain \"" + bodyContains + "\"");
    }
    if (!expectations.isEmpty()) {
      problems.addAll(jsonProblems(expectations, body, redactor));
    }
    String summary = problems.isEmpty() ? status + " in " + latencyMillis + " ms" : problems.get(0);
    String error = problems.isEmpty() ? null : String.join("; ", problems);
    String excerpt = body.isEmpty() ? null : redactor.redact(body);
    return new Evidence(
        problems.isEmpty(), redactor.redact(summary), status, latencyMillis, excerpt, redactor.redact(error), 1);
  }

  private static List<String> jsonProblems(List<JsonExpectation> expectations, String body, Redactor redactor) {
    Object document;
    try {
      document = Json.decodeValue(body);
    } catch (DecodeException e) {
      return List.of("body is not JSON");
    }
    return expectations.stream()
        .map(expectation -> expectation.mismatch(document, redactor))
        .flatMap(Optional::stream)
        .toList();
  }

  /** An empty list cannot come from a validated spec; any 2xx is the sane reading of "no opinion". */
  private static boolean statusAccepted(List<Integer> expected, int status) {
    return expected.isEmpty() ? status >= 200 && status < 300 : expected.contains(status);
  }

  private static String expectedStatuses(List<Integer> expected) {
    return expected.isEmpty() ? "2xx" : expected.stream().map(String::valueOf).collect(Collectors.joining("/"));
  }

  private static HttpMethod method(String method) {
    return method == null || method.isBlank() ? HttpMethod.GET : HttpMethod.valueOf(method.trim().toUpperCase(Locale.ROOT));
  }

  /** Why a check was not sent when its host's queue is full: names the host, never the whole URL. */
  private String busy(URI uri) {
    String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    return String.format(Locale.ROOT,
        "not sent: %,d checks of %s were already waiting for one of its %,d connections", maxWaiting, host,
        maxConnections);
  }

  private static URI validUrl(String url, Redactor redactor) {
    if (url == null || url.isBlank()) {
      throw new InvalidSpecException("the check has no URL");
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below, in the user's terms
    }
    throw new InvalidSpecException("not an http(s) URL: " + redactor.redact(url));
  }
}
