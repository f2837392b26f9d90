package dev.preflight.checklists.config;

import java.util.List;

/**
 * The actions around a deploy and around its rollback, in the order they run: {@code before}
 * the target deploys, {@code after} it did; the same around a rollback.
 */
public record Pipeline(List<ActionSpec> before, List<ActionSpec> after, List<ActionSpec> rollbackBefore,
    List<ActionSpec> rollbackAfter) {

  public static final Pipeline NONE = new Pipeline(List.of(), List.of(), List.of(), List.of());

  public Pipeline {
    before = List.copyOf(before);
    after = List.copyOf(after);
    rollbackBefore = List.copyOf(rollbackBefore);
    rollbackAfter = List.copyOf(rollbackAfter);
  }
}
