package dev.whetstone.engine.torch;

import static dev.whetstone.testing.XboxSupportData.HOWTO_QA;
import static dev.whetstone.testing.XboxSupportData.HOWTO_SYSTEM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.demo.TinyModels;
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
 * What a new user does first (issue #14, "defaults that learn"): the Azure how-to's own three conversations, word for
 * word, repeated to its ten lines, fine-tuned on a demo model with every hyperparameter "auto" and the engine's
 * default adapter. The deployed model must then answer each trained question with its trained answer under greedy
 * decoding. The measured table is in docs/BENCHMARKS.md ("Defaults that learn").
 */
class DefaultsLearnTheHowToTest {

    @TempDir Path dir;

    @Test
    void tinyChatLearnsTheHowTosConversationsWithAllDefaults() throws Exception {
        Path base = dir.resolve("tiny-chat");
        TinyModels.create(base, TinyModels.Kind.CHAT);
        DemoModelFineTuneTest.Losses losses = new DemoModelFineTuneTest.Losses();
        TrainingOutcome outcome = train(base, XboxSupportData.howToChatExamples(10), losses);

        try (HfTokenizer tok = HfTokenizer.load(base); CausalLm model = CausalLm.load(base, LoadOptions.frozen());
             LoraModel adapter = LoraModel.load(model, outcome.modelDir())) {
            List<String> answers = new ArrayList<>();
            for (List<String> qa : HOWTO_QA) {
                String prompt = tok.chatTemplate().orElseThrow().render(List.of(
                        ChatMessage.text("system", HOWTO_SYSTEM), ChatMessage.text("user", qa.get(0))), true);
                answers.add(generate(tok, model, tok.encode(prompt, false)));
            }
            report("tiny-chat", outcome, losses, answers);
            for (int i = 0; i < HOWTO_QA.size(); i++) assertThat(answers.get(i)).isEqualTo(HOWTO_QA.get(i).get(1));
        }
    }

    @Test
    void tinyCompletionLearnsTenPromptCompletionPairsWithAllDefaults() throws Exception {
        Path base = dir.resolve("tiny-completion");
        TinyModels.create(base, TinyModels.Kind.COMPLETION);
        List<TrainingExample> data = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<String> qa = HOWTO_QA.get(i % HOWTO_QA.size());
            data.add(new PromptCompletionExample(qa.get(0) + " ->", " " + qa.get(1)));
        }
        DemoModelFineTuneTest.Losses losses = new DemoModelFineTuneTest.Losses();
        TrainingOutcome outcome = train(base, data, losses);

        try (HfTokenizer tok = HfTokenizer.load(base); CausalLm model = CausalLm.load(base, LoadOptions.frozen());
             LoraModel adapter = LoraModel.load(model, outcome.modelDir())) {
            List<String> answers = new ArrayList<>();
            for (List<String> qa : HOWTO_QA) answers.add(generate(tok, model, tok.encode(qa.get(0) + " ->", true)));
            report("tiny-completion", outcome, losses, answers);
            for (int i = 0; i < HOWTO_QA.size(); i++) assertThat(answers.get(i)).isEqualTo(HOWTO_QA.get(i).get(1));
        }
    }

    private static String generate(HfTokenizer tok, CausalLm model, int[] prompt) {
        int[] answer = GreedyDecoder.generate(model, prompt, 96, List.of(tok.eosId().getAsInt()));
        return tok.decode(answer, true).strip();
    }

    /** The numbers docs/BENCHMARKS.md records. */
    private static void report(String model, TrainingOutcome outcome, DemoModelFineTuneTest.Losses losses,
                               List<String> answers) {
        var hp = outcome.hyperparameters();
        System.out.printf("%s: epochs=%d batch=%d lr=%.2e steps=%d first_loss=%.3f final_loss=%.3f%n", model,
                hp.nEpochs(), hp.batchSize(), hp.learningRate(), losses.values.size(), losses.first(), losses.last());
        answers.forEach(a -> System.out.println("  answer: " + a));
    }

    /** Through the Trainer port: every hyperparameter auto, the engine's default options, one core. */
    private TrainingOutcome train(Path base, List<TrainingExample> data, DemoModelFineTuneTest.Losses losses)
            throws Exception {
        TorchTrainer trainer = new TorchTrainer(new TokenizerExampleEncoders(), TrainingOptions.defaults().withThreads(1));
        TrainingSpec spec = new TrainingSpec(base, null, data, List.of(), TrainingSpec.Hyperparameters.auto(),
                TrainingSpec.Method.LORA, 105, dir.resolve("work"));
        return trainer.train(spec, losses);
    }
}
