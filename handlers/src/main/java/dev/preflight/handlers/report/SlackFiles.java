package dev.preflight.handlers.report;

import com.slack.api.methods.request.files.FilesCompleteUploadExternalRequest.FileDetails;
import com.slack.api.methods.response.files.FilesGetUploadURLExternalResponse;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
 * channel and thread. The two Web API calls go through {@link SlackApi} (worker threads, its
 * retry policy and rate budget); the bytes go through a Vert.x client bounded by {@code timeout},
 * sent again after a backoff when the upload host answers 5xx or cannot be reached, up to
 * {@link #UPLOAD_ATTEMPTS} times.
 *
 * <p>The upload URL is pre-signed by Slack, so the bot token is not sent with the bytes.
 */
public final class SlackFiles {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final int UPLOAD_ATTEMPTS = 3;

  private final Vertx vertx;
  private final SlackApi slack;
  private final HttpClient http;
  private final Duration timeout;

  public SlackFiles(Vertx vertx, SlackApi slack, Duration timeout) {
    this.vertx = vertx;
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
        .compose(target -> send(target, content, 1).map(target.getFileId()))
        .compose(fileId -> slack.call("files.completeUploadExternal", m -> m.filesCompleteUploadExternal(r -> r
                .files(List.of(FileDetails.builder().id(fileId).title(title).build()))
                .channelId(channelId)
                .threadTs(threadTs)))
            .map(fileId));
  }

  public Future<Void> close() {
    return http.close();
  }

  private Future<Void> send(FilesGetUploadURLExternalResponse target, byte[] content, int attempt) {
    if (target.getUploadUrl() == null || target.getFileId() == null) {
      return Future.failedFuture(new IllegalStateException("Slack gave no upload URL or file id"));
    }
    return sendOnce(target, content).recover(e -> {
      if ((e instanceof UploadRefused refused && refused.status < 500) || attempt >= UPLOAD_ATTEMPTS) {
        return Future.failedFuture(e);
      }
      Promise<Void> waited = Promise.promise();
      vertx.setTimer(SlackApi.Policy.DEFAULT.backoffMillis(attempt), id -> waited.complete());
      return waited.future().compose(v -> send(target, content, attempt + 1));
    });
  }

  /** The upload host's answer when it is not 200; only the status is told, the URL is pre-signed. */
  private static final class UploadRefused extends IllegalStateException {
    final int status;

    UploadRefused(int status) {
      super("Slack refused the file's bytes with HTTP " + status);
      this.status = status;
    }
  }

  private Future<Void> sendOnce(FilesGetUploadURLExternalResponse target, byte[] content) {
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
            : Future.failedFuture(new UploadRefused(response.statusCode()))))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
