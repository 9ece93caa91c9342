"""socdesk's own checks, run by schemathesis on every answer beside its built-in ones
(scripts/schemathesis.sh loads this module through SCHEMATHESIS_HOOKS).

- ``no_secrets_or_undocumented_fields`` (scorecard 4): no password, token or key hash in any
  answer, and a JSON answer holds only the fields its documented schema names.
- ``no_internals_in_errors`` (scorecard 23): an error answer, negative-mode inputs included,
  shows no stack trace, SQL text or file path (unless it merely echoes what was sent).
"""

import json
import re

import schemathesis

# A stored secret's form: PHC strings of argon2/bcrypt/scrypt/pbkdf2, or a field named for one.
HASH_VALUE = re.compile(r"\$(argon2(id|i|d)|2[aby]|scrypt|pbkdf2[\w-]*)\$")
HASH_FIELD = re.compile(r'"(\w*_)?(password|token|key|secret)_hash"\s*:|"password"\s*:\s*"')

INTERNALS = [
    ("a stack trace", re.compile(r"panicked at|stack backtrace|\bat [\w:]+::\w+|\.rs:\d+")),
    ("source paths", re.compile(r"\b(src|crates)/[\w/]+\.rs\b")),
    # SQL as the ORM writes it (upper-case keywords), and what the databases' errors say.
    ("SQL text", re.compile(r"\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.+\bSET\b|\bDELETE FROM\b|SQLSTATE")),
    (
        "a database error",
        re.compile(
            r"\bsqlx\b|sea[_-]orm|no such (table|column)|syntax error at or near|duplicate key value|"
            r"violates (unique|foreign key|not-null|check) constraint|(unique|foreign key|not null|check) "
            r"constraint failed|\bpg_\w+|\bsqlite_\w+|database is locked",
            re.IGNORECASE,
        ),
    ),
    ("a file path", re.compile(r"(?<![\w.])/(root|home|tmp|work|usr|var|etc|opt|srv)/[\w.-]+|\b[A-Z]:\\[\w.-]+\\")),
]


def _strings(value):
    """Every string (and number) inside `value`, decoded."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def _sent(case):
    """Everything the request carried, decoded, to tell an echo from a leak."""
    parts = [case.path_parameters, case.query, case.headers, case.cookies, case.body]
    return "\n".join(s for p in parts for s in _strings(p))


@schemathesis.check
def no_internals_in_errors(ctx, response, case):
    if response.status_code < 400:
        return None
    raw = response.text_lossy() or ""
    # Scan what a client reads: the decoded strings of a JSON answer (escapes undone), else the text.
    try:
        text = "\n".join(_strings(json.loads(raw)))
    except ValueError:
        text = raw
    sent = _sent(case)
    for what, pattern in INTERNALS:
        for match in pattern.finditer(text):
            if match.group(0) not in sent:
                raise AssertionError(f"the {response.status_code} answer shows {what}: {match.group(0)!r} in {raw[:300]!r}")
    return None


def _resolve(root, schema, depth=0):
    while isinstance(schema, dict) and "$ref" in schema and depth < 50:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
        depth += 1
    return schema


def _undocumented(root, schema, value, where, depth=0):
    """The first field of `value` its schema does not name, as a path, or None."""
    schema = _resolve(root, schema)
    if not isinstance(schema, dict) or depth > 40:
        return None
    for key in ("oneOf", "anyOf"):
        if key in schema:
            answers = [_undocumented(root, s, value, where, depth + 1) for s in schema[key]]
            return None if any(a is None for a in answers) else answers[0]
    if "allOf" in schema:
        merged = {"type": "object", "properties": {}}
        for part in schema["allOf"]:
            part = _resolve(root, part)
            merged["properties"].update(part.get("properties", {}))
        return _undocumented(root, merged, value, where, depth + 1)
    if isinstance(value, dict) and "properties" in schema:
        extra = schema.get("additionalProperties", False)
        for name, item in value.items():
            if name in schema["properties"]:
                found = _undocumented(root, schema["properties"][name], item, f"{where}.{name}", depth + 1)
                if found:
                    return found
            elif extra is False:
                return f"{where}.{name}"
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value[:50]):
            found = _undocumented(root, schema["items"], item, f"{where}[{i}]", depth + 1)
            if found:
                return found
    return None


@schemathesis.check
def no_secrets_or_undocumented_fields(ctx, response, case):
    text = response.text_lossy() or ""
    for pattern in (HASH_VALUE, HASH_FIELD):
        match = pattern.search(text)
        if match:
            raise AssertionError(f"the answer carries a secret's hash: {match.group(0)!r}")
    if not 200 <= response.status_code < 300 or "json" not in (response.headers.get("content-type") or [""])[0]:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    root = case.operation.schema.raw_schema
    responses = case.operation.definition.raw.get("responses", {})
    documented = responses.get(str(response.status_code)) or responses.get("default")
    documented = _resolve(root, documented or {})
    content = (documented.get("content") or {}).get("application/json") or {}
    if "schema" not in content:
        return None
    field = _undocumented(root, content["schema"], value, "$")
    if field:
        raise AssertionError(f"the answer holds {field}, which its schema does not document")
    return None
