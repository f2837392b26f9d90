package dev.preflight.handlers;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Every identifier Slack echoes back to us: action ids, block id prefixes, view callback ids
 * and input ids. Renderers and listeners both read them from here, so a renamed button can
 * never leave a listener waiting for clicks that no longer come.
 */
public final class ActionIds {

  /** Tick a manual item. Value: {@link #itemValue}. */
  public static final String TICK = "item_tick";
  /** Take back a tick or a waiver on a manual item. Value: {@link #itemValue}. */
  public static final String UNTICK = "item_untick";
  /** Run an automated item's check again. Value: {@link #itemValue}. */
  public static final String RERUN = "item_rerun";
  /** Open the waiver modal for an item. Value: {@link #itemValue}. */
  public static final String WAIVE = "item_waive";

  /** Launch a deploy run whose gates pass. Value: the run id. */
  public static final String LAUNCH = "run_launch";
  /** Cancel a run before it deploys. Value: the run id. */
  public static final String CANCEL = "run_cancel";
  /** Stop a deploy or its verification. Value: the run id. */
  public static final String ABORT = "run_abort";
  /** Roll a deploy run back to the release before it. Value: the run id. */
  public static final String ROLLBACK = "run_rollback";
  /**
   * Unlock the environment whose lock holds a run's launch, from the run's message. Value:
   * {@link dev.preflight.handlers.render.HomeView#unlockValue}.
   */
  public static final String RUN_UNLOCK = "run_unlock";
  /** The row of run-level buttons (Launch or Unlock, Cancel, Abort, Rollback). */
  public static final String RUN_ACTIONS_BLOCK = "run_actions";
  /** Ends the hold of the canary stage a run holds; the value is the run id. */
  public static final String CANARY_PROMOTE = "canary_promote";
  /** Stops the clock of a canary stage's hold. */
  public static final String CANARY_PAUSE = "canary_pause";
  /** Starts the clock of a paused hold again. */
  public static final String CANARY_RESUME = "canary_resume";
  /** Sends the traffic back to the stable version and aborts the run. */
  public static final String CANARY_ROLLBACK = "canary_rollback";
  /** The row of canary buttons on a run's message. */
  public static final String CANARY_ACTIONS_BLOCK = "canary_actions";

  /** callback_id of the /deploy modal. */
  public static final String DEPLOY_MODAL = "deploy_modal";
  /** block_id / action_id of the service select in the /deploy modal. */
  public static final String DEPLOY_SERVICE_BLOCK = "deploy_service";
  public static final String DEPLOY_SERVICE_ACTION = "deploy_service_select";
  /** block_id / action_id of the environment select in the /deploy modal; options are "service/environment". */
  public static final String DEPLOY_ENVIRONMENT_BLOCK = "deploy_environment";
  public static final String DEPLOY_ENVIRONMENT_ACTION = "deploy_environment_select";
  /** block_id / action_id of the version input in the /deploy modal. */
  public static final String DEPLOY_VERSION_BLOCK = "deploy_version";
  public static final String DEPLOY_VERSION_ACTION = "deploy_version_input";

  /** The link button on a Home tab item that opens its run's message. Slack still sends the click. */
  public static final String HOME_OPEN_RUN = "home_open_run";
  /** Unlock an environment from the Home tab. Value: {@link dev.preflight.handlers.render.HomeView#unlockValue}. */
  public static final String HOME_UNLOCK = "home_unlock";

  /** The block that shows one item (its text, and its button when it has exactly one). */
  public static final String ITEM_BLOCK_PREFIX = "item:";
  /** The row of buttons under an item that has more than one. */
  public static final String ITEM_ACTIONS_BLOCK_PREFIX = "item_actions:";

  /** callback_id of the waiver modal; its private_metadata is an {@link #itemValue}. */
  public static final String WAIVE_MODAL = "waive_modal";
  /** block_id of the reason input in the waiver modal. */
  public static final String WAIVE_REASON_BLOCK = "waive_reason";
  /** action_id of the reason input in the waiver modal. */
  public static final String WAIVE_REASON_ACTION = "waive_reason_input";

  /**
   * The overflow menu beside an item with more than one action. Each option's value is an
   * {@link #itemMenuValue}: the action it stands for and the item.
   */
  public static final String ITEM_MENU = "item_menu";
  /** Opens the modal listing every item of a run. Value: the run id. */
  public static final String ITEMS_SHOW_ALL = "items_show_all";
  /** Turn the all-items modal to the page before or after. Value: that page's number, from 0. */
  public static final String ITEMS_PREVIOUS = "items_page_previous";
  public static final String ITEMS_NEXT = "items_page_next";
  /** callback_id of the all-items modal; its private_metadata is {@link #itemsModalMetadata}. */
  public static final String ITEMS_MODAL = "items_modal";

