package dev.preflight.checklists.checklist;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What an automated item runs and what it expects to see. String values may hold
 * {@code ${ENV_NAME}} references, resolved when the check runs.
 */
public sealed interface CheckSpec {

  String kind();

  Timing timing();

  /**
   * @param timeout the limit of one attempt
   * @param retries how many more attempts after a failed one
   * @param interval the pause between attempts
   */
  record Timing(Duration timeout, int retries, Duration interval) {

    /** Used when a spec was built without one; config always sets it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** The longest a check can take: every attempt using its whole timeout, with the pauses between. */
    public Duration longest() {
      Duration each = timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
      int more = Math.max(0, retries);
      Duration pause = interval == null || interval.isNegative() ? Duration.ZERO : interval;
      return each.multipliedBy(more + 1L).plus(pause.multipliedBy(more));
    }
  }

  /**
   * @param expectStatus accepted status codes; never empty
   * @param expectJson JSON pointer → expected value (a string, number, boolean or null)
   * @param bodyContains text the body must contain, or null
   * @param maxLatency the slowest acceptable answer, or null
   */
  record Http(
      String method,
      String url,
      Map<String, String> headers,
      String body,
      List<Integer> expectStatus,
      Map<String, Object> expectJson,
      String bodyContains,
      Duration maxLatency,
      Timing timing) implements CheckSpec {

    public Http {
      headers = Map.copyOf(headers);
      expectStatus = List.copyOf(expectStatus);
      expectJson = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(expectJson));
    }

    @Override
    public String kind() {
      return "http";
    }
  }

  /**
   * @param databaseUrlEnv the environment variable that holds a postgresql:// URL
   * @param expectRows the row count expected, or null
   * @param expectValue the first column of the first row, as text, or null
   */
  record Sql(String databaseUrlEnv, String query, Integer expectRows, String expectValue, Timing timing)
      implements CheckSpec {

    @Override
    public String kind() {
      return "sql";
    }
  }

  /**
   * @param argv the program and its arguments; never run through a shell
   * @param workdir the working directory, or null for the bot's own
   * @param outputContains text stdout or stderr must contain, or null
   */
  record Command(
      List<String> argv,
      String workdir,
      Map<String, String> env,
      int expectExitCode,
      String outputContains,
      Timing timing) implements CheckSpec {

    public Command {
      argv = List.copyOf(argv);
      env = Map.copyOf(env);
    }

    @Override
    public String kind() {
      return "command";
    }
  }

  /** A Secrets Manager secret exists; its value is never read. */
  record AwsSecret(String secretId, String region, Timing timing) implements CheckSpec {
    @Override
    public String kind() {
      return "aws-secret";
    }
  }

  /** An ECS service is ACTIVE, running equals desired, and its primary deployment is COMPLETED. */
  record EcsService(String cluster, String service, String region, Timing timing) implements CheckSpec {
    @Override
    public String kind() {
      return "ecs-service";
    }
  }

  /**
   * Ordered HTTP steps; a value captured from one step's JSON answer is available to later
   * steps as {@code {name}} in their URL, headers, body and expected values.
   */
  record Smoke(List<Step> steps, Timing timing) implements CheckSpec {

    public Smoke {
      steps = List.copyOf(steps);
    }

    @Override
    public String kind() {
      return "smoke";
    }

    /**
     * @param capture name → JSON pointer into this step's answer
     * @param expectStatus accepted status codes; never empty
     * @param maxLatency the slowest acceptable answer, or null
     */
    public record Step(
        String name,
        String method,
        String url,
        Map<String, String> headers,
        String body,
        List<Integer> expectStatus,
        Map<String, Object> expectJson,
        String bodyContains,
        Duration maxLatency,
        Map<String, String> capture) {

      public Step {
        headers = Map.copyOf(headers);
        expectStatus = List.copyOf(expectStatus);
        expectJson = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(expectJson));
        capture = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(capture));
      }
    }
  }
}
