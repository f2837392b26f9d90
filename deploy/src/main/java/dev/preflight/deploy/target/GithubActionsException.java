package dev.preflight.deploy.target;

/**
 * GitHub answered, but not with what was asked for. Carries GitHub's own message ("Bad
 * credentials", "No ref found for: main"), which is what a person needs to fix the config.
 */
final class GithubActionsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final boolean rateLimited;

  GithubActionsException(int status, String githubMessage, boolean rateLimited) {
    super(status + " " + githubMessage);
    this.status = status;
    this.rateLimited = rateLimited;
  }

  /**
   * Asking again later could help only when GitHub is busy or limiting us; a bad token, a missing
   * workflow or a refused ref stay that way.
   */
  boolean permanent() {
    return !rateLimited && status >= 400 && status < 500 && status != 408 && status != 429;
  }
}
