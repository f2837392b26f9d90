package dev.preflight.bot.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.ConfigError;
import dev.preflight.checklists.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The manifests in deploy/kubernetes, checked without kubectl: every file parses, every
 * reference between them resolves, the probes ask for routes the bot serves, every environment
 * variable is one the bot (or the config it mounts) reads, and the mounted config is valid.
 */
class KubernetesManifestsTest {

  static final Path DIR = Path.of("../deploy/kubernetes");
  private static final Path VERTICLE = Path.of("src/main/java/dev/preflight/bot/PreflightVerticle.java");
  private static final Path SETTINGS = Path.of("src/main/java/dev/preflight/bot/BotSettings.java");

  @TempDir
  Path tmp;

  @Test
  void everyManifestParsesAndNamesItsKind() throws IOException {
    List<Path> files = yamlFiles();
    assertTrue(files.size() >= 8, "manifests found: " + files);
    for (Path file : files) {
      for (Map<String, Object> doc : documents(file)) {
        assertNotNull(doc.get("apiVersion"), file + ": apiVersion");
        assertNotNull(doc.get("kind"), file + ": kind");
        if (!"Kustomization".equals(doc.get("kind"))) {
          assertNotNull(map(doc, "metadata").get("name"), file + ": metadata.name");
        }
      }
    }
  }

  @Test
  void kustomizationsListFilesThatExistAndSocketModeNeedsNoIngress() throws IOException {
    Map<String, Object> base = only(DIR.resolve("kustomization.yaml"));
    for (String resource : strings(base.get("resources"))) {
      assertTrue(Files.isRegularFile(DIR.resolve(resource)), "base lists " + resource);
    }
    assertFalse(kinds(strings(base.get("resources")), DIR).contains("Ingress"), "Socket Mode exposes nothing");
    assertFalse(kinds(strings(base.get("resources")), DIR).contains("Secret"),
        "applying the manifests must never overwrite the real Secret");

    Map<String, Object> http = only(DIR.resolve("http-mode/kustomization.yaml"));
    List<String> resources = strings(http.get("resources"));
    assertTrue(resources.contains("../"), "HTTP mode builds on the base");
    assertTrue(kinds(resources, DIR.resolve("http-mode")).contains("Ingress"), "HTTP mode adds an Ingress");
  }

  @Test
  void twoReplicasProbeRoutesTheBotServes() throws IOException {
    Map<String, Object> container = container();
    assertEquals(2, map(only(DIR.resolve("deployment.yaml")), "spec").get("replicas"));
    Set<String> routes = routes();
    String liveness = (String) map(map(container, "livenessProbe"), "httpGet").get("path");
    String readiness = (String) map(map(container, "readinessProbe"), "httpGet").get("path");
    String startup = (String) map(map(container, "startupProbe"), "httpGet").get("path");
    assertEquals("/healthz", liveness);
    assertEquals("/readyz", readiness);
    assertTrue(routes.containsAll(List.of(liveness, readiness, startup)), "the bot serves " + routes);

    // The probes and the Service name the port the container declares, and the bot listens there.
    Map<String, Object> port = maps(container.get("ports")).get(0);
    assertEquals("http", map(map(container, "livenessProbe"), "httpGet").get("port"));
    assertEquals("http", port.get("name"));
    assertEquals(String.valueOf(port.get("containerPort")), env(container).get("PORT"));
    assertEquals("http", maps(map(only(DIR.resolve("service.yaml")), "spec").get("ports")).get(0).get("targetPort"));
  }

  @Test
  void theReplicasTogetherStayWithinSlacksRateLimits() throws IOException {
    int replicas = (Integer) map(only(DIR.resolve("deployment.yaml")), "spec").get("replicas");
    String share = env(container()).get("SLACK_RATE_SHARE");
    assertTrue(share != null, "with " + replicas + " replicas each must set SLACK_RATE_SHARE, or together they "
        + "spend " + replicas + " times Slack's budget");
    assertTrue(replicas * Double.parseDouble(share) <= 1.0, replicas + " replicas x SLACK_RATE_SHARE " + share);
  }

  /** Read by the runtime under the bot rather than the bot: glibc (docs/operations.md, the JVM flags). */
  private static final Set<String> PROCESS_SETTINGS = Set.of("MALLOC_ARENA_MAX");

