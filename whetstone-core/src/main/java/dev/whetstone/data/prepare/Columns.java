package dev.whetstone.data.prepare;

import dev.whetstone.data.ExampleFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** The input columns found for each part of an example, and what they say about the format. */
final class Columns {
    final String prompt;
    final String completion;
    final String system;
    final String user;
    final String assistant;
    final String weight;
    final String messages;

    private Columns(List<String> columns, ColumnChoice choice) throws BadInputException {
        prompt = choice.column("prompt", columns);
        completion = choice.column("completion", columns);
        system = choice.column("system", columns);
        user = choice.column("user", columns);
        assistant = choice.column("assistant", columns);
        weight = choice.column("weight", columns);
        messages = choice.column("messages", columns);
    }

    static Columns find(List<String> columns, ColumnChoice choice) throws BadInputException {
        return new Columns(columns, choice);
    }

    private boolean anyPair() { return prompt != null || completion != null; }

    private boolean anyChat() { return user != null || assistant != null || system != null || messages != null; }

    ExampleFormat inferFormat() throws BadInputException {
        if (anyPair() && anyChat()) {
            throw new BadInputException("mixed columns: the input has prompt/completion columns (" + names(prompt, completion)
                    + ") and chat columns (" + names(system, user, assistant, messages) + "); keep one set, or choose"
                    + " with --format chat|completion and --column.");
        }
        if (anyChat()) return ExampleFormat.CHAT;
        if (anyPair()) return ExampleFormat.PROMPT_COMPLETION;
        throw new BadInputException("no column to build examples from; name the columns prompt and completion, or"
                + " system, user and assistant (or map yours with --column completion=answer).");
    }

    void require(ExampleFormat format) throws BadInputException {
        if (messages != null && (user != null || assistant != null || anyPair())) {
            throw new BadInputException("mixed columns: some records hold chat 'messages' and others "
                    + names(prompt, completion, user, assistant) + " columns; use one format per file.");
        }
        if (format == ExampleFormat.PROMPT_COMPLETION && messages != null) {
            throw new BadInputException("the records hold chat 'messages', but the prompt/completion format was chosen"
                    + " (by --format or a model without a chat template); use --format chat or a chat model.");
        }
        boolean chat = format == ExampleFormat.CHAT;
        if ((chat ? user() : prompt()) == null || (chat ? assistant() : completion()) == null) {
            String needs = format == ExampleFormat.CHAT ? "a user (or prompt) and an assistant (or completion) column"
                    : "a prompt (or user) and a completion (or assistant) column";
            throw new BadInputException("the " + (format == ExampleFormat.CHAT ? "chat" : "prompt/completion")
                    + " format needs " + needs + "; map yours with --column, e.g. --column completion=answer.");
        }
    }

    /** The column of a chat's user turn: user, else prompt. */
    String user() { return user != null ? user : prompt; }

    String assistant() { return assistant != null ? assistant : completion; }

    /** The column of a prompt: prompt, else user. */
    String prompt() { return prompt != null ? prompt : user; }

    String completion() { return completion != null ? completion : assistant; }

    List<String> unused(List<String> all, ExampleFormat format) {
        List<String> used = format == ExampleFormat.CHAT
                ? (messages != null ? Stream.concat(Stream.of(messages), ExampleMapper.TOOL_KEYS.stream()).toList() : Stream.of(system, user(), assistant(), weight).filter(Objects::nonNull).toList())
                : Stream.of(prompt(), completion()).filter(Objects::nonNull).toList();
        List<String> unused = new ArrayList<>(all);
        unused.removeAll(used);
        return unused;
    }

    private static String names(String... columns) {
        return String.join(", ", Stream.of(columns).filter(Objects::nonNull).toList());
    }
}
