package dev.preflight.handlers.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.slack.api.app_backend.views.payload.ViewSubmissionPayload;
import com.slack.api.model.view.View;
import com.slack.api.util.json.GsonFactory;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.ActionIds.ItemRef;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class WaiveModalTest {

  private static JsonObject json(View view) {
    return new JsonObject(GsonFactory.createSnakeCase().toJson(view));
  }

  /**
   * A view_submission as Slack sends it (same shape as slack-samples/view_submission.json):
   * the view we opened comes back with the typed values under state.values.
   */
  private static ViewSubmissionPayload submission(View opened, String typed) {
    JsonObject view = json(opened)
        .put("id", "V123").put("team_id", "T123").put("hash", "1583638467.cd05659d")
        .put("state", new JsonObject().put("values", new JsonObject()
            .put(ActionIds.WAIVE_REASON_BLOCK, new JsonObject()
                .put(ActionIds.WAIVE_REASON_ACTION, new JsonObject()
                    .put("type", "plain_text_input").put("value", typed)))));
    JsonObject payload = new JsonObject()
        .put("type", "view_submission")
        .put("team", new JsonObject().put("id", "T123").put("domain", "test-test"))
        .put("user", new JsonObject().put("id", "U0SRE").put("username", "sre").put("team_id", "T123"))
        .put("api_app_id", "A123")
        .put("trigger_id", "123.123.07ecad50d3e077e08742bafff5f7ab0c")
        .put("view", view);
    return GsonFactory.createSnakeCase().fromJson(payload.encode(), ViewSubmissionPayload.class);
  }

  @Test
  void modalCarriesTheItemAndAsksForARequiredBoundedReason() {
    JsonObject view = json(WaiveModal.build("r-1", "db/backup", "Backup <taken> & verified"));

    assertEquals("modal", view.getString("type"));
    assertEquals(ActionIds.WAIVE_MODAL, view.getString("callback_id"));
    assertEquals(ActionIds.itemValue("r-1", "db/backup"), view.getString("private_metadata"));
    assertTrue(view.getJsonObject("title").getString("text").length() <= 24, "Slack's modal title limit");
    JsonObject prompt = view.getJsonArray("blocks").getJsonObject(0);
    assertTrue(prompt.getJsonObject("text").getString("text").contains("Backup &lt;taken&gt; &amp; verified"));
    JsonObject input = view.getJsonArray("blocks").getJsonObject(1);
    assertEquals("input", input.getString("type"));
    assertEquals(ActionIds.WAIVE_REASON_BLOCK, input.getString("block_id"));
    assertFalse(input.getBoolean("optional", false));
    JsonObject element = input.getJsonObject("element");
    assertEquals("plain_text_input", element.getString("type"));
    assertEquals(ActionIds.WAIVE_REASON_ACTION, element.getString("action_id"));
    assertTrue(element.getBoolean("multiline"));
    assertEquals(500, element.getInteger("max_length"));
  }

  @Test
  void submissionGivesBackTheItemAndTheTrimmedReason() {
    ViewSubmissionPayload payload =
        submission(WaiveModal.build("r-1", "db/backup", "Backup taken"), "  Restored from last night's snapshot \n");

    assertEquals(ActionIds.WAIVE_MODAL, payload.getView().getCallbackId());
    assertEquals(new ItemRef("r-1", "db/backup"), WaiveModal.item(payload.getView()));
    assertEquals("Restored from last night's snapshot", WaiveModal.reason(payload.getView().getState()));
    assertTrue(WaiveModal.errors(payload.getView().getState()).isEmpty());
  }

  @Test
  void blankReasonIsAnErrorOnTheReasonBlock() {
    ViewSubmissionPayload payload = submission(WaiveModal.build("r-1", "backup", "Backup taken"), "   ");

    assertEquals("", WaiveModal.reason(payload.getView().getState()));
    assertEquals(WaiveModal.REASON_REQUIRED,
        WaiveModal.errors(payload.getView().getState()).get(ActionIds.WAIVE_REASON_BLOCK));
  }

  @Test
  void stateWithoutTheReasonInputHasNoReason() {
    String json = "{\"values\":{\"request-block\":{\"request-action\":{\"type\":\"plain_text_input\",\"value\":\"x\"}}}}";
    com.slack.api.model.view.ViewState state =
        GsonFactory.createSnakeCase().fromJson(json, com.slack.api.model.view.ViewState.class);

    assertEquals("", WaiveModal.reason(state));
    assertEquals("", WaiveModal.reason(null));
    assertFalse(WaiveModal.errors(state).isEmpty());
  }
}
