package dev.preflight.deploy.target;

/**
 * What an environment runs now, as its target reports it before a deploy changes it: the
 * version a rollback of that deploy restores when no release is on record.
 *
 * @param version the version as a reader names it (an image tag, what a command printed, a commit)
 * @param revision what the target knows it by (an ECS task definition ARN, a workflow run URL), or null
 */
public record LiveVersion(String version, String revision) {}
