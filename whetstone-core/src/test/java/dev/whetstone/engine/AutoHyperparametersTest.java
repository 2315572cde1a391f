package dev.whetstone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AutoHyperparametersTest {
    private static final TrainingSpec.Hyperparameters AUTO = TrainingSpec.Hyperparameters.auto();

    @Test
    void typicalSetsGetThreeEpochs() {
        assertThat(AutoHyperparameters.epochs(34)).isEqualTo(3);
        assertThat(AutoHyperparameters.epochs(1000)).isEqualTo(3);
        assertThat(AutoHyperparameters.epochs(8333)).isEqualTo(3);
    }

    @Test
    void tinySetsGetMoreEpochsUpTo25() {
        assertThat(AutoHyperparameters.epochs(10)).isEqualTo(10);
        assertThat(AutoHyperparameters.epochs(33)).isEqualTo(4);
        assertThat(AutoHyperparameters.epochs(1)).isEqualTo(25);
    }

    @Test
    void hugeSetsGetFewerEpochsDownToOne() {
        assertThat(AutoHyperparameters.epochs(10_000)).isEqualTo(2);
        assertThat(AutoHyperparameters.epochs(12_501)).isEqualTo(1);
        assertThat(AutoHyperparameters.epochs(1_000_000)).isEqualTo(1);
    }

    @Property
    void epochsStayInTheirBounds(@ForAll @IntRange(min = 1, max = 2_000_000) int n) {
        int e = AutoHyperparameters.epochs(n);
        assertThat(e).isBetween(1, 25);
        if (e > 3 && e < 25) {
            assertThat((long) n * e).isGreaterThanOrEqualTo(100);
            assertThat((long) n * (e - 1)).isLessThan(100);
        }
        if (e < 3 && e > 1) assertThat((long) n * e).isLessThanOrEqualTo(25_000);
    }

    @Test
    void batchIsAboutTwoPerThousandBoundedByOneAnd256AndMemory() {
        assertThat(AutoHyperparameters.batchSize(10, 1000)).isEqualTo(1);
        assertThat(AutoHyperparameters.batchSize(5000, 1000)).isEqualTo(10);
        assertThat(AutoHyperparameters.batchSize(1_000_000, 1000)).isEqualTo(256);
        assertThat(AutoHyperparameters.batchSize(5000, 4)).isEqualTo(4);
        assertThat(AutoHyperparameters.batchSize(5000, 0)).isEqualTo(1);
    }

    @Test
    void multiplierGrowsWithTheSquareRootOfTheBatchAboveEight() {
        assertThat(AutoHyperparameters.multiplier(1)).isEqualTo(1.0);
        assertThat(AutoHyperparameters.multiplier(4)).isEqualTo(1.0);
        assertThat(AutoHyperparameters.multiplier(8)).isEqualTo(1.0);
        assertThat(AutoHyperparameters.multiplier(16)).isEqualTo(1.41);
        assertThat(AutoHyperparameters.multiplier(256)).isEqualTo(2.0);
    }

    @Test
    void reinforcementResolvesItsGroupSizeAndEvaluation() {
        var auto = AutoHyperparameters.resolve(new TrainingSpec.Hyperparameters(null, null, null, null,
                new TrainingSpec.Reinforcement("{}", null, null, null, null)), 20, TrainingSpec.Method.LORA, 64);
        // 20 prompts: 5 epochs at batch 1, 100 steps; evaluation every tenth of them
        assertThat(auto.nEpochs()).isEqualTo(5);
        assertThat(auto.reinforcement()).isEqualTo(new ResolvedHyperparameters.Reinforcement(10, 8, 1.0, "default",
                8, 32, 0.04));
        assertThat(auto.preference()).isFalse();
        var asked = AutoHyperparameters.resolve(new TrainingSpec.Hyperparameters(2, 4, 0.5, null,
                new TrainingSpec.Reinforcement("{}", 3, 2, 0.5, "high")), 20, TrainingSpec.Method.LORA, 64);
        assertThat(asked.learningRate()).isEqualTo(0.5 * 1e-3);
        assertThat(asked.reinforcement()).isEqualTo(new ResolvedHyperparameters.Reinforcement(3, 2, 0.5, "high",
                4, 32, 0.04));
        assertThat(group(0.00002)).isEqualTo(2);
        assertThat(group(0.31)).isEqualTo(2);
        assertThat(group(2.0)).isEqualTo(16);
        assertThat(group(10)).isEqualTo(64);
    }

    private static int group(double computeMultiplier) {
        return AutoHyperparameters.resolve(new TrainingSpec.Hyperparameters(1, 1, 1.0, null,
                new TrainingSpec.Reinforcement("{}", null, null, computeMultiplier, null)), 10,
                TrainingSpec.Method.LORA, 64).reinforcement().groupSize();
    }

    @Test
    void resolveKeepsRequestedValuesAndFillsTheRest() {
        var r = AutoHyperparameters.resolve(new TrainingSpec.Hyperparameters(2, null, null), 5000,
                TrainingSpec.Method.LORA, 64);
        assertThat(r).isEqualTo(new ResolvedHyperparameters(2, 10, 1.12, 1.12 * 1e-3));
        var full = AutoHyperparameters.resolve(new TrainingSpec.Hyperparameters(null, 8, 0.3), 50,
                TrainingSpec.Method.FULL, 64);
        assertThat(full.nEpochs()).isEqualTo(3);
        assertThat(full.batchSize()).isEqualTo(8);
        assertThat(full.learningRate()).isEqualTo(0.3 * 2e-5);
        assertThat(AutoHyperparameters.resolve(AUTO, 20, TrainingSpec.Method.LORA, 64))
                .isEqualTo(new ResolvedHyperparameters(5, 1, 1.0, 1e-3));
    }
}
