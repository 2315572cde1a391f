package dev.whetstone.files;

import dev.whetstone.Ids;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /openai/files/import}: checks the URL at once (http/https, no private or loopback target unless
 * allowed), answers with a pending file, and downloads in the background with time-outs and the size cap.
 * Redirects are not followed, since a redirect could lead past the address check.
 */
public final class FileImporter {
    private static final Logger LOG = LoggerFactory.getLogger(FileImporter.class);

    private final FileService files;
    private final HttpClient client;
    private final boolean allowPrivateTargets;
    private final Duration timeout;

    public FileImporter(FileService files, boolean allowPrivateTargets, Duration timeout) {
        this.files = files;
        this.allowPrivateTargets = allowPrivateTargets;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public FileRecord importFrom(String purposeWire, String filename, String contentUrl) {
        FilePurpose purpose = FileService.uploadablePurpose(purposeWire);
        String name = FileService.checkedFilename(filename);
        URI uri = checkedUri(contentUrl);
        FileRecord file = new FileRecord(Ids.newId("file-"), files.clock().instant().getEpochSecond(), name,
                purpose, null, FileStatus.PENDING, null, null, null, null);
        files.insertPending(file);
        files.background().execute(() -> download(file, uri));
        return file;
    }

    private void download(FileRecord file, URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    files.markFailed(file.id(), "Import failed: " + uri.getHost() + " answered HTTP "
                            + response.statusCode() + " (redirects are not followed).");
                    return;
                }
                files.completeImport(file, body);
            }
        } catch (ApiException e) {
            files.markFailed(file.id(), "Import failed: " + e.getMessage());
        } catch (IOException e) {
            files.markFailed(file.id(), "Import failed: could not download from " + uri.getHost() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            files.markFailed(file.id(), "Import failed: the service stopped during the download.");
        } catch (RuntimeException e) {
            LOG.error("import of {} failed", file.id(), e);
            files.markFailed(file.id(), "Import failed: " + e.getMessage());
        }
    }

    URI checkedUri(String contentUrl) {
        if (contentUrl == null || contentUrl.isBlank()) {
            throw ApiException.invalid("content_url", "The 'content_url' field is required.");
        }
        URI uri;
        try {
            uri = URI.create(contentUrl.strip());
        } catch (IllegalArgumentException e) {
            throw importFailed("'" + contentUrl + "' is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw importFailed("Only http and https URLs can be imported, not '" + scheme + "'.");
        }
        if (uri.getHost() == null) throw importFailed("The URL '" + contentUrl + "' has no host.");
        if (!allowPrivateTargets) rejectPrivate(uri.getHost());
        return uri;
    }

    private static void rejectPrivate(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw importFailed("The host '" + host + "' could not be resolved.");
        }
        for (InetAddress a : addresses) {
            if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                    || a.isMulticastAddress() || isUniqueLocalV6(a)) {
                throw importFailed("The host '" + host + "' resolves to a private or loopback address ("
                        + a.getHostAddress() + "); the operator can allow such targets with --import-allow-private.");
            }
        }
    }

    private static boolean isUniqueLocalV6(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 && (b[0] & 0xfe) == 0xfc;
    }

    private static ApiException importFailed(String message) {
        return new ApiException(ErrorCode.FILE_IMPORT_FAILED, message, "content_url");
    }
}
