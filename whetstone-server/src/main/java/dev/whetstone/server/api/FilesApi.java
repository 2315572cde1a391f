package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.files.FileImporter;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileService;
import dev.whetstone.files.StagedContent;
import dev.whetstone.server.http.MultipartReader;
import dev.whetstone.store.Page;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** {@code /files}: upload (streamed multipart), import from a URL, list, retrieve, content, delete (docs/reference/API.md §2). */
public final class FilesApi {
    /** Room for multipart headers and the purpose part on top of the file limit. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final FileService files;
    private final FileImporter importer;

    public FilesApi(FileService files, FileImporter importer) {
        this.files = files;
        this.importer = importer;
    }

    public void register(Routes routes) {
        routes.post("/files", this::upload);
        routes.post("/files/import", this::importFile);
        routes.get("/files", this::list);
        routes.get("/files/{file_id}", call -> call.ctx().json(FileJson.of(files.get(call.path("file_id")), call.flavor())));
        routes.get("/files/{file_id}/content", this::content);
        routes.delete("/files/{file_id}", this::delete);
    }

    private void upload(Call call) throws IOException {
        long declared = call.ctx().req().getContentLengthLong();
        if (declared > files.maxBytes() + MULTIPART_OVERHEAD) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body of " + declared
                    + " bytes exceeds the upload limit of " + files.maxBytes() + " bytes.", "file");
        }
        String boundary = MultipartReader.boundaryOf(call.ctx().header("Content-Type"));
        MultipartReader reader = new MultipartReader(call.ctx().req().getInputStream(), boundary);
        String purpose = null;
        String filename = null;
        StagedContent staged = null;
        try {
            for (MultipartReader.Part part; (part = reader.next()) != null; ) {
                if ("purpose".equals(part.name())) {
                    purpose = smallText(part.body(), "purpose");
                } else if ("file".equals(part.name())) {
                    if (staged != null) throw ApiException.invalid("file", "The request has more than one 'file' part.");
                    filename = part.filename();
                    staged = files.stage(part.body());
                }
            }
            if (staged == null) throw ApiException.invalid("file", "The 'file' part is required.");
            FileRecord created = files.create(purpose, filename, staged);
            call.created(FileJson.of(created, call.flavor()), "/openai/files/" + created.id());
        } finally {
            if (staged != null) staged.close();
        }
    }

    private void importFile(Call call) {
        ObjectNode body = call.jsonBody();
        String purpose = Json.requiredText(body, "purpose");
        String filename = Json.requiredText(body, "filename");
        String url = Json.requiredText(body, "content_url");
        FileRecord created = importer.importFrom(purpose, filename, url);
        call.created(FileJson.of(created, call.flavor()), "/openai/files/" + created.id());
    }

    private void list(Call call) {
        Page<FileRecord> page = files.list(call.query("purpose"), Pagination.from(call, 10000, 10000));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        page.data().forEach(f -> data.add(FileJson.of(f, call.flavor())));
        out.put("has_more", page.hasMore());
        if (call.flavor() == Flavor.OPENAI) {
            out.put("first_id", page.data().isEmpty() ? null : page.data().getFirst().id());
            out.put("last_id", page.data().isEmpty() ? null : page.data().getLast().id());
        }
        call.ctx().json(out);
    }

    private void content(Call call) throws IOException {
        // One consistent record and content: a results file rewritten between two reads would not match its length.
        FileService.Download download = files.download(call.path("file_id"));
        FileRecord file = download.file();
        InputStream in = download.content();
        // Served whatever the Accept header says (node sends application/binary, docs/reference/CLIENTS.md 11).
        call.ctx().contentType("application/octet-stream");
        call.ctx().header("Content-Disposition", "attachment; filename=\"" + file.filename().replace("\"", "") + "\"");
        if (file.bytes() != null) call.ctx().header("Content-Length", Long.toString(file.bytes()));
        try (in) {
            in.transferTo(call.ctx().res().getOutputStream());
        }
    }

    private void delete(Call call) throws IOException {
        String id = call.path("file_id");
        files.delete(id);
        if (call.azure() && !ApiVersions.fileDeleteHasBody(call.apiVersion())) {
            call.ctx().status(204);
            return;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "file");
        out.put("id", id);
        out.put("deleted", true);
        call.ctx().json(out);
    }

    private static String smallText(InputStream in, String field) throws IOException {
        byte[] bytes = in.readNBytes(1024);
        if (in.read() != -1) throw ApiException.invalid(field, "The '" + field + "' part is too long.");
        return new String(bytes, StandardCharsets.UTF_8).strip();
    }
}
