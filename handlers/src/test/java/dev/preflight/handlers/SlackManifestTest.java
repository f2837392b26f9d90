package dev.preflight.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Slack app manifests in {@code slack/} ask for exactly what the code uses. What the code uses
 * is read from its sources: the commands and events registered on the Bolt app, whether any block
 * action or view is listened to, and every Web API method called through {@code SlackApi.call},
 * turned into bot scopes by the table below (Slack's documented scope per method and event).
 */
class SlackManifestTest {

  static final Path SOURCES = Path.of("src/main/java");
  static final Path MANIFESTS = Path.of("../slack");
  static final String EVENTS_PATH = "/slack/events";

  /** The bot scope each Web API method needs; methods that need none map to an empty set. */
  static final Map<String, Set<String>> METHOD_SCOPES = Map.ofEntries(
      Map.entry("auth.test", Set.of()),
      Map.entry("chat.postMessage", Set.of("chat:write")),
      Map.entry("chat.update", Set.of("chat:write")),
      Map.entry("chat.postEphemeral", Set.of("chat:write")),
      Map.entry("chat.getPermalink", Set.of()),
      // A run message whose ts was lost in a crash is found again by its metadata, in public and private channels.
      Map.entry("conversations.history", Set.of("channels:history", "groups:history")),
      Map.entry("conversations.open", Set.of("im:write")),
      Map.entry("views.open", Set.of()),
      Map.entry("views.publish", Set.of()),
      Map.entry("views.update", Set.of()),
      Map.entry("views.push", Set.of()),
      Map.entry("usergroups.users.list", Set.of("usergroups:read")),
      Map.entry("files.getUploadURLExternal", Set.of("files:write")),
      Map.entry("files.completeUploadExternal", Set.of("files:write")));

  /** The bot scope each subscribed event needs. */
  static final Map<String, Set<String>> EVENT_SCOPES = Map.of(
      "app_home_opened", Set.of(),
      "reaction_added", Set.of("reactions:read"),
      "reaction_removed", Set.of("reactions:read"));

  private static final Pattern COMMAND = Pattern.compile("\\bapp\\.command\\(\\s*(?:\"([^\"]+)\"|(\\w+)\\.(\\w+))");
  private static final Pattern EVENT = Pattern.compile("\\bapp\\.event\\(\\s*(\\w+)\\.class");
  private static final Pattern INTERACTIVE = Pattern.compile(
      "\\bapp\\.(blockAction|viewSubmission|viewClosed|blockSuggestion|globalShortcut|messageShortcut)\\(");
  private static final Pattern METHOD = Pattern.compile("\\bcall\\(\\s*\"([a-z]+(?:\\.[A-Za-z]+)+)\"");

  private static Used used;

  /** What the code uses, read once from its sources. */
  record Used(Set<String> commands, Set<String> events, boolean interactive, Set<String> methods) {

    Set<String> scopes() {
      Set<String> scopes = new TreeSet<>();
      for (String method : methods) {
        Set<String> needed = METHOD_SCOPES.get(method);
        if (needed == null) {
          fail("the code calls " + method + ", which SlackManifestTest.METHOD_SCOPES does not know: add the "
              + "bot scope Slack documents for it to the table and to both manifests");
        }
        scopes.addAll(needed);
      }
      for (String event : events) {
        Set<String> needed = EVENT_SCOPES.get(event);
        if (needed == null) {
          fail("the code listens to " + event + ", which SlackManifestTest.EVENT_SCOPES does not know");
        }
        scopes.addAll(needed);
      }
      if (!commands.isEmpty()) {
        scopes.add("commands");
      }
      return scopes;
    }
  }

  @BeforeAll
  static void readTheCode() throws IOException {
    Set<String> commands = new TreeSet<>();
    Set<String> events = new TreeSet<>();
    Set<String> methods = new TreeSet<>();
    boolean interactive = false;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    for (Path file : files) {
      String source = Files.readString(file);
      Matcher command = COMMAND.matcher(source);
      while (command.find()) {
        commands.add(command.group(1) != null ? command.group(1)
            : constant(files, command.group(2), command.group(3)));
      }
      Matcher event = EVENT.matcher(source);
      while (event.find()) {
        events.add(eventType(source, event.group(1)));
      }
      interactive |= INTERACTIVE.matcher(source).find();
      Matcher method = METHOD.matcher(source);
      while (method.find()) {
        methods.add(method.group(1));
      }
    }
    // Bolt checks the bot token with auth.test before it runs the first listener.
    methods.add("auth.test");
    used = new Used(commands, events, interactive, methods);
  }

  @ParameterizedTest
  @ValueSource(strings = {"manifest.yaml", "manifest.socket-mode.yaml"})
  void everySlashCommandTheBotAnswersIsListedWithAUsageHintAndNoOther(String name) throws IOException {
    assertFalse(used.commands().isEmpty(), "the scan found the commands registered on the Bolt app");
    Set<String> listed = new TreeSet<>();
    List<Map<String, Object>> commands = list(at(manifest(name), "features", "slash_commands"));
    for (Map<String, Object> command : commands) {
      String text = (String) command.get("command");
      listed.add(text);
      assertFalse(String.valueOf(command.get("description")).isBlank(), name + ": " + text + " needs a description");
      assertFalse(String.valueOf(command.getOrDefault("usage_hint", "")).isBlank(),
          name + ": " + text + " needs a usage_hint");
    }
    assertEquals(used.commands(), listed, name + ": slash commands (left: registered in the code)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"manifest.yaml", "manifest.socket-mode.yaml"})
  void theBotEventsAreExactlyTheOnesListenedTo(String name) throws IOException {
    assertFalse(used.events().isEmpty(), "the scan found the events registered on the Bolt app");
    List<String> listed = list(at(manifest(name), "settings", "event_subscriptions", "bot_events"));
    assertEquals(used.events(), new TreeSet<>(listed), name + ": bot_events (left: listened to in the code)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"manifest.yaml", "manifest.socket-mode.yaml"})
  void theBotScopesAreExactlyTheOnesTheCodeNeeds(String name) throws IOException {
    Set<String> listed = new TreeSet<>(list(at(manifest(name), "oauth_config", "scopes", "bot")));
    Set<String> needed = used.scopes();
    Set<String> missing = new TreeSet<>(needed);
    missing.removeAll(listed);
    Set<String> unused = new TreeSet<>(listed);
    unused.removeAll(needed);
    assertTrue(missing.isEmpty(), name + ": scopes the code needs but the manifest lacks: " + missing
        + " (methods called: " + used.methods() + ")");
    assertTrue(unused.isEmpty(), name + ": scopes listed that no code uses: " + unused);
  }

  @ParameterizedTest
  @ValueSource(strings = {"manifest.yaml", "manifest.socket-mode.yaml"})
  void interactivityAndTheHomeTabAreOnBecauseTheCodeUsesThem(String name) throws IOException {
    Map<String, Object> manifest = manifest(name);
    assertEquals(used.interactive(), at(manifest, "settings", "interactivity", "is_enabled"), name);
    boolean home = used.events().contains("app_home_opened") && used.methods().contains("views.publish");
    assertEquals(home, at(manifest, "features", "app_home", "home_tab_enabled"), name);
  }

  @Test
  void theHttpManifestSendsEverythingToTheOneSlackEndpoint() throws IOException {
    Map<String, Object> manifest = manifest("manifest.yaml");
    assertEquals(false, at(manifest, "settings", "socket_mode_enabled"));
    List<String> urls = new ArrayList<>();
    List<Map<String, Object>> commands = list(at(manifest, "features", "slash_commands"));
    for (Map<String, Object> command : commands) {
      urls.add((String) command.get("url"));
    }
    urls.add((String) at(manifest, "settings", "event_subscriptions", "request_url"));
    urls.add((String) at(manifest, "settings", "interactivity", "request_url"));
    for (String url : urls) {
      assertNotNull(url, "every command, the events and interactivity have a request URL");
      assertTrue(url.startsWith("https://") && url.endsWith(EVENTS_PATH), url);
    }
  }

  @Test
  void theSocketModeManifestHasNoUrlsAndOtherwiseMatchesTheHttpOne() throws IOException {
    Map<String, Object> socket = manifest("manifest.socket-mode.yaml");
    assertEquals(true, at(socket, "settings", "socket_mode_enabled"));
    String text = Files.readString(MANIFESTS.resolve("manifest.socket-mode.yaml"));
    assertFalse(text.contains("url:"), "Socket Mode needs no request URLs");
    Map<String, Object> http = manifest("manifest.yaml");
    assertEquals(withoutUrls(http), withoutUrls(socket), "the two manifests differ only in how Slack reaches the bot");
  }

  // ---- reading ---------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static Map<String, Object> manifest(String name) throws IOException {
    try (InputStream in = Files.newInputStream(MANIFESTS.resolve(name))) {
      return (Map<String, Object>) new Yaml().load(in);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> map, String... path) {
    Object node = map;
    for (String key : path) {
      assertTrue(node instanceof Map, "no " + String.join(".", path) + " in the manifest");
      node = ((Map<String, Object>) node).get(key);
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Object node) {
    assertTrue(node instanceof List, "expected a list, found " + node);
    return (List<T>) node;
  }

  /** The manifest with every URL and the Socket Mode switch taken out. */
  @SuppressWarnings("unchecked")
  private static Object withoutUrls(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new java.util.TreeMap<>();
      ((Map<String, Object>) map).forEach((key, value) -> {
        if (!key.equals("url") && !key.equals("request_url") && !key.equals("socket_mode_enabled")) {
          copy.put(key, withoutUrls(value));
        }
      });
      return copy;
    }
    if (node instanceof List<?> list) {
      return list.stream().map(SlackManifestTest::withoutUrls).toList();
    }
    return node;
  }

  /** The value of {@code Owner.NAME}, a string constant declared in the main sources. */
  private static String constant(List<Path> files, String owner, String name) {
    Path file = files.stream().filter(p -> p.getFileName().toString().equals(owner + ".java")).findFirst()
        .orElseThrow(() -> new AssertionError("no source for " + owner));
    String className = SOURCES.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
    try {
      Field field = Class.forName(className).getDeclaredField(name);
      field.setAccessible(true);
      return (String) field.get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot read " + owner + "." + name, e);
    }
  }

  /** The Events API type of an SDK event class imported by {@code source}: its {@code TYPE_NAME}. */
  private static String eventType(String source, String simpleName) {
    Matcher imported = Pattern.compile("import\\s+([\\w.]+\\." + simpleName + ");").matcher(source);
    String className = imported.find() ? imported.group(1) : "com.slack.api.model.event." + simpleName;
    try {
      return (String) Class.forName(className).getField("TYPE_NAME").get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot read the event type of " + className, e);
    }
  }
}
