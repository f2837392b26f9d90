package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.config.RolloutPlan.Promote;
import dev.preflight.checklists.config.RolloutPlan.Stage;
import dev.preflight.checklists.config.RolloutPlan.Traffic;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads an environment's {@code rollout:}: the canary stages (weight and hold), the analysis
 * checks run during each hold, how often they run, whether stages are promoted by themselves,
 * and how the environment's target shifts traffic.
 */
final class RolloutReader {

  static final String HINT = "write rollout: { stages: [{ weight: 5, hold: 30m }, { weight: 100 }], "
      + "analysis: [...], interval: 1m, promote: auto }";
  /** The shortest interval between two analysis rounds: each round calls the checks' sources. */
  static final Duration SHORTEST_INTERVAL = Duration.ofSeconds(1);
  private static final List<String> KEYS = List.of("stages", "analysis", "interval", "promote", "traffic");
  private static final List<String> STAGE_KEYS = List.of("weight", "hold");
  private static final List<String> CHECK_KEYS = List.of("id", "title", "check");
  private static final List<String> TRAFFIC_KEYS = List.of("weight", "promote", "abort");
  private static final String DEFAULT_INPUT = "weight";
  private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final String TRAFFIC_HINT = "a command target shifts traffic with its own program: write traffic: "
      + "{ weight: [\"./deploy.sh\", \"canary\", \"{version}\", \"{weight}\"] }";
  private static final String WEIGHT_ARGV_HINT =
      "write weight: [\"./deploy.sh\", \"canary\", \"{version}\", \"{weight}\"], run at each stage";
  private static final List<String> ECS_TRAFFIC_KEYS = List.of("listenerRule", "listener", "stable", "canary");
  private static final List<String> STABLE_KEYS = List.of("service", "targetGroup");
  private static final List<String> CANARY_KEYS = List.of("service", "targetGroup", "desiredCount");
  /** An ELBv2 ARN of one kind; a {@code ${NAME}} reference stands for one and is checked when it is resolved. */
  private static final String ELB_ARN = "(" + String.join(":", "arn", "aws[a-z-]*", "elasticloadbalancing",
      "[a-z0-9-]+", "\\d{12}", "%s/\\S+") + "|.*\\$\\{.+\\}.*)";
  private static final Pattern RULE_ARN = Pattern.compile(ELB_ARN.formatted("listener-rule"));
  private static final Pattern LISTENER_ARN = Pattern.compile(ELB_ARN.formatted("listener"));
  private static final Pattern TARGET_GROUP_ARN = Pattern.compile(ELB_ARN.formatted("targetgroup"));
  private static final String RULE_EXAMPLE =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
  private static final String LISTENER_EXAMPLE =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
  private static final String TARGET_GROUP_EXAMPLE =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/6d0ecf831eec9f09";
  private static final String ECS_TRAFFIC_HINT = "an ecs target shifts traffic between two target groups: write "
      + "traffic: { listenerRule: <rule ARN>, stable: { targetGroup: <ARN> }, canary: { service: web-canary, "
      + "targetGroup: <ARN> } }";
  /** What a canary command may use besides the three every deploy fills. */
  private static final List<String> TRAFFIC_PLACEHOLDERS = List.of("service", "version", "environment", "weight");

  private RolloutReader() {}

  /** @param target the environment's target, or null when it has none */
  static Optional<RolloutPlan> read(Value value, Target target) {
    Optional<Mapping> read = value.mapping();
    if (read.isEmpty()) {
      return Optional.empty();
    }
    Mapping fields = read.get().allow(KEYS);
    if (target == null) {
      value.error("nothing to roll out: the environment has no target",
          "canary stages shift traffic through the target: add a target, or leave rollout out");
    }
    Optional<List<Stage>> stages = fields.require("stages", "write stages: [{ weight: 5, hold: 30m }, { weight: 100 }]")
        .flatMap(Value::nonEmptyList)
        .flatMap(RolloutReader::stages);
    Promote promote = fields.get("promote", "write promote: auto, or promote: manual")
        .flatMap(RolloutReader::promote)
        .orElse(Promote.AUTO);
    Optional<Value> analysisValue = fields.get("analysis",
        "write analysis: [{ id: error-rate, check: { kind: http, url: \"${APP_URL}/health\" } }]");
    if (analysisValue.isEmpty() && promote == Promote.AUTO) {
      fields.require("analysis", "a stage promoted by itself needs analysis checks to pass: add analysis: "
          + "[{ id: error-rate, check: {...} }], or write promote: manual");
    }
    List<Verification.VerifyCheck> analysis = analysisValue.flatMap(Value::list).map(RolloutReader::analysis)
        .orElse(List.of());
    Duration interval = fields.get("interval", "write interval: 1m")
        .flatMap(v -> v.duration(d -> d.compareTo(SHORTEST_INTERVAL) >= 0,
            "must be at least " + Durations.format(SHORTEST_INTERVAL)))
        .orElse(RolloutPlan.DEFAULT_INTERVAL);
    Traffic traffic = target == null ? null : traffic(fields, target);
    if (stages.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RolloutPlan(stages.get(), analysis, interval, promote, traffic));
  }

