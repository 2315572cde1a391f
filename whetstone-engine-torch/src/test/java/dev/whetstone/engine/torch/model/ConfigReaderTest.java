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
    void mistralSlidesOnEveryLayerWhenItHasAWindow() throws Exception {
        ModelConfig c = parse("""
                {"architectures":["MistralForCausalLM"],"hidden_size":4096,"intermediate_size":14336,
                 "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,
                 "max_position_embeddings":32768,"rms_norm_eps":1e-05,"rope_theta":10000.0,"sliding_window":4096,
                 "vocab_size":32000}""");
        assertThat(c.architecture()).isEqualTo(Architecture.MISTRAL);
        assertThat(c.slidingWindow()).isEqualTo(4096);
        assertThat(c.layerKinds()).hasSize(32).allMatch(ModelConfig.LayerKind::sliding);
        ModelConfig v02 = parse("""
                {"architectures":["MistralForCausalLM"],"hidden_size":4096,"intermediate_size":14336,
                 "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"head_dim":128,
                 "max_position_embeddings":32768,"rope_theta":1000000.0,"sliding_window":null,"vocab_size":32768}""");
        assertThat(v02.hasSlidingLayers()).isFalse();
    }

    @Test
    void qwen3HasQkNormsAnExplicitHeadDimAndNoBias() throws Exception {
        ModelConfig c = parse("""
                {"architectures":["Qwen3ForCausalLM"],"attention_bias":false,"head_dim":128,"hidden_act":"silu",
                 "hidden_size":1024,"intermediate_size":3072,"max_position_embeddings":40960,"max_window_layers":28,
                 "model_type":"qwen3","num_attention_heads":16,"num_hidden_layers":28,"num_key_value_heads":8,
                 "rms_norm_eps":1e-06,"rope_scaling":null,"rope_theta":1000000,"sliding_window":null,
                 "tie_word_embeddings":true,"torch_dtype":"bfloat16","use_sliding_window":false,
                 "vocab_size":151936}""");
        assertThat(c.architecture()).isEqualTo(Architecture.QWEN3);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.qkNorm()).isTrue();
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.hasSlidingLayers()).isFalse();
        assertThat(c.attentionScale()).isEqualTo(1 / Math.sqrt(128));
        assertThat(c.parameterCount()).isBetween(590_000_000L, 760_000_000L);
    }

    @Test
    void gemma3InterleavesLocalAndGlobalLayersWithTheirOwnRope() throws Exception {
        ModelConfig c = parse("""
                {"architectures":["Gemma3ForCausalLM"],"attention_bias":false,"attn_logit_softcapping":null,
                 "bos_token_id":2,"eos_token_id":[1,106],"final_logit_softcapping":null,"head_dim":256,
                 "hidden_activation":"gelu_pytorch_tanh","hidden_size":1152,"intermediate_size":6912,
                 "max_position_embeddings":32768,"model_type":"gemma3_text","num_attention_heads":4,
                 "num_hidden_layers":26,"num_key_value_heads":1,"query_pre_attn_scalar":256,"rms_norm_eps":1e-06,
                 "rope_local_base_freq":10000,"rope_scaling":null,"rope_theta":1000000,"sliding_window":512,
                 "sliding_window_pattern":6,"torch_dtype":"bfloat16","vocab_size":262144}""");
        assertThat(c.architecture()).isEqualTo(Architecture.GEMMA3);
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.normForm()).isEqualTo(ModelConfig.NormForm.GEMMA);
        assertThat(c.sandwichNorms()).isTrue();
        assertThat(c.scaleEmbeddings()).isTrue();
        assertThat(c.activation()).isEqualTo(ModelConfig.Activation.GELU_TANH);
        assertThat(c.eosTokenIds()).containsExactly(1, 106);
        for (int i = 0; i < 26; i++) {
            boolean global = (i + 1) % 6 == 0;
            assertThat(c.layerKinds().get(i)).as("layer %d", i).isEqualTo(new ModelConfig.LayerKind(!global,
                    global ? ModelConfig.LayerRope.GLOBAL : ModelConfig.LayerRope.LOCAL));
        }
        assertThat(c.localRopeTheta()).isEqualTo(10000.0);
        assertThat(c.attentionSoftcap()).isNull();
    }

    @Test
    void smolLm3LeavesRopeOutWhereNoRopeLayersSays() throws Exception {
        String config = """
                {"architectures":["SmolLM3ForCausalLM"],"hidden_size":2048,"intermediate_size":11008,
                 "num_hidden_layers":8,"num_attention_heads":16,"num_key_value_heads":4,"rope_theta":5000000.0,
                 "use_sliding_window":false,"sliding_window":null,"no_rope_layer_interval":4,%s
                 "tie_word_embeddings":true,"vocab_size":128256}""";
        ModelConfig listed = parse(config.formatted("\"no_rope_layers\":[1,1,0,1,1,1,1,0],"));
        ModelConfig byInterval = parse(config.formatted(""));
        assertThat(listed.architecture()).isEqualTo(Architecture.SMOLLM3);
        assertThat(listed.layerKinds().stream().map(k -> k.rope() == ModelConfig.LayerRope.GLOBAL).toList())
                .containsExactly(true, true, false, true, true, true, true, false);
        assertThat(byInterval.layerKinds().stream().map(k -> k.rope() == ModelConfig.LayerRope.GLOBAL).toList())
                .containsExactly(true, true, true, false, true, true, true, false);
        assertThatThrownBy(() -> parse(config.formatted("\"no_rope_layers\":[1,0],")))
                .hasMessageContaining("no_rope_layers has 2 entries but num_hidden_layers is 8");
    }

    @Test
    void gemma2AlternatesAndSoftCaps() throws Exception {
        ModelConfig c = parse("""
                {"architectures":["Gemma2ForCausalLM"],"attn_logit_softcapping":50.0,"final_logit_softcapping":30.0,
                 "head_dim":256,"hidden_activation":"gelu_pytorch_tanh","hidden_size":2304,
                 "intermediate_size":9216,"max_position_embeddings":8192,"model_type":"gemma2",
                 "num_attention_heads":8,"num_hidden_layers":26,"num_key_value_heads":4,"query_pre_attn_scalar":256,
                 "rms_norm_eps":1e-06,"rope_theta":10000.0,"sliding_window":4096,"vocab_size":256000}""");
        assertThat(c.architecture()).isEqualTo(Architecture.GEMMA2);
        assertThat(c.attentionSoftcap()).isEqualTo(50.0);
        assertThat(c.finalSoftcap()).isEqualTo(30.0);
        assertThat(c.layerKinds().get(0)).isEqualTo(new ModelConfig.LayerKind(true, ModelConfig.LayerRope.GLOBAL));
        assertThat(c.layerKinds().get(1)).isEqualTo(ModelConfig.LayerKind.GLOBAL);
    }

    @Test
    void unsupportedThingsAreNamedWithTheSupportedAlternatives() {
        assertThatThrownBy(() -> parse("{\"architectures\":[\"PhiForCausalLM\"]}"))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("PhiForCausalLM")
                .hasMessageContaining("LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, SmolLM3ForCausalLM,"
                        + " Qwen3ForCausalLM, Gemma2ForCausalLM, Gemma3ForCausalLM, Phi3ForCausalLM, GPT2LMHeadModel");
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
        assertThat(List.of(Architecture.values())).hasSize(9);
    }

    @Test
    void optionsThatWouldChangeTheModelAreRefusedByName() {
        String llama = """
                {"architectures":["LlamaForCausalLM"],"hidden_size":8,"intermediate_size":8,"num_hidden_layers":2,
                 "num_attention_heads":2,"vocab_size":8,%s}""";
        assertThatThrownBy(() -> parse(llama.formatted("\"attn_logit_softcapping\":50.0")))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'attn_logit_softcapping' is set, but LLAMA models do not soft-cap");
        assertThatThrownBy(() -> parse(llama.formatted("\"rope_scaling\":{\"rope_type\":\"longrope\"}")))
                .hasMessageContaining("rope_scaling type 'longrope' is not supported");
        assertThatThrownBy(() -> parse(llama.formatted("\"rope_parameters\":{\"rope_theta\":10000}")))
                .hasMessageContaining("'rope_parameters'");
        assertThatThrownBy(() -> parse(llama.replace("Llama", "Mistral")
                .formatted("\"sliding_window\":4,\"layer_types\":[\"sliding_attention\",\"full_attention\"]")))
                .hasMessageContaining("layer_types[1] is 'full_attention'");
        assertThatThrownBy(() -> parse(llama.replace("Llama", "Qwen3").formatted("\"use_sliding_window\":true")))
                .hasMessageContaining("use_sliding_window=true is not supported");
        String gemma = """
                {"architectures":["Gemma3ForCausalLM"],"hidden_size":8,"intermediate_size":8,"num_hidden_layers":2,
                 "num_attention_heads":2,"head_dim":4,"vocab_size":8,"sliding_window":4,%s}""";
        assertThatThrownBy(() -> parse(gemma.formatted("\"hidden_activation\":\"gelu\"")))
                .hasMessageContaining("hidden_activation 'gelu' is not supported; expected gelu_pytorch_tanh");
        assertThatThrownBy(() -> parse(gemma.formatted("\"layer_types\":[\"sliding_attention\"]")))
                .hasMessageContaining("layer_types has 1 entries but num_hidden_layers is 2");
        assertThatThrownBy(() -> parse(gemma.formatted("\"layer_types\":[\"chunked_attention\",\"full_attention\"]")))
                .hasMessageContaining("layer_types[0] 'chunked_attention' is not supported");
        assertThatThrownBy(() -> parse(gemma.replace("\"sliding_window\":4,", "").formatted("\"a\":1")))
                .hasMessageContaining("sliding-attention layers need 'sliding_window'");
    }

    /**
     * Phi-4-mini-instruct's config.json (its keys and values; the 48 factor lists are stand-ins of the published
     * length, as the values only feed the frequencies).
     */
    @Test
    void phi4MiniHasPartialRotaryLongropeAndATiedHead() throws Exception {
        ModelConfig c = parse(phi4Mini(48, "\"type\":\"longrope\""));
        assertThat(c.architecture()).isEqualTo(Architecture.PHI3);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.rotaryDim()).isEqualTo(96);
        assertThat(c.groupSize()).isEqualTo(3);
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.longRope().originalMaxPositions()).isEqualTo(4096);
        // √(1 + ln(131072 / 4096) / ln(4096))
        assertThat(c.longRope().attentionFactor()).isCloseTo(Math.sqrt(1 + Math.log(32) / Math.log(4096)),
                org.assertj.core.data.Offset.offset(1e-15));
        assertThat(c.longRope().shortFactor()[47]).isEqualTo(1.47);
        assertThat(c.longRope().longFactor()[1]).isEqualTo(2.0);
        assertThat(c.layerKinds()).allMatch(k -> k.sliding() && k.rope() == ModelConfig.LayerRope.GLOBAL);
        assertThat(c.slidingWindow()).isEqualTo(262144);
        assertThat(c.parameterCount()).isBetween(3_830_000_000L, 3_840_000_000L);
        double[] inv = new Rope(c).inverseFrequencies();
        assertThat(inv[1]).isCloseTo(Math.pow(10000.0, -2.0 / 96) / 1.01, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(parse(phi4Mini(48, "\"type\":\"su\"")).longRope()).isEqualTo(c.longRope());
    }

    @Test
    void phi3RefusesOtherScalingAndFactorListsOfTheWrongLength() {
        assertThatThrownBy(() -> parse(phi4Mini(48, "\"type\":\"yarn\"")))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("rope_scaling type 'yarn' is not supported for Phi3ForCausalLM");
        assertThatThrownBy(() -> parse(phi4Mini(64, "\"type\":\"longrope\"")))
                .hasMessageContaining("rope_scaling.short_factor must be a list of 48 numbers (rotary dimension / 2),"
                        + " got 64 entries");
        assertThatThrownBy(() -> parse(phi4Mini(48, "\"type\":\"longrope\"")
                .replace("\"partial_rotary_factor\":0.75", "\"partial_rotary_factor\":0.7")))
                .hasMessageContaining("the rotary dimension 89 (head_dim × partial_rotary_factor = 128 × 0.7) must be even");
        assertThatThrownBy(() -> parse(phi4Mini(48, "\"type\":\"longrope\"").replace("\"silu\"", "\"gelu\"")))
                .hasMessageContaining("hidden_act 'gelu' is not supported");
    }

    private static String phi4Mini(int factors, String type) {
        StringBuilder shortF = new StringBuilder();
        StringBuilder longF = new StringBuilder();
        for (int i = 0; i < factors; i++) {
            shortF.append(i == 0 ? "" : ",").append(1 + i / 100.0);
            longF.append(i == 0 ? "" : ",").append(1 + i);
        }
        return """
                {"architectures":["Phi3ForCausalLM"],"attention_bias":false,"attention_dropout":0.0,
                 "bos_token_id":199999,"embd_pdrop":0.0,"eos_token_id":199999,"full_attn_mod":1,"hidden_act":"silu",
                 "hidden_size":3072,"initializer_range":0.02,"intermediate_size":8192,"interpolate_factor":1,
                 "lm_head_bias":false,"max_position_embeddings":131072,"mlp_bias":false,"model_type":"phi3",
                 "num_attention_heads":24,"num_hidden_layers":32,"num_key_value_heads":8,
                 "original_max_position_embeddings":4096,"pad_token_id":199999,"partial_rotary_factor":0.75,
                 "resid_pdrop":0.0,"rms_norm_eps":1e-05,
                 "rope_scaling":{"long_factor":[%s],"short_factor":[%s],%s},
                 "rope_theta":10000.0,"sliding_window":262144,"tie_word_embeddings":true,"torch_dtype":"bfloat16",
                 "transformers_version":"4.45.0","use_cache":true,"vocab_size":200064}"""
                .formatted(longF, shortF, type);
    }
}
