package dev.whetstone.engine.torch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingPlan;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.GreedyDecoder;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.engine.torch.train.TorchTrainer;
import dev.whetstone.engine.torch.train.TrainingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance check on the built-in demo models: fine-tuning through the Trainer port (tokenizer, chat
 * template, loss masks, LoRA, AdamW) drives the loss down, and the fine-tuned model then answers a trained question
 * with the trained answer under greedy decoding.
 */
class DemoModelFineTuneTest {
    static final String SYSTEM = "You are an Xbox customer support agent whose primary goal is to help users with "
            + "issues they are experiencing with their Xbox devices. You are friendly and concise.";
    static final String[][] QA = {
        {"Is Xbox better than PlayStation?", "I cannot give personal opinions, but I can help with your Xbox."},
        {"Can I play PC games on my Xbox?", "Xbox consoles do not run PC games, but many Xbox games are on PC too."},
        {"My Xbox will not connect to Wi-Fi.", "Let us check the network settings. What happens when you connect?"},
    };

    @TempDir Path dir;

    @Test
    void loraOnTinyChatDrivesTheLossClearlyDown() throws Exception {
        Path base = dir.resolve("tiny-chat");
        TinyModels.create(base, TinyModels.Kind.CHAT);
        Losses losses = new Losses();
        // LoRA base rate 2e-4 × 50. A random base is a hard start for a low-rank update: the loss falls steadily
        // but 150 steps do not memorise the answers; the full fine-tuning tests below check the answers.
        TrainingOutcome outcome = train(base, chatData(), TrainingSpec.Method.LORA, 50.0, losses);
        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.COMPLETED);
        assertThat(losses.last()).isLessThan(losses.first() * 0.4);
    }

    @Test
    void tinyChatAnswersATrainedQuestionWithTheTrainedAnswer() throws Exception {
        Path base = dir.resolve("tiny-chat");
        TinyModels.create(base, TinyModels.Kind.CHAT);
        Losses losses = new Losses();
        TrainingOutcome outcome = train(base, chatData(), TrainingSpec.Method.FULL, 100.0, losses);

        assertThat(losses.last()).isLessThan(losses.first() * 0.1);
        try (HfTokenizer tok = HfTokenizer.load(base); CausalLm model = CausalLm.load(outcome.modelDir(), LoadOptions.frozen())) {
            String prompt = tok.chatTemplate().orElseThrow().render(
                    List.of(ChatMessage.text("system", SYSTEM), ChatMessage.text("user", QA[1][0])), true);
            int[] answer = GreedyDecoder.generate(model, tok.encode(prompt, false), 64, List.of(tok.eosId().getAsInt()));
            assertThat(tok.decode(answer, true).strip()).isEqualTo(QA[1][1]);
        }
    }

    @Test
    void tinyCompletionCompletesATrainedPromptWithTheTrainedCompletion() throws Exception {
        Path base = dir.resolve("tiny-completion");
        TinyModels.create(base, TinyModels.Kind.COMPLETION);
        List<TrainingExample> data = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String[] qa = QA[i % QA.length];
            data.add(new PromptCompletionExample("Q: " + qa[0] + "\nA:", " " + qa[1]));
        }
        Losses losses = new Losses();
        TrainingOutcome outcome = train(base, data, TrainingSpec.Method.FULL, 100.0, losses);

        assertThat(losses.last()).isLessThan(losses.first() * 0.1);
        try (HfTokenizer tok = HfTokenizer.load(base); CausalLm model = CausalLm.load(outcome.modelDir(), LoadOptions.frozen())) {
            int[] prompt = tok.encode("Q: " + QA[2][0] + "\nA:", true);
            int[] answer = GreedyDecoder.generate(model, prompt, 64, List.of(tok.eosId().getAsInt()));
            assertThat(tok.decode(answer, true).strip()).isEqualTo(QA[2][1]);
        }
    }

    /** Ten conversations in the Azure how-to's format, three distinct question/answer pairs. */
    private static List<TrainingExample> chatData() {
        List<TrainingExample> data = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String[] qa = QA[i % QA.length];
            data.add(new ChatExample(List.of(ChatMessage.text("system", SYSTEM), ChatMessage.text("user", qa[0]),
                    ChatMessage.text("assistant", qa[1]))));
        }
        return data;
    }

    /** 30 epochs at batch 2 (150 steps); the multiplier scales the method's base rate (LoRA 2e-4, full 2e-5). */
    private TrainingOutcome train(Path base, List<TrainingExample> data, TrainingSpec.Method method, double multiplier,
                                  Losses losses) throws Exception {
        TorchTrainer trainer = new TorchTrainer(new TokenizerExampleEncoders(), TrainingOptions.defaults());
        TrainingSpec spec = new TrainingSpec(base, null, data, List.of(),
                new TrainingSpec.Hyperparameters(30, 2, multiplier), method, 105, dir.resolve("work-" + method));
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
