package dev.preflight.handlers.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SlackFilesTest {

  @Test
  void bytesTheUploadHostFailsToTakeAreSentAgain(Vertx vertx, VertxTestContext test) {
    FakeSlack.start(vertx).compose(fake -> {
      fake.failNextUpload(503);
      SlackFiles files = new SlackFiles(vertx, new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-test-token"),
          SlackFiles.DEFAULT_TIMEOUT);
      return files.share("C0DEPLOYS", "1700000000.000100", "report.md", "Run report",
              "# Report".getBytes(StandardCharsets.UTF_8))
          .onComplete(test.succeeding(id -> test.verify(() -> {
            assertEquals(List.of("files.getUploadURLExternal " + id, "upload " + id + " answered 503", "upload " + id,
                "files.completeUploadExternal " + id), fake.fileFlow());
            assertEquals("# Report", fake.filesInThread("C0DEPLOYS", "1700000000.000100").get(0).text());
            test.completeNow();
          })));
    });
  }

  @Test
  void anUploadRefusedAsBadIsNotSentAgain(Vertx vertx, VertxTestContext test) {
    FakeSlack.start(vertx).compose(fake -> {
      fake.failNextUpload(400);
      SlackFiles files = new SlackFiles(vertx, new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-test-token"),
          SlackFiles.DEFAULT_TIMEOUT);
      return files.share("C0DEPLOYS", "1700000000.000100", "report.md", "Run report", new byte[] {1})
          .onComplete(test.failing(error -> test.verify(() -> {
            assertEquals(2, fake.fileFlow().size(), fake.fileFlow().toString());
            test.completeNow();
          })));
    });
  }
}
