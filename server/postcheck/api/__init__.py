"""The JSON API, one blueprint per concern. Blueprints validate and serialise; the engine decides."""
from __future__ import annotations

import flask_smorest

from postcheck.jsonbody import BodyParser


class Blueprint(flask_smorest.Blueprint):
    """Every API blueprint: `@blp.arguments` reads JSON bodies through postcheck.jsonbody, so a body
    json.loads cannot read (too deep, a number too long) answers 400 like any other broken JSON, and
    a missing one 415; the document lists both on every operation that takes a JSON body."""

    ARGUMENTS_PARSER = BodyParser()

    def arguments(self, schema, *, location="json", **kwargs):
        decorate = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return decorate
        from postcheck.api.documented import errors
        return lambda view: errors(400, 415)(decorate(view))