  @Test
  void theProcessKeepsGlibcToTwoMallocArenas() throws IOException {
    assertEquals("2", env(container()).get("MALLOC_ARENA_MAX"));
  }

  @Test
  void everyEnvironmentVariableIsOneTheBotOrItsConfigReads() throws IOException {
    Set<String> settings = settingNames();
    assertTrue(settings.containsAll(List.of("DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "PORT")),
        "names read from BotSettings: " + settings);
    Set<String> config = configReferences();
    Map<String, Object> secret = only(DIR.resolve("secret.example.yaml"));
    Set<String> secretKeys = map(secret, "stringData").keySet();

    for (Map<String, Object> variable : maps(container().get("env"))) {
      String name = (String) variable.get("name");
      assertTrue(settings.contains(name) || config.contains(name) || PROCESS_SETTINGS.contains(name),
          name + " is neither read by BotSettings nor referenced as ${" + name + "} by the mounted config");
      if (variable.get("valueFrom") != null) {
        Map<String, Object> ref = map(map(variable, "valueFrom"), "secretKeyRef");
        assertEquals(map(secret, "metadata").get("name"), ref.get("name"), name);
        assertTrue(secretKeys.contains(ref.get("key")), name + " reads key " + ref.get("key") + " the Secret lacks");
      }
    }
    for (String key : secretKeys) {
      assertTrue(settings.contains(key) || config.contains(key), "the Secret holds " + key + ", which nothing reads");
    }
    Set<String> set = env(container()).keySet();
    assertTrue(set.contains("SLACK_APP_TOKEN"), "Socket Mode by default");
    assertTrue(set.contains("DATABASE_URL"), "replicas share an external PostgreSQL");
  }

  @Test
  void theMountedConfigAndChecklistsAreValid() throws IOException {
    Map<String, Object> container = container();
    Path configPath = Path.of(env(container).get("PREFLIGHT_CONFIG"));
    Map<String, String> mounts = new java.util.HashMap<>();
    for (Map<String, Object> mount : maps(container.get("volumeMounts"))) {
      mounts.put((String) mount.get("name"), (String) mount.get("mountPath"));
    }
    Map<String, String> configMaps = new java.util.HashMap<>();
    for (Map<String, Object> volume : maps(map(map(map(only(DIR.resolve("deployment.yaml")), "spec"), "template"), "spec")
        .get("volumes"))) {
      if (volume.get("configMap") != null) {
        configMaps.put((String) volume.get("name"), (String) map(volume, "configMap").get("name"));
      }
    }
    assertEquals(configPath.toString(), mounts.get("config"), "PREFLIGHT_CONFIG is the mounted preflight.yaml");

    // Lay the ConfigMaps out as the pod sees them, then load the config as the bot does.
    Path root = tmp.resolve("pod");
    for (Map.Entry<String, String> volume : configMaps.entrySet()) {
      Map<String, Object> configMap = configMap(volume.getValue());
      String mountPath = mounts.get(volume.getKey());
      assertNotNull(mountPath, "volume " + volume.getKey() + " is mounted");
      for (Map.Entry<String, Object> entry : map(configMap, "data").entrySet()) {
        Path file = mountPath.endsWith("/" + entry.getKey())
            ? root.resolve(mountPath.substring(1))
            : root.resolve(mountPath.substring(1)).resolve(entry.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, (String) entry.getValue());
      }
    }
    Path preflightYaml = root.resolve(configPath.toString().substring(1));
    assertTrue(Files.isRegularFile(preflightYaml), "preflight.yaml comes from a ConfigMap");
    List<ConfigError> errors = ConfigLoader.validate(preflightYaml);
    assertEquals(List.of(), errors);
    assertFalse(ConfigLoader.load(preflightYaml).checklists().isEmpty(), "the checklists ConfigMap is read");
  }

  @Test
  void resourcesAreSetAndTheDisruptionBudgetKeepsOneReplica() throws IOException {
    Map<String, Object> resources = map(container(), "resources");
    long request = bytes((String) map(resources, "requests").get("memory"));
    long limit = bytes((String) map(resources, "limits").get("memory"));
    assertTrue(request > 0 && request <= limit, "memory request " + request + " within limit " + limit);

    Map<String, Object> pdb = only(DIR.resolve("poddisruptionbudget.yaml"));
    assertEquals("PodDisruptionBudget", pdb.get("kind"));
    assertEquals(1, map(pdb, "spec").get("minAvailable"));
    Map<String, Object> labels = map(map(map(map(only(DIR.resolve("deployment.yaml")), "spec"), "template"), "metadata"),
        "labels");
    assertTrue(labels.entrySet().containsAll(map(map(map(pdb, "spec"), "selector"), "matchLabels").entrySet()),
        "the budget selects the bot's pods");
  }

  @Test
  void theIngressRoutesOnlyWhatSlackAndAlertSourcesCall() throws IOException {
    Map<String, Object> ingress = only(DIR.resolve("http-mode/ingress.yaml"));
    Set<String> routes = routes();
    String service = (String) map(only(DIR.resolve("service.yaml")), "metadata").get("name");
    for (Map<String, Object> rule : maps(map(ingress, "spec").get("rules"))) {
      for (Map<String, Object> path : maps(map(rule, "http").get("paths"))) {
        String route = (String) path.get("path");
        assertTrue(routes.stream().anyMatch(served -> served.equals(route) || served.startsWith(route + "/")),
            route + " is not served by the bot: " + routes);
        assertFalse(route.startsWith("/metrics"), "metrics stay inside the cluster");
        assertEquals(service, map(map(path, "backend"), "service").get("name"));
      }
    }
  }

  // --- what the bot reads and serves, from its sources ---

  /** Every whole string literal in BotSettings that looks like an environment variable name. */
  static Set<String> settingNames() throws IOException {
    return firstGroups("\"([A-Z][A-Z0-9_]*)\"", Files.readString(SETTINGS));
  }

  /** The paths the bot's router answers, from PreflightVerticle. */
  static Set<String> routes() throws IOException {
    return firstGroups("router\\.(?:get|post|route)\\(\"([^\"]+)\"\\)", Files.readString(VERTICLE));
  }

  /** Every ${NAME} the ConfigMaps' config and checklists reference. */
  private static Set<String> configReferences() throws IOException {
    Set<String> names = new HashSet<>();
    for (String name : List.of("preflight-config", "preflight-checklists")) {
      for (Object text : map(configMap(name), "data").values()) {
        names.addAll(firstGroups("\\$\\{([A-Z][A-Z0-9_]*)}", (String) text));
      }
    }
    return names;
  }

  private static Set<String> firstGroups(String regex, String text) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    Set<String> found = new HashSet<>();
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  // --- reading the manifests ---

  private static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(DIR)) {
      return walk.filter(file -> file.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(Path file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new LoaderOptions()).loadAll(Files.readString(file))) {
      if (doc != null) {
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  static Map<String, Object> only(Path file) throws IOException {
    List<Map<String, Object>> docs = documents(file);
    assertEquals(1, docs.size(), file + " holds one document");
    return docs.get(0);
  }

  private static Set<String> kinds(List<String> resources, Path folder) throws IOException {
    Set<String> kinds = new HashSet<>();
    for (String resource : resources) {
      Path path = folder.resolve(resource);
      if (Files.isRegularFile(path)) {
        documents(path).forEach(doc -> kinds.add((String) doc.get("kind")));
      }
    }
    return kinds;
  }

  private static Map<String, Object> configMap(String name) throws IOException {
    for (Path file : yamlFiles()) {
      for (Map<String, Object> doc : documents(file)) {
        if ("ConfigMap".equals(doc.get("kind")) && name.equals(map(doc, "metadata").get("name"))) {
          return doc;
        }
      }
    }
    throw new AssertionError("no ConfigMap named " + name);
  }

  private static Map<String, Object> container() throws IOException {
    Map<String, Object> deployment = only(DIR.resolve("deployment.yaml"));
    List<Map<String, Object>> containers = maps(map(map(map(deployment, "spec"), "template"), "spec").get("containers"));
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  private static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (Map<String, Object> variable : maps(container.get("env"))) {
      env.put((String) variable.get("name"), variable.get("value") == null ? "" : String.valueOf(variable.get("value")));
    }
    return env;
  }

  private static long bytes(String quantity) {
    Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
    assertTrue(m.matches(), "memory in Mi or Gi: " + quantity);
    return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024L * 1024 * 1024 : 1024L * 1024);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertTrue(value instanceof Map, key + " is a mapping in " + parent.keySet());
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> maps(Object value) {
    assertTrue(value instanceof List, "a list: " + value);
    return (List<Map<String, Object>>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    assertTrue(value instanceof List, "a list: " + value);
    return (List<String>) value;
  }
}
