package dev.whetstone.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingExampleParserTest {
    private final TrainingExampleParser parser = new TrainingExampleParser();

    private InvalidExampleException reject(String line) {
        InvalidExampleException e = catchThrowableOfType(InvalidExampleException.class, () -> parser.parse(line));
        assertThat(e).as("expected %s to be rejected", line).isNotNull();
        return e;
    }

    private static String chat(String messages) {
        return "{\"messages\":[" + messages + "]}";
    }

    private static final String USER = "{\"role\":\"user\",\"content\":\"Hi\"}";
    private static final String REPLY = "{\"role\":\"assistant\",\"content\":\"Hello\"}";

    @Test
    void parsesAChatWithSystemUserAndAssistant() {
        TrainingExample example = parser.parse(chat("{\"role\":\"system\",\"content\":\"Be brief.\"}," + USER + "," + REPLY));
        assertThat(example).isEqualTo(new ChatExample(List.of(
                ChatMessage.text("system", "Be brief."), ChatMessage.text("user", "Hi"), ChatMessage.text("assistant", "Hello"))));
    }

    @Test
    void parsesWeightsNamesAndNullOptionals() {
        ChatExample example = (ChatExample) parser.parse(chat(
                "{\"role\":\"user\",\"content\":\"Q\",\"name\":\"ann\"},"
                        + "{\"role\":\"assistant\",\"content\":\"A\",\"weight\":0},"
                        + "{\"role\":\"user\",\"content\":\"Q2\",\"name\":null},"
                        + "{\"role\":\"assistant\",\"content\":\"B\",\"weight\":1.0},"
                        + "{\"role\":\"assistant\",\"content\":\"C\",\"weight\":null}"));
        assertThat(example.messages()).extracting(ChatMessage::weight).containsExactly(null, 0, null, 1, null);
        assertThat(example.messages()).extracting(ChatMessage::name).containsExactly("ann", null, null, null, null);
        assertThat(example.messages()).extracting(ChatMessage::trained).containsExactly(false, false, false, true, true);
    }

    @Test
    void parsesTextAndImageParts() {
        ChatExample example = (ChatExample) parser.parse(chat("{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"low\"}}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"A cat.\"}]}"));
        assertThat(example.messages().get(0).content()).containsExactly(
                new ContentPart.Text("What is this?"),
                new ContentPart.Image("https://example.com/a.png", null),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", "low"));
        assertThat(example.messages().get(1).text()).isEqualTo("A cat.");
    }

    @Test
    void parsesPromptCompletion() {
        assertThat(parser.parse("{\"prompt\":\"\",\"completion\":\" yes\"}")).isEqualTo(new PromptCompletionExample("", " yes"));
    }

    @Test
    void rejectsInvalidJsonWithItsColumn() {
        InvalidExampleException e = reject("{\"messages\": [");
        assertThat(e.field()).isNull();
        assertThat(e.reason()).startsWith("invalid JSON at column ");
        assertThat(reject("{\"prompt\":\"a\",\"prompt\":\"b\",\"completion\":\"c\"}").reason()).contains("Duplicate field 'prompt'");
    }

    /** Jackson reports a breached parser limit without a location (getLocation() is null): no column, no crash. */
    @Test
    void rejectsJsonBeyondTheParserLimitsThoughItHasNoLocation() {
        assertThat(reject("{\"messages\":" + "[".repeat(1001) + "]".repeat(1001) + "}").reason())
                .startsWith("invalid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000");
        assertThat(reject("{\"prompt\":\"a\",\"completion\":\"b\",\"weight\":1" + "0".repeat(1500) + "}").reason())
                .startsWith("invalid JSON: Number value length (1501) exceeds the maximum allowed (1000");
    }

    @Test
    void rejectsAnythingButOneObjectPerLine() {
        assertThat(reject("[1,2]").reason()).isEqualTo("each line must be a JSON object, found an array");
        assertThat(reject("\"text\"").reason()).isEqualTo("each line must be a JSON object, found a string");
        assertThat(reject("{\"prompt\":\"a\",\"completion\":\"b\"} {}").reason())
                .isEqualTo("each line must hold exactly one JSON object, but more follows at column 33");
        assertThat(reject("").reason()).isEqualTo("the line is empty");
    }

    @Test
    void rejectsUnknownTopLevelKeysNamingThem() {
        InvalidExampleException e = reject("{\"messages\":[" + USER + "," + REPLY + "],\"tool\":[]}");
        assertThat(e.field()).isEqualTo("tool");
        assertThat(e.reason()).isEqualTo("unknown key 'tool'; allowed: messages, tools, functions, parallel_tool_calls");
        assertThat(reject("{\"prompt\":\"a\",\"completion\":\"b\",\"id\":1}").reason())
                .isEqualTo("unknown key 'id'; allowed: prompt, completion");
        assertThat(reject("{\"mesages\":[]}").reason()).startsWith("unknown format: expected {\"messages\"");
    }

    @Test
    void rejectsMalformedMessageLists() {
        assertThat(reject("{\"messages\":{}}")).extracting(InvalidExampleException::field, InvalidExampleException::reason)
                .containsExactly("messages", "messages must be an array of messages, found an object");
        assertThat(reject("{\"messages\":[]}").reason()).isEqualTo("messages must not be empty");
        assertThat(reject(chat(USER + ",\"hi\"")).field()).isEqualTo("messages[1]");
        InvalidExampleException unknownKey = reject(chat(USER + "," + REPLY + ",{\"role\":\"assistant\",\"content\":\"x\",\"toolcalls\":[]}"));
        assertThat(unknownKey.field()).isEqualTo("messages[2].toolcalls");
        assertThat(unknownKey.reason()).isEqualTo("unknown key 'toolcalls'; allowed: role, content, weight, name, "
                + "tool_calls, function_call, tool_call_id");
    }

    @Test
    void rejectsMissingAndUnknownRolesNamingTheAllowedOnes() {
        InvalidExampleException unknown = reject(chat(USER + ",{\"role\":\"bot\",\"content\":\"x\"}"));
        assertThat(unknown.getMessage()).isEqualTo("messages[1].role: unknown role 'bot'; allowed: system, user, assistant, "
                + "tool, function.");
        assertThat(reject(chat("{\"role\":\"tool\",\"content\":\"x\"}," + REPLY)).reason()).isEqualTo("tool_call_id is required");
        assertThat(reject(chat("{\"content\":\"x\"}," + REPLY)))
                .extracting(InvalidExampleException::field, InvalidExampleException::reason)
                .containsExactly("messages[0].role", "role is required; allowed: system, user, assistant, tool, function");
        assertThat(reject(chat("{\"role\":1,\"content\":\"x\"}," + REPLY)).reason()).startsWith("role must be a string");
    }

    @Test
    void clipsLongUserValuesInMessages() {
        String role = "r".repeat(10_000);
        InvalidExampleException e = reject(chat("{\"role\":\"" + role + "\",\"content\":\"x\"}," + REPLY));
        assertThat(e.reason()).hasSizeLessThan(120).contains("'" + "r".repeat(40) + "…'");
    }

    @Test
    void rejectsBadContent() {
        assertThat(reject(chat("{\"role\":\"user\"}," + REPLY)).field()).isEqualTo("messages[0].content");
        assertThat(reject(chat("{\"role\":\"user\",\"content\":3}," + REPLY)).reason())
                .isEqualTo("content must be a string or an array of parts, found a number");
        assertThat(reject(chat("{\"role\":\"user\",\"content\":[]}," + REPLY)).reason()).isEqualTo("content must hold at least one part");
        assertThat(reject(chat("{\"role\":\"user\",\"content\":[\"x\"]}," + REPLY)).field()).isEqualTo("messages[0].content[0]");
        InvalidExampleException type = reject(chat("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"audio\"}]}," + REPLY));
        assertThat(type.field()).isEqualTo("messages[0].content[1].type");
        assertThat(type.reason()).isEqualTo("unknown content part type 'audio'; allowed: text, image_url");
        assertThat(reject(chat("{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}," + REPLY)))
                .extracting(InvalidExampleException::field, InvalidExampleException::reason)
                .containsExactly("messages[0].content[0].text", "text is required");
    }

    @Test
    void rejectsEmptyAssistantContent() {
        for (String content : List.of("\"\"", "\"  \"", "[{\"type\":\"text\",\"text\":\"\"}]")) {
            InvalidExampleException e = reject(chat(USER + ",{\"role\":\"assistant\",\"content\":" + content + "}"));
            assertThat(e.field()).isEqualTo("messages[1].content");
            assertThat(e.reason()).startsWith("assistant content must not be empty");
        }
    }

    @Test
    void acceptsImagesOnlyInUserMessagesWithSupportedUrls() {
        String image = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}";
        InvalidExampleException inReply = reject(chat(USER + ",{\"role\":\"assistant\",\"content\":[" + image + "]}"));
        assertThat(inReply.field()).isEqualTo("messages[1].content[0]");
        assertThat(inReply.reason()).isEqualTo("images are only allowed in user messages, not in assistant messages");
        assertThat(imageUrlProblem("ftp://example.com/a.png")).startsWith("unsupported image url 'ftp://example.com/a.png'");
        assertThat(imageUrlProblem("https:///a.png")).startsWith("the image url has no host name");
        assertThat(imageUrlProblem("data:image/bmp;base64,AAAA")).startsWith("unsupported data URL");
        assertThat(imageUrlProblem("data:image/png,AAAA")).startsWith("unsupported data URL");
        assertThat(imageUrlProblem("data:image/jpeg;base64,AA*A")).isEqualTo("the data URL's image is not valid base64");
        assertThat(imageUrlProblem("data:image/gif;base64,")).isEqualTo("the data URL's image is not valid base64");
        assertThat(parser.parse(chat(userWithImage("data:image/webp;base64,UklGRg==", null) + "," + REPLY))).isNotNull();
    }

    @Test
    void rejectsBadImageObjectsAndDetails() {
        InvalidExampleException detail = reject(chat(userWithImage("https://example.com/a.png", "\"medium\"") + "," + REPLY));
        assertThat(detail.field()).isEqualTo("messages[0].content[0].image_url.detail");
        assertThat(detail.reason()).isEqualTo("unknown detail 'medium'; allowed: auto, low, high");
        assertThat(reject(chat("{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"https://x.org/a.png\"}]}," + REPLY))
                .field()).isEqualTo("messages[0].content[0].image_url");
    }

    private String imageUrlProblem(String url) {
        InvalidExampleException e = reject(chat(userWithImage(url, null) + "," + REPLY));
        assertThat(e.field()).isEqualTo("messages[0].content[0].image_url.url");
        return e.reason();
    }

    private static String userWithImage(String url, String detailJson) {
        String detail = detailJson == null ? "" : ",\"detail\":" + detailJson;
        return "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"" + detail + "}}]}";
    }

    @Test
    void acceptsWeightOnlyOnAssistantMessagesAndOnlyZeroOrOne() {
        InvalidExampleException onUser = reject(chat(USER + "," + REPLY + ",{\"role\":\"user\",\"content\":\"x\",\"weight\":1}," + REPLY));
        assertThat(onUser.getMessage()).isEqualTo("messages[2].weight: weight is only allowed on assistant messages, not on user messages.");
        InvalidExampleException two = reject(chat(USER + ",{\"role\":\"assistant\",\"content\":\"x\",\"weight\":2}"));
        assertThat(two.field()).isEqualTo("messages[1].weight");
        assertThat(two.reason()).isEqualTo("weight must be 0 or 1, found 2");
        assertThat(reject(chat(USER + ",{\"role\":\"assistant\",\"content\":\"x\",\"weight\":\"1\"}")).reason())
                .isEqualTo("weight must be 0 or 1, found \"1\"");
        assertThat(reject(chat(USER + ",{\"role\":\"assistant\",\"content\":\"x\",\"weight\":true}")).field()).isEqualTo("messages[1].weight");
        assertThat(reject(chat(USER + ",{\"role\":\"assistant\",\"content\":\"x\",\"weight\":0.5}")).field()).isEqualTo("messages[1].weight");
    }

    @Test
    void requiresAnAssistantMessageThatIsTrained() {
        // [system, user] alone would be a reinforcement prompt; a chat line ending with another turn needs a reply
        InvalidExampleException none = reject(chat(USER + ",{\"role\":\"system\",\"content\":\"s\"}"));
        assertThat(none.field()).isEqualTo("messages");
        assertThat(none.reason()).startsWith("no assistant message");
        InvalidExampleException allZero = reject(chat(USER + ",{\"role\":\"assistant\",\"content\":\"x\",\"weight\":0}"));
        assertThat(allZero.field()).isEqualTo("messages");
        assertThat(allZero.reason()).startsWith("every assistant message has weight 0");
    }

    @Test
    void rejectsNonStringNames() {
        assertThat(reject(chat("{\"role\":\"user\",\"content\":\"x\",\"name\":5}," + REPLY)))
                .extracting(InvalidExampleException::field, InvalidExampleException::reason)
                .containsExactly("messages[0].name", "name must be a string, found a number");
    }

    @Test
    void rejectsIncompletePromptCompletionPairs() {
        assertThat(reject("{\"completion\":\"x\"}")).extracting(InvalidExampleException::field, InvalidExampleException::reason)
                .containsExactly("prompt", "prompt is required");
        assertThat(reject("{\"prompt\":1,\"completion\":\"x\"}").reason()).isEqualTo("prompt must be a string, found a number");
        assertThat(reject("{\"prompt\":\"x\"}").field()).isEqualTo("completion");
        assertThat(reject("{\"prompt\":\"x\",\"completion\":\" \"}").reason()).startsWith("completion must not be empty");
    }
}
