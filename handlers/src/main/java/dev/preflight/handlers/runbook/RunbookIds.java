package dev.preflight.handlers.runbook;

/** The callback, block and action ids of runbook modals and messages. */
public final class RunbookIds {

  /** The modal that picks a runbook when {@code /run} is typed alone. */
  public static final String PICK_MODAL = "runbook_pick";
  public static final String PICK_BLOCK = "runbook_pick_block";
  public static final String PICK_ACTION = "runbook_pick_select";
  /** The modal with one runbook's parameters (and its confirm text). */
  public static final String RUN_MODAL = "runbook_run";
  /** A parameter's input block is this prefix and the parameter's name. */
  public static final String PARAMETER_BLOCK = "runbook_param:";
  public static final String PARAMETER_ACTION = "runbook_value";
  /** The buttons of a run waiting for approval; their value is the run id. */
  public static final String APPROVE = "runbook_approve";
  public static final String CANCEL = "runbook_cancel";

  private RunbookIds() {}
}
