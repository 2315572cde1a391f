package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** GETs JSON from a running Whetstone service (Azure paths, api-key header); error envelopes become exceptions. */
final class ApiClient {
    static final String API_VERSION = "api-version=2024-10-21";

    private final ServiceHttp http;
    private final String apiKey;

    ApiClient(String endpoint, String apiKey) {
        this.http = new ServiceHttp(endpoint, "pass --api-key, set WHETSTONE_API_KEY, or --data of the server");
        this.apiKey = apiKey;
    }

    /** {@code path} without the api-version, which is added. */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = http.request(path + (path.contains("?") ? "&" : "?") + API_VERSION).GET();
        if (apiKey != null) request.header("api-key", apiKey);
        return http.send(request.build()).body();
    }

    /**
     * Downloads {@code path} (a file or a zip of folders) into {@code outDir}: a zip is unpacked there (its entries
     * stay inside outDir), any other body is saved under the name its Content-Disposition gives.
     *
     * @param timeout how long the service may take (an export merges and converts a whole model first)
     * @return what was written: the file, or the zip's top-level folder
     */
    Path download(String path, Path outDir, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder request = http.request(path + (path.contains("?") ? "&" : "?") + API_VERSION)
                .timeout(timeout).GET();
        if (apiKey != null) request.header("api-key", apiKey);
        HttpResponse<InputStream> response = http.sendStreaming(request.build());
        Files.createDirectories(outDir);
        String type = response.headers().firstValue("Content-Type").orElse("");
        try (InputStream body = response.body()) {
            if (type.startsWith("application/zip")) return unzip(body, outDir);
            String name = response.headers().firstValue("Content-Disposition")
                    .map(d -> d.replaceAll(".*filename=\"?([^\";]+)\"?.*", "$1")).orElse("download");
            Path file = outDir.resolve(Path.of(name).getFileName().toString());
            Path part = file.resolveSibling(file.getFileName() + ".part");
            Files.copy(body, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        }
    }

    private static Path unzip(InputStream body, Path outDir) throws IOException {
        Path root = outDir.toAbsolutePath().normalize();
        Path top = null;
        try (ZipInputStream zip = new ZipInputStream(body)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root) || target.equals(root)) {
                    throw new IOException("the service sent a zip entry outside the output folder: " + e.getName());
                }
                if (top == null) top = root.resolve(root.relativize(target).getName(0));
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (top == null) throw new IOException("the service sent an empty zip");
        return top;
    }
}