  /**
   * Each stage's weight is a percentage, higher than the one before; the last one is 100. Every
   * stage but the last holds for a while; the last may hold too, with its analysis.
   */
  private static Optional<List<Stage>> stages(List<Value> values) {
    List<Stage> stages = new ArrayList<>();
    boolean complete = true;
    int before = 0;
    for (int i = 0; i < values.size(); i++) {
      Value value = values.get(i);
      boolean last = i == values.size() - 1;
      Optional<Mapping> fields = value.mapping();
      if (fields.isEmpty()) {
        complete = false;
        continue;
      }
      fields.get().allow(STAGE_KEYS);
      Optional<Value> weightValue = fields.get().require("weight", "write weight: 5, the percentage of traffic");
      Optional<Integer> weight = weightValue.flatMap(v -> v.integer(1, 100));
      if (weight.isPresent() && weight.get() <= before) {
        weightValue.get().error("must be higher than the stage before (" + before + "), not " + weight.get(),
            "stages shift more traffic one after another: order them by weight");
        weight = Optional.empty();
      }
      if (weight.isPresent() && last && weight.get() != 100) {
        weightValue.get().error("the last stage must send all traffic to the new version, not " + weight.get() + "%",
            "end with { weight: 100 }");
        weight = Optional.empty();
      }
      Optional<Value> holdValue = last ? fields.get().get("hold", "write hold: 30m")
          : fields.get().require("hold", "write hold: 30m, how long the stage runs before the next");
      Optional<Duration> hold = holdValue.flatMap(v -> v.duration(d -> !d.isZero(), "must be longer than 0"));
      if (weight.isEmpty() || (holdValue.isPresent() && hold.isEmpty()) || (!last && hold.isEmpty())) {
        complete = false;
      }
      if (weight.isPresent()) {
        before = weight.get();
        stages.add(new Stage(weight.get(), hold.orElse(null)));
      }
    }
    return complete ? Optional.of(stages) : Optional.empty();
  }

  private static Optional<Promote> promote(Value value) {
    return value.text().flatMap(text -> switch (text) {
      case "auto" -> Optional.of(Promote.AUTO);
      case "manual" -> Optional.of(Promote.MANUAL);
      default -> {
        value.error("expected auto or manual, found `" + text + "`",
            "write promote: auto to move on when the analysis passes, or promote: manual to wait for a Promote click");
        yield Optional.empty();
      }
    });
  }

