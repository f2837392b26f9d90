package dev.preflight.handlers.report;

import com.slack.api.methods.request.files.FilesCompleteUploadExternalRequest.FileDetails;
import com.slack.api.methods.response.files.FilesGetUploadURLExternalResponse;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Shares a file into a thread the way Slack wants it done now that {@code files.upload} is
 * retired: ask for an upload URL, send the bytes there, then complete the upload into the
 * channel and thread. The two Web API calls go through {@link SlackApi} (worker threads, 429
 * handling); the bytes go through a Vert.x client bounded by {@code timeout}.
 *
 * <p>The upload URL is pre-signed by Slack, so the bot token is not sent with the bytes.
 */
public final class SlackFiles {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final SlackApi slack;
  private final HttpClient http;
  private final Duration timeout;

  public SlackFiles(Vertx vertx, SlackApi slack, Duration timeout) {
    this.slack = slack;
    this.timeout = timeout;
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout(millis)
        .setIdleTimeout(millis)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
  }

  /** Uploads {@code content} into the thread of {@code threadTs}; answers the file's id. */
  public Future<String> share(String channelId, String threadTs, String fileName, String title, byte[] content) {
    return slack.call("files.getUploadURLExternal",
            m -> m.filesGetUploadURLExternal(r -> r.filename(fileName).length(content.length)))
        .compose(target -> send(target, content).map(target.getFileId()))
        .compose(fileId -> slack.call("files.completeUploadExternal", m -> m.filesCompleteUploadExternal(r -> r
                .files(List.of(FileDetails.builder().id(fileId).title(title).build()))
                .channelId(channelId)
                .threadTs(threadTs)))
            .map(fileId));
  }

  public Future<Void> close() {
    return http.close();
  }

  private Future<Void> send(FilesGetUploadURLExternalResponse target, byte[] content) {
    if (target.getUploadUrl() == null || target.getFileId() == null) {
      return Future.failedFuture(new IllegalStateException("Slack gave no upload URL or file id"));
    }
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(target.getUploadUrl())
        .setConnectTimeout(timeout.toMillis())
        .setIdleTimeout(timeout.toMillis())
        .putHeader("Content-Type", "application/octet-stream");
    return http.request(options)
        .compose(request -> request.send(Buffer.buffer(content)))
        .compose(response -> response.body().compose(body -> response.statusCode() == 200
            ? Future.<Void>succeededFuture()
            // The URL is pre-signed; it stays out of the message, only the status is told.
            : Future.failedFuture(new IllegalStateException(
                "Slack refused the file's bytes with HTTP " + response.statusCode()))))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
