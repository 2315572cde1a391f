package dev.whetstone.engine.torch;

import dev.whetstone.engine.torch.demo.TinyModels;
import static dev.whetstone.testing.XboxSupportData.QA;
import static dev.whetstone.testing.XboxSupportData.SYSTEM;
import static dev.whetstone.testing.XboxSupportData.answer;
import static dev.whetstone.testing.XboxSupportData.question;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingPlan;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.GreedyDecoder;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.engine.torch.train.TorchTrainer;
import dev.whetstone.engine.torch.train.TrainingOptions;
import dev.whetstone.testing.XboxSupportData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance check on the built-in demo models: fine-tuning through the Trainer port (tokenizer, chat
 * template, loss masks, LoRA or full, AdamW, auto hyperparameters) on ten examples in the Azure how-to's format
 * drives the loss down, and the fine-tuned model then answers trained questions with the trained answers under
 * greedy decoding.
 */
class DemoModelFineTuneTest {

    @TempDir Path dir;

    /**
     * What a deployment of the default job shows: LoRA with every hyperparameter "auto" (ten examples: 10 epochs,
     * batch 1, 100 steps) and the engine's default adapter; the base model does not give the answer.
     */
    @Test
    void defaultLoraJobOnTinyChatAnswersATrainedQuestionWithTheTrainedAnswer() throws Exception {
        Path base = dir.resolve("tiny-chat");
        TinyModels.create(base, TinyModels.Kind.CHAT);
        Losses losses = new Losses();
        TrainingOutcome outcome = train(base, XboxSupportData.chatExamples(10), TrainingSpec.Method.LORA,
                TrainingSpec.Hyperparameters.auto(), losses);

        assertThat(outcome.hyperparameters().nEpochs()).isEqualTo(10);
        assertThat(outcome.hyperparameters().batchSize()).isEqualTo(1);
        assertThat(losses.last()).isLessThan(losses.first() * 0.1);
        try (HfTokenizer tok = HfTokenizer.load(base); CausalLm model = CausalLm.load(base, LoadOptions.frozen())) {
            assertThat(chatAnswer(tok, model, question(1))).isNotEqualTo(answer(1));
            try (LoraModel adapter = LoraModel.load(model, outcome.modelDir())) {
                for (List<String> qa : QA) assertThat(chatAnswer(tok, model, qa.get(0))).isEqualTo(qa.get(1));
            }
        }
    }

    /** Full fine-tuning in fp32 costs ~10× a LoRA step here: 4 epochs (40 steps) at 2e-5 × 50 = 1e-3. */
    @Test
    void fullFineTuningOfTinyChatAnswersATrainedQuestionWithTheTrainedAnswer() throws Exception {
        Path base = dir.resolve("tiny-chat");
        TinyModels.create(base, TinyModels.Kind.CHAT);
        Losses losses = new Losses();
        TrainingOutcome outcome = train(base, XboxSupportData.chatExamples(10), TrainingSpec.Method.FULL,
                new TrainingSpec.Hyperparameters(4, 1, 50.0), losses);

        assertThat(losses.last()).isLessThan(losses.first() * 0.1);
        try (HfTokenizer tok = HfTokenizer.load(base); CausalLm model = CausalLm.load(outcome.modelDir(), LoadOptions.frozen())) {
            assertThat(chatAnswer(tok, model, question(1))).isEqualTo(answer(1));
        }
    }

    /**
     * GPT-2 is a harder start for an adapter than Llama: at the earlier auto rate 2.5e-4 the default job drove the
     * loss down (≈ 2 of 7) without memorising the completions; DefaultsLearnTheHowToTest checks the completions at
     * the current auto rate. Full fine-tuning, below, checks them too.
     */
    @Test
    void defaultLoraJobOnTinyCompletionDrivesTheLossClearlyDown() throws Exception {
        Path base = dir.resolve("tiny-completion");
        TinyModels.create(base, TinyModels.Kind.COMPLETION);
        Losses losses = new Losses();
        TrainingOutcome outcome = train(base, completionData(), TrainingSpec.Method.LORA,
                TrainingSpec.Hyperparameters.auto(), losses);

        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.COMPLETED);
        assertThat(losses.last()).isLessThan(losses.first() * 0.4);
    }

    /** As for tiny-chat: 40 steps of full fine-tuning at 1e-3. */
    @Test
    void fullFineTuningOfTinyCompletionCompletesATrainedPromptWithTheTrainedCompletion() throws Exception {
        Path base = dir.resolve("tiny-completion");
        TinyModels.create(base, TinyModels.Kind.COMPLETION);
        Losses losses = new Losses();
        TrainingOutcome outcome = train(base, completionData(), TrainingSpec.Method.FULL,
                new TrainingSpec.Hyperparameters(4, 1, 50.0), losses);

        assertThat(losses.last()).isLessThan(losses.first() * 0.1);
        try (HfTokenizer tok = HfTokenizer.load(base); CausalLm model = CausalLm.load(outcome.modelDir(), LoadOptions.frozen())) {
            assertThat(completion(tok, model, question(2))).isEqualTo(answer(2));
        }
    }

    /** Greedy answer to a question after the training system message, through the model's chat template. */
    private static String chatAnswer(HfTokenizer tok, CausalLm model, String question) {
        String prompt = tok.chatTemplate().orElseThrow().render(
                List.of(ChatMessage.text("system", SYSTEM), ChatMessage.text("user", question)), true);
        int[] answer = GreedyDecoder.generate(model, tok.encode(prompt, false), 64, List.of(tok.eosId().getAsInt()));
        return tok.decode(answer, true).strip();
    }

    private static String completion(HfTokenizer tok, CausalLm model, String question) {
        int[] prompt = tok.encode("Q: " + question + "\nA:", true);
        int[] answer = GreedyDecoder.generate(model, prompt, 64, List.of(tok.eosId().getAsInt()));
        return tok.decode(answer, true).strip();
    }

    private static List<TrainingExample> completionData() {
        List<TrainingExample> data = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            data.add(new PromptCompletionExample("Q: " + question(i % QA.size()) + "\nA:", " " + answer(i % QA.size())));
        }
        return data;
    }

    /** Through the Trainer port with the engine's default options (LoRA: the default adapter), on one core. */
    private TrainingOutcome train(Path base, List<TrainingExample> data, TrainingSpec.Method method,
                                  TrainingSpec.Hyperparameters hp, Losses losses) throws Exception {
        TorchTrainer trainer = new TorchTrainer(new TokenizerExampleEncoders(), TrainingOptions.defaults().withThreads(1));
        TrainingSpec spec = new TrainingSpec(base, null, data, List.of(), hp, method, 105, dir.resolve("work-" + method));
        return trainer.train(spec, losses);
    }

    static final class Losses implements TrainingListener {
        final List<Double> values = new ArrayList<>();

        double first() { return values.getFirst(); }

        /** Mean of the last five steps: single steps are noisy. */
        double last() {
            return values.subList(values.size() - 5, values.size()).stream().mapToDouble(d -> d).average().orElseThrow();
        }

        @Override public void onPlan(TrainingPlan plan) {}

        @Override public void onStep(StepMetrics m) { values.add(m.trainLoss()); }

        @Override public void onCheckpoint(CheckpointInfo checkpoint) {}

        @Override public void onWarning(String message) {}
    }
}
