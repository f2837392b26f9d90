package dev.preflight.checklists.config;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/** Reads one checklist file. Roles and channels it names are handed to {@link References}. */
final class ChecklistReader {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final String ID_RULE = "use lowercase letters, digits and -, starting with a letter or digit";
  static final String EMPTY_HINT = "a checklist needs id:, title: and sections:";

  private static final List<String> KEYS = List.of("id", "title", "channel", "waivers", "signOff", "sections");
  private static final List<String> SIGN_OFF_KEYS = List.of("requires", "allowRunStarter");
  private static final List<String> REQUIREMENT_KEYS = List.of("role", "count");
  private static final List<String> SECTION_KEYS = List.of("title", "items");
  private static final List<String> ITEM_KEYS = List.of("id", "title", "blocker", "check");

  /**
   * @param checklist the checklist, or empty when the file has errors
   * @param id the checklist's id as written, to report a duplicate at its line; empty when unreadable
   */
  record Read(Optional<Checklist> checklist, Optional<Id> id) {}

  record Id(String id, Value at) {}

  private final Problems problems;
  private final References references;
  private final Map<String, Integer> itemIds = new HashMap<>();

  private ChecklistReader(Problems problems, References references) {
    this.problems = problems;
    this.references = references;
  }

  static Read read(Node root, Problems problems, References references) {
    return new ChecklistReader(problems, references).read(root);
  }

  private Read read(Node root) {
    Optional<Mapping> top = new Value(root, "", EMPTY_HINT, problems).mapping();
    if (top.isEmpty()) {
      return new Read(Optional.empty(), Optional.empty());
    }
    Mapping fields = top.get().allow(KEYS);
    Optional<Value> idValue = fields.require("id", "write id: klk-predeploy");
    Optional<String> id = idValue.flatMap(v -> v.matching(ID, "is not a valid id", ID_RULE));
    Optional<String> title = fields.require("title", "write title: KLK v2.0 pre-deploy").flatMap(Value::text);
    String channel = fields.get("channel", "write channel: deploys")
        .flatMap(v -> v.text().map(name -> references.channel(v, name)))
        .orElse(null);
    List<String> waivers = fields.get("waivers", "write waivers: [sre]")
        .flatMap(Value::list)
        .map(this::roleNames)
        .orElse(List.of());
    SignOffRule signOff = fields.get("signOff", "write signOff: { requires: [{ role: sre, count: 1 }] }")
        .flatMap(Value::mapping)
        .map(rule -> signOff(rule, references))
        .orElse(SignOffRule.NONE);
    List<Section> sections = fields.require("sections", "write sections: [{ title: Database, items: [...] }]")
        .flatMap(Value::nonEmptyList)
        .map(this::sections)
        .orElse(List.of());

    Optional<Checklist> checklist = problems.isEmpty() && id.isPresent() && title.isPresent()
        ? Optional.of(new Checklist(id.get(), title.get(), problems.file(), channel, sections, signOff, waivers))
        : Optional.empty();
    return new Read(checklist, id.map(i -> new Id(i, idValue.get())));
  }

  private List<String> roleNames(List<Value> values) {
    List<String> names = new ArrayList<>();
    for (Value value : values) {
      value.text().ifPresent(name -> names.add(references.role(value, name)));
    }
    return names;
  }

  /** A {@code signOff:} mapping; also a runbook's, which has the same keys. */
  static SignOffRule signOff(Mapping fields, References references) {
    fields.allow(SIGN_OFF_KEYS);
    List<SignOffRequirement> requirements = fields
        .require("requires", "write requires: [{ role: sre, count: 1 }]")
        .flatMap(Value::nonEmptyList)
        .map(values -> requirements(values, references))
        .orElse(List.of());
    boolean allowRunStarter = fields.get("allowRunStarter", "write allowRunStarter: true")
        .flatMap(Value::bool)
        .orElse(false);
    return new SignOffRule(requirements, allowRunStarter);
  }

  private static List<SignOffRequirement> requirements(List<Value> values, References references) {
    List<SignOffRequirement> requirements = new ArrayList<>();
    Map<String, Integer> roleLines = new HashMap<>();
    for (Value value : values) {
      value.mapping().ifPresent(fields -> {
        fields.allow(REQUIREMENT_KEYS);
        Optional<Value> roleValue = fields.require("role", "write role: sre");
        Optional<String> role = roleValue.flatMap(Value::text);
        int count = fields.get("count", "write count: 1").flatMap(v -> v.integer(1, Integer.MAX_VALUE)).orElse(1);
        role.ifPresent(name -> {
          Integer earlier = roleLines.putIfAbsent(name, roleValue.get().line());
          if (earlier != null) {
            roleValue.get().error("role `" + name + "` is already required at line " + earlier,
                "raise the count there instead");
          } else {
            references.role(roleValue.get(), name);
            requirements.add(new SignOffRequirement(name, count));
          }
        });
      });
    }
    return requirements;
  }

  private List<Section> sections(List<Value> values) {
    List<Section> sections = new ArrayList<>();
    for (Value value : values) {
      value.mapping().ifPresent(fields -> {
        fields.allow(SECTION_KEYS);
        Optional<String> title = fields.require("title", "write title: Database").flatMap(Value::text);
        List<Item> items = fields.require("items", "write items: [{ id: backup-taken, title: Backup taken }]")
            .flatMap(Value::nonEmptyList)
            .map(this::items)
            .orElse(List.of());
        title.ifPresent(t -> sections.add(new Section(t, items)));
      });
    }
    return sections;
  }

  private List<Item> items(List<Value> values) {
    List<Item> items = new ArrayList<>();
    for (Value value : values) {
      value.mapping().ifPresent(fields -> {
        fields.allow(ITEM_KEYS);
        Optional<String> id = fields.require("id", "write id: backup-taken").flatMap(this::itemId);
        Optional<String> title = fields.require("title", "write title: Backup taken").flatMap(Value::text);
        boolean blocker = fields.get("blocker", "write blocker: true").flatMap(Value::bool).orElse(false);
        Optional<Value> checkValue = fields.get("check", "write check: { kind: http, url: https://host/health }");
        Optional<CheckSpec> check = checkValue.flatMap(CheckReader::read);
        if (id.isPresent() && title.isPresent() && checkValue.isPresent() == check.isPresent()) {
          items.add(new Item(id.get(), title.get(), blocker, check.orElse(null)));
        }
      });
    }
    return items;
  }

  private Optional<String> itemId(Value value) {
    return value.matching(ID, "is not a valid id", ID_RULE).filter(id -> {
      Integer earlier = itemIds.putIfAbsent(id, value.line());
      if (earlier != null) {
        value.error("duplicate item id `" + id + "`", "already used at line " + earlier);
      }
      return earlier == null;
    });
  }
}
