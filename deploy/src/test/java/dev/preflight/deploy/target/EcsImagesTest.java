package dev.preflight.deploy.target;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way an image reference is written in a task definition ends up as repository:version. */
class EcsImagesTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
      "nginx, nginx:v2",
      "nginx:1.27, nginx:v2",
      "acme/web:1.3.0, acme/web:v2",
      "registry.example.com:5000/acme/web, registry.example.com:5000/acme/web:v2",
      "registry.example.com:5000/acme/web:1.3.0, registry.example.com:5000/acme/web:v2",
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:0123abcd, 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v2",
      "acme/web:1.3.0@sha256:0123abcd, acme/web:v2",
      "localhost:5000/web@sha256:0123abcd, localhost:5000/web:v2",
  })
  void imageGetsTheVersionAsItsTag(String image, String expected) {
    assertEquals(expected, EcsImages.withTag(image, "v2"));
  }

  @ParameterizedTest(name = "{0} runs {1}")
  @CsvSource({
      "nginx, latest",
      "nginx:1.27, 1.27",
      "registry.example.com:5000/acme/web, latest",
      "registry.example.com:5000/acme/web:1.3.0, 1.3.0",
      "acme/web:1.3.0@sha256:0123abcd, 1.3.0",
      "localhost:5000/web@sha256:0123abcd, sha256:0123abcd",
  })
  void theVersionAnImageRunsIsItsTag(String image, String expected) {
    assertEquals(expected, EcsImages.tagOf(image));
  }
}
