"""The API documentation page, rendered on the server from the tenant's own OpenAPI schema (no CDN assets)."""

from __future__ import annotations

from dataclasses import dataclass, field

from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Parameter:
    name: str
    location: str
    required: bool
    kind: str
    description: str = ""


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    body_fields: list[Parameter] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".replace("/", "-").replace("{", "").replace("}", "").strip("-")


def _kind(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "")
    if kind == "array":
        return f"array of {_kind(schema.get('items', {}))}"
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else kind or "object"


def _body_fields(operation: dict, components: dict) -> list[Parameter]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", next(iter(content.values()), {})).get("schema", {})
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    required = set(schema.get("required", ()))
    return [Parameter(name, "body", name in required, _kind(prop), prop.get("description", ""))
            for name, prop in schema.get("properties", {}).items() if not prop.get("readOnly")]


def endpoints(request) -> list[Operation]:
    """Every operation of the schema this tenant serves (switched-off modules are left out by its hook)."""
    schema = SchemaGenerator().get_schema(request=Request(request), public=True)
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            parameters = [Parameter(p["name"], p["in"], p.get("required", False), _kind(p.get("schema", {})),
                                    p.get("description", ""))
                          for p in operation.get("parameters", [])]
            found.append(Operation(
                method=method.upper(), path=path,
                summary=operation.get("summary") or operation.get("operationId", ""),
                description=operation.get("description", ""), parameters=parameters,
                body_fields=_body_fields(operation, components),
                responses=sorted(operation.get("responses", {}))))
    return found
