package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.deployments.QuotaState;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.api.Call;
import dev.whetstone.server.api.inference.GenerationBatch.Done;
import dev.whetstone.server.api.inference.GenerationBatch.Event;
import dev.whetstone.server.api.inference.GenerationBatch.Failed;
import dev.whetstone.server.api.inference.GenerationBatch.TokenEvent;
import java.time.Duration;
import java.util.ArrayList;
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

    void respond(Call call, LiveDeployment deployment, Plan plan, Shape shape) throws InterruptedException {
        QuotaState quota = deployment.quota().admit(plan.estimate());
        call.ctx().header("x-ratelimit-remaining-tokens", Long.toString(quota.remainingTokens()));
        call.ctx().header("x-ratelimit-remaining-requests", Long.toString(quota.remainingRequests()));
        int used = 0;
        try {
            GenerationBatch batch;
            try {
                batch = GenerationBatch.start(deployment.model(), plan.jobs(), timeout);
            } catch (InferenceException e) {
                throw EngineErrors.toApi(e, plan.promptParam(), call.ctx());
            }
            List<ChoiceState> states = plan.newStates();
            used = plan.stream() ? stream(call, batch, plan, shape, states) : whole(call, batch, plan, shape, states);
        } finally {
            deployment.quota().settle(plan.estimate(), used);
        }
    }

    private int whole(Call call, GenerationBatch batch, Plan plan, Shape shape, List<ChoiceState> states)
            throws InterruptedException {
        try {
            for (Event e; (e = batch.next()) != null; ) {
                switch (e) {
                    case TokenEvent t -> states.get(t.choice()).add(t.token());
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
        List<List<GeneratedToken>> pending = new ArrayList<>();
        states.forEach(s -> pending.add(new ArrayList<>()));
        SseStream sse = null;
        try {
            sse = SseStream.open(call.ctx());
            for (ObjectNode chunk : shape.opening()) sse.send(chunk);
            for (Event e; (e = batch.next()) != null; ) {
                if (!relay(e, sse, shape, states, pending)) {
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

    /** Writes what one event means for the stream; false for a failure (the caller ends the stream). */
    private static boolean relay(Event e, SseStream sse, Shape shape, List<ChoiceState> states,
                                 List<List<GeneratedToken>> pending) throws SseStream.ClientGone {
        ChoiceState state = states.get(e.choice());
        switch (e) {
            case TokenEvent t -> {
                state.add(t.token());
                List<GeneratedToken> held = pending.get(e.choice());
                held.add(t.token());
                // A token that releases no text (half a character, a possible stop string) rides with the next one.
                if (t.token().text().isEmpty()) return true;
                sse.send(shape.delta(e.choice(), t.token().text(), List.copyOf(held), state));
                held.clear();
            }
            case Done d -> {
                state.finish(d.reason(), d.usage().completionTokens());
                sse.send(shape.finish(e.choice(), d.reason()));
            }
            case Failed f -> {
                return false;
            }
        }
        return true;
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
