package dev.whetstone.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a reinforcement run optimises: the reward of one sampled answer to one prompt. The worker implements it with
 * the job's grader (dev.whetstone.graders, in core; model graders go through their deployments), so the engine
 * knows nothing of graders. Called from the training thread; must not throw for a bad answer (a grader failure is
 * reward 0, as the graders API reports it).
 */
@FunctionalInterface
public interface RewardFunction {
    /**
     * @param answer the model's answer text (the sample's {@code output_text})
     * @param item   the prompt's line of the training or validation file (the grader's {@code item})
     */
    double reward(String answer, ObjectNode item);
}
