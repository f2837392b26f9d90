package dev.preflight.deploy.aws;

import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS API call by service, operation and outcome ({@code preflight.aws.calls}),
 * once per call however many attempts the SDK's retries made, so an operator sees which
 * operations the bot leans on and which fail.
 */
final class AwsCallMetrics implements ExecutionInterceptor {

  private final MeterRegistry meters;

  AwsCallMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    count(attributes, context.httpResponse().isSuccessful() ? "success" : "error");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    count(attributes, "failure");
  }

  private void count(ExecutionAttributes attributes, String outcome) {
    count(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
        attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), outcome);
  }

  /** One call made without an SDK client (ELBv2 over its query protocol), counted the same way. */
  void count(String service, String operation, String outcome) {
    meters.counter("preflight.aws.calls", "service", nonNull(service), "operation", nonNull(operation),
        "outcome", outcome).increment();
  }

  private static String nonNull(String value) {
    return value == null ? "unknown" : value;
  }
}
