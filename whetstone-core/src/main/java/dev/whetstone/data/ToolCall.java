package dev.whetstone.data;

/**
 * One function call an assistant message makes ({@code tool_calls[i]}, or the legacy {@code function_call}).
 *
 * @param id        the call's id, which the {@code tool} message answering it names; null for a legacy
 *                  {@code function_call}, whose answer is a {@code function} message naming the function
 * @param name      the called function, one the example (or request) declares
 * @param arguments the arguments as the JSON text of an object, as the OpenAI format carries them
 */
public record ToolCall(String id, String name, String arguments) {}