  private static List<Verification.VerifyCheck> analysis(List<Value> values) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    List<Verification.VerifyCheck> checks = new ArrayList<>();
    for (Value value : values) {
      value.mapping().ifPresent(check -> {
        check.allow(CHECK_KEYS);
        Optional<String> id = check.require("id", "write id: error-rate")
            .flatMap(v -> v.matching(ID, "is not a valid id",
                "use lowercase letters, digits and -, starting with a letter or digit").filter(text -> {
                  Integer earlier = ids.putIfAbsent(text, v.line());
                  if (earlier != null) {
                    v.error("duplicate analysis id `" + text + "`", "already used at line " + earlier);
                  }
                  return earlier == null;
                }));
        Optional<String> title = check.get("title", "write title: 5xx rate below 0.5%").flatMap(Value::text);
        Optional<CheckSpec> spec = check.require("check", "write check: { kind: http, url: \"${APP_URL}/health\" }")
            .flatMap(CheckReader::read);
        if (id.isPresent() && spec.isPresent()) {
          checks.add(new Verification.VerifyCheck(id.get(), title.orElse(id.get()), Verification.Kind.HEALTH,
              spec.get()));
        }
      });
    }
    return checks;
  }

  /**
   * How the target shifts traffic: a command target runs the team's own program with each
   * stage's weight; a GitHub Actions target dispatches its workflow with the weight as an input;
   * an ECS target weighs two target groups in an ALB listener rule's forward action.
   */
  private static Traffic traffic(Mapping fields, Target target) {
    if (target instanceof Target.GithubActions) {
      return fields.get("traffic", "write traffic: { input: weight }")
          .flatMap(Value::mapping)
          .map(traffic -> traffic.allow(List.of("input")).get("input", "write input: weight")
              .flatMap(v -> v.matching(INPUT_NAME, "is not a workflow input name", "use letters, digits, _ and -"))
              .orElse(DEFAULT_INPUT))
          .map(RolloutPlan.Traffic.WorkflowInput::new)
          .orElse(new RolloutPlan.Traffic.WorkflowInput(DEFAULT_INPUT));
    }
    if (target instanceof Target.Ecs ecs) {
      return fields.require("traffic", ECS_TRAFFIC_HINT)
          .flatMap(Value::mapping)
          .map(traffic -> ecsTraffic(traffic.allow(ECS_TRAFFIC_KEYS), ecs))
          .orElse(null);
    }
    if (!(target instanceof Target.Command)) {
      fields.get("stages", "").ifPresent(stages -> stages.error("canary stages need a command, github-actions "
          + "or ecs target; a " + target.kind() + " target cannot shift traffic between two versions here",
          "deploy with target: { command: {...} } and a traffic.weight program, or leave rollout out"));
      return null;
    }
    return fields.require("traffic", TRAFFIC_HINT)
        .flatMap(Value::mapping)
        .map(traffic -> commandTraffic(traffic.allow(TRAFFIC_KEYS)))
        .orElse(null);
  }

  /**
   * An ECS canary: the listener rule (or listener) whose forward action the stages weigh, the
   * stable side (the target's own service) and the canary service, each with its target group.
   */
  private static Traffic ecsTraffic(Mapping traffic, Target.Ecs target) {
    Optional<Value> ruleValue = traffic.get("listenerRule", "write listenerRule: " + RULE_EXAMPLE);
    Optional<Value> listenerValue = traffic.get("listener", "write listener: " + LISTENER_EXAMPLE);
    Optional<String> forwarder = Optional.empty();
    if (ruleValue.isPresent() && listenerValue.isPresent()) {
      listenerValue.get().error("give listenerRule or listener, not both",
          "the stages weigh one forward action: a rule's, or the listener's default action");
    } else if (ruleValue.isPresent()) {
      Value rule = ruleValue.get();
      forwarder = rule.text().filter(text -> {
        if (RULE_ARN.matcher(text).matches()) {
          return true;
        }
        if (LISTENER_ARN.matcher(text).matches()) {
          rule.error("`" + text + "` is a listener ARN, not a listener rule's",
              "to weigh the listener's default action, write listener: instead of listenerRule:");
        } else {
          rule.error("`" + text + "` is not a listener rule ARN", "write listenerRule: " + RULE_EXAMPLE);
        }
        return false;
      });
    } else if (listenerValue.isPresent()) {
      forwarder = listenerValue.get().matching(LISTENER_ARN, "is not a listener ARN",
          "write listener: " + LISTENER_EXAMPLE);
    } else {
      traffic.error("needs listenerRule or listener", "name the ALB listener rule that forwards to both target "
          + "groups: listenerRule: " + RULE_EXAMPLE + ", or listener: <listener ARN> for its default action");
    }
    Optional<Mapping> stable = traffic.require("stable", "write stable: { targetGroup: " + TARGET_GROUP_EXAMPLE + " }")
        .flatMap(Value::mapping)
        .map(side -> side.allow(STABLE_KEYS));
    Optional<Mapping> canary = traffic.require("canary",
        "write canary: { service: web-canary, targetGroup: " + TARGET_GROUP_EXAMPLE + " }")
        .flatMap(Value::mapping)
        .map(side -> side.allow(CANARY_KEYS));
    Optional<String> stableGroup = stable.flatMap(side -> targetGroup(side));
    boolean stableServiceOk = stable.flatMap(side -> side.get("service", "leave service out: it is the target's"))
        .map(value -> value.text().filter(name -> {
          if (!name.equals(target.service())) {
            value.error("the stable service is the target's, `" + target.service() + "`, not `" + name + "`",
                "leave service out of stable, or name the target's service");
          }
          return name.equals(target.service());
        }).isPresent())
        .orElse(true);
    Optional<String> canaryService = canary.flatMap(side -> side.require("service", "write service: web-canary")
        .flatMap(value -> value.text().filter(name -> {
          if (name.equals(target.service())) {
            value.error("the canary service must be another service than the stable one (`" + name + "`)",
                "run the new version in a second ECS service of the same cluster, e.g. " + name + "-canary");
          }
          return !name.equals(target.service());
        })));
    Optional<String> canaryGroup = canary.flatMap(side -> targetGroup(side));
    if (stableGroup.isPresent() && canaryGroup.isPresent() && stableGroup.get().equals(canaryGroup.get())) {
      canary.get().get("targetGroup", "").ifPresent(value -> value.error("is the stable side's target group too",
          "each service has its own target group; the rule weighs one against the other"));
      canaryGroup = Optional.empty();
    }
    Optional<Integer> desired = canary.flatMap(side -> side.get("desiredCount", "write desiredCount: 1"))
        .map(value -> value.integer(1, 1000))
        .orElse(Optional.of(1));
    if (forwarder.isEmpty() || stableGroup.isEmpty() || !stableServiceOk || canaryService.isEmpty()
        || canaryGroup.isEmpty() || desired.isEmpty()) {
      return null;
    }
    return new Traffic.TargetGroups(forwarder.get(), target.service(), stableGroup.get(), canaryService.get(),
        canaryGroup.get(), desired.get());
  }

  private static Optional<String> targetGroup(Mapping side) {
    return side.require("targetGroup", "write targetGroup: " + TARGET_GROUP_EXAMPLE)
        .flatMap(value -> value.matching(TARGET_GROUP_ARN, "is not a target group ARN",
            "write targetGroup: " + TARGET_GROUP_EXAMPLE));
  }

  private static Traffic commandTraffic(Mapping traffic) {
    Optional<Value> weightValue = traffic.require("weight", WEIGHT_ARGV_HINT);
    Optional<List<String>> weight = weightValue.flatMap(RolloutReader::argv);
    Optional<Optional<List<String>>> promote = traffic.get("promote",
        "write promote: [\"./deploy.sh\", \"promote\", \"{version}\"]").map(RolloutReader::argv);
    Optional<Optional<List<String>>> abort = traffic.get("abort",
        "write abort: [\"./deploy.sh\", \"abort\", \"{version}\"]").map(RolloutReader::argv);
    if (weight.isEmpty() || promote.map(Optional::isEmpty).orElse(false)
        || abort.map(Optional::isEmpty).orElse(false)) {
      return null;
    }
    if (weight.get().stream().noneMatch(arg -> PlaceholderUses.in(arg).contains("weight"))) {
      weightValue.get().error("never passes `{weight}`",
          "the command learns each stage's share of traffic from {weight}: " + WEIGHT_ARGV_HINT);
      return null;
    }
    return new Traffic.Command(weight.get(), promote.flatMap(p -> p).orElse(List.of()),
        abort.flatMap(a -> a).orElse(List.of()));
  }

  private static Optional<List<String>> argv(Value value) {
    Optional<List<Value>> elements = value.nonEmptyList();
    elements.ifPresent(list -> {
      for (Value scalar : value.scalars()) {
        for (String name : PlaceholderUses.in(((ScalarNode) scalar.node()).getValue())) {
          if (!TRAFFIC_PLACEHOLDERS.contains(name)) {
            scalar.error("unknown placeholder `{" + name + "}`", "the placeholders are {service}, {version}, "
                + "{environment} and {weight}");
          }
        }
      }
    });
    return elements.flatMap(CheckReader::strings);
  }
}
