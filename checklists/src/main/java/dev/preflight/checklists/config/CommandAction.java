package dev.preflight.checklists.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program run from its argv, never through a shell, with the command target's rules: the
 * placeholders are filled in the argv only; {@code ${NAME}} references anywhere.
 *
 * @param env added to the program's environment
 * @param workdir the working directory, or null for the bot's own
 */
public record CommandAction(String name, List<String> argv, Map<String, String> env, String workdir,
    Duration timeout) implements ActionSpec {

  public static final String KIND = "command";

  public CommandAction {
    argv = List.copyOf(argv);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  @Override
  public String kind() {
    return KIND;
  }
}
