package dev.preflight.deploy.target;

import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.fake.FakeEcs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * 1,000 ECS deploys followed at once (bench/run, in process): the bot's {@link EcsTarget} deploys
 * 1,000 services of one cluster on the test fake ECS, whose rollouts move one task per
 * DescribeServices; the fake records every DescribeServices (when, which services). A poll round
 * is one poll interval (1 s here) from a whole second, as the target's rounds are; the figure is
 * DescribeServices calls per round while all rollouts are under way, and how many calls a round
 * made beyond ceil(services it described / 10).
 * Deploys not finished 90 s after the start are counted as unfinished, so a round stays bounded.
 *
 * <p>Usage: {@code EcsFollowing OUT_JSON [SERVICES]}. In the target's package because the test
 * journal it reuses is package-private.
 */
public final class EcsFollowing {

  private static final Duration POLL = Duration.ofSeconds(1);

  private EcsFollowing() {
  }

  public static void main(String[] args) throws Exception {
    int services = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Vertx vertx = Vertx.vertx();
    FakeEcs ecs = await(FakeEcs.start(vertx));
    AwsClients clients = new AwsClients(Optional.of(ecs.endpoint()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench-secret")));
    ecs.cluster("bench");
    String first = ecs.registerTaskDefinition("svc", Map.of("app", "registry.example/svc:v1.0.0"));
    for (int n = 0; n < services; n++) {
      ecs.service("bench", "svc-" + n, first, 3);
    }
    EcsTarget target = new EcsTarget(vertx, clients, POLL);
    long before = ecs.callCount("DescribeServices");
    long start = System.nanoTime();
    List<Future<TargetOutcome>> deploys = new ArrayList<>();
    for (int n = 0; n < services; n++) {
      Target.Ecs spec = new Target.Ecs("bench", "svc-" + n, "app", null, "us-east-1", Duration.ofMinutes(10));
      deploys.add(target.deploy(new DeployJob("run-" + n, "svc-" + n, "production", "v2.0.0", null, spec,
          Variables.of(Map.of())), new EcsTestJournal()));
    }
    int succeeded = 0;
    java.util.Map<String, Integer> failures = new java.util.TreeMap<>();
    int unfinished = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    for (Future<TargetOutcome> deploy : deploys) {
      TargetOutcome outcome;
      try {
        outcome = deploy.toCompletionStage().toCompletableFuture()
            .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        unfinished++;
        continue;
      }
      if (outcome.succeeded()) {
        succeeded++;
      } else {
        // The detail says which limit was hit (the SDK's own words), clipped to stay one line.
        String detail = String.valueOf(outcome.detail()).lines().findFirst().orElse("");
        failures.merge(outcome.summary() + " (" + (detail.length() > 140 ? detail.substring(0, 139) + "…" : detail)
            + ")", 1, Integer::sum);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long describes = ecs.callCount("DescribeServices") - before;
    // Every poll of a service names it once, so this is the services per call a round makes:
    // 10 when every round of a cluster's services is batched fully.
    double servicesPerCall = describes == 0 ? 0 : (double) ecs.servicesDescribed() / describes;
    // A poll round starts at a whole multiple of the interval (the target's rounds), so every call
    // is counted in the round it went out in: the fake records when each came and what it named.
    java.util.TreeMap<Long, List<FakeEcs.DescribeServicesCall>> byRound = new java.util.TreeMap<>();
    for (FakeEcs.DescribeServicesCall call : ecs.describeServicesCalls()) {
      byRound.computeIfAbsent(Math.floorDiv(call.atMillis(), POLL.toMillis()), r -> new ArrayList<>()).add(call);
    }
    List<Long> perRound = new ArrayList<>();
    List<Long> excessPerRound = new ArrayList<>();
    long worstExcess = 0;
    long namedTwice = 0;
    long firstRound = byRound.isEmpty() ? 0 : byRound.firstKey();
    long lastRound = byRound.isEmpty() ? -1 : byRound.lastKey();
    for (long r = firstRound; r <= lastRound; r++) {
      List<FakeEcs.DescribeServicesCall> round = byRound.getOrDefault(r, List.of());
      perRound.add((long) round.size());
      java.util.Set<String> distinct = new java.util.HashSet<>();
      long named = 0;
      for (FakeEcs.DescribeServicesCall call : round) {
        distinct.addAll(call.services());
        named += call.services().size();
      }
      namedTwice += named - distinct.size();
      long excess = round.size() - (distinct.size() + 9) / 10;
      excessPerRound.add(excess);
      worstExcess = Math.max(worstExcess, excess);
    }
    // Rounds in which every rollout was still under way: all but the first and last.
    List<Long> steady = perRound.size() > 2 ? perRound.subList(1, perRound.size() - 1) : perRound;
    JsonObject result = new JsonObject()
        .put("services", services).put("succeeded", succeeded).put("unfinished_after_90_s", unfinished).put("seconds", seconds)
        .put("describe_services_calls", describes)
        .put("services_per_describe_call", servicesPerCall)
        .put("update_service_calls", ecs.updateServiceCalls().size())
        .put("describe_calls_per_round", new JsonArray(new ArrayList<>(perRound)))
        .put("max_describe_calls_per_round", steady.stream().mapToLong(Long::longValue).max().orElse(0))
        .put("services_per_cluster", services)
        // Calls in a round beyond ceil(services described in it / 10), worst round; 0 is full batches.
        .put("max_calls_over_full_batches", worstExcess)
        .put("calls_over_full_batches_per_round", new JsonArray(new ArrayList<>(excessPerRound)))
        .put("services_named_twice_in_a_round", namedTwice)
        .put("failures", new JsonObject(new java.util.HashMap<>(failures)));
    Files.writeString(Path.of(args[0]), result.encodePrettily());
    clients.close();
    vertx.close();
    System.exit(0);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }
}
