"""Connection URIs from the environment, with credentials escaped and read from secret files.

``MONGO_URI`` / ``REDIS_URL`` win when set. Otherwise they are built from parts, which is
what the compose stack passes (a password with ``@`` or ``/`` in it breaks a URI written by
hand, and compose cannot escape it):

- MongoDB: ``MONGO_HOST`` (``host[:port]``, or a comma-separated replica set), ``MONGO_USER``,
  ``MONGO_PASSWORD`` or ``MONGO_PASSWORD_FILE``, ``MONGO_AUTH_SOURCE`` (admin), ``MONGO_OPTIONS``
  (extra URI options, e.g. ``replicaSet=rs0``);
- Redis: ``REDIS_HOST``, ``REDIS_PORT`` (6379), ``REDIS_PASSWORD`` or ``REDIS_PASSWORD_FILE``,
  ``REDIS_DB`` (0).

``NAME_FILE`` is Docker's convention for secrets (``/run/secrets/...``): the value is the
file's content, stripped of its final newline.
"""
from __future__ import annotations

import os
from urllib.parse import quote


def secret(name: str, environ=os.environ) -> str | None:
    """NAME, else the content of the file NAME_FILE names, else None."""
    value = environ.get(name)
    if value:
        return value
    path = environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as f:
            return f.read().rstrip("\r\n")
    return None


def mongo_uri(environ=os.environ) -> str | None:
    if environ.get("MONGO_URI"):
        return environ["MONGO_URI"]
    host = environ.get("MONGO_HOST")
    if not host:
        return None
    user, password = environ.get("MONGO_USER"), secret("MONGO_PASSWORD", environ)
    auth = f"{quote(user, safe='')}:{quote(password or '', safe='')}@" if user else ""
    options = [f"authSource={environ.get('MONGO_AUTH_SOURCE') or 'admin'}"] if user else []
    if environ.get("MONGO_OPTIONS"):
        options.append(environ["MONGO_OPTIONS"])
    return f"mongodb://{auth}{host}/" + (f"?{'&'.join(options)}" if options else "")


def redis_url(environ=os.environ) -> str | None:
    if environ.get("REDIS_URL"):
        return environ["REDIS_URL"]
    host = environ.get("REDIS_HOST")
    if not host:
        return None
    password = secret("REDIS_PASSWORD", environ)
    auth = f":{quote(password, safe='')}@" if password else ""
    return f"redis://{auth}{host}:{environ.get('REDIS_PORT') or 6379}/{environ.get('REDIS_DB') or 0}"
