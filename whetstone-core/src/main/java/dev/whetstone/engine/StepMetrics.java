package dev.whetstone.engine;

/**
 * One row of results.csv (docs/reference/API.md 3.12) plus live progress. Validation fields are null at steps without them.
 *
 * @param tokensSeen     training tokens processed so far (all tokens of each batch, padding excluded)
 * @param tokensPerSecond recent throughput
 * @param peakRssBytes   peak resident memory of the process so far
 * @param etaSeconds     estimated seconds to the end of training
 * @param trainRewardAccuracy DPO only (else null, as the other reward fields): share of the step's pairs whose
 *                       implicit reward prefers the preferred reply
 * @param trainRewardMargin DPO only: mean implicit reward of the preferred minus the non-preferred reply
 * @param trainRewardMean reinforcement only (else null, as the three after it): mean grader reward of the step's
 *                       sampled answers
 * @param validRewardMean reinforcement only: mean reward of one answer per evaluated validation prompt, at the
 *                       evaluation steps
 * @param trainKl        reinforcement only: mean per-token KL estimate (k3) of the policy from the reference
 * @param trainAnswerLength reinforcement only: mean sampled answer length in tokens
 */
public record StepMetrics(
        int step,
        int totalSteps,
        int epoch,
        double trainLoss,
        double trainMeanTokenAccuracy,
        Double validLoss,
        Double validMeanTokenAccuracy,
        Double fullValidLoss,
        Double fullValidMeanTokenAccuracy,
        long tokensSeen,
        double tokensPerSecond,
        long peakRssBytes,
        double etaSeconds,
        Double trainRewardAccuracy,
        Double trainRewardMargin,
        Double validRewardAccuracy,
        Double validRewardMargin,
        Double trainRewardMean,
        Double validRewardMean,
        Double trainKl,
        Double trainAnswerLength) {

    /** A supervised or DPO step (no reinforcement fields). */
    public StepMetrics(int step, int totalSteps, int epoch, double trainLoss, double trainMeanTokenAccuracy,
                       Double validLoss, Double validMeanTokenAccuracy, Double fullValidLoss,
                       Double fullValidMeanTokenAccuracy, long tokensSeen, double tokensPerSecond, long peakRssBytes,
                       double etaSeconds, Double trainRewardAccuracy, Double trainRewardMargin,
                       Double validRewardAccuracy, Double validRewardMargin) {
        this(step, totalSteps, epoch, trainLoss, trainMeanTokenAccuracy, validLoss, validMeanTokenAccuracy,
                fullValidLoss, fullValidMeanTokenAccuracy, tokensSeen, tokensPerSecond, peakRssBytes, etaSeconds,
                trainRewardAccuracy, trainRewardMargin, validRewardAccuracy, validRewardMargin, null, null, null, null);
    }
}
