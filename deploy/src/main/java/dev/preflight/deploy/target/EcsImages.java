package dev.preflight.deploy.target;

import dev.preflight.deploy.aws.EcsNames;
import dev.preflight.deploy.target.EcsFailures.Problem;
import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The next revision of a task definition: every field as it was, one container's image moved to
 * the version's tag. Kept apart from the calls so the rewriting is plain data in, data out.
 */
final class EcsImages {

  /** What a registry accepts as a tag; anything else would register fine and then fail to pull. */
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  private EcsImages() {}

  /**
   * The image with its tag set: {@code repo:tag}, {@code repo@sha256:…} and a bare {@code repo}
   * all become {@code repo:version}. A registry port ({@code host:5000/repo}) is not a tag.
   */
  static String withTag(String image, String tag) {
    String repository = image;
    int digest = repository.indexOf('@');
    if (digest >= 0) {
      repository = repository.substring(0, digest);
    }
    int colon = repository.lastIndexOf(':');
    if (colon > repository.lastIndexOf('/')) {
      repository = repository.substring(0, colon);
    }
    return repository + ":" + tag;
  }

  /**
   * The version a task definition runs, as a deploy would have named it: the tag of
   * {@code container}'s image (a null container means the only one). An image pinned by digest
   * alone answers its digest; an image without tag or digest runs {@code latest}, as a registry reads it.
   */
  static String version(TaskDefinition definition, String container) {
    String name = containerName(definition, container);
    String image = definition.containerDefinitions().stream().filter(c -> c.name().equals(name))
        .map(ContainerDefinition::image).findFirst().orElse("");
    return tagOf(image);
  }

  /** The tag of an image reference; its digest when it has only that; {@code latest} when it has neither. */
  static String tagOf(String image) {
    int digest = image.indexOf('@');
    String repository = digest >= 0 ? image.substring(0, digest) : image;
    int colon = repository.lastIndexOf(':');
    if (colon > repository.lastIndexOf('/')) {
      return repository.substring(colon + 1);
    }
    return digest >= 0 ? image.substring(digest + 1) : "latest";
  }

  /**
   * A request registering {@code current} again with {@code container}'s image tagged
   * {@code version}; a null container means the task definition's only one.
   */
  static RegisterTaskDefinitionRequest nextRevision(DescribeTaskDefinitionResponse current, String container,
      String version) {
    TaskDefinition definition = current.taskDefinition();
    if (version == null || !TAG.matcher(version).matches()) {
      throw new Problem("Version " + version + " cannot be an image tag",
          "An image tag is letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-'.");
    }
    String name = containerName(definition, container);
    List<ContainerDefinition> containers = definition.containerDefinitions().stream()
        .map(c -> c.name().equals(name) ? c.toBuilder().image(withTag(c.image(), version)).build() : c)
        .toList();
    RegisterTaskDefinitionRequest.Builder next = RegisterTaskDefinitionRequest.builder()
        .family(definition.family())
        .taskRoleArn(definition.taskRoleArn())
        .executionRoleArn(definition.executionRoleArn())
        .networkMode(definition.networkModeAsString())
        .containerDefinitions(containers)
        .volumes(definition.volumes())
        .placementConstraints(definition.placementConstraints())
        .requiresCompatibilitiesWithStrings(definition.requiresCompatibilitiesAsStrings())
        .cpu(definition.cpu())
        .memory(definition.memory())
        .pidMode(definition.pidModeAsString())
        .ipcMode(definition.ipcModeAsString())
        .proxyConfiguration(definition.proxyConfiguration())
        .inferenceAccelerators(definition.inferenceAccelerators())
        .ephemeralStorage(definition.ephemeralStorage())
        .runtimePlatform(definition.runtimePlatform())
        .enableFaultInjection(definition.enableFaultInjection());
    if (current.hasTags() && !current.tags().isEmpty()) {
      next.tags(current.tags());
    }
    return next.build();
  }

  private static String containerName(TaskDefinition definition, String container) {
    List<String> names = definition.containerDefinitions().stream().map(ContainerDefinition::name).toList();
    String revision = EcsNames.shortTaskDefinition(definition.taskDefinitionArn());
    if (container == null) {
      if (names.size() == 1) {
        return names.get(0);
      }
      throw new Problem("Set container on the ecs target: " + revision + " has " + String.join(", ", names), null);
    }
    if (!names.contains(container)) {
      throw new Problem("Container " + container + " is not in " + revision + " (it has " + String.join(", ", names) + ")",
          null);
    }
    return container;
  }
}
