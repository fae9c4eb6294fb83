"""Settings from a TOML file and environment variables: one loader for the hub and the node.

A service's settings class derives from :class:`FileSettings` and names its variables' prefix
in its ``model_config`` (``env_prefix="OPENSPACES_HUB_"``). :func:`load_file_settings` reads
the TOML file and the environment it is handed (both parameters: building a settings object
in code reads neither) and validates once:

- **Precedence**: a variable wins over the file, the file over the default.
- **Names**: a variable is the prefix and the key in upper case; a key of a table (a nested
  model, such as ``[broker]``) takes the table's name and ``_`` in front:
  ``OPENSPACES_NODE_BROKER_PASSWORD_FILE`` is ``broker.password_file``. A variable that names
  no setting is an error, as is a key in the file that names none.
- **Paths**: a relative path in the file is relative to the file's folder (in a variable, to
  the working directory).
- **Errors**: anything wrong raises :class:`~shared.errors.ConfigError` whose source is the
  file or the variable, whose key is the dotted key and whose problem says what is wrong (with
  the value given, unless the field is a secret: one declared ``repr=False``). Never a
  traceback.
"""

from __future__ import annotations

import re
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from shared.errors import ConfigError

#: How each setting reached the loader: {dotted key: variable name} for the environment's.
Origins = Mapping[str, str]
Settings = TypeVar("Settings", bound="FileSettings")
#: A key for problems with the whole file rather than one key.
FILE_KEY = "(file)"
_GOT_LIMIT = 60


