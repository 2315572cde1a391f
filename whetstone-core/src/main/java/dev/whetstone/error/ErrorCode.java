package dev.whetstone.error;

/** The Azure authoring error codes (docs/reference/API.md 1.5) with the HTTP status each maps to. */
public enum ErrorCode {
    INVALID_PAYLOAD("invalidPayload", 400),
    /** A prompt refused by the deployment's content filtering policy (Azure's live inference code, docs/reference/API.md 1.5). */
    CONTENT_FILTER("content_filter", 400),
    JSONL_VALIDATION_FAILED("jsonlValidationFailed", 400),
    FILE_IMPORT_FAILED("fileImportFailed", 400),
    UNAUTHORIZED("unauthorized", 401),
    FORBIDDEN("forbidden", 403),
    /** Resource Manager: the credential may not read a resource a request names (ARM's code and wording). */
    AUTHORIZATION_FAILED("AuthorizationFailed", 403),
    NOT_FOUND("notFound", 404),
    /** Resource Manager: no such subscription, resource group or account (ARM's codes and wording). */
    SUBSCRIPTION_NOT_FOUND("SubscriptionNotFound", 404),
    RESOURCE_GROUP_NOT_FOUND("ResourceGroupNotFound", 404),
    RESOURCE_NOT_FOUND("ResourceNotFound", 404),
    /** Inference on a deployment that does not exist or is not ready yet (Azure's live code, docs/reference/API.md 6.3). */
    DEPLOYMENT_NOT_FOUND("DeploymentNotFound", 404),
    METHOD_NOT_ALLOWED("methodNotAllowed", 405),
    CONFLICT("conflict", 409),
    UNEXPECTED_ENTITY_STATE("unexpectedEntityState", 409),
    ITEM_ALREADY_EXISTS("itemDoesAlreadyExist", 409),
    PAYLOAD_TOO_LARGE("payloadTooLarge", 413),
    UNSUPPORTED_MEDIA_TYPE("unsupportedMediaType", 415),
    TOO_MANY_REQUESTS("tooManyRequests", 429),
    QUOTA_EXCEEDED("quotaExceeded", 429),
    INTERNAL_FAILURE("internalFailure", 500),
    SERVICE_UNAVAILABLE("serviceUnavailable", 503);

    private final String wireName;
    private final int httpStatus;

    ErrorCode(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    public String wireName() { return wireName; }

    public int httpStatus() { return httpStatus; }
}
