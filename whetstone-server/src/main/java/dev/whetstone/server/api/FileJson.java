package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.files.FileRecord;

/** The File object of docs/reference/API.md 2.1, in the caller's flavor. */
final class FileJson {
    private FileJson() {}

    static ObjectNode of(FileRecord f, Flavor flavor) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("object", "file");
        n.put("id", f.id());
        n.put("purpose", f.purpose().wireName());
        n.put("filename", f.filename());
        if (f.bytes() == null) n.putNull("bytes"); else n.put("bytes", f.bytes());
        n.put("created_at", f.createdAt());
        n.put("status", statusOf(f, flavor));
        n.put("status_details", f.statusDetails());
        if (f.statistics() != null) {
            ObjectNode stats = n.putObject("statistics");
            stats.put("format", f.statistics().format());
            stats.put("examples", f.statistics().examples());
            stats.put("tokens", f.statistics().estimatedTokens());
        }
        return n;
    }

    /** OpenAI's deprecated file status knows only uploaded, processed and error. */
    private static String statusOf(FileRecord f, Flavor flavor) {
        String s = f.status().wireName();
        if (flavor == Flavor.OPENAI && (s.equals("pending") || s.equals("running"))) return "uploaded";
        return s;
    }
}