  /** Slack refuses an overflow option value longer than this. */
  public static final int MAX_OPTION_VALUE_LENGTH = 150;

  /** Slack refuses a button value longer than this. */
  public static final int MAX_VALUE_LENGTH = 2000;
  /** Slack refuses a block_id longer than this. */
  public static final int MAX_BLOCK_ID_LENGTH = 255;

  private static final char SEPARATOR = '/';

  private ActionIds() {}

  /** Which item of which run a button or modal is about. */
  public record ItemRef(String runId, String itemId) {}

  /**
   * The value carried by an item's buttons. Both parts are URL-encoded, so a separator inside
   * an id can never be mistaken for the one between them.
   *
   * @throws IllegalArgumentException when an id is blank or the value would exceed Slack's limit
   */
  public static String itemValue(String runId, String itemId) {
    requirePart("run id", runId);
    requirePart("item id", itemId);
    String value = encode(runId) + SEPARATOR + encode(itemId);
    if (value.length() > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("Run id and item id are too long for a Slack button value ("
          + value.length() + " > " + MAX_VALUE_LENGTH + " characters).");
    }
    return value;
  }

  /**
   * Reads a value built by {@link #itemValue}. A click carries whatever Slack stored with the
   * message, so a malformed value is reported here, with the value in the message.
   *
   * @throws IllegalArgumentException when the value is not a run/item reference
   */
  public static ItemRef parseItemValue(String value) {
    if (value == null || value.isBlank()) {
      throw malformed(value, "it is empty");
    }
    int split = value.indexOf(SEPARATOR);
    if (split < 0 || value.indexOf(SEPARATOR, split + 1) >= 0) {
      throw malformed(value, "it must have exactly one '" + SEPARATOR + "'");
    }
    String runId = decode(value, value.substring(0, split));
    String itemId = decode(value, value.substring(split + 1));
    if (runId.isBlank() || itemId.isBlank()) {
      throw malformed(value, "the run id or the item id is empty");
    }
    return new ItemRef(runId, itemId);
  }

  /** One option of an item's overflow menu: which item action it stands for, then the item. */
  public record MenuChoice(String actionId, ItemRef item) {}

  private static final char MENU_SEPARATOR = ' ';

  /**
   * The value of an overflow option that does {@code actionId} to an item; empty when it would
   * exceed Slack's option value limit (the item then keeps its buttons).
   */
  public static java.util.Optional<String> itemMenuValue(String actionId, String runId, String itemId) {
    String value = actionId + MENU_SEPARATOR + itemValue(runId, itemId);
    return value.length() <= MAX_OPTION_VALUE_LENGTH ? java.util.Optional.of(value) : java.util.Optional.empty();
  }

  /**
   * Reads a value built by {@link #itemMenuValue}.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static MenuChoice parseItemMenuValue(String value) {
    int split = value == null ? -1 : value.indexOf(MENU_SEPARATOR);
    if (split <= 0) {
      throw malformed(value, "it must start with an action and a space");
    }
    return new MenuChoice(value.substring(0, split), parseItemValue(value.substring(split + 1)));
  }

  /** The all-items modal remembers its run and the page it shows. */
  public static String itemsModalMetadata(String runId, int page) {
    return itemValue(runId, Integer.toString(page));
  }

  /** The run id of an all-items modal's metadata; the page is {@link #itemsModalPage}. */
  public static ItemRef parseItemsModalMetadata(String metadata) {
    return parseItemValue(metadata);
  }

  /** The page an all-items modal's metadata names, or 0 when it names none. */
  public static int itemsModalPage(ItemRef metadata) {
    try {
      return Math.max(0, Integer.parseInt(metadata.itemId()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A block_id for an item, within Slack's length limit. */
  public static String itemBlockId(String prefix, String itemId) {
    String id = prefix + itemId;
    if (id.length() <= MAX_BLOCK_ID_LENGTH) {
      return id;
    }
    // Keep it recognisable and still distinct from other long ids that share a beginning.
    String hash = Integer.toHexString(itemId.hashCode());
    return id.substring(0, MAX_BLOCK_ID_LENGTH - hash.length() - 1) + "#" + hash;
  }

  private static void requirePart(String what, String part) {
    if (part == null || part.isBlank()) {
      throw new IllegalArgumentException("A button value needs a " + what + ".");
    }
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8);
  }

  private static String decode(String value, String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw malformed(value, "it is not URL-encoded (" + e.getMessage() + ")");
    }
  }

  private static IllegalArgumentException malformed(String value, String why) {
    String shown = value != null && value.length() > 80 ? value.substring(0, 80) + "…" : value;
    return new IllegalArgumentException(
        "Not a run/item button value: \"" + shown + "\": " + why + ". Expected runId/itemId.");
  }
}
