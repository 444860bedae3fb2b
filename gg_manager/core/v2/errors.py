"""Why a deployment failed, in the nucleus's words: an error-code stack and error types.

A DeploymentError carries the codes Greengrass reports in a job execution's
`deployment-error-stack` (DEPLOYMENT_FAILURE first) and the types derived from them
(`deployment-error-types`), plus the message that becomes `deployment-failure-cause`.
"""

# error code -> error type, as the nucleus classifies them (the codes this core raises)
CODE_TYPES = {
    "DEPLOYMENT_FAILURE": None,
    "DEPLOYMENT_REJECTED": None,
    "DEPLOYMENT_DOCUMENT_NOT_VALID": None,
    "NO_AVAILABLE_COMPONENT_VERSION": None,
    "COMPONENT_PACKAGE_LOADING_ERROR": None,
    "COMPONENT_VERSION_REQUIREMENTS_NOT_MET": "REQUEST_ERROR",
    "COMPONENT_CIRCULAR_DEPENDENCY_ERROR": "REQUEST_ERROR",
    "CLOUD_API_ERROR": None,
    "RESOURCE_NOT_FOUND": "REQUEST_ERROR",
    "ACCESS_DENIED": "PERMISSION_ERROR",
    "THROTTLING_ERROR": "REQUEST_ERROR",
    "BAD_REQUEST": "NUCLEUS_ERROR",
    "CONFLICTED_REQUEST": "REQUEST_ERROR",
    "SERVER_ERROR": "SERVER_ERROR",
    "S3_RESOURCE_NOT_FOUND": "DEPENDENCY_ERROR",
    "NETWORK_ERROR": "NETWORK_ERROR",
    "ARTIFACT_DOWNLOAD_ERROR": None,
    "DOWNLOAD_GREENGRASS_ARTIFACT_ERROR": "HTTP_ERROR",
    "S3_ERROR": "DEPENDENCY_ERROR",
    "IO_ERROR": None,
    "IO_UNZIP_ERROR": "DEVICE_ERROR",
    "DISK_SPACE_CRITICAL": "DEVICE_ERROR",
    "RECIPE_PARSE_ERROR": "COMPONENT_RECIPE_ERROR",
    "RECIPE_MISSING_MANIFEST": "COMPONENT_RECIPE_ERROR",
    "RECIPE_MISSING_ARTIFACT_HASH_ALGORITHM": "COMPONENT_RECIPE_ERROR",
    "ARTIFACT_URI_NOT_VALID": "COMPONENT_RECIPE_ERROR",
    "UNSUPPORTED_ARTIFACT_SCHEME": "COMPONENT_RECIPE_ERROR",
    "ARTIFACT_CHECKSUM_MISMATCH": "COMPONENT_RECIPE_ERROR",
    "COMPONENT_DEPENDENCY_NOT_VALID": "COMPONENT_RECIPE_ERROR",
    "COMPONENT_VERSION_NOT_VALID": "COMPONENT_RECIPE_ERROR",
    "COMPONENT_UPDATE_ERROR": None,
    "COMPONENT_BROKEN": None,
    "COMPONENT_CONFIGURATION_NOT_VALID": None,
}


class DeploymentError(Exception):
    """A deployment's failure: message (the cause) and the codes below DEPLOYMENT_FAILURE."""

    def __init__(self, message, *codes, types=()):
        super().__init__(message)
        self.codes = list(codes)
        self.extra_types = list(types)

    @property
    def error_stack(self):
        stack = ["DEPLOYMENT_FAILURE"]
        for code in self.codes:
            if code not in stack:
                stack.append(code)
        return stack

    @property
    def error_types(self):
        types = list(self.extra_types)
        for code in self.error_stack:
            kind = CODE_TYPES.get(code)
            if kind and kind not in types:
                types.append(kind)
        return types
