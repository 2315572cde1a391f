package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** GRPO's arithmetic, checked against its definitions: advantages, the loss's gradient, k3, the sampling seeds. */
class ReinforcementMethodTest {

    @Test
    void advantagesAreTheGroupsStandardScores() {
        // one hit in eight: mean 1/8, population std √(7)/8
        double[] a = ReinforcementMethod.advantages(new double[] {1, 0, 0, 0, 0, 0, 0, 0});
        double std = Math.sqrt(7) / 8;
        assertThat(a[0]).isCloseTo((1 - 0.125) / std, within(1e-12));
        assertThat(a[1]).isCloseTo(-0.125 / std, within(1e-12));
        assertThat(java.util.Arrays.stream(a).sum()).isCloseTo(0, within(1e-12));
    }

    @Test
    void aGroupThatScoresAlikeHasNoAdvantage() {
        assertThat(ReinforcementMethod.advantages(new double[] {0.5, 0.5, 0.5})).containsOnly(0.0);
        assertThat(ReinforcementMethod.advantages(new double[] {0, 0})).containsOnly(0.0);
    }

    /**
     * The coefficient is dL/d log π with ρ = exp(log π − log π_old) and d = log π_ref − log π both moving with
     * log π: compared with a central difference of the loss, inside and outside the clip range.
     */
    @Test
    void theCoefficientIsTheLossDerivativeInLogProbability() {
        double beta = 0.04;
        double h = 1e-6;
        for (double adv : new double[] {1.7, -0.6, 0}) {
            for (double shift : new double[] {0, 0.1, -0.1, 0.5, -0.5}) {       // log π − log π_old
                for (double gap : new double[] {0, 0.3, -0.8}) {                // log π_ref − log π
                    double logp = -2.0;
                    double old = logp - shift;
                    double ref = logp + gap;
                    double numeric = (loss(adv, logp + h, old, ref, beta) - loss(adv, logp - h, old, ref, beta)) / (2 * h);
                    double analytic = ReinforcementMethod.coefficient(adv, Math.exp(shift), gap, beta);
                    assertThat(analytic).as("adv %s shift %s gap %s", adv, shift, gap).isCloseTo(numeric, within(1e-6));
                }
            }
        }
    }

    private static double loss(double adv, double logp, double old, double ref, double beta) {
        return ReinforcementMethod.tokenLoss(adv, Math.exp(logp - old), ref - logp, beta);
    }

    @Test
    void atTheSamplingPolicyTheGradientIsMinusTheAdvantage() {
        assertThat(ReinforcementMethod.coefficient(2.0, 1.0, 0.0, 0.04)).isEqualTo(-2.0);
        assertThat(ReinforcementMethod.tokenLoss(2.0, 1.0, 0.0, 0.04)).isEqualTo(-2.0);
    }

    @Test
    void k3IsANonNegativeKlEstimateThatVanishesAtTheReference() {
        assertThat(ReinforcementMethod.k3(0)).isZero();
        for (double d : new double[] {-3, -0.5, 0.2, 2}) assertThat(ReinforcementMethod.k3(d)).isPositive();
        // E_π[k3] = KL(π‖π_ref): for two distributions over two outcomes
        double[] p = {0.7, 0.3};
        double[] q = {0.4, 0.6};
        double expected = 0;
        double kl = 0;
        for (int i = 0; i < 2; i++) {
            expected += p[i] * ReinforcementMethod.k3(Math.log(q[i]) - Math.log(p[i]));
            kl += p[i] * Math.log(p[i] / q[i]);
        }
        assertThat(expected).isCloseTo(kl, within(1e-12));
    }

    @Test
    void everyAnswerOfARunDrawsFromItsOwnStream() {
        Set<Long> seeds = new HashSet<>();
        for (int step = 0; step < 20; step++) {
            for (int prompt = 0; prompt < 8; prompt++) {
                for (int answer = 0; answer < 8; answer++) {
                    seeds.add(ReinforcementMethod.streamSeed(17, step, prompt, answer));
                }
            }
        }
        assertThat(seeds).hasSize(20 * 8 * 8);
        assertThat(ReinforcementMethod.streamSeed(17, 3, 1, 2)).isEqualTo(ReinforcementMethod.streamSeed(17, 3, 1, 2))
                .isNotEqualTo(ReinforcementMethod.streamSeed(18, 3, 1, 2));
    }
}
