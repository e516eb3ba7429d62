package io.bluegreen.aws.step;

/**
 * One command of the aws-agent, written as a reconcile pass: look at what exists, do the next missing action,
 * say whether the step is done. A pass may run any number of times (after a restart, for a re-sent command):
 * it never creates what exists, so nothing is done twice.
 */
public interface AwsStep {

    /** What the step is doing, for messages ("cloning green-x from blue-y"). */
    String describe();

    Pass advance();
}
