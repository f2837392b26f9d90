package dev.preflight.checklists.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a config has errors; carries all of them, not just the first. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }
}
