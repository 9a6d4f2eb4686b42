"""The JSON API, one blueprint per concern. Blueprints validate and serialise; the engine decides."""
