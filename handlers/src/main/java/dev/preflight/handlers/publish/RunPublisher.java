package dev.preflight.handlers.publish;

import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.render.RunMessage;
import dev.preflight.handlers.slack.Coalescer;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each run's one message current. Changes are coalesced per run, and every edit renders
 * the run as stored at that moment, so a burst of results becomes a few edits and the last
 * edit always shows the final state. The first publish posts the message and remembers it.
 */
public final class RunPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(RunPublisher.class);

  private final ChecklistRuns runs;
  private final SlackApi slack;
  private final Coalescer coalescer;
  private final String reactionName;

  public RunPublisher(ChecklistRuns runs, SlackApi slack, Coalescer coalescer, String reactionName) {
    this.runs = runs;
    this.slack = slack;
    this.coalescer = coalescer;
    this.reactionName = reactionName;
  }

  /** Subscribes to the runs service; from then on every change is published. */
  public RunPublisher start() {
    runs.onChange(this::changed);
    return this;
  }

  public void changed(TrackedRun tracked) {
    coalescer.request(tracked.id(), () -> publish(tracked.id()));
  }

  private Future<Void> publish(String runId) {
    return runs.find(runId).compose(tracked -> {
      MessageContent content = RunMessage.render(tracked.run(), reactionName);
      if (tracked.posted()) {
        return slack.update(tracked.channelId(), tracked.messageTs(), content.text(), content.blocks()).mapEmpty();
      }
      return slack.postMessage(tracked.channelId(), content.text(), content.blocks())
          .compose(ts -> runs.attachMessage(runId, tracked.channelId(), ts))
          .onFailure(e -> slack.postEphemeral(tracked.channelId(), tracked.run().startedBy(),
                  "I could not post the checklist in <#" + tracked.channelId() + ">: " + e.getMessage()
                      + ". If I am not in that channel, invite me with `/invite @Preflight`.")
              .onFailure(again -> LOG.warn("Could not tell {} either: {}", tracked.run().startedBy(), again.getMessage())));
    }).onFailure(e -> LOG.warn("Publishing run {} failed: {}", runId, e.getMessage()));
  }
}
