package dev.preflight.checklists.config;

import java.time.Duration;
import java.util.List;

/** An invalidation of a CloudFront distribution's paths, followed until it is completed. */
public record CloudFrontInvalidationAction(String name, String distribution, List<String> paths, Duration timeout)
    implements ActionSpec {

  public static final String KIND = "cloudfront-invalidation";

  public CloudFrontInvalidationAction {
    paths = List.copyOf(paths);
  }

  @Override
  public String kind() {
    return KIND;
  }
}
