package dev.preflight.handlers.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What of a person's own input is quoted back to them. */
class MrkdwnEchoTest {

  @Test
  void shortInputIsQuotedAsItIs() {
    assertEquals("backnd", Mrkdwn.echo("backnd"));
    assertEquals("", Mrkdwn.echo(null));
  }

  @Test
  void nineHundredKilobytesBecomeEightyCharactersEndingInAnEllipsis() {
    String echoed = Mrkdwn.echo("a".repeat(900 * 1024));
    assertEquals(Mrkdwn.ECHO_LIMIT, echoed.length());
    assertTrue(echoed.endsWith("…"), echoed);
    assertTrue(echoed.startsWith("aaaa"), echoed);
  }

  @Test
  void controlAndInvisibleCharactersAreRemovedAndLinesJoined() {
    assertEquals("abcd e", Mrkdwn.echo("a\u0000b\u001b\u0007c\u202Ed\r\n\te"));
    assertEquals("nul", Mrkdwn.echo("\u0000nul\u0000"));
  }

  @Test
  void markupIsEscapedAndBackticksCannotCloseTheQuote() {
    assertEquals("&lt;!channel&gt; 'x'", Mrkdwn.echo("<!channel> `x`"));
  }

  @Test
  void aLongInputIsCutEvenWhenItsStartCollapsesToLittle() {
    // Whitespace runs collapse to one space, so what is looked at may shrink below the limit.
    String echoed = Mrkdwn.echo("a" + " ".repeat(900_000) + "b");
    assertEquals("a…", echoed);
    String escaped = Mrkdwn.echo("&".repeat(900_000));
    assertTrue(escaped.length() <= Mrkdwn.ECHO_LIMIT, escaped);
    assertTrue(escaped.matches("(&amp;)+…"), "no entity is cut in half: " + escaped);
  }
}
