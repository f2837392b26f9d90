package dev.preflight.deploy.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local Elastic Load Balancing v2 endpoint speaking the query protocol as AWS does: a form POST
 * with {@code Action} and {@code Version}, answered in XML under the 2015-12-01 namespace, errors
 * as {@code <ErrorResponse><Error><Code>}. It keeps each listener rule's (and listener's default)
 * forward weights, and every weight set in order, so a test can assert what the load balancer
 * held at each stage. Failures are scripted per action: throttling, server errors, a refusal.
 * Signatures are recorded, not checked.
 *
 * <p>Started {@linkplain #startBeside beside} another fake, it passes every JSON-protocol call
 * (one with {@code X-Amz-Target}, as ECS's) on to it, so a bot with one AWS endpoint reaches both.
 */
public final class FakeElbv2 {

  private static final String NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

  /** One request as it arrived: its action, form parameters and Authorization header. */
  public record Call(String action, Map<String, String> params, String authorization) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, List<int[]>> history = new LinkedHashMap<>();
  private final Map<String, List<String[]>> forwards = new LinkedHashMap<>();
  private final Map<String, List<Failure>> failures = new LinkedHashMap<>();
  private String rawAnswer;
  private HttpServer server;
  private HttpClient others;
  private URI othersEndpoint;

  private record Failure(int status, String code, String message) {}

  public static Future<FakeElbv2> start(Vertx vertx) {
    FakeElbv2 fake = new FakeElbv2();
    return vertx.createHttpServer()
        .requestHandler(fake::handle)
        .listen(0, "127.0.0.1")
        .map(server -> {
          fake.server = server;
          return fake;
        });
  }

  /** A fake that passes calls with {@code X-Amz-Target} on to {@code others} (FakeEcs's endpoint). */
  public static Future<FakeElbv2> startBeside(Vertx vertx, URI others) {
    return start(vertx).map(fake -> {
      fake.others = vertx.createHttpClient();
      fake.othersEndpoint = others;
      return fake;
    });
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** A rule (or listener) that forwards everything to {@code targetGroup}, as a team has it before a canary. */
  public synchronized FakeElbv2 forwarding(String ruleOrListener, String targetGroup) {
    List<String[]> groups = new ArrayList<>();
    groups.add(new String[] {targetGroup, "1"});
    forwards.put(ruleOrListener, groups);
    return this;
  }

  /** The next {@code times} calls of {@code action} answer 400 Throttling. */
  public synchronized FakeElbv2 throttle(String action, int times) {
    return fail(action, times, new Failure(400, "Throttling", "Rate exceeded"));
  }

  /** The next {@code times} calls of {@code action} answer 503 ServiceUnavailable. */
  public synchronized FakeElbv2 unavailable(String action, int times) {
    return fail(action, times, new Failure(503, "ServiceUnavailable", "Service is unavailable"));
  }

  /** Every call of {@code action} is refused with {@code code}. */
  public synchronized FakeElbv2 refuse(String action, String code, String message) {
    return fail(action, 1000, new Failure(400, code, message));
  }

  /** Every answer is this text, with status 200, whatever was asked. */
  public synchronized FakeElbv2 answerWith(String body) {
    this.rawAnswer = body;
    return this;
  }

  private FakeElbv2 fail(String action, int times, Failure failure) {
    List<Failure> queue = failures.computeIfAbsent(action, a -> new ArrayList<>());
    for (int i = 0; i < times; i++) {
      queue.add(failure);
    }
    return this;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Every weight pair set on {@code ruleOrListener}, in order, as "stable/canary" (first group / second group). */
  public synchronized List<String> weightsSet(String ruleOrListener) {
    return history.getOrDefault(ruleOrListener, List.of()).stream().map(w -> w[0] + "/" + w[1]).toList();
  }

  private void handle(HttpServerRequest request) {
    if (others != null && request.getHeader("X-Amz-Target") != null) {
      passOn(request);
      return;
    }
    request.body().onSuccess(body -> {
      Map<String, String> params = form(body.toString(StandardCharsets.UTF_8));
      String action = params.getOrDefault("Action", "");
      calls.add(new Call(action, params, request.getHeader("Authorization")));
      String[] answer = answer(action, params);
      request.response().setStatusCode(Integer.parseInt(answer[0])).putHeader("Content-Type", "text/xml")
          .end(answer[1]);
    });
  }

  private void passOn(HttpServerRequest request) {
    request.body()
        .compose(body -> others.request(new RequestOptions().setMethod(request.method())
                .setHost(othersEndpoint.getHost()).setPort(othersEndpoint.getPort()).setURI(request.uri())
                .setHeaders(request.headers()))
            .compose(out -> out.send(body)))
        .compose(answer -> answer.body().map(body -> {
          request.response().setStatusCode(answer.statusCode()).headers().addAll(answer.headers());
          return body;
        }))
        .onSuccess(body -> request.response().end(body))
        .onFailure(failure -> request.response().setStatusCode(502).end(String.valueOf(failure.getMessage())));
  }

  private synchronized String[] answer(String action, Map<String, String> params) {
    if (rawAnswer != null) {
      return new String[] {"200", rawAnswer};
    }
    List<Failure> queued = failures.get(action);
    if (queued != null && !queued.isEmpty()) {
      Failure failure = queued.remove(0);
      return error(failure.status(), failure.code(), failure.message());
    }
    if (!"2015-12-01".equals(params.get("Version"))) {
      return error(400, "InvalidAction", "Could not find operation " + action + " for version "
          + params.get("Version"));
    }
    return switch (action) {
      case "ModifyRule" -> modify(action, params.get("RuleArn"), "Actions", params, "RuleNotFound",
          "One or more rules not found");
      case "ModifyListener" -> modify(action, params.get("ListenerArn"), "DefaultActions", params,
          "ListenerNotFound", "One or more listeners not found");
      case "DescribeRules" -> describe(action, params.get("RuleArns.member.1"), "Rules", "Actions", "RuleNotFound",
          "One or more rules not found");
      case "DescribeListeners" -> describe(action, params.get("ListenerArns.member.1"), "Listeners", "DefaultActions",
          "ListenerNotFound", "One or more listeners not found");
      default -> error(400, "InvalidAction", "Could not find operation " + action);
    };
  }

  private String[] modify(String action, String arn, String list, Map<String, String> params, String missing,
      String missingMessage) {
    if (arn == null || !forwards.containsKey(arn)) {
      return error(400, missing, missingMessage);
    }
    String prefix = list + ".member.1.";
    if (!"forward".equals(params.get(prefix + "Type"))) {
      return error(400, "ValidationError", "Only forward actions are kept by this fake");
    }
    List<String[]> groups = new ArrayList<>();
    for (int i = 1; params.containsKey(prefix + "ForwardConfig.TargetGroups.member." + i + ".TargetGroupArn"); i++) {
      String member = prefix + "ForwardConfig.TargetGroups.member." + i + ".";
      groups.add(new String[] {params.get(member + "TargetGroupArn"), params.getOrDefault(member + "Weight", "1")});
    }
    if (groups.isEmpty()) {
      return error(400, "ValidationError", "A forward action needs a target group");
    }
    forwards.put(arn, groups);
    history.computeIfAbsent(arn, a -> new ArrayList<>()).add(groups.stream()
        .mapToInt(g -> Integer.parseInt(g[1])).toArray());
    String wrapper = "ModifyRule".equals(action) ? "Rules" : "Listeners";
    return ok(action, "<" + wrapper + "><member>" + item(arn, list, groups) + "</member></" + wrapper + ">");
  }

  private String[] describe(String action, String arn, String wrapper, String list, String missing,
      String missingMessage) {
    if (arn == null || !forwards.containsKey(arn)) {
      return error(400, missing, missingMessage);
    }
    return ok(action, "<" + wrapper + "><member>" + item(arn, list, forwards.get(arn)) + "</member></" + wrapper + ">");
  }

  private static String item(String arn, String list, List<String[]> groups) {
    StringBuilder members = new StringBuilder();
    for (String[] group : groups) {
      members.append("<member><TargetGroupArn>").append(escape(group[0])).append("</TargetGroupArn><Weight>")
          .append(group[1]).append("</Weight></member>");
    }
    String key = "Actions".equals(list) ? "RuleArn" : "ListenerArn";
    return "<" + key + ">" + escape(arn) + "</" + key + "><" + list + "><member><Type>forward</Type><ForwardConfig>"
        + "<TargetGroups>" + members + "</TargetGroups></ForwardConfig></member></" + list + ">";
  }

  private static String[] ok(String action, String result) {
    return new String[] {"200", "<" + action + "Response xmlns=\"" + NS + "\"><" + action + "Result>" + result
        + "</" + action + "Result><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></"
        + action + "Response>"};
  }

  private static String[] error(int status, String code, String message) {
    return new String[] {Integer.toString(status), "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>"
        + code + "</Code><Message>" + escape(message) + "</Message></Error><RequestId>fake</RequestId></ErrorResponse>"};
  }

  private static Map<String, String> form(String body) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(name, value);
    }
    return params;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
