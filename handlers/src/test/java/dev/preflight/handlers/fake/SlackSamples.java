package dev.preflight.handlers.fake;

/**
 * Real Slack payloads, re-indented from {@code shared/slack-samples/} (see its README for where each
 * comes from), kept here so the handlers test-jar carries them to every module's tests.
 * {@link SlackRequests} substitutes ids and values into them; the shape stays Slack's.
 */
public final class SlackSamples {

  /** {@code block_actions.json}: a button clicked in a message (container.type=message). */
  public static final String BLOCK_ACTIONS = """
      {
        "type": "block_actions",
        "user": {
          "id": "U111",
          "username": "test-test-test",
          "name": "test-test-test",
          "team_id": "T111"
        },
        "api_app_id": "A111",
        "token": "fixed-value",
        "container": {
          "type": "message",
          "message_ts": "1605853634.000400",
          "channel_id": "C111",
          "is_ephemeral": false
        },
        "trigger_id": "111.222.xxx",
        "team": {
          "id": "T111",
          "domain": "test-test-test"
        },
        "channel": {
          "id": "C111",
          "name": "random"
        },
        "message": {
          "bot_id": "B111",
          "type": "message",
          "text": "This content can't be displayed.",
          "user": "U222",
          "ts": "1605853634.000400",
          "team": "T111",
          "blocks": [
            {
              "type": "actions",
              "block_id": "b",
              "elements": [
                {
                  "type": "button",
                  "action_id": "a",
                  "text": {
                    "type": "plain_text",
                    "text": "Click Me!",
                    "emoji": true
                  },
                  "value": "underlying"
                }
              ]
            }
          ]
        },
        "response_url": "https://hooks.slack.com/actions/T111/111/xxx",
        "actions": [
          {
            "action_id": "a",
            "block_id": "b",
            "text": {
              "type": "plain_text",
              "text": "Click Me!",
              "emoji": true
            },
            "value": "underlying",
            "type": "button",
            "action_ts": "1605853645.582706"
          }
        ]
      }
      """;

  /** {@code view_submission.json}: a modal submitted, with {@code state.values}. */
  public static final String VIEW_SUBMISSION = """
      {
        "type": "view_submission",
        "team": {
          "id": "T123",
          "domain": "test-test"
        },
        "user": {
          "id": "U123",
          "username": "test-test",
          "name": "test-test",
          "team_id": "T123"
        },
        "api_app_id": "A123",
        "token": "legacy-fixed-value",
        "trigger_id": "123.123.07ecad50d3e077e08742bafff5f7ab0c",
        "view": {
          "id": "V123",
          "team_id": "T123",
          "type": "modal",
          "blocks": [
            {
              "type": "input",
              "block_id": "request-block",
              "label": {
                "type": "plain_text",
                "text": "Detailed Request",
                "emoji": true
              },
              "optional": false,
              "element": {
                "type": "plain_text_input",
                "action_id": "request-action",
                "multiline": true
              }
            }
          ],
          "private_metadata": "https://hooks.slack.com/commands/T123/977578904577/NfI6RdDqrYDC8Pjzo01xgLQ3",
          "callback_id": "request-modal",
          "state": {
            "values": {
              "request-block": {
                "request-action": {
                  "type": "plain_text_input",
                  "value": "test test test"
                }
              }
            }
          },
          "hash": "1583638467.cd05659d",
          "title": {
            "type": "plain_text",
            "text": "Request Form",
            "emoji": false
          },
          "clear_on_close": false,
          "notify_on_close": false,
          "close": {
            "type": "plain_text",
            "text": "Cancel",
            "emoji": false
          },
          "submit": {
            "type": "plain_text",
            "text": "Submit",
            "emoji": false
          },
          "previous_view_id": null,
          "root_view_id": "V123",
          "app_id": "A123",
          "external_id": "",
          "app_installed_team_id": "T123",
          "bot_id": "B123"
        },
        "response_urls": []
      }
      """;

  /** {@code event_callback_reaction_added.json}: the Events API envelope around a reaction. */
  public static final String EVENT_CALLBACK_REACTION_ADDED = """
      {
        "token": "XXYYZZ",
        "team_id": "T123ABC456",
        "api_app_id": "A123ABC456",
        "event": {
          "type": "reaction_added",
          "user": "U123ABC456",
          "reaction": "thumbsup",
          "item_user": "U222222222",
          "item": {
            "type": "message",
            "channel": "C123ABC456",
            "ts": "1360782400.498405",
            "channel_type": "channel"
          },
          "event_ts": "1360782804.083113"
        },
        "type": "event_callback",
        "authorizations": [
          {
            "team_id": "T123ABC456",
            "user_id": "U123ABC456",
            "is_bot": false,
            "is_enterprise_install": false
          }
        ],
        "event_id": "Ev123ABC456",
        "event_time": 123456789
      }
      """;

  /** {@code url_verification.json}: the handshake Slack sends when the events URL is saved. */
  public static final String URL_VERIFICATION = """
      {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification"
      }
      """;

  private SlackSamples() {
  }
}
