package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.deployments.QuotaState;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.error.ApiException;
import dev.whetstone.safety.ContentFilter;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.api.Call;
import dev.whetstone.server.api.inference.GenerationBatch.Done;
import dev.whetstone.server.api.inference.GenerationBatch.Event;
import dev.whetstone.server.api.inference.GenerationBatch.Failed;
import dev.whetstone.server.api.inference.GenerationBatch.TokenEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Plan} against a deployment: charge the quota, start the generations, answer as one body or as a
 * stream, give back the unused quota. Every way out that leaves generations running (client gone, time-out, a
 * failed sibling) cancels them, so the engine never works for nobody.
 */
final class Responder {
    private static final Logger LOG = LoggerFactory.getLogger(Responder.class);

    private final Duration timeout;

    Responder(Duration timeout) {
        this.timeout = timeout;
    }

    /** @param filter the deployment's content filter; its gates judge each choice's text as it is generated */
    void respond(Call call, LiveDeployment deployment, Plan plan, Shape shape, ContentFilter filter)
            throws InterruptedException {
        QuotaState quota = deployment.quota().admit(plan.estimate());
        call.ctx().header("x-ratelimit-remaining-tokens", Long.toString(quota.remainingTokens()));
        call.ctx().header("x-ratelimit-remaining-requests", Long.toString(quota.remainingRequests()));
        int used = 0;
        List<ChoiceState> states = null;
        try {
            GenerationBatch batch;
            try {
                batch = GenerationBatch.start(deployment.model(), plan.jobs(), timeout);
            } catch (InferenceException e) {
                throw EngineErrors.toApi(e, plan.promptParam(), call.ctx());
            }
            states = plan.newStates(filter);
            used = plan.stream() ? stream(call, batch, plan, shape, states) : whole(call, batch, plan, shape, states);
        } finally {
            deployment.quota().settle(plan.estimate(), used);
            if (states != null) {
                call.ctx().attribute(InferenceApi.GENERATED_TOKENS_ATTRIBUTE,
                        states.stream().mapToInt(ChoiceState::completionTokens).sum());
            }
        }
    }

    private int whole(Call call, GenerationBatch batch, Plan plan, Shape shape, List<ChoiceState> states)
            throws InterruptedException {
        try {
            for (Event e; (e = batch.next()) != null; ) {
                switch (e) {
                    case TokenEvent t -> {
                        ChoiceState s = states.get(t.choice());
                        if (s.filtered()) continue; // cut already; its generation is being cancelled
                        s.add(t.token());
                        if (s.filtered()) batch.cancel(t.choice());
                    }
                    case Done d -> states.get(d.choice()).finish(d.reason(), d.usage().completionTokens());
                    case Failed f -> {
                        batch.cancel();
                        throw EngineErrors.toApi(f.error(), plan.promptParam(), call.ctx());
                    }
                }
            }
        } catch (TimeoutException e) {
            batch.cancel();
            call.ctx().header("x-should-retry", "false"); // the same request would time out again
            throw timedOut();
        } catch (InterruptedException | RuntimeException e) {
            batch.cancel();
            throw e;
        }
        Usage usage = usage(plan, states);
        call.ctx().json(shape.body(plan.select().apply(states), usage));
        return usage.totalTokens();
    }

    private int stream(Call call, GenerationBatch batch, Plan plan, Shape shape, List<ChoiceState> states)
            throws InterruptedException {
        int[] sent = new int[states.size()]; // per choice, tokens already sent with their text
        SseStream sse = null;
        try {
            sse = SseStream.open(call.ctx());
            for (ObjectNode chunk : shape.opening()) sse.send(chunk);
            for (Event e; (e = batch.next()) != null; ) {
                if (!relay(e, batch, sse, shape, states, sent)) {
                    batch.cancel();
                    sse.error(EngineErrors.toApi(((Failed) e).error(), plan.promptParam(), null));
                    return usage(plan, states).totalTokens();
                }
            }
            Usage usage = usage(plan, states);
            if (plan.includeUsage()) sse.send(shape.usage(usage));
            sse.done();
            return usage.totalTokens();
        } catch (TimeoutException e) {
            batch.cancel();
            sendQuietly(sse, timedOut());
        } catch (SseStream.ClientGone e) {
            LOG.debug("client left {} mid-stream; cancelling its generations", call.ctx().path());
            batch.cancel();
        } catch (InterruptedException | RuntimeException e) {
            batch.cancel();
            throw e;
        }
        return usage(plan, states).totalTokens();
    }

    /**
     * Writes what one event means for the stream; false for a failure (the caller ends the stream). A choice the
     * content filter cuts gets its last chunk at once and its generation is cancelled; its later events only count.
     */
    private static boolean relay(Event e, GenerationBatch batch, SseStream sse, Shape shape, List<ChoiceState> states,
                                 int[] sent) throws SseStream.ClientGone {
        ChoiceState state = states.get(e.choice());
        switch (e) {
            case TokenEvent t -> {
                if (state.filtered()) return true;
                String text = state.add(t.token());
                if (state.filtered()) {
                    batch.cancel(e.choice());
                    sse.send(shape.finish(e.choice(), state));
                    return true;
                }
                // Text held back (half a character, a possible stop string, a partial word) rides with the next.
                if (!text.isEmpty()) {
                    ObjectNode chunk = delta(shape, e.choice(), text, state, sent);
                    if (chunk != null) sse.send(chunk);
                }
            }
            case Done d -> {
                boolean cut = state.filtered();
                String rest = state.finish(d.reason(), d.usage().completionTokens());
                if (cut) return true;
                List<GeneratedToken> shown = state.shownTokens();
                List<GeneratedToken> tokens = List.copyOf(shown.subList(sent[e.choice()], shown.size()));
                sent[e.choice()] = shown.size();
                for (ObjectNode chunk : shape.closing(e.choice(), rest, tokens, state)) sse.send(chunk);
            }
            case Failed f -> {
                return false;
            }
        }
        return true;
    }

    /** A chunk with newly shown text and the tokens it completes (some may have released no text of their own). */
    private static ObjectNode delta(Shape shape, int choice, String text, ChoiceState state, int[] sent) {
        List<GeneratedToken> shown = state.shownTokens();
        List<GeneratedToken> tokens = List.copyOf(shown.subList(sent[choice], shown.size()));
        sent[choice] = shown.size();
        return shape.delta(choice, text, tokens, state);
    }

    private static void sendQuietly(SseStream sse, ApiException error) {
        if (sse == null) return;
        try {
            sse.error(error);
        } catch (SseStream.ClientGone ignored) {
            // the client left as well: nobody to tell
        }
    }

    private ApiException timedOut() {
        return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "The generation did not finish within the request "
                + "time-out of " + timeout.toSeconds() + " s and was cancelled; ask for fewer tokens (max_tokens) "
                + "or choices (n), or raise the server's inference time-out.");
    }

    private static Usage usage(Plan plan, List<ChoiceState> states) {
        return new Usage(plan.promptTokens(), states.stream().mapToInt(ChoiceState::completionTokens).sum());
    }
}
