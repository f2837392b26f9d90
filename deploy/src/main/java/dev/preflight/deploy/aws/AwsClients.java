package dev.preflight.deploy.aws;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudfront.CloudFrontAsyncClient;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.rds.RdsAsyncClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerAsyncClient;

/**
 * The AWS async clients, one per service and region, built on first use and shared. They all
 * use one Netty HTTP client, so a bot that talks to three regions runs one event loop group,
 * not six.
 *
 * <p>Building a client (and resolving the default region) may read profile files or ask the
 * instance metadata service, so call {@link #ecs} and {@link #secretsManager} from a worker,
 * never from an event loop.
 *
 * <p>{@code AWS_ENDPOINT_URL} (and {@code AWS_ENDPOINT_URL_ECS}, {@code ..._SECRETS_MANAGER})
 * are honoured by the SDK itself since 2.21; the explicit endpoint here is for tests, which
 * cannot set environment variables of their own JVM.
 */
public final class AwsClients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AwsClients.class);

  static final Region FALLBACK_REGION = Region.US_EAST_1;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
  /**
   * Connections open to AWS at once, all services and regions together (the SDK's default is
   * 50). A thousand deploys starting together make a few thousand calls; with 50 connections and
   * a 5 s wait for one, most failed as "timed out" before they were sent.
   */
  static final int MAX_CONNECTIONS = 200;
  /**
   * How long a call may wait for a free connection: as long as an attempt may take, since the
   * wait is part of the attempt. A queue of calls is not a host that does not answer; that is
   * what {@link #CONNECT_TIMEOUT} is for.
   */
  private static final Duration CONNECTION_WAIT = ATTEMPT_TIMEOUT;

  private final Optional<URI> endpoint;
  private final AwsCredentialsProvider credentials;
  private final AwsCallMetrics metrics;
  private final Map<Region, EcsAsyncClient> ecs = new ConcurrentHashMap<>();
  private final Map<Region, SecretsManagerAsyncClient> secretsManager = new ConcurrentHashMap<>();
  private final Map<Region, CloudWatchAsyncClient> cloudWatch = new ConcurrentHashMap<>();
  private final Map<Region, RdsAsyncClient> rds = new ConcurrentHashMap<>();
  private CloudFrontAsyncClient cloudFront;
  private SdkAsyncHttpClient http;
  private Region defaultRegion;
  private AwsCredentialsProvider defaultCredentials;
  private boolean closed;

  /** Region, credentials and endpoint all come from the SDK's default chains. */
  public AwsClients() {
    this(Optional.empty(), null);
  }

  /**
   * @param endpoint sends every call there instead of AWS (moto, a local fake)
   * @param credentials the credentials to sign with, or null for the default chain
   */
  public AwsClients(Optional<URI> endpoint, AwsCredentialsProvider credentials) {
    this(endpoint, credentials, new CompositeMeterRegistry());
  }

  /** @param meters counts every call by service, operation and outcome ({@code preflight.aws.calls}) */
  public AwsClients(Optional<URI> endpoint, AwsCredentialsProvider credentials, MeterRegistry meters) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.metrics = new AwsCallMetrics(meters);
  }

  /** @param region a region name, or null for the default region */
  public EcsAsyncClient ecs(String region) {
    return ecs.computeIfAbsent(region(region), r -> configure(EcsAsyncClient.builder(), r).build());
  }

  /** @param region a region name, or null for the default region */
  public SecretsManagerAsyncClient secretsManager(String region) {
    return secretsManager.computeIfAbsent(region(region), r -> configure(SecretsManagerAsyncClient.builder(), r).build());
  }

  /** @param region a region name, or null for the default region */
  public CloudWatchAsyncClient cloudWatch(String region) {
    return cloudWatch.computeIfAbsent(region(region), r -> configure(CloudWatchAsyncClient.builder(), r).build());
  }

  /** @param region a region name, or null for the default region */
  public RdsAsyncClient rds(String region) {
    return rds.computeIfAbsent(region(region), r -> configure(RdsAsyncClient.builder(), r).build());
  }

  /** CloudFront is global: its one endpoint is signed for us-east-1. */
  public synchronized CloudFrontAsyncClient cloudFront() {
    if (cloudFront == null) {
      cloudFront = configure(CloudFrontAsyncClient.builder(), Region.AWS_GLOBAL).build();
    }
    return cloudFront;
  }

  /**
   * The credentials every client here signs with: the ones given, or the SDK's default chain.
   * Resolving them may read files or ask instance metadata, so do it on a worker.
   */
  public synchronized AwsCredentialsProvider credentials() {
    if (credentials == null) {
      defaultCredentials = defaultCredentials == null ? DefaultCredentialsProvider.builder().build() : defaultCredentials;
      return defaultCredentials;
    }
    return credentials;
  }

  /** Counts calls made beside the SDK's clients, as theirs are counted. */
  AwsCallMetrics metrics() {
    return metrics;
  }

  /** Where every call goes instead of AWS, when the bot was given one (tests, moto). */
  public Optional<URI> endpoint() {
    return endpoint;
  }

  /** The named region, or the default chain's, or {@code us-east-1} when nothing is configured. */
  private Region region(String name) {
    if (name != null && !name.isBlank()) {
      return Region.of(name.trim());
    }
    return defaultRegion();
  }

  private synchronized Region defaultRegion() {
    if (defaultRegion == null) {
      try {
        defaultRegion = new DefaultAwsRegionProviderChain().getRegion();
      } catch (SdkClientException e) {
        LOG.warn("No AWS region configured (AWS_REGION, profile or instance metadata); using {}", FALLBACK_REGION);
        defaultRegion = FALLBACK_REGION;
      }
    }
    return defaultRegion;
  }

  private <B extends AwsClientBuilder<B, C> & AwsAsyncClientBuilder<B, C>, C> B configure(B builder, Region region) {
    builder.region(region)
        .httpClient(http())
        .overrideConfiguration(o -> o
            .apiCallTimeout(CALL_TIMEOUT)
            .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
            // STANDARD backs off and retries throttling and transient errors, with a retry quota
            // so a struggling endpoint is not hammered.
            .retryStrategy(RetryMode.STANDARD)
            .addExecutionInterceptor(metrics));
    endpoint.ifPresent(builder::endpointOverride);
    if (credentials != null) {
      builder.credentialsProvider(credentials);
    }
    return builder;
  }

  private synchronized SdkAsyncHttpClient http() {
    if (closed) {
      throw new IllegalStateException("AWS clients are closed");
    }
    if (http == null) {
      http = NettyNioAsyncHttpClient.builder()
          .connectionTimeout(CONNECT_TIMEOUT)
          .maxConcurrency(MAX_CONNECTIONS)
          .connectionAcquisitionTimeout(CONNECTION_WAIT)
          .readTimeout(READ_TIMEOUT)
          .writeTimeout(READ_TIMEOUT)
          .build();
    }
    return http;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (defaultCredentials instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.debug("Closing the default AWS credentials failed", e);
      }
    }
    ecs.values().forEach(EcsAsyncClient::close);
    secretsManager.values().forEach(SecretsManagerAsyncClient::close);
    rds.values().forEach(RdsAsyncClient::close);
    ecs.clear();
    secretsManager.clear();
    cloudWatch.values().forEach(CloudWatchAsyncClient::close);
    cloudWatch.clear();
    rds.clear();
    if (cloudFront != null) {
      cloudFront.close();
      cloudFront = null;
    }
    // The SDK leaves a client it was handed to its owner, so the shared one is closed here.
    if (http != null) {
      http.close();
      http = null;
    }
  }
}
