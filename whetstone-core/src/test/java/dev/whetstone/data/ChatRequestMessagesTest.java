package dev.whetstone.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRequestMessagesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static List<ChatMessage> parse(String json) throws Exception {
        return ChatRequestMessages.parse(MAPPER.readTree(json));
    }

    private static InvalidExampleException reject(String json) throws Exception {
        JsonNode node = MAPPER.readTree(json);
        InvalidExampleException e = catchThrowableOfType(InvalidExampleException.class, () -> ChatRequestMessages.parse(node));
        assertThat(e).as("expected %s to be rejected", json).isNotNull();
        return e;
    }

    @Test
    void aConversationMayEndWithTheUserAndHaveNoAssistant() throws Exception {
        assertThat(parse("[{\"role\":\"user\",\"content\":\"Hi\"}]")).containsExactly(ChatMessage.text("user", "Hi"));
    }

    @Test
    void developerMessagesBecomeSystemMessagesAndToolMessagesKeepTheirRole() throws Exception {
        List<ChatMessage> messages = parse("[{\"role\":\"developer\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[]},"
                + "{\"role\":\"tool\",\"content\":[{\"type\":\"text\",\"text\":\"42\"}],\"tool_call_id\":\"c1\"}]");
        assertThat(messages).extracting(ChatMessage::role).containsExactly("system", "assistant", "tool");
        assertThat(messages.get(1).text()).isEmpty();
        assertThat(messages.get(2).text()).isEqualTo("42");
        assertThat(messages).allSatisfy(m -> assertThat(m.weight()).isNull());
    }

    @Test
    void unknownMessageKeysAreIgnoredAndEarlierCallsAreRead() throws Exception {
        assertThat(parse("[{\"role\":\"user\",\"content\":\"Hi\",\"cache\":true}]")).hasSize(1);
        InvalidExampleException e = reject("[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":null,"
                + "\"function_call\":{\"name\":\"f\"}}]");
        assertThat(e.field()).isEqualTo("messages[1].function_call.arguments");
        assertThat(e.reason()).isEqualTo("arguments is required");
        List<ChatMessage> turns = parse("[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"2\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"g\",\"arguments\":\"{}\"}},"
                + "{\"role\":\"function\",\"name\":\"g\",\"content\":\"3\"}]");
        assertThat(turns.get(1).toolCalls()).containsExactly(new ToolCall("call_1", "f", "{\"a\":1}"));
        assertThat(turns.get(2)).extracting(ChatMessage::role, ChatMessage::toolCallId).containsExactly("tool", "call_1");
        assertThat(turns.get(3).toolCalls()).containsExactly(new ToolCall(null, "g", "{}"));
        assertThat(turns.get(4)).extracting(ChatMessage::role, ChatMessage::name).containsExactly("tool", "g");
    }

    @Test
    void errorsNameTheFieldPath() throws Exception {
        assertThat(reject("{}").field()).isEqualTo("messages");
        assertThat(reject("[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]").field())
                .isEqualTo("messages[1].content[0].text");
        assertThat(reject("[{\"role\":\"tool\",\"content\":\"x\"}]").field()).isEqualTo("messages[0].tool_call_id");
        assertThat(reject("[{\"role\":\"robot\",\"content\":\"x\"}]").reason())
                .contains("allowed: system, developer, user, assistant, tool, function");
    }

    @Test
    void imagesAreParsedInUserMessagesOnly() throws Exception {
        ChatMessage m = parse("[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"https://e.com/a.png\",\"detail\":\"low\"}}]}]").getFirst();
        assertThat(m.content()).containsExactly(new ContentPart.Image("https://e.com/a.png", "low"));
        assertThat(reject("[{\"role\":\"assistant\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://e.com/a.png\"}}]}]")
                .field()).isEqualTo("messages[0].content[0]");
    }
}
