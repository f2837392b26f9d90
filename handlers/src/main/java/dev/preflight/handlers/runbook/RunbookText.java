package dev.preflight.handlers.runbook;

import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.runbook.Parameter;
import dev.preflight.checklists.runbook.Runbook;
import dev.preflight.checklists.runbook.RunbookRefusal;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RefusalText;
import dev.preflight.handlers.render.LockText;
import java.util.List;
import java.util.stream.Collectors;

/** The words of {@code /run}: refusals, the list, help. */
final class RunbookText {

  static final String COMMAND = RunbookSurface.COMMAND;
  private static final int NAME_LIMIT = 80;

  private RunbookText() {}

  /** Every refusal, one per line, so a person fixes the command once. */
  static String refusals(List<RunbookRefusal> refusals) {
    return refusals.stream().map(RunbookText::refusal).collect(Collectors.joining("\n"));
  }

  static String refusal(RunbookRefusal r) {
    return switch (r.code()) {
      case UNKNOWN_RUNBOOK -> "There is no runbook " + code(r.runbook()) + "."
          + (r.suggestion() != null ? " Did you mean " + code(r.suggestion()) + "?"
              : r.names().isEmpty() ? " No runbooks are configured." : " Try `" + COMMAND + " list`.");
      case NOT_KEY_VALUE -> code(r.parameter()) + " is not `key=value`; write parameters as `name=value`.";
      case UNKNOWN_PARAMETER -> code(r.runbook()) + " has no parameter " + code(r.parameter()) + "."
          + (r.suggestion() != null ? " Did you mean " + code(r.suggestion()) + "?"
              : r.names().isEmpty() ? " It takes none." : " It takes " + codes(r.names()) + ".");
      case REPEATED_PARAMETER -> code(r.parameter()) + " is given twice; give it once.";
      case MISSING_PARAMETERS -> code(r.runbook()) + " needs " + codes(r.names()) + ".";
      case INVALID_PARAMETER -> invalid(r.problem());
      case ROLE_MISSING -> "Running " + code(r.runbook()) + " needs one of these roles: "
          + r.names().stream().map(name -> "*" + Mrkdwn.escape(name) + "*").collect(Collectors.joining(", ")) + ".";
      case ENVIRONMENT_LOCKED -> "*" + Mrkdwn.escape(r.lock().service()) + "* in *" + Mrkdwn.escape(r.lock().environment())
          + "* is locked by " + Mrkdwn.user(r.lock().by()) + ": " + LockText.cause(r.lock(), 300)
          + ". Run it again once `/unlock` opens the environment.";
      case NOT_WAITING -> "This run is no longer waiting for approval; nothing changed.";
      case NO_SUCH_RUN -> "That runbook run no longer exists; nothing changed.";
    };
  }

  /** The broken rule in the words of the parameter's type. */
  static String invalid(Parameter.Problem problem) {
    Parameter parameter = problem.parameter();
    String name = code(parameter.name());
    String value = problem.value() == null ? "" : code(problem.value());
    return switch (problem.kind()) {
      case EMPTY -> name + " needs a value.";
      case SHELL_CHARACTERS -> name + " " + value
          + " holds a character that is never accepted (spaces, quotes, `; & | $ < > ( ) { } [ ] * ? ! ~ # % ^ =` and backslash).";
      case NOT_MATCHING -> name + " " + value + " does not match " + code(((Parameter.Text) parameter).pattern().pattern()) + ".";
      case NOT_ONE_OF -> name + " " + value + " is not one of " + codes(((Parameter.Choice) parameter).values()) + ".";
      case NOT_A_NUMBER -> name + " " + value + " is not a whole number.";
      case OUT_OF_BOUNDS -> name + " " + value + " is out of bounds: it must be from "
          + ((Parameter.Count) parameter).min() + " to " + ((Parameter.Count) parameter).max() + ".";
    };
  }

  /** The same rule as plain text under a modal's field. */
  static String plain(String mrkdwn) {
    return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("*", "");
  }

  /** An approval that does not count, in the words of a runbook run. */
  static String approval(Refusal refusal) {
    return switch (refusal.code()) {
      case STARTER_MAY_NOT_SIGN -> "You started this run; someone else must approve it. Your approval does not count.";
      case ALREADY_SIGNED -> "You have already approved this run.";
      case SIGN_OFF_ROLE_MISSING -> "Approving this run needs one of these roles: "
          + refusal.names().stream().map(name -> "*" + Mrkdwn.escape(name) + "*").collect(Collectors.joining(", ")) + ".";
      case ROLE_SIGN_OFFS_IN -> "Every approval for your role is already in.";
      default -> RefusalText.mrkdwn(refusal);
    };
  }

  /** A runbook and its parameters, as {@code /run list} and help show it. */
  static String usage(Runbook runbook) {
    StringBuilder line = new StringBuilder("• `" + COMMAND + " " + Mrkdwn.escape(runbook.id()));
    for (Parameter parameter : runbook.parameters()) {
      line.append(" ").append(Mrkdwn.escape(parameter.name())).append("=…");
    }
    line.append("` ").append(Mrkdwn.inline(runbook.title(), NAME_LIMIT));
    for (Parameter parameter : runbook.parameters()) {
      line.append("\n    ").append(Mrkdwn.escape(parameter.name())).append(": ").append(rule(parameter));
      if (parameter.description() != null) {
        line.append(" (").append(Mrkdwn.inline(parameter.description(), NAME_LIMIT)).append(")");
      }
    }
    if (runbook.needsSignOff()) {
      line.append("\n    needs approval from ").append(runbook.signOff().requirements().stream()
          .map(req -> req.count() + " × *" + Mrkdwn.escape(req.role()) + "*").collect(Collectors.joining(", ")));
    }
    return line.toString();
  }

  /** What a parameter accepts, in a few words. */
  static String rule(Parameter parameter) {
    if (parameter instanceof Parameter.Count count) {
      return "a whole number from " + count.min() + " to " + count.max();
    }
    if (parameter instanceof Parameter.Choice choice) {
      return "one of " + codes(choice.values());
    }
    return "matching " + code(((Parameter.Text) parameter).pattern().pattern());
  }

  static String list(List<Runbook> mayRun) {
    if (mayRun.isEmpty()) {
      return "There are no runbooks you may run.";
    }
    return "Runbooks you may run:\n" + mayRun.stream().map(RunbookText::usage).collect(Collectors.joining("\n"));
  }

  static String help() {
    return String.join("\n",
        "*" + COMMAND + "* runs an operational runbook from the config:",
        "• `" + COMMAND + " list` shows the runbooks you may run and their parameters;",
        "• `" + COMMAND + " <runbook> name=value …` runs one (values never hold spaces or shell characters);",
        "• `" + COMMAND + " <runbook>` or `" + COMMAND + "` alone opens a form.",
        "Each run has one message in the channel, with its steps; their output goes in its thread.");
  }

  static String code(String text) {
    return "`" + Mrkdwn.inline(text == null ? "" : text, Mrkdwn.ECHO_LIMIT).replace("`", "'") + "`";
  }

  private static String codes(List<String> names) {
    return names.stream().map(RunbookText::code).collect(Collectors.joining(", "));
  }
}
