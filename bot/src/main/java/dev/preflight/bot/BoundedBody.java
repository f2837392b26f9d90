package dev.preflight.bot;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;

/**
 * Reads a request body up to a limit; past it, the request fails with {@link TooLarge}, and when
 * the client goes away before the end, with {@link Abandoned}.
 *
 * <p>Vert.x Web's {@code BodyHandler} would do the reading and the 413, but it also has Vert.x
 * decode every form body while it reads, before any handler runs: a form that does not decode is
 * answered 400 before Slack's signature over the raw bytes is checked, so a tampered or cut body
 * would no longer always get its 401. Reading the raw bytes here keeps the signature first.
 */
final class BoundedBody {

  private BoundedBody() {}

  static Future<Buffer> read(HttpServerRequest request, int limit) {
    String declared = request.getHeader("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          return Future.failedFuture(new TooLarge());
        }
      } catch (NumberFormatException ignored) {
        // A broken header is Slack's verification problem, not ours; the body is still bounded below.
      }
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > limit) {
        request.pause();
        promise.tryFail(new TooLarge());
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(e -> promise.tryFail(new Abandoned(e)));
    request.endHandler(v -> promise.tryComplete(body));
    return promise.future();
  }

  /** The client stopped sending (it hung up) before the body ended: its loss, not the bot's fault. */
  static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned(Throwable cause) {
      super("the client went away before the body ended: " + cause, cause, false, false);
    }
  }

  /**
   * Whether a request failed because its client went away, while its body was read or while
   * its answer was written.
   */
  static boolean clientWentAway(HttpServerRequest request, Throwable failure) {
    return failure instanceof Abandoned || failure instanceof HttpClosedException
        || failure instanceof StreamResetException || request.response().closed();
  }

  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("request body too large", null, false, false);
    }
  }
}
