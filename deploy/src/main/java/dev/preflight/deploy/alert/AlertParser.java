package dev.preflight.deploy.alert;

/** Reads one source's webhook body. Pure: no I/O, so each source is tested on its samples alone. */
public interface AlertParser {

  /** The path segment of {@code POST /alerts/{source}} this parser answers. */
  String source();

  /** @throws AlertFormatException when the body is not this source's payload; the message says why */
  AlertBatch parse(String body);
}
