package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.Accounts;
import dev.whetstone.graders.Graders;
import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.error.ApiException;
import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.JobFilter;
import dev.whetstone.jobs.JobService;
import dev.whetstone.store.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code /fine_tuning/jobs} (docs/reference/API.md §3) on every authoring surface, the Java SDK's
 * {@code /openai/deployments/{model}/fine_tuning/jobs} form included. Events and checkpoints answer GET and the
 * documented body-less POST alike (docs/reference/CLIENTS.md 5); cancel, pause and resume never read a body.
 */
public final class JobsApi {
    private static final String JOBS = "/fine_tuning/jobs";
    private static final String JOB = JOBS + "/{job_id}";

    private final JobService jobs;
    private final Graders graders;
    private final Accounts accounts;

    /**
     * @param graders  checks a reinforcement method's grader
     * @param accounts records which account owns a new job: the credential's account, else the default account
     */
    public JobsApi(JobService jobs, Graders graders, Accounts accounts) {
        this.jobs = jobs;
        this.graders = graders;
        this.accounts = accounts;
    }

    public void register(Routes routes) {
        routes.post(JOBS, this::create);
        routes.get(JOBS, this::list);
        routes.get(JOB, call -> respond(call, jobs.get(call.path("job_id"))));
        routes.delete(JOB, this::delete);
        routes.post(JOB + "/cancel", call -> respond(call, jobs.cancel(call.path("job_id"))));
        routes.post(JOB + "/pause", call -> respond(call, jobs.pause(call.path("job_id"))));
        routes.post(JOB + "/resume", call -> respond(call, jobs.resume(call.path("job_id"))));
        routes.get(JOB + "/events", this::events);
        routes.post(JOB + "/events", this::events);
        routes.get(JOB + "/checkpoints", this::checkpoints);
        routes.post(JOB + "/checkpoints", this::checkpoints);
    }

    private void create(Call call) {
        ObjectNode body = call.jsonBody();
        String account = Auth.scope(call.ctx()).account();
        String owner = account == null ? accounts.defaultAccount() : account;
        FineTuningJob job = jobs.create(JobRequestJson.parse(body, graders), id -> accounts.recordJobOwner(id, owner));
        call.created(JobJson.job(job, call.flavor()), "/openai/fine_tuning/jobs/" + job.id());
    }

    private void list(Call call) {
        Page<FineTuningJob> page = jobs.list(Pagination.from(call, 20, 1000), filter(call));
        call.ctx().json(list(page, j -> JobJson.job(j, call.flavor()), FineTuningJob::id, false));
    }

    /**
     * OpenAI's {@code metadata[k]=v} (deepObject style; several pairs must all match) or {@code metadata=null}
     * (jobs without metadata). Any other {@code metadata…} parameter is a 400 naming it.
     */
    private static JobFilter filter(Call call) {
        Map<String, String> pairs = new LinkedHashMap<>();
        boolean withoutMetadata = false;
        for (Map.Entry<String, List<String>> e : call.ctx().queryParamMap().entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("metadata")) continue;
            if (e.getValue().size() != 1) {
                throw ApiException.invalid(name, "Query parameter '" + name + "' is given " + e.getValue().size()
                        + " times; give each metadata key once.");
            }
            String value = e.getValue().getFirst();
            if (name.equals("metadata")) {
                if (!value.equals("null")) {
                    throw ApiException.invalid("metadata", "Filter by metadata with 'metadata[key]=value', or give "
                            + "'metadata=null' for jobs without metadata; got 'metadata=" + value + "'.");
                }
                withoutMetadata = true;
            } else if (name.startsWith("metadata[") && name.indexOf(']') == name.length() - 1) {
                pairs.put(name.substring("metadata[".length(), name.length() - 1), value);
            } else {
                throw ApiException.invalid(name, "Unknown query parameter '" + name + "'; filter by metadata with "
                        + "'metadata[key]=value'.");
            }
        }
        if (withoutMetadata && !pairs.isEmpty()) {
            throw ApiException.invalid("metadata", "'metadata=null' (jobs without metadata) cannot be combined with "
                    + "'metadata[key]=value' filters.");
        }
        return new JobFilter(pairs, withoutMetadata);
    }

    private void delete(Call call) {
        jobs.delete(call.path("job_id"));
        call.ctx().status(204);
    }

    private void events(Call call) {
        Page<JobEvent> page = jobs.events(call.path("job_id"), Pagination.from(call, 20, 1000));
        call.ctx().json(list(page, e -> JobJson.event(e, call.flavor()), JobEvent::id, false));
    }

    private void checkpoints(Call call) {
        Page<Checkpoint> page = jobs.checkpoints(call.path("job_id"), Pagination.from(call, 10, 1000));
        call.ctx().json(list(page, JobJson::checkpoint, Checkpoint::id, call.flavor() == Flavor.OPENAI));
    }

    private static void respond(Call call, FineTuningJob job) {
        call.ctx().json(JobJson.job(job, call.flavor()));
    }

    /** {@code {"object":"list","data":[…],"has_more":…}}; OpenAI's checkpoint list adds first_id and last_id. */
    private static <T> ObjectNode list(Page<T> page, Function<T, ObjectNode> render, Function<T, String> id,
                                       boolean firstAndLast) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        page.data().forEach(item -> data.add(render.apply(item)));
        out.put("has_more", page.hasMore());
        if (firstAndLast) {
            out.put("first_id", page.data().isEmpty() ? null : id.apply(page.data().getFirst()));
            out.put("last_id", page.data().isEmpty() ? null : id.apply(page.data().getLast()));
        }
        return out;
    }
}
