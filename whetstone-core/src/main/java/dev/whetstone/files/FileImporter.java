package dev.whetstone.files;

import dev.whetstone.Ids;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.net.FetchException;
import dev.whetstone.net.SafeHttpFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /openai/files/import}: checks the URL at once (http/https; its host resolved once and no private or
 * loopback address among the answers unless allowed), answers with a pending file, and downloads in the background
 * from the checked address under one deadline and the size cap ({@link SafeHttpFetcher}). Redirects are not
 * followed, since a redirect could lead past the address check.
 */
public final class FileImporter {
    private static final Logger LOG = LoggerFactory.getLogger(FileImporter.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final FileService files;
    private final SafeHttpFetcher fetcher;
    private final Duration timeout;

    /** @param timeout the whole download's deadline: connecting, headers and content */
    public FileImporter(FileService files, boolean allowPrivateTargets, Duration timeout) {
        this(files, new SafeHttpFetcher(allowPrivateTargets, CONNECT_TIMEOUT), timeout);
    }

    public FileImporter(FileService files, SafeHttpFetcher fetcher, Duration timeout) {
        this.files = files;
        this.fetcher = fetcher;
        this.timeout = timeout;
    }

    public FileRecord importFrom(String purposeWire, String filename, String contentUrl) {
        FilePurpose purpose = FileService.uploadablePurpose(purposeWire);
        String name = FileService.checkedFilename(filename);
        SafeHttpFetcher.Target target = checkedTarget(contentUrl);
        FileRecord file = new FileRecord(Ids.newId("file-"), files.clock().instant().getEpochSecond(), name,
                purpose, null, FileStatus.PENDING, null, null, null, null);
        files.insertPending(file);
        files.background().execute(() -> download(file, target));
        return file;
    }

    private void download(FileRecord file, SafeHttpFetcher.Target target) {
        try (InputStream body = fetcher.get(target, timeout, files.maxBytes())) {
            files.completeImport(file, body);
        } catch (ApiException | FetchException e) {
            files.markFailed(file.id(), "Import failed: " + e.getMessage());
        } catch (IOException e) {
            files.markFailed(file.id(), "Import failed: could not download from " + target.host() + ": "
                    + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("import of {} failed", file.id(), e);
            files.markFailed(file.id(), "Import failed: " + e.getMessage());
        }
    }

    SafeHttpFetcher.Target checkedTarget(String contentUrl) {
        if (contentUrl == null || contentUrl.isBlank()) {
            throw ApiException.invalid("content_url", "The 'content_url' field is required.");
        }
        URI uri;
        try {
            uri = URI.create(contentUrl.strip());
        } catch (IllegalArgumentException e) {
            throw importFailed("'" + contentUrl + "' is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw importFailed("Only http and https URLs can be imported, not '" + scheme + "'.");
        }
        if (uri.getHost() == null) throw importFailed("The URL '" + contentUrl + "' has no host.");
        try {
            return fetcher.resolve(uri);
        } catch (FetchException.Refused e) {
            throw importFailed(e.getMessage() + " The operator can allow such targets with --import-allow-private.");
        } catch (FetchException e) {
            throw importFailed(e.getMessage());
        }
    }

    private static ApiException importFailed(String message) {
        return new ApiException(ErrorCode.FILE_IMPORT_FAILED, message, "content_url");
    }
}
