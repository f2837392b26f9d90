package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.config.ConfigException;
import dev.preflight.checklists.config.ConfigLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * docs/schema/ against every example: each names its schema on its first line, as editors read
 * it, and is valid under it; configs the validator refuses are refused by the schema too.
 */
class ConfigSchemaTest {

  private static final Path ROOT = Path.of("..");
  private static final Path SCHEMAS = ROOT.resolve("docs/schema");
  private static final String BASE = "https://schema.preflight.invalid/";
  private static final Pattern HEADER = Pattern.compile("# yaml-language-server: \\$schema=(\\S+)");

  private static SchemaRepository schemas;

  @TempDir
  Path dir;

  @BeforeAll
  static void loadSchemas() throws IOException {
    schemas = SchemaRepository.create(new JsonSchemaOptions()
        .setDraft(Draft.DRAFT202012)
        .setBaseUri(BASE)
        .setOutputFormat(OutputFormat.Basic));
    for (String name : List.of("checklist.schema.json", "preflight.schema.json")) {
      schemas.dereference(BASE + name, JsonSchema.of(new JsonObject(Files.readString(SCHEMAS.resolve(name)))));
    }
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT.resolve("checklists/examples"))) {
      List<Path> examples = files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
      assertTrue(examples.size() >= 7, "the examples are found: " + examples);
      return Stream.concat(Stream.of(ROOT.resolve("preflight.yaml")), examples.stream());
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleNamesItsSchemaOnItsFirstLineAndIsValidUnderIt(Path example) throws IOException {
    String firstLine = Files.readAllLines(example).get(0);
    Matcher header = HEADER.matcher(firstLine);
    assertTrue(header.matches(), example + " starts with the yaml-language-server comment: " + firstLine);
    Path schema = example.getParent().resolve(header.group(1)).normalize();
    assertTrue(Files.isRegularFile(schema), example + " points at a schema that exists: " + schema);
    assertEquals(SCHEMAS.normalize(), schema.getParent(), "the schema is one of docs/schema/");

    OutputUnit result = validate(schema.getFileName().toString(), Files.readString(example));
    assertTrue(result.getValid(), example + " is valid under " + schema + ":\n" + describe(result));
  }

  @Test
  void theRootConfigAndTheSystemsUseTheConfigSchemaAndChecklistsTheChecklistSchema() throws IOException {
    assertTrue(Files.readString(ROOT.resolve("preflight.yaml")).startsWith(
        "# yaml-language-server: $schema=docs/schema/preflight.schema.json\n"));
    assertTrue(Files.readString(ROOT.resolve("checklists/examples/klk-predeploy.yaml")).startsWith(
        "# yaml-language-server: $schema=../../docs/schema/checklist.schema.json\n"));
    assertTrue(Files.readString(ROOT.resolve("checklists/examples/systems/fluxion-ecs.yaml")).startsWith(
        "# yaml-language-server: $schema=../../../docs/schema/preflight.schema.json\n"));
  }

  /** A checklist with one item; {@code item} replaces that item's lines. */
  private static final String CHECKLIST = String.join("\n",
      "id: release",
      "title: Release",
      "sections:",
      "  - title: Service",
      "    items:",
      "%s",
      "");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a misspelt key             | '      - { id: health, title: Health, blockr: true }'                                              | additionalProperties
      an id with capitals        | '      - { id: Health, title: Health }'                                                            | pattern
      an unknown check kind      | '      - { id: health, title: Health, check: { kind: htp, url: "https://x/health" } }'           | enum
      an http check without url  | '      - { id: health, title: Health, check: { kind: http } }'                                    | required
      a key of another kind      | '      - { id: health, title: Health, check: { kind: http, url: "https://x/", query: SELECT 1 } }' | additionalProperties
      a duration without unit    | '      - { id: health, title: Health, check: { kind: http, url: "https://x/", timeout: 10 } }'   | type
      too many retries           | '      - { id: health, title: Health, check: { kind: http, url: "https://x/", retries: 50 } }'   | maximum
      an argv written as a line  | '      - { id: status, title: Status, check: { kind: command, argv: "./deploy.sh status" } }'    | type
      a sql check with two expectations | '      - { id: db, title: DB, check: { kind: sql, databaseUrlEnv: DB, query: SELECT 1, expect: { rows: 1, value: "1" } } }' | maxProperties
      a url without scheme       | '      - { id: health, title: Health, check: { kind: http, url: "host/health" } }'               | pattern
      """)
  void aBrokenChecklistIsRefusedByTheSchemaAndByTheValidator(String what, String item, String keyword)
      throws IOException {
    String yaml = CHECKLIST.formatted(item);
    assertRefused("checklist.schema.json", yaml, what, keyword);

    Path file = Files.writeString(dir.resolve("release.yaml"), yaml);
    assertThrows(ConfigException.class, () -> ConfigLoader.loadChecklist(file), what + " is refused by validate");
  }

  @Test
  void theChecklistTemplateItselfIsValid() throws IOException {
    String yaml = CHECKLIST.formatted("      - { id: health, title: Health, blocker: true, check: { kind: http, url: \"https://x/\" } }");
    assertTrue(validate("checklist.schema.json", yaml).getValid(), "the broken cases differ from it in one place only");
    ConfigLoader.loadChecklist(Files.writeString(dir.resolve("release.yaml"), yaml));
  }

  /** A config with one environment; {@code environment} replaces its lines. */
  private static final String CONFIG = String.join("\n",
      "roles:",
      "  sre: { users: [U0AAAAAA1] }",
      "channels:",
      "  deploys: C0AAAAAA1",
      "checklists: [checklists]",
      "services:",
      "  backend:",
      "    environments:",
      "      production:",
      "%s",
      "");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a target without deployers   | '        { checklist: release, target: { command: { deploy: ["./deploy.sh"] } } }'                                | dependentRequired
      two targets                   | '        { checklist: release, deployers: [sre], target: { command: { deploy: [a] }, ecs: { cluster: c, service: s, container: x } } }' | maxProperties
      a token written in the config | '        { checklist: release, deployers: [sre], target: { github-actions: { owner: o, repo: r, workflow: d.yml, token: ghp_abc } } }' | pattern
      an unknown rollback mode      | '        { checklist: release, abort: { rollback: sometimes } }'                                                   | enum
      a watch without for           | '        { checklist: release, watch: { every: 5m } }'                                                             | required
      an environment without checklist | '        { channel: deploys }'                                                                                 | required
      """)
  void aBrokenConfigIsRefusedByTheSchemaAndByTheValidator(String what, String environment, String keyword)
      throws IOException {
    String yaml = CONFIG.formatted(environment);
    assertRefused("preflight.schema.json", yaml, what, keyword);

    Path checklists = Files.createDirectories(dir.resolve("checklists"));
    Files.writeString(checklists.resolve("release.yaml"),
        CHECKLIST.formatted("      - { id: notes, title: Notes written }"));
    Path file = Files.writeString(dir.resolve("preflight.yaml"), yaml);
    assertFalse(ConfigLoader.validate(file).isEmpty(), what + " is refused by validate");
  }

  @Test
  void aConfigWithoutChecklistsIsRefused() {
    OutputUnit result = validate("preflight.schema.json", "services: {}\n");
    assertFalse(result.getValid());
    assertTrue(describe(result).contains("checklists"), describe(result));
  }

  private static void assertRefused(String schema, String yaml, String what, String keyword) {
    OutputUnit result = validate(schema, yaml);
    assertFalse(result.getValid(), what + " is refused by the schema");
    assertTrue(describe(result).contains(keyword), what + " is refused for its " + keyword + ":\n" + describe(result));
  }

  private static OutputUnit validate(String schema, String yaml) {
    Object instance = json(new Yaml().compose(new StringReader(yaml)));
    return schemas.validator(BASE + schema).validate(instance);
  }

  /**
   * The YAML as the config reader sees it (SnakeYAML's node tags), in JSON form: keys are their
   * text, {@code true}/{@code false} are booleans, numbers are numbers, the rest strings.
   */
  private static Object json(Node node) {
    if (node instanceof MappingNode mapping) {
      JsonObject object = new JsonObject();
      for (NodeTuple tuple : mapping.getValue()) {
        object.put(((ScalarNode) tuple.getKeyNode()).getValue(), json(tuple.getValueNode()));
      }
      return object;
    }
    if (node instanceof SequenceNode sequence) {
      JsonArray array = new JsonArray();
      sequence.getValue().forEach(element -> array.add(json(element)));
      return array;
    }
    ScalarNode scalar = (ScalarNode) node;
    String text = scalar.getValue();
    Tag tag = scalar.getTag();
    try {
      if (tag.equals(Tag.NULL)) {
        return null;
      }
      if (tag.equals(Tag.BOOL) && (text.equals("true") || text.equals("false"))) {
        return Boolean.parseBoolean(text);
      }
      if (tag.equals(Tag.INT)) {
        return Long.parseLong(text.replace("_", ""));
      }
      if (tag.equals(Tag.FLOAT)) {
        return Double.parseDouble(text.replace("_", ""));
      }
    } catch (NumberFormatException e) {
      return text;
    }
    return text;
  }

  private static String describe(OutputUnit result) {
    if (result.getErrors() == null) {
      return String.valueOf(result.getError());
    }
    return result.getErrors().stream()
        .map(error -> error.getInstanceLocation() + " " + error.getKeywordLocation() + ": " + error.getError())
        .collect(Collectors.joining("\n"));
  }
}
