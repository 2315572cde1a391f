package dev.whetstone.engine.torch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** config.json files shaped like those of the real checkpoints each architecture is meant for. */
class ConfigReaderTest {
    private static ModelConfig parse(String json) throws Exception {
        return ConfigReader.parse(new ObjectMapper().readTree(json), "config.json");
    }

    @Test
    void smolLm2IsATiedLlamaWithGqa() throws Exception {
        ModelConfig c = parse("""
                {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":576,
                 "intermediate_size":1536,"num_hidden_layers":30,"num_attention_heads":9,"num_key_value_heads":3,
                 "max_position_embeddings":8192,"rms_norm_eps":1e-05,"rope_theta":100000,"rope_scaling":null,
                 "tie_word_embeddings":true,"vocab_size":49152,"hidden_act":"silu","bos_token_id":0,
                 "eos_token_id":0,"torch_dtype":"bfloat16","attention_bias":false,"mlp_bias":false}""");
        assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.groupSize()).isEqualTo(3);
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.ropeTheta()).isEqualTo(100000.0);
        assertThat(c.ropeScaling()).isNull();
        assertThat(c.eosTokenIds()).containsExactly(0);
        assertThat(c.parameterCount()).isBetween(134_000_000L, 135_000_000L);
    }

    @Test
    void llama32ReadsLlama3RopeScalingAndEosList() throws Exception {
        ModelConfig c = parse("""
                {"architectures":["LlamaForCausalLM"],"hidden_size":2048,"intermediate_size":8192,
                 "num_hidden_layers":16,"num_attention_heads":32,"num_key_value_heads":8,"head_dim":64,
                 "max_position_embeddings":131072,"rms_norm_eps":1e-05,"rope_theta":500000.0,
                 "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
                   "original_max_position_embeddings":8192,"rope_type":"llama3"},
                 "tie_word_embeddings":true,"vocab_size":128256,"eos_token_id":[128001,128008,128009]}""");
        assertThat(c.ropeScaling()).isEqualTo(new RopeScaling("llama3", 32.0, 1.0, 4.0, 8192));
        assertThat(c.eosTokenIds()).containsExactly(128001, 128008, 128009);
        double[] inv = new Rope(c).inverseFrequencies();
        assertThat(inv[0]).isEqualTo(1.0);                        // short wavelengths untouched
        double base = Math.pow(500000.0, -62.0 / 64);
        assertThat(inv[31]).isCloseTo(base / 32, org.assertj.core.data.Offset.offset(1e-15)); // long ones / factor
    }

    @Test
    void qwen2HasQkvBiasButNoOutputBias() throws Exception {
        ModelConfig c = parse("""
                {"architectures":["Qwen2ForCausalLM"],"hidden_size":896,"intermediate_size":4864,
                 "num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,
                 "max_position_embeddings":32768,"rms_norm_eps":1e-06,"rope_theta":1000000.0,
                 "sliding_window":32768,"use_sliding_window":false,"max_window_layers":21,
                 "tie_word_embeddings":true,"vocab_size":151936,"eos_token_id":151643}""");
        assertThat(c.architecture()).isEqualTo(Architecture.QWEN2);
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.outputBias()).isFalse();
        assertThat(c.slidingWindow()).isNull();
        assertThat(c.normEps()).isEqualTo(1e-6);
    }

    @Test
    void gpt2UsesItsOwnFieldNames() throws Exception {
        ModelConfig c = parse("""
                {"architectures":["GPT2LMHeadModel"],"activation_function":"gelu_new","n_embd":768,"n_head":12,
                 "n_layer":12,"n_positions":1024,"n_inner":null,"layer_norm_epsilon":1e-05,"vocab_size":50257,
                 "bos_token_id":50256,"eos_token_id":50256}""");
        assertThat(c.architecture()).isEqualTo(Architecture.GPT2);
        assertThat(c.intermediateSize()).isEqualTo(3072);
        assertThat(c.activation()).isEqualTo(ModelConfig.Activation.GELU_TANH);
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.usesRope()).isFalse();
        assertThat(c.parameterCount()).isBetween(124_000_000L, 125_000_000L);
    }

    @Test
    void mistralKeepsItsSlidingWindowToCheckLengths() throws Exception {
        ModelConfig c = parse("""
                {"architectures":["MistralForCausalLM"],"hidden_size":4096,"intermediate_size":14336,
                 "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
                 "max_position_embeddings":32768,"rms_norm_eps":1e-05,"rope_theta":10000.0,"sliding_window":4096,
                 "vocab_size":32000}""");
        assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(c.slidingWindow()).isEqualTo(4096);
    }

    @Test
    void unsupportedThingsAreNamedWithTheSupportedAlternatives() {
        assertThatThrownBy(() -> parse("{\"architectures\":[\"PhiForCausalLM\"]}"))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("PhiForCausalLM")
                .hasMessageContaining("LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, GPT2LMHeadModel");
        assertThatThrownBy(() -> parse("""
                {"architectures":["LlamaForCausalLM"],"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,
                 "num_attention_heads":2,"vocab_size":8,"rope_scaling":{"type":"yarn","factor":4}}"""))
                .hasMessageContaining("rope_scaling type 'yarn'");
        assertThatThrownBy(() -> parse("""
                {"architectures":["Qwen2ForCausalLM"],"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,
                 "num_attention_heads":2,"vocab_size":8,"use_sliding_window":true}"""))
                .hasMessageContaining("use_sliding_window");
        assertThatThrownBy(() -> parse("{\"architectures\":[\"LlamaForCausalLM\"]}"))
                .hasMessageContaining("'hidden_size' is missing");
        assertThat(List.of(Architecture.values())).hasSize(3);
    }
}
