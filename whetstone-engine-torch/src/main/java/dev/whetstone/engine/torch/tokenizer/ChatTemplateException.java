package dev.whetstone.engine.torch.tokenizer;

/** A chat template could not be rendered: a syntax jinjava does not support, or the template's own refusal. */
public final class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
