"""The rule for which job arguments and fields look secret, so an export never writes a secret into a file.

Readers of live sources (``export``) replace such values by :data:`PLACEHOLDER` and warn; nothing here reads
or calls anything. The rule works on the words of a name (``--db_password`` -> ``db``, ``password``;
``AuthToken`` -> ``auth``, ``token``), so that ``--TempDir`` or ``--partition_column`` are left alone while
``--db_password``, ``--apiKey``, ``--client-secret`` and ``AuthToken`` are redacted. It errs on the side of
redacting: a wrongly redacted value is named in a warning and restored by hand, a leaked one cannot be unsent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: What a redacted value is replaced by (a string, so the document keeps its shape and still validates).
PLACEHOLDER = "<redacted by glue-airflow export>"

#: Word stems that make a name secret wherever they appear in a word (``dbpassword``, ``clientsecret``).
_SECRET_STEMS = ("password", "passwd", "passphrase", "secret", "token", "credential")
#: Whole words that make a name secret.
_SECRET_WORDS = frozenset({"pwd", "pass", "creds", "apikey", "privatekey", "accesskey", "secretkey", "authkey"})
#: ``key`` is secret unless the next word says the value only names or locates something.
_KEY_WORDS = frozenset({"key", "keys"})
_KEY_REFERENCES = frozenset(
    {"arn", "id", "name", "alias", "prefix", "path", "uri", "location", "column", "columns", "field", "fields"}
)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
#: A URL with a password in it (``postgresql://user:pass@host/db``).
_URL_WITH_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")


def words(name: str) -> list[str]:
    """The lower-case words of ``name``: split at punctuation and at camelCase boundaries."""
    return [word.lower() for word in _WORD.findall(name)]


def looks_secret(name: str) -> bool:
    """Whether an argument or field called ``name`` probably holds a secret (password, token, key ...)."""
    parts = words(name)
    for index, word in enumerate(parts):
        if word in _SECRET_WORDS or any(stem in word for stem in _SECRET_STEMS):
            return True
        if word in _KEY_WORDS:
            following = parts[index + 1] if index + 1 < len(parts) else ""
            if following not in _KEY_REFERENCES:
                return True
    return False


def value_looks_secret(value: str) -> bool:
    """Whether a value carries a secret whatever its name (a connection URL with a password)."""
    return bool(_URL_WITH_PASSWORD.match(value))


def redact(values: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """``values`` with every secret-looking non-empty entry replaced by :data:`PLACEHOLDER`, and those keys."""
    kept: dict[str, str] = {}
    redacted: list[str] = []
    for key, value in values.items():
        secret = isinstance(value, str) and value != "" and (looks_secret(key) or value_looks_secret(value))
        if secret and value != PLACEHOLDER:
            kept[key] = PLACEHOLDER
            redacted.append(key)
        else:
            kept[key] = value
    return kept, redacted
