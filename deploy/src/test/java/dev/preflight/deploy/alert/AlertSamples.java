package dev.preflight.deploy.alert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The sample webhook bodies in {@code alerts/}, written after each source's documented examples. */
public final class AlertSamples {

  private AlertSamples() {}

  public static String read(String name) {
    try (InputStream in = AlertSamples.class.getResourceAsStream("/alerts/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no sample alerts/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
