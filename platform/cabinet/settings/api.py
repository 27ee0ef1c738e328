"""The public API: Django REST framework and its OpenAPI schema."""



REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Session first: the portal's own pages call the API signed in; integrations send an API key.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication",
                                       "cabinet.modules.apikeys.authentication.ApiKeyAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": ["cabinet.modules.apikeys.throttling.ApiKeyRateThrottle"],
    "EXCEPTION_HANDLER": "cabinet.modules.apikeys.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kabinet API", "VERSION": "1.0.0", "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["cabinet.api.schema.only_enabled_modules"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "cabinet.api.schema.document_common_errors"],
    # Choice sets that share a field name get names of their own (not a hash such as "Status83aEnum").
    "ENUM_NAME_OVERRIDES": {
        "ProductKindEnum": "cabinet.api.schema.product_kinds",
        "OrderStatusEnum": "cabinet.api.schema.order_statuses",
        "SupportRequestStatusEnum": "cabinet.api.schema.support_request_statuses",
    },
}