class FileSettings(BaseSettings):
    """Base of a service's settings: immutable, unknown keys refused, values read only by
    :func:`load_file_settings` (constructing one in code takes its arguments and defaults)."""

    model_config = SettingsConfigDict(
        extra="forbid", frozen=True, env_nested_delimiter="_", env_nested_max_split=1
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the constructor's arguments: the file and the environment are parameters of
        :func:`load_file_settings`, never read behind a caller's back."""
        return (init_settings,)


class _GivenEnvironment(EnvSettingsSource):
    """pydantic-settings' environment source over a mapping we are handed, not ``os.environ``."""

    def __init__(self, settings_cls: type[FileSettings], environ: Mapping[str, str]) -> None:
        self._given = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        if self.case_sensitive:
            return dict(self._given)
        return {name.lower(): value for name, value in self._given.items()}


def load_file_settings(
    cls: type[Settings], path: Path | None, environ: Mapping[str, str]
) -> Settings:
    """``cls`` from the TOML file at ``path`` (None: no file) and the variables in ``environ``
    that start with ``cls``'s prefix. Raises :class:`ConfigError` for an unreadable file,
    invalid TOML (naming its line), an unknown key or variable, or a wrong type or value."""
    source = str(path) if path is not None else "environment"
    from_file = _resolve_paths(cls, read_toml(path), path.parent) if path is not None else {}
    origins = _variables(cls, environ)
    from_environment = _read_environment(cls, environ, origins)
    merged = _merge(from_file, from_environment, source, origins)
    try:
        return cls.model_validate(merged)
    except ValidationError as exc:
        raise config_error(exc, cls, source, origins) from None


def _read_environment(
    cls: type[FileSettings], environ: Mapping[str, str], origins: Origins
) -> dict[str, Any]:
    """The values of ``cls``'s variables, tables nested (``broker.port``); a table given whole
    in one variable (``OPENSPACES_NODE_BROKER``) must be a JSON object."""
    try:
        return _GivenEnvironment(cls, environ)()
    except SettingsError as exc:
        field = re.search(r'field "([^"]+)"', str(exc))
        key = field.group(1) if field else FILE_KEY
        problem = "not valid JSON (a whole table in one variable is a JSON object)"
        raise ConfigError(origins.get(key, "environment"), key, problem) from None


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML file at ``path`` as a dict; :class:`ConfigError` if it cannot be read or is not
    valid TOML (the key then names the line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), FILE_KEY, "cannot read the file: file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), FILE_KEY, "cannot read the file: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(str(path), FILE_KEY, f"cannot read the file: {exc.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+)", str(exc))
        key = f"(line {where.group(1)})" if where else FILE_KEY
        raise ConfigError(str(path), key, f"invalid TOML: {exc}") from None


def config_error(
    exc: ValidationError, model: type[BaseModel], source: str, origins: Origins
) -> ConfigError:
    """The first of ``exc``'s errors (validating ``model``) as a :class:`ConfigError` naming its
    key, and the variable it came from (per ``origins``) or else ``source``. A model-level
    message starts with its key (``"led_pin: ..."``)."""
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"])
    problem = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        problem = "unknown setting"
    elif error["type"] == "missing":
        problem = "missing (required)"
    elif not key:
        key, _, problem = problem.partition(": ")
    elif not _is_secret(model, key):
        problem += f" (got {_shown(error['input'])})"
    return ConfigError(origins.get(key, source), key or FILE_KEY, problem)


def _variables(cls: type[FileSettings], environ: Mapping[str, str]) -> dict[str, str]:
    """{dotted key: variable} for ``environ``'s variables with ``cls``'s prefix; an unknown
    one is a :class:`ConfigError`."""
    prefix = str(cls.model_config.get("env_prefix", "")).upper()
    known = _known_keys(cls)
    origins: dict[str, str] = {}
    for name in environ:
        if not name.upper().startswith(prefix):
            continue
        rest = name[len(prefix) :].lower()
        if rest not in known:
            raise ConfigError(name, rest, "unknown setting")
        origins[known[rest]] = name
    return origins


def _known_keys(model: type[BaseModel], table: str = "") -> dict[str, str]:
    """{variable name after the prefix, lower case: dotted key} for every field of ``model``,
    and for every field of its tables."""
    known: dict[str, str] = {}
    for name, field in model.model_fields.items():
        known[f"{table}{name}".replace(".", "_")] = f"{table}{name}"
        nested = _nested_model(field.annotation)
        if nested is not None and not table:
            known |= _known_keys(nested, f"{name}.")
    return known


def _nested_model(annotation: object) -> type[BaseModel] | None:
    """The model inside ``annotation`` (``Broker``, ``Broker | None``), if it holds one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        models = [arg for arg in typing.get_args(annotation) if _nested_model(arg) is not None]
        return _nested_model(models[0]) if models else None
    return None


def _holds_path(annotation: object) -> bool:
    if annotation is Path:
        return True
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and any(
        arg is Path for arg in typing.get_args(annotation)
    )


def _resolve_paths(model: type[BaseModel], raw: dict[str, Any], folder: Path) -> dict[str, Any]:
    """``raw`` with each relative path of a :class:`~pathlib.Path` field made relative to
    ``folder``; ``~`` is expanded."""
    resolved = dict(raw)
    for name, field in model.model_fields.items():
        value = raw.get(name)
        nested = _nested_model(field.annotation)
        if isinstance(value, str) and value and _holds_path(field.annotation):  # "": no path
            resolved[name] = folder / Path(value).expanduser()
        elif isinstance(value, dict) and nested is not None:
            resolved[name] = _resolve_paths(nested, value, folder)
    return resolved


def _merge(
    from_file: Mapping[str, Any], from_environment: Mapping[str, Any], source: str, origins: Origins
) -> dict[str, Any]:
    """The file's values overlaid by the environment's, table by table; a variable that sets a
    key of a table the file gives as something else is a :class:`ConfigError`."""
    merged = dict(from_file)
    for key, value in from_environment.items():
        given = merged.get(key)
        if isinstance(value, dict) and key in merged and not isinstance(given, dict):
            variable = next(
                name for dotted, name in origins.items() if dotted.partition(".")[0] == key
            )
            raise ConfigError(
                source, key, f"must be a table ([{key}]) since {variable} sets a key of it, "
                f"not {type(given).__name__} {_shown(given)}",
            )  # fmt: skip
        merged[key] = {**given, **value} if isinstance(given, dict) else value
    return merged


def _is_secret(model: type[BaseModel], dotted: str) -> bool:
    """Whether the field at ``dotted`` of ``model`` is declared ``repr=False`` (a password:
    never echoed in an error)."""
    current: type[BaseModel] | None = model
    for part in dotted.split("."):
        field = current.model_fields.get(part) if current is not None else None
        if field is None:
            return False
        if not field.repr:
            return True
        current = _nested_model(field.annotation)
    return False


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _GOT_LIMIT else text[: _GOT_LIMIT - 3] + "..."
