package dev.preflight.deploy.aws;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Elastic Load Balancing v2 over its query protocol: a signed form POST naming the action and
 * API version, answered in XML. The SDK's ELBv2 module is not served at the SDK version the other
 * clients use, so the bot speaks the protocol itself and leaves to the SDK what must be exactly
 * right: the SigV4 signature and the credentials ({@link AwsClients#credentials()}).
 *
 * <p>Every attempt has a timeout. Throttling, 5xx answers, timeouts and connection failures are
 * tried again after a jittered backoff that doubles up to a cap, {@value #ATTEMPTS} attempts in
 * all; any other error fails at once with the code and message AWS gave ({@link Elbv2Exception}).
 * The region comes from the ARN a call names, so one client serves every region.
 */
public final class Elbv2Client {

  /** One query API: what requests are signed for, where they go, and the version they speak. */
  public record Api(String serviceName, String signingName, String endpointPrefix, String version,
      String endpointVariable) {}

  public static final Api ELBV2 = new Api("ElasticLoadBalancingV2", "elasticloadbalancing", "elasticloadbalancing",
      "2015-12-01", "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2");

  /** A target group and its share of a forward action. */
  public record Weighted(String targetGroupArn, int weight) {}

  static final int ATTEMPTS = 4;
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  static final Duration BACKOFF_CAP = Duration.ofSeconds(5);
  private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
      "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled",
      "SlowDown", "PriorRequestNotComplete");
  private static final DocumentBuilderFactory XML = safeFactory();

  private final Vertx vertx;
  private final AwsClients aws;
  private final Api api;
  private final Map<String, String> environment;
  private final WebClient client;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  public Elbv2Client(Vertx vertx, AwsClients aws) {
    this(vertx, aws, ELBV2, System.getenv());
  }

  /**
   * @param api the query API to speak; tests use EC2's to build a load balancer in moto
   * @param environment where {@code AWS_ENDPOINT_URL} and the API's own endpoint variable are read
   */
  public Elbv2Client(Vertx vertx, AwsClients aws, Api api, Map<String, String> environment) {
    this.vertx = Objects.requireNonNull(vertx);
    this.aws = Objects.requireNonNull(aws);
    this.api = Objects.requireNonNull(api);
    this.environment = Map.copyOf(environment);
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("preflight")
        .setConnectTimeout((int) ATTEMPT_TIMEOUT.toMillis()));
  }

  public void close() {
    client.close();
  }

  /**
   * Sets the forward action of a listener rule ({@code ModifyRule}) or of a listener's default
   * action ({@code ModifyListener}) to these target groups and weights. Setting, not adding: the
   * same call twice leaves the same weights. Answers the weights the load balancer reports.
   */
  public Future<List<Weighted>> forward(String ruleOrListener, List<Weighted> groups) {
    boolean rule = isRule(ruleOrListener);
    String list = rule ? "Actions" : "DefaultActions";
    Map<String, String> params = new LinkedHashMap<>();
    params.put(rule ? "RuleArn" : "ListenerArn", ruleOrListener);
    params.put(list + ".member.1.Type", "forward");
    for (int i = 0; i < groups.size(); i++) {
      String member = list + ".member.1.ForwardConfig.TargetGroups.member." + (i + 1);
      params.put(member + ".TargetGroupArn", groups.get(i).targetGroupArn());
      params.put(member + ".Weight", Integer.toString(groups.get(i).weight()));
    }
    return call(regionOf(ruleOrListener), rule ? "ModifyRule" : "ModifyListener", params)
        .map(answer -> forwardWeights(answer, list));
  }

  /** The target groups and weights the rule's (or listener's default) forward action holds now. */
  public Future<List<Weighted>> weights(String ruleOrListener) {
    boolean rule = isRule(ruleOrListener);
    return call(regionOf(ruleOrListener), rule ? "DescribeRules" : "DescribeListeners",
        Map.of(rule ? "RuleArns.member.1" : "ListenerArns.member.1", ruleOrListener))
        .map(answer -> forwardWeights(answer, rule ? "Actions" : "DefaultActions"));
  }

  /**
   * One action with its parameters, as the query protocol names them ({@code Names.member.1}).
   * Answers the root element of the XML answer.
   */
  public Future<Element> call(String region, String action, Map<String, String> params) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("Action", action);
    form.put("Version", api.version());
    form.putAll(params);
    String body = form.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
    URI endpoint = endpoint(region);
    Context context = vertx.getOrCreateContext();
    // Counted once per call however many attempts it took, as the SDK's calls are.
    return attempt(context, endpoint, region, action, body.getBytes(StandardCharsets.UTF_8), 1)
        .onComplete(done -> aws.metrics().count(api.serviceName(), action, done.succeeded() ? "success"
            : done.cause() instanceof Elbv2Exception ? "error" : "failure"));
  }

  /**
   * The endpoint: the API's own variable ({@code AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2}), then
   * the one the bot's AWS clients were given (which stands for {@code AWS_ENDPOINT_URL}), then
   * {@code AWS_ENDPOINT_URL}, then AWS's own endpoint for the region.
   */
  URI endpoint(String region) {
    String own = environment.get(api.endpointVariable());
    if (own != null && !own.isBlank()) {
      return URI.create(own.trim());
    }
    Optional<URI> given = aws.endpoint();
    if (given.isPresent()) {
      return given.get();
    }
    String global = environment.get("AWS_ENDPOINT_URL");
    if (global != null && !global.isBlank()) {
      return URI.create(global.trim());
    }
    String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return URI.create("https://" + api.endpointPrefix() + "." + region + "." + domain + "/");
  }

  private Future<Element> attempt(Context context, URI endpoint, String region, String action, byte[] body,
      int attempt) {
    return context.executeBlocking(() -> sign(endpoint, region, body), false)
        .compose(signed -> send(endpoint, signed, body))
        .compose(response -> answer(action, response))
        .recover(failure -> {
          if (attempt >= ATTEMPTS || !retryable(failure)) {
            return Future.failedFuture(failure);
          }
          Promise<Void> pause = Promise.promise();
          vertx.setTimer(backoff(attempt), id -> pause.complete());
          return pause.future().compose(v -> attempt(context, endpoint, region, action, body, attempt + 1));
        });
  }

  /** Resolving credentials may read files or ask instance metadata: called on a worker. */
  private SignedRequest sign(URI endpoint, String region, byte[] body) {
    AwsCredentials credentials = aws.credentials().resolveCredentials();
    SdkHttpFullRequest request = SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(endpoint.getPath() == null || endpoint.getPath().isEmpty() ? endpoint.resolve("/") : endpoint)
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .build();
    return signer.sign(r -> r.identity(credentials)
        .request(request)
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, api.signingName())
        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
  }

  private Future<HttpResponse<Buffer>> send(URI endpoint, SignedRequest signed, byte[] body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    signed.request().headers().forEach((name, values) -> {
      if (!"host".equalsIgnoreCase(name)) {
        headers.add(name, values);
      }
    });
    String path = signed.request().encodedPath().isEmpty() ? "/" : signed.request().encodedPath();
    return client.postAbs(endpoint.resolve(path).toString())
        .putHeaders(headers)
        .timeout(ATTEMPT_TIMEOUT.toMillis())
        .sendBuffer(Buffer.buffer(body));
  }

  private Future<Element> answer(String action, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String text = response.bodyAsString();
    if (status / 100 == 2) {
      try {
        return Future.succeededFuture(parse(text == null ? "" : text));
      } catch (Exception e) {
        return Future.failedFuture(new Elbv2Exception(action, status, "MalformedResponse",
            "the answer was not the XML expected: " + e.getMessage(), false));
      }
    }
    String code = "HTTP" + status;
    String message = response.statusMessage();
    try {
      Element root = parse(text == null ? "" : text);
      code = firstText(root, "Code").orElse(code);
      message = firstText(root, "Message").orElse(message);
    } catch (Exception e) {
      // Not AWS's XML (a proxy's page, say): the status says what there is to say.
    }
    boolean retry = status >= 500 || status == 429 || THROTTLING.contains(code);
    return Future.failedFuture(new Elbv2Exception(action, status, code, message, retry));
  }

  private static boolean retryable(Throwable failure) {
    if (failure instanceof Elbv2Exception refused) {
      return refused.retryable();
    }
    // A timeout, a refused or reset connection: nothing was answered, and every call here may be sent again.
    // Missing credentials or a malformed ARN will not mend by waiting.
    return !(failure instanceof IllegalArgumentException
        || failure instanceof software.amazon.awssdk.core.exception.SdkClientException);
  }

  /** Full jitter over a doubling wait, capped. */
  static long backoff(int attempt) {
    long ceiling = Math.min(BACKOFF_CAP.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 20));
    return Math.max(1, ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }

  private static boolean isRule(String arn) {
    if (arn.contains(":listener-rule/")) {
      return true;
    }
    if (arn.contains(":listener/")) {
      return false;
    }
    throw new IllegalArgumentException("not a listener or listener rule ARN: " + arn);
  }

  /** The region an ELBv2 ARN names: {@code arn:aws:elasticloadbalancing:REGION:account:…}. */
  public static String regionOf(String arn) {
    String[] parts = arn.split(":", 6);
    if (parts.length < 6 || !"arn".equals(parts[0]) || parts[3].isBlank()) {
      throw new IllegalArgumentException("not an ARN with a region: " + arn);
    }
    return parts[3];
  }

  /** The target groups of the first forward action under {@code list} (Actions or DefaultActions). */
  static List<Weighted> forwardWeights(Element root, String list) {
    List<Weighted> weights = new ArrayList<>();
    for (Element actions : descendants(root, list)) {
      for (Element action : children(actions, "member")) {
        if (!"forward".equals(firstText(action, "Type").orElse(""))) {
          continue;
        }
        Optional<Element> config = children(action, "ForwardConfig").stream().findFirst();
        if (config.isPresent()) {
          for (Element groups : children(config.get(), "TargetGroups")) {
            for (Element group : children(groups, "member")) {
              weights.add(new Weighted(firstText(group, "TargetGroupArn").orElse(""),
                  firstText(group, "Weight").map(Integer::parseInt).orElse(1)));
            }
          }
        } else {
          // A plain forward to one group sends it everything.
          firstText(action, "TargetGroupArn").ifPresent(arn -> weights.add(new Weighted(arn, 100)));
        }
        return weights;
      }
    }
    return weights;
  }

  /** The text of the first element named {@code name} under {@code root}, at any depth. */
  public static Optional<String> firstText(Element root, String name) {
    return descendants(root, name).stream().findFirst().map(e -> e.getTextContent().trim());
  }

  private static List<Element> descendants(Element root, String name) {
    List<Element> found = new ArrayList<>();
    var nodes = root.getElementsByTagName(name);
    for (int i = 0; i < nodes.getLength(); i++) {
      found.add((Element) nodes.item(i));
    }
    return found;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element element && name.equals(element.getTagName())) {
        found.add(element);
      }
    }
    return found;
  }

  /** Parses without DTDs or external entities: an answer cannot make the bot read files or hosts. */
  static Element parse(String xml) throws Exception {
    DocumentBuilder builder;
    synchronized (XML) {
      builder = XML.newDocumentBuilder();
    }
    builder.setErrorHandler(null);
    Document document = builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    return document.getDocumentElement();
  }

  private static DocumentBuilderFactory safeFactory() {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    try {
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the XML parser cannot be made safe", e);
    }
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    factory.setNamespaceAware(false);
    return factory;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
