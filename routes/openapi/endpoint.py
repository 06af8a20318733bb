"""How one JSON endpoint is declared for the OpenAPI document (routes.openapi.paths)."""

from dataclasses import dataclass, field

from pydantic import BaseModel

JSON = "application/json"


@dataclass(frozen=True)
class Query:
    name: str
    schema: dict
    required: bool = False


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    answer: type[BaseModel] | None
    body: type[BaseModel] | None = None
    query: tuple[Query, ...] = field(default=())
    role: str = "user"
    path_params: tuple[str, ...] = ()
    status: str = "200"
    media: str = JSON  # a non-JSON answer (CSV, an event stream) is documented as text
